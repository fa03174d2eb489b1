//! Downloading a large file over HTTP: into a `.part` file, resumed with a Range request after a
//! broken connection, retried with backoff, checked against its SHA-256.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::blocking::Client;
use reqwest::header::{CONTENT_RANGE, ETAG, RANGE};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

/// Attempts per download; the pause doubles each time from [`FIRST_PAUSE`].
const ATTEMPTS: u32 = 5;
const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// Why a download failed.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The server could not be reached at all (no network, DNS, refused, timed out).
    #[error("{url}: unreachable: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("{url}: the server answered {status}")]
    Http { url: String, status: StatusCode },
    #[error("{url}: the download's SHA-256 is {got}, expected {expected}; the partial file was removed")]
    Checksum { url: String, got: String, expected: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    /// Stopped on request; the bytes so far are kept and the next download resumes from them.
    #[error("{url}: cancelled after {kept} bytes; fetching it again resumes from there")]
    Cancelled { url: String, kept: u64 },
}

/// Downloads `url` to `dest` (atomically: `dest` appears only when whole and checked). `expected`
/// is a SHA-256 in hex; without one, the server's ETag is used when it is a SHA-256 (Hugging Face
/// serves large files so). Setting `cancel` stops it within a chunk. Returns the file's SHA-256.
pub fn download(
    client: &Client,
    url: &str,
    dest: &Path,
    expected: Option<&str>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<String, DownloadError> {
    let part = PathBuf::from(format!("{}.part", dest.display()));
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| DownloadError::Io { path: path.clone(), source }
    };
    let mut expected = expected.map(str::to_ascii_lowercase);
    let mut last_error = None;
    let mut finished = false;
    let cancelled =
        || DownloadError::Cancelled { url: url.to_owned(), kept: fs::metadata(&part).map_or(0, |m| m.len()) };
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            pause(backoff(attempt), cancel);
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        let have = fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
        let mut request = client.get(url);
        if have > 0 {
            request = request.header(RANGE, format!("bytes={have}-"));
        }
        let mut response = match request.send() {
            Ok(r) => r,
            Err(e) => {
                let err = unreachable(url, &e);
                tracing::info!(attempt, "download failed: {err}");
                last_error = Some(err);
                continue;
            }
        };
        let status = response.status();
        if status == StatusCode::RANGE_NOT_SATISFIABLE && have > 0 {
            // The part file is already whole (or longer than the file: start again).
            let total = response.headers().get(CONTENT_RANGE).and_then(|v| v.to_str().ok()).and_then(total_from_range);
            if total == Some(have) {
                finished = true;
                break;
            }
            fs::remove_file(&part).map_err(io_err(&part))?;
            continue;
        }
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            last_error = Some(DownloadError::Http { url: url.to_owned(), status });
            continue;
        }
        if !status.is_success() {
            return Err(DownloadError::Http { url: url.to_owned(), status });
        }
        if expected.is_none() {
            expected = response.headers().get("x-linked-etag").or(response.headers().get(ETAG)).and_then(etag_sha256);
        }
        let resumed = status == StatusCode::PARTIAL_CONTENT;
        let start = if resumed { have } else { 0 };
        let total = response.content_length().map(|n| n + start);
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(resumed)
            .truncate(!resumed)
            .open(&part)
            .map_err(io_err(&part))?;
        match copy(&mut response, &mut file, start, total, cancel, progress) {
            Ok(()) => {
                finished = true;
                break;
            }
            Err(CopyError::Cancelled) => return Err(cancelled()),
            Err(CopyError::Read(e)) => {
                tracing::info!(url, attempt, "download broke off: {e}; resuming");
                last_error = Some(DownloadError::Unreachable { url: url.to_owned(), detail: e.to_string() });
            }
            Err(CopyError::Write(e)) => return Err(io_err(&part)(e)),
        }
    }
    if !finished {
        return Err(last_error.unwrap_or_else(|| DownloadError::Unreachable {
            url: url.to_owned(),
            detail: format!("gave up after {ATTEMPTS} attempts"),
        }));
    }
    let got = sha256_file(&part).map_err(io_err(&part))?;
    if let Some(expected) = expected.filter(|e| *e != got) {
        let _ = fs::remove_file(&part);
        return Err(DownloadError::Checksum { url: url.to_owned(), got, expected });
    }
    fs::rename(&part, dest).map_err(io_err(dest))?;
    Ok(got)
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
    Cancelled,
}

fn copy(
    from: &mut impl Read,
    to: &mut File,
    mut done: u64,
    total: Option<u64>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<(), CopyError> {
    let mut buf = vec![0; 1 << 16];
    progress(done, total);
    loop {
        if cancel.load(Ordering::Relaxed) {
            // What was written stays in the part file for the next attempt to resume from.
            to.sync_all().map_err(CopyError::Write)?;
            return Err(CopyError::Cancelled);
        }
        let n = from.read(&mut buf).map_err(CopyError::Read)?;
        if n == 0 {
            break;
        }
        to.write_all(&buf[..n]).map_err(CopyError::Write)?;
        done += n as u64;
        progress(done, total);
    }
    to.sync_all().map_err(CopyError::Write)?;
    if total.is_some_and(|t| done < t) {
        return Err(CopyError::Read(io::Error::new(io::ErrorKind::UnexpectedEof, format!("ended at byte {done}"))));
    }
    Ok(())
}

fn unreachable(url: &str, e: &reqwest::Error) -> DownloadError {
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    DownloadError::Unreachable { url: url.to_owned(), detail }
}

/// Exponential backoff with up to 50 % jitter, so that many clients do not retry in step.
fn backoff(attempt: u32) -> Duration {
    let base = FIRST_PAUSE * 2u32.pow(attempt - 1);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    base + base.mul_f64(f64::from(nanos % 1000) / 2000.0)
}

/// Sleeps for `length`, waking early when `cancel` is set.
fn pause(length: Duration, cancel: &AtomicBool) {
    let end = Instant::now() + length;
    while !cancel.load(Ordering::Relaxed) {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

fn total_from_range(value: &str) -> Option<u64> {
    value.rsplit('/').next()?.trim().parse().ok()
}

fn etag_sha256(value: &reqwest::header::HeaderValue) -> Option<String> {
    let tag = value.to_str().ok()?.trim_start_matches("W/").trim_matches('"').to_ascii_lowercase();
    (tag.len() == 64 && tag.bytes().all(|b| b.is_ascii_hexdigit())).then_some(tag)
}

/// The SHA-256 of a file, in hex.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
