//! Slower or faster speech at the same pitch: WSOLA (waveform-similarity overlap-add). Each
//! output frame is taken from near where the speed says, at the offset whose waveform best
//! continues the previous frame, so the pitch periods line up and the voice does not warble.

/// Frame length: long enough to hold two periods of a low voice (30 ms).
const FRAME_MS: u32 = 30;
/// How far a frame may move from its nominal place to find a good match (±8 ms).
const SEARCH_MS: u32 = 8;

/// `samples` (mono, at `rate`) played at `speed` (0.5 = half as fast), pitch unchanged. The
/// result is `len / speed` samples long. A speed of 1 returns the samples as they are.
pub fn stretch(samples: &[f32], rate: u32, speed: f32) -> Vec<f32> {
    let speed = speed.clamp(0.25, 4.0);
    if (speed - 1.0).abs() < 1e-3 || samples.is_empty() {
        return samples.to_vec();
    }
    let frame = (rate * FRAME_MS / 1000).max(16) as usize;
    let hop_out = frame / 2;
    let search = (rate * SEARCH_MS / 1000) as usize;
    let stride = (rate / 8000).max(1) as usize;
    let out_len = (samples.len() as f64 / f64::from(speed)).round() as usize;
    let window: Vec<f32> =
        (0..frame).map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / frame as f32).cos()).collect();
    let padded = |i: isize| if i >= 0 { samples.get(i as usize).copied().unwrap_or(0.0) } else { 0.0 };

    let mut out = vec![0.0f32; out_len + frame];
    let mut norm = vec![0.0f32; out_len + frame];
    // Where the previous frame was taken from: its natural continuation is `hop_out` later.
    let mut previous: isize = 0;
    let mut k = 0usize;
    while k * hop_out < out_len {
        let nominal = (k as f64 * hop_out as f64 * f64::from(speed)).round() as isize;
        let start = if k == 0 {
            0
        } else {
            let target = previous + hop_out as isize;
            // Coarse search on every `stride`th sample (speech below 4 kHz is all there is to
            // match), then a fine one around the best: a 10 s segment at 48 kHz takes ~10 ms.
            let similarity = |delta: isize| {
                let candidate = nominal + delta;
                (0..hop_out)
                    .step_by(stride)
                    .map(|i| padded(candidate + i as isize) * padded(target + i as isize))
                    .sum::<f32>()
            };
            let coarse = best_offset((-(search as isize)..=search as isize).step_by(stride), similarity);
            let fine = best_offset(coarse - stride as isize + 1..coarse + stride as isize, similarity);
            nominal + fine
        };
        let at = k * hop_out;
        for i in 0..frame {
            out[at + i] += padded(start + i as isize) * window[i];
            norm[at + i] += window[i];
        }
        previous = start;
        k += 1;
    }
    out.truncate(out_len);
    for (o, n) in out.iter_mut().zip(&norm) {
        if *n > 1e-3 {
            *o /= n;
        }
    }
    out
}

/// The offset among `offsets` with the highest similarity.
fn best_offset(offsets: impl Iterator<Item = isize>, similarity: impl Fn(isize) -> f32) -> isize {
    offsets.map(|d| (d, similarity(d))).max_by(|a, b| a.1.total_cmp(&b.1)).map_or(0, |(d, _)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f32, rate: u32, seconds: f32) -> Vec<f32> {
        (0..(rate as f32 * seconds) as usize)
            .map(|i| (std::f32::consts::TAU * hz * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    /// The dominant frequency, from zero crossings (enough for a pure tone).
    fn pitch(samples: &[f32], rate: u32) -> f32 {
        let crossings = samples.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
        crossings as f32 * rate as f32 / samples.len() as f32
    }

    #[test]
    fn half_speed_is_twice_as_long_at_the_same_pitch() {
        for (rate, speed) in [(16_000, 0.5f32), (16_000, 0.75), (16_000, 1.25), (48_000, 0.5), (44_100, 1.5)] {
            let input = tone(220.0, rate, 1.0);
            let out = stretch(&input, rate, speed);
            let expected = (input.len() as f32 / speed).round() as usize;
            assert_eq!(out.len(), expected, "speed {speed}");
            // Away from the edges, where the window has nothing to overlap.
            let edge = rate as usize / 20;
            let body = &out[edge..out.len() - edge];
            let hz = pitch(body, rate);
            assert!((hz - 220.0).abs() < 4.0, "{rate} Hz, speed {speed}: pitch {hz} Hz");
            let rms = (body.iter().map(|s| s * s).sum::<f32>() / body.len() as f32).sqrt();
            assert!((rms - 0.354).abs() < 0.03, "speed {speed}: level {rms}");
        }
    }

    #[test]
    fn plain_resampling_would_have_moved_the_pitch() {
        // The check above can fail: dropping every other sample doubles the pitch it measures.
        let rate = 16_000;
        let input = tone(220.0, rate, 1.0);
        let decimated: Vec<f32> = input.iter().step_by(2).copied().collect();
        assert!((pitch(&decimated, rate) - 440.0).abs() < 4.0);
    }

    #[test]
    fn normal_speed_and_silence_pass_through() {
        let input = tone(100.0, 8000, 0.1);
        assert_eq!(stretch(&input, 8000, 1.0), input);
        assert!(stretch(&[], 8000, 0.5).is_empty());
    }
}
