//! Words the recogniser wrote its own way, found by how they sound.

use shruti_core::{FlagKind, Reason};

use super::{analyze, corrected, engine, with_probabilities};

fn sounds_like(reasons: &[Reason]) -> bool {
    reasons.iter().any(|r| matches!(r, Reason::SoundsLike { .. }))
}

#[test]
fn an_unknown_spelling_that_sounds_like_one_entry_is_applied_keeping_its_plural() {
    assert_eq!(corrected("Then the Coravas came to the field."), "Then the Kauravas came to the field.");
    let a = analyze(&["Then the Coravas came to the field."]);
    assert!(sounds_like(&a.corrections[0].reasons), "{:?}", a.corrections);
}

#[test]
fn a_term_split_into_words_is_suggested_whole() {
    let a = analyze(&["The king Dhrita rashtra asked."]);
    let f = a.flags.iter().find(|f| f.surface == "Dhrita rashtra").expect("the two words flagged as one");
    // Still flagged for what it is, an unknown Sanskrit-looking word; the sound says which.
    assert_eq!(f.kind, FlagKind::UnknownTerm);
    assert_eq!(f.suggestions[0].text, "Dhṛtarāṣṭra");
    assert!(sounds_like(&f.reasons));
}

#[test]
fn a_spelling_near_several_entries_is_asked_not_applied() {
    let a = analyze(&["He spoke of the Matman within."]);
    assert!(a.corrections.is_empty(), "{:?}", a.corrections);
    let f = a.flags.iter().find(|f| f.surface == "Matman").expect("flagged");
    let texts: Vec<&str> = f.suggestions.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts[0], "ātman", "{texts:?}");
    assert!(texts.contains(&"mahātman"), "{texts:?}");
}

#[test]
fn a_doubtful_english_word_is_offered_the_term_but_never_rewritten() {
    let t = with_probabilities("we read of Thomas today", &[0.9, 0.9, 0.9, 0.05, 0.9]);
    let a = engine().analyze(&t);
    assert!(a.corrections.is_empty(), "{:?}", a.corrections);
    let f = a.flags.iter().find(|f| f.surface == "Thomas").expect("doubtful word flagged");
    assert_eq!(f.kind, FlagKind::LowConfidence);
    assert_eq!(f.suggestions[0].text, "tamas");
    // Sure of it, the recogniser is believed: nothing to ask.
    let t = with_probabilities("we read of Thomas today", &[0.9; 5]);
    assert!(engine().analyze(&t).flags.is_empty());
}

#[test]
fn english_that_sounds_like_terms_is_left_alone() {
    for text in [
        "The Mother told her son about a computer and Thomas Edison.",
        "Sam and Susan went to the summer camp in Montana.",
        "My doctor, a surgeon, prescribed some medicine for the pain.",
    ] {
        assert_eq!(corrected(text), text);
        let a = analyze(&[text]);
        assert!(!a.flags.iter().any(|f| sounds_like(&f.reasons)), "{text}: {:?}", a.flags);
    }
}

#[test]
fn words_the_lexicon_knows_apart_that_sound_like_one_term_become_it() {
    assert_eq!(corrected("The teaching of Shankara Acharya spread."), "The teaching of Śaṅkarācārya spread.");
    assert_eq!(corrected("He met Vivek ananda there."), "He met Vivekānanda there.");
    // One piece only flagged: asked, with the pieces as the lexicon read them kept on offer.
    let a = analyze(&["We kept Shiva Ratri at home."]);
    let f = a.flags.iter().find(|f| f.surface == "Shiva Ratri").expect("flagged as one");
    let texts: Vec<&str> = f.suggestions.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts[0], "Śivarātri", "{texts:?}");
    assert_eq!(texts.last(), Some(&"Śiva Ratri"), "{texts:?}");
}

#[test]
fn punctuation_ends_a_term() {
    let a = analyze(&["The king Dhrita, rashtra asked."]);
    assert!(a.flags.iter().all(|f| !f.surface.contains(',')), "{:?}", a.flags);
    assert_eq!(corrected("Rama, Krishna and Arjuna"), "Rāma, Kṛṣṇa and Arjuna");
}

#[test]
fn a_doubtful_term_already_right_offers_itself_first() {
    let t = with_probabilities("we sang of Govinda today", &[0.9, 0.9, 0.9, 0.05, 0.9]);
    let a = engine().analyze(&t);
    assert!(a.corrections.is_empty(), "{:?}", a.corrections);
    let f = a.flags.iter().find(|f| f.surface == "Govinda").expect("doubtful term flagged");
    assert_eq!(f.kind, FlagKind::LowConfidence);
    // Keeping it is one key; what else it may have been follows, by sound.
    assert_eq!(f.suggestions[0].text, "Govinda");
    assert!(f.suggestions[1..].iter().all(|s| s.text != "Govinda"), "{:?}", f.suggestions);
}
