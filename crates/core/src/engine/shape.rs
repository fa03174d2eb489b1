//! How Sanskrit-like an unknown word looks, for flagging terms the lexicon lacks.

/// A score in 0..=1: high for words shaped like romanised Sanskrit (IAST letters, aspirates,
/// ṣ-like clusters, open syllables, typical endings), low for English-looking ones.
pub(crate) fn sanskrit_shape(word: &str) -> f32 {
    if word.chars().any(|c| "āīūṛṝḷṅñṭḍṇśṣṃḥ".contains(c.to_lowercase().next().unwrap_or(c))) {
        return 1.0;
    }
    let w = word.to_ascii_lowercase();
    if w.len() < 5 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return 0.0;
    }
    let mut score: f32 = 0.0;
    if [
        "bh", "dh", "kh", "gh", "jh", "ksh", "shv", "shr", "jn", "aa", "ii", "uu", "tv", "dv", "hm", "hn", "ny", "shy",
        "sha", "shi", "shu", "vai", "bri", "kri", "pri", "dri", "hri", "vri", "sri",
    ]
    .iter()
    .any(|p| w.contains(p))
    {
        score += 0.35;
    }
    if ["a", "i", "u", "am", "ah", "aya", "ana", "ya", "an", "in"].iter().any(|e| w.ends_with(e)) {
        score += 0.25;
    }
    // Open syllables: consonant-vowel alternation, as in "ma-ha-bha-ra-ta".
    let vowels = w.bytes().filter(|b| b"aeiou".contains(b)).count();
    if vowels * 5 >= w.len() * 2 {
        score += 0.2;
    }
    if ["ck", "tion", "ght", "wh", "ph", "ea", "ou", "ie", "q", "x", "z", "w", "y"].iter().any(|p| {
        // y is common in Sanskrit only after a consonant (-ya); English uses it as a vowel.
        if *p == "y" {
            w.ends_with('y') || w.contains("yo") && w.starts_with('y')
        } else {
            w.contains(p)
        }
    }) {
        score -= 0.5;
    }
    if w.ends_with("ed") || w.ends_with("ing") || w.ends_with("ly") || w.ends_with("ness") || w.ends_with("ment") {
        score -= 0.5;
    }
    score.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanskrit_words_score_high_english_low() {
        for w in ["Dhritarashtra", "Shvetaketu", "Vaishampayana", "Kṣemarāja", "Brihaspati", "Vibhishana"] {
            assert!(sanskrit_shape(w) >= 0.5, "{w} {}", sanskrit_shape(w));
        }
        for w in ["quickly", "thought", "nation", "weather", "wonderful", "background", "laptop"] {
            assert!(sanskrit_shape(w) < 0.5, "{w} {}", sanskrit_shape(w));
        }
    }
}
