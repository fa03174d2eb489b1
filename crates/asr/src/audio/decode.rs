//! Container and codec decoding with symphonia, downmixed to mono at the file's own rate.

use std::fs::File;
use std::io::ErrorKind;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CodecType, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader, SeekMode, SeekTo};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;
use symphonia::core::units::{Time, TimeBase};

use super::{AudioError, AudioErrorKind, Clock};

/// Consecutive undecodable packets tolerated before the file is called corrupt: a damaged frame
/// or two in a long recording is skipped, a damaged file is not.
const MAX_BAD_PACKETS: u32 = 20;

/// A decoded stream shorter than this share of what the container announced is truncated.
const TRUNCATED_BELOW: f64 = 0.98;

pub struct Decoder {
    path: PathBuf,
    format: Box<dyn FormatReader>,
    codec: Box<dyn symphonia::core::codecs::Decoder>,
    track_id: u32,
    sample_rate: u32,
    total_frames: Option<u64>,
    time_base: Option<TimeBase>,
    frames: u64,
    /// Whether seeking lands where it says (not for Vorbis: symphonia 0.5 places its first
    /// packet after a seek a few hundred samples off).
    seekable: bool,
    bad_packets: u32,
    buffer: Option<SampleBuffer<f32>>,
}

impl Decoder {
    pub fn open(path: &Path) -> Result<Self, AudioError> {
        let err = |kind: AudioErrorKind| AudioError::new(path, kind);
        let file = File::open(path).map_err(|e| err(e.into()))?;
        if file.metadata().map_err(|e| err(e.into()))?.len() == 0 {
            return Err(err(AudioErrorKind::Empty));
        }
        let stream = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let probed = guard(|| {
            symphonia::default::get_probe().format(
                &hint,
                stream,
                &FormatOptions { enable_gapless: true, ..Default::default() },
                &MetadataOptions::default(),
            )
        })
        .map_err(|e| err(AudioErrorKind::Unsupported(format!("not an audio format Shruti can read ({e})"))))?
        .map_err(|e| err(AudioErrorKind::Unsupported(format!("not an audio format Shruti can read ({e})"))))?;
        let format = probed.format;

        let registry = symphonia::default::get_codecs();
        let audio_tracks: Vec<_> =
            format.tracks().iter().filter(|t| t.codec_params.sample_rate.is_some()).cloned().collect();
        let Some(track) = audio_tracks.iter().find(|t| registry.get_codec(t.codec_params.codec).is_some()) else {
            let detail = match audio_tracks.first() {
                Some(t) => format!("its audio is {}, which Shruti cannot decode", codec_name(t.codec_params.codec)),
                None if format.tracks().iter().any(|t| t.codec_params.codec != CODEC_TYPE_NULL) => {
                    "no audio track Shruti can decode (a video file?)".to_owned()
                }
                None => "no audio track".to_owned(),
            };
            return Err(err(AudioErrorKind::Unsupported(detail)));
        };
        let params = &track.codec_params;
        let sample_rate = params.sample_rate.unwrap_or(0);
        if sample_rate == 0 {
            return Err(err(AudioErrorKind::Unsupported("the audio track has no sample rate".into())));
        }
        let time_base = params.time_base.filter(|tb| tb.numer > 0 && tb.denom > 0);
        let codec = registry
            .make(params, &DecoderOptions::default())
            .map_err(|e| err(AudioErrorKind::Unsupported(format!("cannot decode its audio ({e})"))))?;
        Ok(Decoder {
            path: path.to_path_buf(),
            format,
            codec,
            track_id: track.id,
            sample_rate,
            total_frames: params.n_frames.map(|n| to_frames(n, time_base, sample_rate)),
            time_base,
            frames: 0,
            seekable: params.codec != symphonia::core::codecs::CODEC_TYPE_VORBIS,
            bad_packets: 0,
            buffer: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    pub fn duration_ms(&self) -> Option<u64> {
        self.total_frames.map(|n| Clock::from_frames(n, self.sample_rate).0)
    }

    /// Frames decoded so far, or the position a seek landed on.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Moves to `ms` or a little before it (the start of the packet holding it); [`frames`]
    /// then says where. Returns false where the file cannot seek exactly (reading goes on from
    /// where it was).
    ///
    /// [`frames`]: Decoder::frames
    pub fn seek(&mut self, ms: u64) -> Result<bool, AudioError> {
        if !self.seekable {
            return Ok(false);
        }
        let to = SeekTo::Time { time: Time::from(ms as f64 / 1000.0), track_id: Some(self.track_id) };
        let seeked = match guard(|| self.format.seek(SeekMode::Accurate, to)) {
            Ok(Ok(seeked)) => seeked,
            Ok(Err(SymError::SeekError(_) | SymError::Unsupported(_))) => return Ok(false),
            Ok(Err(e)) => return Err(self.error(AudioErrorKind::Corrupt { at: Clock(ms), detail: e.to_string() })),
            Err(panic) => return Err(self.error(AudioErrorKind::Corrupt { at: Clock(ms), detail: panic })),
        };
        self.codec.reset();
        self.frames = to_frames(seeked.actual_ts, self.time_base, self.sample_rate);
        Ok(true)
    }

    fn at(&self) -> Clock {
        Clock::from_frames(self.frames, self.sample_rate)
    }

    fn error(&self, kind: AudioErrorKind) -> AudioError {
        AudioError::new(&self.path, kind)
    }

    /// Appends the next packet's samples, averaged over channels, to `out`. Returns false at the
    /// end of the stream, after checking that the stream was whole.
    pub fn read_mono(&mut self, out: &mut Vec<f32>) -> Result<bool, AudioError> {
        loop {
            let packet = match guard(|| self.format.next_packet()) {
                Ok(Ok(packet)) => packet,
                Ok(Err(SymError::IoError(e))) if e.kind() == ErrorKind::UnexpectedEof => return self.end(),
                Ok(Err(SymError::IoError(e))) => return Err(self.error(e.into())),
                Ok(Err(e)) => {
                    return Err(self.error(AudioErrorKind::Corrupt { at: self.at(), detail: e.to_string() }));
                }
                Err(panic) => return Err(self.error(AudioErrorKind::Corrupt { at: self.at(), detail: panic })),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let decoded = match guard(|| self.codec.decode(&packet).map(|buf| (buf.spec().channels.count(), buf))) {
                Ok(Ok((channels, buf))) => {
                    self.bad_packets = 0;
                    let capacity = buf.capacity() as u64;
                    let spec = *buf.spec();
                    let sample_buf = match &mut self.buffer {
                        Some(b) if b.capacity() as u64 >= capacity * channels as u64 => b,
                        slot => slot.insert(SampleBuffer::new(capacity, spec)),
                    };
                    sample_buf.copy_interleaved_ref(buf);
                    Some((channels, sample_buf.samples()))
                }
                Ok(Err(SymError::DecodeError(detail))) => {
                    self.bad_packets += 1;
                    tracing::warn!(path = %self.path.display(), at = %self.at(), "skipped a damaged packet: {detail}");
                    if self.bad_packets > MAX_BAD_PACKETS {
                        let at = self.at();
                        return Err(self.error(AudioErrorKind::Corrupt { at, detail: detail.to_owned() }));
                    }
                    None
                }
                Ok(Err(SymError::IoError(e))) if e.kind() == ErrorKind::UnexpectedEof => return self.end(),
                Ok(Err(e)) => {
                    return Err(self.error(AudioErrorKind::Corrupt { at: self.at(), detail: e.to_string() }));
                }
                Err(panic) => return Err(self.error(AudioErrorKind::Corrupt { at: self.at(), detail: panic })),
            };
            let Some((channels, samples)) = decoded else { continue };
            let channels = channels.max(1);
            let before = out.len();
            out.extend(samples.chunks_exact(channels).map(|frame| frame.iter().sum::<f32>() / channels as f32));
            self.frames += (out.len() - before) as u64;
            return Ok(true);
        }
    }

    fn end(&self) -> Result<bool, AudioError> {
        if self.frames == 0 {
            return Err(self.error(AudioErrorKind::NoSamples));
        }
        if let Some(total) = self.total_frames {
            if (self.frames as f64) < total as f64 * TRUNCATED_BELOW {
                let total = Clock::from_frames(total, self.sample_rate);
                return Err(self.error(AudioErrorKind::Truncated { at: self.at(), total }));
            }
        }
        Ok(false)
    }
}

/// A timestamp in frames: MP4 and Matroska count in their own time base, not in samples.
fn to_frames(ts: u64, time_base: Option<TimeBase>, rate: u32) -> u64 {
    match time_base {
        Some(tb) => {
            let t = tb.calc_time(ts);
            ((t.seconds as f64 + t.frac) * f64::from(rate)).round() as u64
        }
        None => ts,
    }
}

/// Runs a symphonia call, turning a panic inside it (hostile input) into an error message.
fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "decoder failure".into());
        format!("the decoder failed: {msg}")
    })
}

fn codec_name(codec: CodecType) -> String {
    use symphonia::core::codecs::*;
    let known = [
        (CODEC_TYPE_OPUS, "Opus"),
        (CODEC_TYPE_AAC, "AAC"),
        (CODEC_TYPE_MP3, "MP3"),
        (CODEC_TYPE_VORBIS, "Vorbis"),
        (CODEC_TYPE_FLAC, "FLAC"),
        (CODEC_TYPE_ALAC, "ALAC"),
        (CODEC_TYPE_MP2, "MP2"),
        (CODEC_TYPE_SPEEX, "Speex"),
        (CODEC_TYPE_WAVPACK, "WavPack"),
        (CODEC_TYPE_ATRAC3, "ATRAC3"),
    ];
    known.iter().find(|(c, _)| *c == codec).map_or_else(|| format!("codec {codec}"), |(_, name)| (*name).to_owned())
}
