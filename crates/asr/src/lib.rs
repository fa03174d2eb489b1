//! Local speech recognition for Shruti: audio files in, timed words with confidences out.
//!
//! - [`audio`] decodes wav, mp3, flac, ogg/vorbis and m4a/aac to 16 kHz mono, as a stream.
//! - [`chunk`] cuts the stream at silences and drops long silences, keeping a time map.
//! - [`mod@transcribe`] runs whisper.cpp chunk by chunk, with progress, live segments and cancel.
//! - [`bias`] pushes the decoder towards lexicon terms as it decodes.
//! - [`rescore`] re-scores doubtful spans against the audio: which candidate term was said.
//! - [`models`] installs models: download, manifest, CTranslate2 to ggml conversion.

pub mod audio;
pub mod bias;
pub mod chunk;
pub mod device;
pub mod rescore;
pub mod transcribe;
mod trie;
mod words;

pub use bias::{Bias, Strength};
pub use device::{Device, DeviceChoice};
pub use rescore::Verifier;
pub use transcribe::{transcribe, AsrError, CancelToken, Event, Model, Options};
pub mod models;
