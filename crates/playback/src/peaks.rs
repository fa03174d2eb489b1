//! The waveform drawn under the review pane's cursor: the lowest and highest sample in each of
//! `buckets` equal slices.

/// `[min, max]` of each of `buckets` slices of `samples` (fewer when there are fewer samples).
pub fn peaks(samples: &[f32], buckets: usize) -> Vec<[f32; 2]> {
    if samples.is_empty() || buckets == 0 {
        return Vec::new();
    }
    let buckets = buckets.min(samples.len());
    (0..buckets)
        .map(|b| {
            let slice = &samples[b * samples.len() / buckets..(b + 1) * samples.len() / buckets];
            slice.iter().fold([f32::MAX, f32::MIN], |[lo, hi], &s| [lo.min(s), hi.max(s)])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::peaks;

    #[test]
    fn each_bucket_holds_its_slice_extremes() {
        let samples = [0.1, -0.5, 0.2, 0.9, -0.1, 0.0, 0.3, -0.2];
        assert_eq!(peaks(&samples, 2), vec![[-0.5, 0.9], [-0.2, 0.3]]);
        assert_eq!(peaks(&samples, 100).len(), 8);
        assert!(peaks(&[], 10).is_empty());
    }
}
