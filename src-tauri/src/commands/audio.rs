//! Playback for the review pane. The player runs on its own thread (shruti-playback); what
//! was read for one flag is kept, so the next flag's audio is read while the expert is still
//! deciding the current one, and replaying a word of it costs nothing.

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use shruti_pipeline::scan::recording_for;
use shruti_playback::{peaks, PlaybackEvent, Player, Prepared, Span};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use super::text;
use crate::state::{lock, AppState};

/// Stretches of audio kept (the current flag, the next, a few behind for J/K back and forth).
const CACHE: usize = 6;
/// Bars in the waveform under the cursor.
const WAVEFORM_BUCKETS: usize = 480;

/// The player and what it has read.
#[derive(Default)]
pub struct Audio {
    player: Option<Player>,
    /// Why there is no player.
    notice: Option<String>,
    /// Most recently used last.
    cache: Vec<Cached>,
}

/// A stretch read: the media file, the range asked for (the span is shorter at the file's end).
struct Cached {
    media: i64,
    asked: (u64, u64),
    span: Arc<Span>,
}

impl Audio {
    /// A stretch of `media` read before that covers `start_ms..end_ms`.
    fn cached(&mut self, media: i64, start_ms: u64, end_ms: u64) -> Option<Arc<Span>> {
        let i = self.cache.iter().rposition(|c| c.media == media && c.asked.0 <= start_ms && end_ms <= c.asked.1)?;
        let hit = self.cache.remove(i);
        let span = Arc::clone(&hit.span);
        self.cache.push(hit);
        Some(span)
    }

    fn keep(&mut self, media: i64, asked: (u64, u64), span: Arc<Span>) {
        if self.cache.len() >= CACHE {
            self.cache.remove(0);
        }
        self.cache.push(Cached { media, asked, span });
    }
}

fn span_end_ms(span: &Span) -> u64 {
    span.start_ms + span.samples.len() as u64 * 1000 / u64::from(span.sample_rate.max(1))
}

/// Opens the audio device in the background; events go to the front end as `playback`.
pub fn start_player<R: Runtime>(app: AppHandle<R>) {
    std::thread::spawn(move || {
        let events = app.clone();
        let started = Player::start(move |event: PlaybackEvent| {
            let _ = events.emit("playback", event);
        });
        let state = app.state::<AppState>();
        let mut audio = lock(&state.audio);
        match started {
            Ok(player) => audio.player = Some(player),
            Err(e) => {
                tracing::warn!("{e}");
                audio.notice = Some(e.to_string());
            }
        }
        let _ = app.emit("audio-status", status(&audio));
    });
}

#[derive(Debug, Clone, Serialize)]
pub struct AudioStatus {
    pub available: bool,
    pub device: Option<String>,
    pub notice: Option<String>,
}

fn status(audio: &Audio) -> AudioStatus {
    AudioStatus {
        available: audio.player.is_some(),
        device: audio.player.as_ref().map(|p| p.device().to_owned()),
        notice: audio.notice.clone(),
    }
}

#[tauri::command(async)]
pub fn audio_status(state: State<'_, AppState>) -> AudioStatus {
    status(&lock(&state.audio))
}

/// The waveform of a stretch.
#[derive(Debug, Serialize)]
pub struct Waveform {
    pub start_ms: u64,
    pub end_ms: u64,
    pub peaks: Vec<[f32; 2]>,
}

/// Reads `start_ms..end_ms` of a media file ahead of playing it and returns its waveform.
#[tauri::command(async)]
pub fn prepare_audio(state: State<'_, AppState>, media: i64, start_ms: u64, end_ms: u64) -> Result<Waveform, String> {
    let span = span(&state, media, start_ms, end_ms)?;
    Ok(Waveform { start_ms: span.start_ms, end_ms: span_end_ms(&span), peaks: peaks(&span.samples, WAVEFORM_BUCKETS) })
}

/// Plays `start_ms..end_ms` of a media file at `speed` (0.5–1.5, same pitch), looped or once.
/// Returns how long it plays, ms.
#[tauri::command(async)]
pub fn play(
    state: State<'_, AppState>,
    media: i64,
    start_ms: u64,
    end_ms: u64,
    speed: f32,
    looped: bool,
) -> Result<u64, String> {
    let span = span(&state, media, start_ms, end_ms)?;
    let rate = u64::from(span.sample_rate);
    let at = |ms: u64| ((ms.saturating_sub(span.start_ms)) * rate / 1000).min(span.samples.len() as u64) as usize;
    let (from, to) = (at(start_ms), at(end_ms));
    let prepared =
        Prepared::new(&span.samples[from..to.max(from)], span.sample_rate, start_ms.max(span.start_ms), speed);
    let duration = prepared.duration_ms();
    let audio = lock(&state.audio);
    let player =
        audio.player.as_ref().ok_or_else(|| audio.notice.clone().unwrap_or_else(|| "no audio output".into()))?;
    player.play(prepared, looped);
    Ok(duration)
}

#[tauri::command(async)]
pub fn pause_audio(state: State<'_, AppState>) {
    lock(&state.audio).player.iter().for_each(Player::pause);
}

#[tauri::command(async)]
pub fn resume_audio(state: State<'_, AppState>) {
    lock(&state.audio).player.iter().for_each(Player::resume);
}

#[tauri::command(async)]
pub fn stop_audio(state: State<'_, AppState>) {
    lock(&state.audio).player.iter().for_each(Player::stop);
}

/// The samples covering `start_ms..end_ms`, from the cache or read now (without holding the
/// audio lock while reading, so playing the current flag never waits for the next one's read).
fn span(state: &AppState, media: i64, start_ms: u64, end_ms: u64) -> Result<Arc<Span>, String> {
    if let Some(span) = lock(&state.audio).cached(media, start_ms, end_ms) {
        return Ok(span);
    }
    let file: PathBuf = state.project()?.project.media(media).map_err(text)?.path;
    let path = recording_for(&file).ok_or_else(|| {
        format!("{}: no recording to play; put the audio beside it with the same name", file.display())
    })?;
    let span = Arc::new(shruti_playback::read(&path, start_ms, end_ms).map_err(text)?);
    lock(&state.audio).keep(media, (start_ms, end_ms), Arc::clone(&span));
    Ok(span)
}
