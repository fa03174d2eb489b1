//! Words with recogniser probabilities: doubt lowers scores and raises flags.

use shruti_core::{FlagKind, Reason};

use super::{analyze_doubted, engine, with_probabilities};

#[test]
fn known_term_heard_with_doubt_is_flagged_not_applied() {
    let a = analyze_doubted("Krishna speaks to Arjun", &[0.95, 0.9, 0.9, 0.2]);
    assert!(a.corrections.iter().any(|c| c.replacement == "Kṛṣṇa"));
    let f = a.flags.iter().find(|f| f.surface == "Arjun").expect("doubtful Arjun flagged");
    assert_eq!(f.kind, FlagKind::KnownVariant);
    assert!(f.reasons.iter().any(|r| matches!(r, Reason::LowAsrConfidence { probability } if *probability == 0.2)));
    assert_eq!(f.suggestions[0].text, "Arjuna");
    assert!(f.score < 0.9);
}

#[test]
fn doubtful_unknown_word_of_sanskrit_shape_is_an_unknown_term() {
    let a = analyze_doubted("then Bhadrashvadhipa arrived", &[0.9, 0.3, 0.9]);
    let f = a.flags.iter().find(|f| f.surface == "Bhadrashvadhipa").expect("flagged");
    assert_eq!(f.kind, FlagKind::UnknownTerm);
    assert!(f.reasons.iter().any(|r| matches!(r, Reason::LowAsrConfidence { .. })));
}

#[test]
fn very_doubtful_english_word_is_a_low_confidence_flag() {
    let a = analyze_doubted("the teacher said", &[0.9, 0.1, 0.9]);
    assert_eq!(a.flags.len(), 1);
    assert_eq!((a.flags[0].surface.as_str(), a.flags[0].kind), ("teacher", FlagKind::LowConfidence));
    let t = with_probabilities("the teacher said", &[0.9, 0.4, 0.9]);
    assert!(engine().analyze(&t).flags.is_empty(), "English words need stronger doubt");
}
