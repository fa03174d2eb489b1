//! Model downloads against a real local HTTP server: a broken connection is resumed with a Range
//! request, a cancelled one keeps its bytes and resumes later, a bad checksum removes the partial
//! file, a missing file fails at once.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use shruti_asr::models::{download, sha256_file, DownloadError};

/// Serves `body` at any path. The first GET is cut off halfway; later ones honour `Range`.
/// Returns the base URL and the Range headers seen.
fn serve(body: Vec<u8>, status_line: &'static str) -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let ranges = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&ranges);
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().enumerate() {
            let mut stream = stream.unwrap();
            let mut range = None;
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
                    range = Some(v.trim().trim_end_matches('-').to_owned());
                }
            }
            seen.lock().unwrap().push(range.clone());
            if status_line != "200 OK" {
                let _ = write!(stream, "HTTP/1.1 {status_line}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                continue;
            }
            let start: usize = range.as_deref().map_or(0, |r| r.parse().unwrap());
            let (head, part) = if start > 0 {
                let head = format!(
                    "HTTP/1.1 206 Partial Content\r\ncontent-length: {}\r\ncontent-range: bytes {start}-{}/{}\r\nconnection: close\r\n\r\n",
                    body.len() - start,
                    body.len() - 1,
                    body.len()
                );
                (head, &body[start..])
            } else {
                let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
                // The first answer breaks off halfway.
                (head, if i == 0 { &body[..body.len() / 2] } else { &body[..] })
            };
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(part);
        }
    });
    (url, ranges)
}

/// A cancel flag that is never set.
fn go() -> AtomicBool {
    AtomicBool::new(false)
}

fn body() -> Vec<u8> {
    (0..300_000u32).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn a_broken_download_resumes_and_is_checked() {
    let body = body();
    let (url, ranges) = serve(body.clone(), "200 OK");
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("ggml-test.bin");
    let expected = {
        std::fs::write(dir.path().join("reference"), &body).unwrap();
        sha256_file(&dir.path().join("reference")).unwrap()
    };
    let client = reqwest::blocking::Client::new();
    let mut last = 0;
    let got =
        download(&client, &format!("{url}/ggml-test.bin"), &dest, Some(&expected), &go(), &mut |done, _| last = done)
            .unwrap();
    assert_eq!(got, expected);
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(last, body.len() as u64);
    assert!(!dir.path().join("ggml-test.bin.part").exists());
    // The second request asked only for the missing half.
    assert_eq!(ranges.lock().unwrap()[..2], [None, Some((body.len() / 2).to_string())]);
}

#[test]
fn a_checksum_mismatch_removes_the_partial_file() {
    let (url, _) = serve(body(), "200 OK");
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("model.bin");
    let client = reqwest::blocking::Client::new();
    let wrong = "0".repeat(64);
    let err = download(&client, &format!("{url}/model.bin"), &dest, Some(&wrong), &go(), &mut |_, _| {}).unwrap_err();
    assert!(matches!(err, DownloadError::Checksum { .. }), "{err}");
    assert!(!dest.exists() && !dir.path().join("model.bin.part").exists());
}

#[test]
fn a_missing_file_fails_at_once() {
    let (url, ranges) = serve(Vec::new(), "404 Not Found");
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::blocking::Client::new();
    let err = download(&client, &format!("{url}/nope.bin"), &dir.path().join("nope.bin"), None, &go(), &mut |_, _| {})
        .unwrap_err();
    assert!(err.to_string().contains("404"), "{err}");
    assert_eq!(ranges.lock().unwrap().len(), 1, "a 404 is not retried");
}

#[test]
fn a_cancelled_download_keeps_its_bytes_and_resumes() {
    let body = body();
    let (url, ranges) = serve(body.clone(), "200 OK");
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("ggml-test.bin");
    let part = dir.path().join("ggml-test.bin.part");
    let client = reqwest::blocking::Client::new();
    let cancel = AtomicBool::new(false);
    // Cancelled as soon as the first bytes arrive.
    let err = download(&client, &format!("{url}/ggml-test.bin"), &dest, None, &cancel, &mut |done, _| {
        if done > 0 {
            cancel.store(true, Ordering::Relaxed);
        }
    })
    .unwrap_err();
    let DownloadError::Cancelled { kept, .. } = err else { panic!("{err}") };
    assert!(kept > 0 && kept < body.len() as u64, "kept {kept}");
    assert_eq!(std::fs::metadata(&part).unwrap().len(), kept);
    assert!(!dest.exists(), "a cancelled download is not installed");

    download(&client, &format!("{url}/ggml-test.bin"), &dest, None, &go(), &mut |_, _| {}).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(ranges.lock().unwrap()[1], Some(kept.to_string()), "the second download resumed");
}
