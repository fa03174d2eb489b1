use std::path::PathBuf;

/// Playback failures. None of them stops the rest of the app.
#[derive(Debug, thiserror::Error)]
pub enum PlaybackError {
    /// No audio output could be opened.
    #[error("no audio output: {0}. Review works without sound; connect a device and restart to hear flags.")]
    NoDevice(String),
    /// The media file could not be read at that place.
    #[error(transparent)]
    Audio(#[from] shruti_asr::audio::AudioError),
    /// The media file is not where the project says.
    #[error("{}: the media file is missing (moved or deleted?)", .0.display())]
    Missing(PathBuf),
}
