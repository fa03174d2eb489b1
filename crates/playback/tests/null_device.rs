//! Real playback through cpal and ALSA, into ALSA's null device (the test's own asound
//! configuration), so it runs on machines without a sound card: the position is reported as the
//! audio plays, and the end once.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use shruti_playback::{PlaybackEvent, Player, Prepared};

/// Points ALSA at a configuration whose default output is the null device (once per process:
/// ALSA reads its configuration at the first open, and both tests share it).
fn null_device() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let conf = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("asound-null.conf");
        std::fs::write(&conf, "pcm.!default { type null }\nctl.!default { type hw card 0 }\n").unwrap();
        std::env::set_var("ALSA_CONFIG_PATH", &conf);
    });
}

fn tone(rate: u32, ms: u64) -> Vec<f32> {
    (0..rate as u64 * ms / 1000).map(|i| (i as f32 * 0.05).sin() * 0.3).collect()
}

#[test]
fn a_clip_plays_reporting_its_position_then_its_end() {
    null_device();
    let (tx, events) = mpsc::channel();
    let player = Player::start(move |e| tx.send((Instant::now(), e)).unwrap()).expect("the null device opens");
    let start = Instant::now();
    // 0.6 s of audio starting 10 s into the file, played at half speed: 1.2 s.
    let audio = Prepared::new(&tone(16_000, 600), 16_000, 10_000, 0.5);
    assert_eq!(audio.duration_ms(), 1200);
    player.play(audio, false);

    let mut positions = Vec::new();
    let ended_at = loop {
        match events.recv_timeout(Duration::from_secs(10)).expect("playback ends") {
            (_, PlaybackEvent::Position { ms }) => positions.push(ms),
            (at, PlaybackEvent::Ended) => break at,
        }
    };
    assert!(positions.len() >= 5, "position reported as it plays: {positions:?}");
    assert!(positions.windows(2).all(|w| w[0] <= w[1]), "the position only moves forward: {positions:?}");
    assert!(positions.iter().all(|&ms| (10_000..=10_600).contains(&ms)), "in the file's time: {positions:?}");
    assert!(*positions.last().unwrap() > 10_300, "{positions:?}");
    let took = ended_at - start;
    assert!(took >= Duration::from_millis(900), "played at the device's pace, not at once: {took:?}");
    assert!(events.recv_timeout(Duration::from_millis(200)).is_err(), "nothing after the end");
}

#[test]
fn a_looped_clip_plays_until_stopped() {
    null_device();
    let (tx, events) = mpsc::channel();
    let player = Player::start(move |e| tx.send(e).unwrap()).expect("the null device opens");
    player.play(Prepared::new(&tone(8_000, 200), 8_000, 0, 1.0), true);
    std::thread::sleep(Duration::from_millis(700));
    let seen: Vec<PlaybackEvent> = events.try_iter().collect();
    assert!(!seen.contains(&PlaybackEvent::Ended), "a loop does not end");
    let wrapped = seen.windows(2).any(
        |w| matches!((&w[0], &w[1]), (PlaybackEvent::Position { ms: a }, PlaybackEvent::Position { ms: b }) if b < a),
    );
    assert!(wrapped, "the position goes back to the start: {seen:?}");
    player.stop();
    std::thread::sleep(Duration::from_millis(100));
    let _ = events.try_iter().count();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(events.try_iter().count(), 0, "silent once stopped");
}
