//! Streaming sample-rate conversion to Whisper's 16 kHz (rubato's FFT resampler: exact for the
//! fixed ratios audio files use, and fast).

use rubato::{FftFixedInOut, Resampler as _};

/// Input frames per resampler call; rubato rounds it to suit the ratio.
const CHUNK: usize = 1024;

pub struct Resampler {
    inner: Option<FftFixedInOut<f32>>,
    pending: Vec<f32>,
    /// Output frames still to drop: the resampler's delay.
    skip: usize,
    frames_in: u64,
    frames_out: u64,
    from: u32,
    to: u32,
}

impl Resampler {
    pub fn new(from: u32, to: u32) -> Result<Self, rubato::ResamplerConstructionError> {
        let inner = if from == to { None } else { Some(FftFixedInOut::new(from as usize, to as usize, CHUNK, 1)?) };
        let skip = inner.as_ref().map_or(0, |r| r.output_delay());
        Ok(Resampler { inner, pending: Vec::new(), skip, frames_in: 0, frames_out: 0, from, to })
    }

    /// Converts `input`, appending whatever output is ready to `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) {
        self.frames_in += input.len() as u64;
        let Some(inner) = &mut self.inner else {
            out.extend_from_slice(input);
            return;
        };
        self.pending.extend_from_slice(input);
        let mut used = 0;
        while self.pending.len() - used >= inner.input_frames_next() {
            let n = inner.input_frames_next();
            let result = inner.process(&[&self.pending[used..used + n]], None).expect("buffer sizes match");
            used += n;
            emit(&result[0], &mut self.skip, &mut self.frames_out, out);
        }
        self.pending.drain(..used);
    }

    /// Flushes the tail, so that the output is exactly as long as the input at the new rate.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        let Some(inner) = &mut self.inner else { return };
        let expected = (self.frames_in * u64::from(self.to)).div_ceil(u64::from(self.from));
        let mut tail = Some(std::mem::take(&mut self.pending));
        while self.frames_out < expected {
            let input = tail.take();
            let result = match &input {
                Some(rest) => inner.process_partial(Some(&[rest.as_slice()]), None),
                None => inner.process_partial::<&[f32]>(None, None),
            }
            .expect("buffer sizes match");
            let room = (expected - self.frames_out) as usize + self.skip;
            let chunk = &result[0][..result[0].len().min(room)];
            emit(chunk, &mut self.skip, &mut self.frames_out, out);
        }
    }
}

fn emit(chunk: &[f32], skip: &mut usize, frames_out: &mut u64, out: &mut Vec<f32>) {
    let dropped = (*skip).min(chunk.len());
    *skip -= dropped;
    out.extend_from_slice(&chunk[dropped..]);
    *frames_out += (chunk.len() - dropped) as u64;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f32, seconds: f32) -> Vec<f32> {
        let n = (rate as f32 * seconds) as usize;
        (0..n).map(|i| (i as f32 * hz * std::f32::consts::TAU / rate as f32).sin() * 0.5).collect()
    }

    #[test]
    fn output_length_and_frequency_survive_streaming() {
        let input = sine(44_100, 440.0, 1.3);
        let mut r = Resampler::new(44_100, 16_000).unwrap();
        let mut out = Vec::new();
        for block in input.chunks(777) {
            r.push(block, &mut out);
        }
        r.finish(&mut out);
        assert_eq!(out.len(), (input.len() as u64 * 16_000).div_ceil(44_100) as usize);
        // No lag: the output lines up with a sine generated at 16 kHz directly.
        let expected = sine(16_000, 440.0, 1.3);
        let mid = &out[2000..18_000];
        let err: f32 = mid.iter().zip(&expected[2000..18_000]).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(err < 0.02, "max deviation {err}");
    }

    #[test]
    fn same_rate_passes_through() {
        let mut r = Resampler::new(16_000, 16_000).unwrap();
        let mut out = Vec::new();
        r.push(&[0.1, 0.2], &mut out);
        r.finish(&mut out);
        assert_eq!(out, vec![0.1, 0.2]);
    }
}
