//! The review pane's player. The audio device belongs to one thread (cpal streams cannot move
//! between threads); the app talks to it over a channel and hears back through a callback:
//! the position every 30 ms while playing, and the end.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rodio::source::Source;
use rodio::{DeviceSinkBuilder, MixerDeviceSink};
use serde::Serialize;

use crate::error::PlaybackError;
use crate::stretch::stretch;

/// How often the position is reported while playing.
const TICK: Duration = Duration::from_millis(30);

/// Audio ready to play: a stretch of a file, already at the speed it will play at.
#[derive(Debug, Clone)]
pub struct Prepared {
    samples: Arc<[f32]>,
    rate: u32,
    /// Where it starts in the file, ms.
    from_ms: u64,
    speed: f32,
}

impl Prepared {
    /// `samples` (mono, at `rate`, starting `from_ms` into the file) to play at `speed`
    /// (0.5–1.5), slowed or sped up without changing the pitch.
    pub fn new(samples: &[f32], rate: u32, from_ms: u64, speed: f32) -> Prepared {
        let speed = speed.clamp(0.5, 1.5);
        Prepared { samples: stretch(samples, rate, speed).into(), rate: rate.max(1), from_ms, speed }
    }

    /// How long it plays, ms.
    pub fn duration_ms(&self) -> u64 {
        self.samples.len() as u64 * 1000 / u64::from(self.rate)
    }

    /// The place in the file heard `heard` into playing it (looped: from the top again).
    fn file_ms(&self, heard: Duration) -> u64 {
        let length_ms = self.duration_ms().max(1) as f64;
        let heard_ms = (heard.as_secs_f64() * 1000.0) % length_ms;
        self.from_ms + (heard_ms * f64::from(self.speed)).round() as u64
    }
}

/// What the player reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum PlaybackEvent {
    /// Playing, at this place in the file.
    Position {
        /// ms into the file.
        ms: u64,
    },
    /// Playback reached the end of what it was given (never while looping).
    Ended,
}

enum Command {
    Play { audio: Prepared, looped: bool },
    Pause,
    Resume,
    Stop,
}

/// A handle on the audio thread. Dropping it stops playback and ends the thread.
pub struct Player {
    commands: Sender<Command>,
    thread: Option<JoinHandle<()>>,
    device: String,
}

impl Player {
    /// Opens the default output device on a thread of its own. Fails with
    /// [`PlaybackError::NoDevice`] where there is none (the rest of the app works without it).
    pub fn start(on_event: impl Fn(PlaybackEvent) + Send + 'static) -> Result<Player, PlaybackError> {
        let (commands, inbox) = mpsc::channel();
        let (opened, opened_rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("shruti-audio".into())
            .spawn(move || {
                let mut sink = match DeviceSinkBuilder::open_default_sink() {
                    Ok(sink) => sink,
                    Err(e) => {
                        let _ = opened.send(Err(PlaybackError::NoDevice(e.to_string())));
                        return;
                    }
                };
                sink.log_on_drop(false);
                let _ = opened.send(Ok(format!(
                    "{} Hz, {} channel(s)",
                    sink.config().sample_rate(),
                    sink.config().channel_count()
                )));
                serve(&sink, &inbox, &on_event);
            })
            .map_err(|e| PlaybackError::NoDevice(format!("cannot start the audio thread: {e}")))?;
        match opened_rx.recv() {
            Ok(Ok(device)) => Ok(Player { commands, thread: Some(thread), device }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(PlaybackError::NoDevice("the audio thread stopped while opening the device".into())),
        }
    }

    /// The output's format, for the settings screen.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Plays `audio` from its start, replacing whatever was playing; `looped` repeats it until
    /// stopped.
    pub fn play(&self, audio: Prepared, looped: bool) {
        let _ = self.commands.send(Command::Play { audio, looped });
    }

    /// Pauses, keeping the place.
    pub fn pause(&self) {
        let _ = self.commands.send(Command::Pause);
    }

    /// Goes on from where it paused.
    pub fn resume(&self) {
        let _ = self.commands.send(Command::Resume);
    }

    /// Stops and forgets what was playing.
    pub fn stop(&self) {
        let _ = self.commands.send(Command::Stop);
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
        // Closing the channel ends the thread.
        let (closed, _) = mpsc::channel();
        self.commands = closed;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What is playing now.
struct Current {
    player: rodio::Player,
    audio: Prepared,
    /// Samples the device has taken.
    taken: Arc<AtomicUsize>,
    looped: bool,
    clock: Clock,
}

/// Time heard so far. The device takes samples ahead of the speaker (its buffer), and a device
/// with no clock of its own (ALSA's null output) takes them all at once; what was heard is the
/// time played, never more than what was taken.
struct Clock {
    started: Instant,
    paused_at: Option<Instant>,
    paused: Duration,
}

impl Clock {
    fn new() -> Clock {
        Clock { started: Instant::now(), paused_at: None, paused: Duration::ZERO }
    }

    fn pause(&mut self) {
        self.paused_at.get_or_insert_with(Instant::now);
    }

    fn resume(&mut self) {
        if let Some(at) = self.paused_at.take() {
            self.paused += at.elapsed();
        }
    }

    fn played(&self) -> Duration {
        let now = self.paused_at.unwrap_or_else(Instant::now);
        now.duration_since(self.started).saturating_sub(self.paused)
    }
}

impl Current {
    fn heard(&self) -> Duration {
        let taken = self.taken.load(Ordering::Relaxed) as f64 / f64::from(self.audio.rate);
        self.clock.played().min(Duration::from_secs_f64(taken))
    }

    fn finished(&self) -> bool {
        !self.looped && self.player.empty() && self.clock.played().as_millis() as u64 >= self.audio.duration_ms()
    }
}

fn serve(sink: &MixerDeviceSink, inbox: &Receiver<Command>, on_event: &dyn Fn(PlaybackEvent)) {
    let mut current: Option<Current> = None;
    loop {
        match inbox.recv_timeout(TICK) {
            Ok(Command::Play { audio, looped }) => {
                let player = rodio::Player::connect_new(sink.mixer());
                let taken = Arc::new(AtomicUsize::new(0));
                player.append(Counted::new(&audio, looped, Arc::clone(&taken)));
                current = Some(Current { player, audio, taken, looped, clock: Clock::new() });
            }
            Ok(Command::Pause) => current.iter_mut().for_each(|c| {
                c.player.pause();
                c.clock.pause();
            }),
            Ok(Command::Resume) => current.iter_mut().for_each(|c| {
                c.player.play();
                c.clock.resume();
            }),
            Ok(Command::Stop) => current = None,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let Some(c) = &current else { continue };
        if c.finished() {
            current = None;
            on_event(PlaybackEvent::Ended);
        } else if c.clock.paused_at.is_none() {
            on_event(PlaybackEvent::Position { ms: c.audio.file_ms(c.heard()) });
        }
    }
}

/// The prepared samples as a rodio source, counting what the device has taken.
struct Counted {
    samples: Arc<[f32]>,
    rate: rodio::SampleRate,
    next: usize,
    looped: bool,
    taken: Arc<AtomicUsize>,
}

impl Counted {
    fn new(audio: &Prepared, looped: bool, taken: Arc<AtomicUsize>) -> Counted {
        let rate = rodio::SampleRate::new(audio.rate).unwrap_or(rodio::SampleRate::MIN);
        Counted { samples: Arc::clone(&audio.samples), rate, next: 0, looped, taken }
    }
}

impl Iterator for Counted {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        if self.next >= self.samples.len() {
            if !self.looped || self.samples.is_empty() {
                return None;
            }
            self.next = 0;
        }
        let sample = self.samples[self.next];
        self.next += 1;
        self.taken.fetch_add(1, Ordering::Relaxed);
        Some(sample)
    }
}

impl Source for Counted {
    fn current_span_len(&self) -> Option<usize> {
        None
    }

    fn channels(&self) -> rodio::ChannelCount {
        rodio::ChannelCount::MIN
    }

    fn sample_rate(&self) -> rodio::SampleRate {
        self.rate
    }

    fn total_duration(&self) -> Option<Duration> {
        None
    }
}
