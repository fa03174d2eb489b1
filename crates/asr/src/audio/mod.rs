//! Audio in: any file symphonia can read, as a stream of 16 kHz mono samples, never the whole
//! file in memory at once.

mod decode;
mod resample;

use std::fmt;
use std::path::{Path, PathBuf};

pub use decode::Decoder;
pub use resample::Resampler;

/// Whisper's sample rate.
pub const SAMPLE_RATE: u32 = 16_000;

/// Audio that could not be read, naming the file and, where known, the place in it.
#[derive(Debug, thiserror::Error)]
#[error("{}: {kind}", path.display())]
pub struct AudioError {
    pub path: PathBuf,
    pub kind: AudioErrorKind,
}

/// What went wrong with an audio file.
#[derive(Debug, thiserror::Error)]
pub enum AudioErrorKind {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("{0}; convert it to WAV or FLAC first, e.g. `ffmpeg -i INPUT -vn -ac 1 -ar 16000 OUTPUT.wav`")]
    Unsupported(String),
    #[error("corrupt audio at {at}: {detail}")]
    Corrupt { at: Clock, detail: String },
    #[error("the audio stops at {at} of {total}: the file is truncated")]
    Truncated { at: Clock, total: Clock },
    #[error("no sound: the audio track holds no samples")]
    NoSamples,
}

impl AudioError {
    pub(crate) fn new(path: &Path, kind: impl Into<AudioErrorKind>) -> Self {
        AudioError { path: path.to_path_buf(), kind: kind.into() }
    }
}

/// A position in the audio, shown as h:mm:ss.mmm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock(pub u64);

impl Clock {
    pub fn from_frames(frames: u64, rate: u32) -> Self {
        Clock(frames * 1000 / u64::from(rate.max(1)))
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        write!(f, "{}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
    }
}

/// A file read as 16 kHz mono, a block at a time.
pub struct AudioStream {
    decoder: Decoder,
    resampler: Resampler,
    block: Vec<f32>,
    done: bool,
}

impl AudioStream {
    /// Opens `path` and checks that it holds an audio track Shruti can decode.
    pub fn open(path: &Path) -> Result<Self, AudioError> {
        let decoder = Decoder::open(path)?;
        let resampler = Resampler::new(decoder.sample_rate(), SAMPLE_RATE)
            .map_err(|e| AudioError::new(path, AudioErrorKind::Unsupported(format!("cannot resample: {e}"))))?;
        Ok(AudioStream { decoder, resampler, block: Vec::new(), done: false })
    }

    /// The length in milliseconds, when the container says.
    pub fn duration_ms(&self) -> Option<u64> {
        self.decoder.duration_ms()
    }

    pub fn path(&self) -> &Path {
        self.decoder.path()
    }

    /// Appends the next samples to `out`; returns false once the stream has ended.
    pub fn read(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError> {
        if self.done {
            return Ok(false);
        }
        self.block.clear();
        if self.decoder.read_mono(&mut self.block)? {
            self.resampler.push(&self.block, out);
        } else {
            self.resampler.finish(out);
            self.done = true;
        }
        Ok(true)
    }
}

/// Reads a whole file as 16 kHz mono. For short clips; long lectures go through [`AudioStream`].
pub fn read_all(path: &Path) -> Result<Vec<f32>, AudioError> {
    let mut stream = AudioStream::open(path)?;
    let mut samples = Vec::new();
    while stream.read(&mut samples)? {}
    Ok(samples)
}

/// A stretch of a file, mono at the file's own rate: what the review pane plays.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The samples.
    pub samples: Vec<f32>,
    /// Their rate.
    pub sample_rate: u32,
    /// Where the first sample lies in the file, ms.
    pub start_ms: u64,
}

/// Reads `start_ms..end_ms` of a file (cut short at its end). It seeks where the container can,
/// so a word an hour into a lecture costs no more to read than one at the start.
pub fn read_span(path: &Path, start_ms: u64, end_ms: u64) -> Result<Span, AudioError> {
    let mut decoder = Decoder::open(path)?;
    let rate = decoder.sample_rate();
    let frame_at = |ms: u64| ms * u64::from(rate) / 1000;
    let (first, last) = (frame_at(start_ms), frame_at(end_ms.max(start_ms)));
    decoder.seek(start_ms)?;
    let mut at = decoder.frames();
    let mut buf = Vec::new();
    while at + (buf.len() as u64) < last && decoder.read_mono(&mut buf)? {
        // Where the container cannot seek, what lies before the span is dropped as it comes.
        if at + (buf.len() as u64) < first {
            at += buf.len() as u64;
            buf.clear();
        }
    }
    let skip = (first.saturating_sub(at) as usize).min(buf.len());
    let end = ((last.saturating_sub(at)) as usize).min(buf.len());
    // A seek may land a little after the start asked for: say where the samples really begin.
    let start_ms = if at > first { at * 1000 / u64::from(rate) } else { start_ms };
    Ok(Span { samples: buf[skip..end].to_vec(), sample_rate: rate, start_ms })
}
