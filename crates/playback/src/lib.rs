//! Audio playback for the review pane: a segment or a single word, slower without a pitch
//! shift, looped; its position as it plays, and its waveform.

mod error;
mod peaks;
mod player;
mod stretch;

use std::path::Path;

pub use error::PlaybackError;
pub use peaks::peaks;
pub use player::{PlaybackEvent, Player, Prepared};
pub use stretch::stretch;

/// Samples read for playback, with their place in the file.
pub use shruti_asr::audio::Span;

/// Reads `start_ms..end_ms` of a media file for playback.
pub fn read(path: &Path, start_ms: u64, end_ms: u64) -> Result<Span, PlaybackError> {
    if !path.exists() {
        return Err(PlaybackError::Missing(path.to_path_buf()));
    }
    Ok(shruti_asr::audio::read_span(path, start_ms, end_ms)?)
}
