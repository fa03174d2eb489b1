use shruti_core::{FlagKind, Reason, SuggestionSource};

use super::{analyze, suggestion_texts};

#[test]
fn recited_verse_is_flagged_with_reference_and_iast() {
    let a = analyze(&["As Krishna says, karmanye vadhikaraste, ma phaleshu kadachana."]);
    let verse = a.flags.iter().find(|f| f.kind == FlagKind::Verse).expect("a verse flag");
    let m = verse.verse.as_ref().unwrap();
    assert_eq!((m.work.as_str(), m.reference.as_str()), ("Bhagavad Gītā", "2.47"));
    assert_eq!(m.iast, "karmaṇyevādhikāraste mā phaleṣu kadācana");
    assert_eq!(verse.surface, "karmanye vadhikaraste, ma phaleshu kadachana");
    assert_eq!(verse.suggestions[0].source, SuggestionSource::Verse);
    // The lead-in is still corrected.
    assert!(a.corrections.iter().any(|c| c.replacement == "Kṛṣṇa"));
}

#[test]
fn unlisted_near_miss_is_a_fuzzy_flag_with_ranked_suggestions() {
    // Near Devakī, but not so much nearer than Devaloka as to be applied.
    let a = analyze(&["king Devaka ruled"]);
    assert!(a.corrections.is_empty(), "{:?}", a.corrections);
    let f = a.flags.iter().find(|f| f.surface == "Devaka").expect("flagged");
    assert_eq!(f.kind, FlagKind::Fuzzy);
    let texts = suggestion_texts(f);
    assert_eq!(texts[..2], ["Devakī", "Devaloka"]);
    assert!(f.reasons.iter().any(|r| matches!(r, Reason::SoundsLike { .. })), "{:?}", f.reasons);
    assert!(f.suggestions.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn a_near_miss_near_one_entry_only_is_corrected() {
    // Two edits from Yudhiṣṭhira by letters, but it sounds like nothing else.
    let a = analyze(&["king Yudhishtara ruled"]);
    assert_eq!(a.corrections.len(), 1, "{:?}", a.flags);
    assert_eq!(a.corrections[0].replacement, "Yudhiṣṭhira");
}

#[test]
fn spelling_that_sounds_like_two_entries_is_asked_not_applied() {
    // Kṛṣṇa the god and Kṛṣṇā the river sound alike; the one with more known spellings leads.
    let a = analyze(&["Lord Krushnaa smiled"]);
    assert!(a.corrections.is_empty());
    let texts = suggestion_texts(&a.flags[0]);
    assert_eq!(texts[0], "Kṛṣṇa");
    assert!(texts.contains(&"Kṛṣṇā"));
    assert!(a.flags[0].reasons.contains(&Reason::Ambiguous { entries: 2 }));
}

#[test]
fn unknown_sanskrit_looking_word_is_flagged() {
    let a = analyze(&["the king Bhadrashvadhipa came"]);
    let f = a.flags.iter().find(|f| f.surface == "Bhadrashvadhipa").expect("flagged");
    assert_eq!(f.kind, FlagKind::UnknownTerm);
    assert!(matches!(f.reasons[0], Reason::SanskritShape { .. }));
}

#[test]
fn english_homograph_capitalised_mid_sentence_is_only_suggested() {
    let a = analyze(&["and then Ram went to the forest"]);
    assert!(a.corrections.is_empty());
    let f = &a.flags[0];
    assert_eq!((f.surface.as_str(), f.kind), ("Ram", FlagKind::KnownVariant));
    assert_eq!(f.suggestions[0].text, "Rāma");
    assert!(f.reasons.contains(&Reason::EnglishHomograph));
    assert!(analyze(&["Ram is an animal."]).flags.is_empty(), "sentence-initial capital is no evidence");
}

#[test]
fn spans_are_character_offsets_and_cues_carry_times() {
    let a = analyze(&["first cue", "Ṛṣi Devaka"]);
    let f = a.flags.iter().find(|f| f.surface == "Devaka").unwrap();
    assert_eq!(f.segment, 1);
    assert_eq!((f.start_ms, f.end_ms), (3000, 5500));
    assert_eq!(f.span, [4, 10]);
}

#[test]
fn a_half_verse_the_gita_repeats_names_every_verse_it_could_be() {
    // 9.34 and 18.65 open with the same half-verse.
    let a = analyze(&["man mana bhava mad bhakto mad yaji mam namaskuru"]);
    let m = a.flags[0].verse.as_ref().expect("a verse");
    let mut refs = vec![m.reference.clone()];
    refs.extend(m.also.iter().cloned());
    refs.sort();
    assert_eq!(refs, vec!["18.65", "9.34"]);
    assert_eq!(a.flags[0].suggestions.len(), 2);
}
