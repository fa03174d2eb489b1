//! Cutting a long recording into pieces Whisper can take one at a time, at silences, and
//! dropping long silences so that no encoder window is spent on them.
//!
//! A chunk is at most [`ChunkerConfig::window_s`] of the source; only one chunk's samples are in
//! memory at a time, whatever the length of the lecture. Inside a chunk, every pause longer than
//! `min_silence_s` is shortened to `kept_silence_s`, and a [`TimeMap`] takes times in the shortened
//! audio back to times in the source.

use crate::audio::{AudioError, AudioStream, SAMPLE_RATE};

const RATE: usize = SAMPLE_RATE as usize;
/// Energy is measured over 20 ms frames.
const FRAME: usize = RATE / 50;
/// Frames quieter than this (dBFS) are silence whatever the recording's noise floor.
const ABSOLUTE_SILENCE_DB: f32 = -60.0;

/// How chunks are cut.
#[derive(Debug, Clone)]
pub struct ChunkerConfig {
    /// Longest chunk of source audio, in seconds.
    pub window_s: f32,
    /// The cut is made at the longest pause in this last stretch of the window, in seconds.
    pub search_s: f32,
    /// Pauses at least this long are shortened, in seconds.
    pub min_silence_s: f32,
    /// What is kept of a shortened pause, in seconds (half at each edge).
    pub kept_silence_s: f32,
    /// Shorten pauses at all (off: chunks are whole stretches of the source).
    pub skip_silence: bool,
}

impl Default for ChunkerConfig {
    fn default() -> Self {
        ChunkerConfig { window_s: 300.0, search_s: 30.0, min_silence_s: 1.0, kept_silence_s: 0.4, skip_silence: true }
    }
}

/// A stretch of the source, with its pauses shortened.
#[derive(Debug, Clone)]
pub struct Chunk {
    /// The samples to transcribe (16 kHz mono).
    pub samples: Vec<f32>,
    /// Takes sample positions in `samples` back to the source.
    pub map: TimeMap,
    /// Where the chunk starts and ends in the source, in samples.
    pub source_start: u64,
    pub source_end: u64,
}

/// Piecewise map from positions in a chunk's samples to positions in the source.
#[derive(Debug, Clone, Default)]
pub struct TimeMap {
    /// (position in the chunk, position in the source, length), in samples, in order.
    pieces: Vec<(u64, u64, u64)>,
}

impl TimeMap {
    /// The source time, in ms, of a time in the chunk, in ms: a start, so a time on the seam
    /// between two pieces maps to the start of the later one.
    pub fn source_ms(&self, chunk_ms: u64) -> u64 {
        self.map(chunk_ms, |dst, at| dst <= at)
    }

    /// The same for an end: a time on a seam maps to the end of the earlier piece, never across
    /// the pause removed there.
    pub fn source_end_ms(&self, chunk_ms: u64) -> u64 {
        self.map(chunk_ms, |dst, at| dst < at)
    }

    fn map(&self, chunk_ms: u64, before: impl Fn(u64, u64) -> bool) -> u64 {
        let at = chunk_ms * RATE as u64 / 1000;
        let i = self.pieces.partition_point(|&(dst, _, _)| before(dst, at)).saturating_sub(1);
        let Some(&(dst, src, len)) = self.pieces.get(i) else { return 0 };
        (src + (at - dst.min(at)).min(len)) * 1000 / RATE as u64
    }

    fn push(&mut self, dst: u64, src: u64, len: u64) {
        if len > 0 {
            self.pieces.push((dst, src, len));
        }
    }
}

/// Reads a stream chunk by chunk.
pub struct Chunker {
    config: ChunkerConfig,
    buffer: Vec<f32>,
    /// Source position of `buffer[0]`.
    consumed: u64,
    ended: bool,
}

impl Chunker {
    pub fn new(config: ChunkerConfig) -> Self {
        Chunker { config, buffer: Vec::new(), consumed: 0, ended: false }
    }

    /// The next chunk, or None at the end. A chunk may hold no samples: all silence.
    pub fn next(&mut self, stream: &mut AudioStream) -> Result<Option<Chunk>, AudioError> {
        let window = (self.config.window_s * RATE as f32) as usize;
        while !self.ended && self.buffer.len() < window {
            self.ended = !stream.read(&mut self.buffer)?;
        }
        if self.buffer.is_empty() {
            return Ok(None);
        }
        let cut = if self.ended && self.buffer.len() <= window {
            self.buffer.len()
        } else {
            let search = ((self.config.search_s * RATE as f32) as usize).min(window);
            cut_point(&self.buffer[..window], window - search)
        };
        let source_start = self.consumed;
        let chunk = self.shorten(&self.buffer[..cut], source_start);
        self.buffer.drain(..cut);
        self.consumed += cut as u64;
        Ok(Some(chunk))
    }

    fn shorten(&self, raw: &[f32], source_start: u64) -> Chunk {
        let source_end = source_start + raw.len() as u64;
        let mut map = TimeMap::default();
        if !self.config.skip_silence {
            map.push(0, source_start, raw.len() as u64);
            return Chunk { samples: raw.to_vec(), map, source_start, source_end };
        }
        let silent = silent_frames(raw);
        let min_run = (self.config.min_silence_s * 50.0) as usize;
        let keep = (self.config.kept_silence_s * RATE as f32 / 2.0) as usize;
        let mut samples = Vec::with_capacity(raw.len());
        let mut copy = |from: usize, to: usize, samples: &mut Vec<f32>| {
            if from < to {
                map.push(samples.len() as u64, source_start + from as u64, (to - from) as u64);
                samples.extend_from_slice(&raw[from..to]);
            }
        };
        let mut start = 0; // start of the stretch still to copy
        for (run_start, run_end) in runs(&silent).filter(|(s, e)| e - s >= min_run) {
            let (a, b) = (run_start * FRAME, (run_end * FRAME).min(raw.len()));
            // Keep a little of the pause at each edge of the speech around it.
            let head = if a == 0 { 0 } else { keep };
            let tail = if b == raw.len() { 0 } else { keep };
            copy(start, a + head, &mut samples);
            start = b.saturating_sub(tail).max(a + head);
        }
        copy(start, raw.len(), &mut samples);
        Chunk { samples, map, source_start, source_end }
    }
}

/// Per 20 ms frame: is it silence? The threshold adapts to the recording's noise floor.
fn silent_frames(raw: &[f32]) -> Vec<bool> {
    let levels: Vec<f32> = raw.chunks(FRAME).map(level_db).collect();
    let threshold = silence_threshold(&levels);
    levels.iter().map(|&db| db < threshold).collect()
}

fn level_db(frame: &[f32]) -> f32 {
    let power = frame.iter().map(|s| s * s).sum::<f32>() / frame.len().max(1) as f32;
    10.0 * power.max(1e-10).log10()
}

/// Between the quiet floor (10th percentile) and the speech level (95th), nearer the floor; never
/// below absolute silence.
fn silence_threshold(levels: &[f32]) -> f32 {
    if levels.is_empty() {
        return ABSOLUTE_SILENCE_DB;
    }
    let mut sorted = levels.to_vec();
    sorted.sort_by(f32::total_cmp);
    let pct = |p: f32| sorted[((sorted.len() - 1) as f32 * p) as usize];
    let (floor, loud) = (pct(0.10), pct(0.95));
    (floor + 0.3 * (loud - floor)).max(floor + 6.0).clamp(ABSOLUTE_SILENCE_DB, loud.max(ABSOLUTE_SILENCE_DB))
}

/// Runs of `true`, as frame ranges.
fn runs(flags: &[bool]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < flags.len() && !flags[i] {
            i += 1;
        }
        let start = i;
        while i < flags.len() && flags[i] {
            i += 1;
        }
        (start < flags.len()).then_some((start, i))
    })
}

/// Where to cut `window`: the middle of the longest pause after `from`, else its quietest frame.
fn cut_point(window: &[f32], from: usize) -> usize {
    let first = from / FRAME;
    let silent = silent_frames(window);
    if let Some((s, e)) = runs(&silent[first..]).max_by_key(|(s, e)| (e - s, *s)) {
        return (first + (s + e) / 2) * FRAME;
    }
    let quietest = window[first * FRAME..]
        .chunks(FRAME)
        .map(level_db)
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0, |(i, _)| i);
    ((first + quietest) * FRAME).max(FRAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(seconds: f32) -> Vec<f32> {
        (0..(seconds * RATE as f32) as usize).map(|i| (i as f32 * 0.07).sin() * 0.3).collect()
    }

    fn silence(seconds: f32) -> Vec<f32> {
        vec![0.0; (seconds * RATE as f32) as usize]
    }

    #[test]
    fn long_pauses_are_shortened_and_times_map_back() {
        let raw: Vec<f32> = [tone(2.0), silence(5.0), tone(1.0), silence(0.5), tone(1.0)].concat();
        let chunker = Chunker::new(ChunkerConfig::default());
        let chunk = chunker.shorten(&raw, 0);
        // 5 s pause becomes 0.4 s; the 0.5 s pause stays.
        let expected = 2.0 + 0.4 + 1.0 + 0.5 + 1.0;
        let got = chunk.samples.len() as f32 / RATE as f32;
        assert!((got - expected).abs() < 0.05, "{got} s");
        // The second tone starts at 7 s in the source and about 2.4 s in the chunk.
        assert_eq!(chunk.map.source_ms(2_450) / 100, 70);
        assert_eq!(chunk.map.source_ms(1_000), 1_000);
        assert!(chunk.map.source_ms(4_850) >= 9_400);
        // On the seam at 2.2 s of the chunk (2.2 s in the source, 6.8 s after the cut pause), an
        // end stays before the pause, a start goes after it.
        assert_eq!(chunk.map.source_end_ms(2_200), 2_200);
        assert_eq!(chunk.map.source_ms(2_200), 6_800);
    }

    #[test]
    fn leading_and_trailing_silence_are_dropped() {
        let raw: Vec<f32> = [silence(3.0), tone(1.0), silence(3.0)].concat();
        let chunk = Chunker::new(ChunkerConfig::default()).shorten(&raw, 16_000);
        // 1 s of tone and 0.2 s of pause on each side of it.
        assert!((chunk.samples.len() as f32 / RATE as f32 - 1.4).abs() < 0.05);
        assert_eq!(chunk.map.source_ms(0) / 100, 38);
    }

    #[test]
    fn all_silence_gives_an_empty_chunk() {
        let chunk = Chunker::new(ChunkerConfig::default()).shorten(&silence(10.0), 0);
        assert!(chunk.samples.is_empty());
    }

    #[test]
    fn noisy_floor_still_finds_pauses() {
        // Hiss at -40 dBFS under the whole recording.
        let hiss = |n: usize| (0..n).map(|i| if i % 2 == 0 { 0.01 } else { -0.01 }).collect::<Vec<f32>>();
        let mut raw: Vec<f32> = [tone(2.0), silence(3.0), tone(2.0)].concat();
        for (s, h) in raw.iter_mut().zip(hiss(7 * RATE)) {
            *s += h;
        }
        let chunk = Chunker::new(ChunkerConfig::default()).shorten(&raw, 0);
        assert!((chunk.samples.len() as f32 / RATE as f32 - 4.4).abs() < 0.05);
    }

    #[test]
    fn cuts_fall_in_the_longest_late_pause() {
        let window: Vec<f32> = [tone(20.0), silence(0.6), tone(5.0), silence(2.0), tone(3.0)].concat();
        let cut = cut_point(&window, 10 * RATE);
        let cut_s = cut as f32 / RATE as f32;
        assert!((25.6..27.6).contains(&cut_s), "cut at {cut_s}");
        // No pause at all: cut at the quietest frame, never at zero.
        assert!(cut_point(&tone(10.0), 5 * RATE) >= 5 * RATE);
    }
}
