//! The mel filterbank a ggml Whisper file carries: librosa's Slaney-style filters
//! (`librosa.filters.mel(sr=16000, n_fft=400, n_mels=N)`), computed rather than copied.

const SAMPLE_RATE: f64 = 16_000.0;
pub const N_FFT: usize = 400;
/// Frequency bins of a 400-point real FFT.
pub const N_BINS: usize = N_FFT / 2 + 1;

/// `n_mels` rows of [`N_BINS`] weights, row-major.
pub fn filters(n_mels: usize) -> Vec<f32> {
    let fft_freqs: Vec<f64> = (0..N_BINS).map(|i| i as f64 * SAMPLE_RATE / N_FFT as f64).collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(SAMPLE_RATE / 2.0));
    let mel_f: Vec<f64> = (0..n_mels + 2).map(|i| mel_to_hz(lo + (hi - lo) * i as f64 / (n_mels + 1) as f64)).collect();
    let mut weights = Vec::with_capacity(n_mels * N_BINS);
    for i in 0..n_mels {
        // Slaney normalisation: each triangle has unit area.
        let norm = 2.0 / (mel_f[i + 2] - mel_f[i]);
        for &f in &fft_freqs {
            let lower = (f - mel_f[i]) / (mel_f[i + 1] - mel_f[i]);
            let upper = (mel_f[i + 2] - f) / (mel_f[i + 2] - mel_f[i + 1]);
            weights.push((lower.min(upper).max(0.0) * norm) as f32);
        }
    }
    weights
}

// The Slaney mel scale: linear below 1 kHz, logarithmic above.
const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

fn hz_to_mel(hz: f64) -> f64 {
    if hz >= MIN_LOG_HZ {
        MIN_LOG_MEL + (hz / MIN_LOG_HZ).ln() / log_step()
    } else {
        hz / F_SP
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    if mel >= MIN_LOG_MEL {
        MIN_LOG_HZ * (log_step() * (mel - MIN_LOG_MEL)).exp()
    } else {
        mel * F_SP
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_librosa() {
        let f = filters(80);
        assert_eq!(f.len(), 80 * N_BINS);
        // librosa.filters.mel(sr=16000, n_fft=400, n_mels=80)[0, 1]
        assert!((f[1] - 0.024_862_59).abs() < 1e-7, "{}", f[1]);
        assert_eq!(f[0], 0.0);
        assert!(f.iter().all(|w| *w >= 0.0));
    }
}
