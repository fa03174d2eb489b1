use super::{corrected, engine, transcript};

#[test]
fn fixes_the_motivating_sentence() {
    assert_eq!(corrected("Krishna speaks to Arjun at Kurukshetra"), "Kṛṣṇa speaks to Arjuna at Kurukṣetra");
}

#[test]
fn never_touches_english_false_friends() {
    for text in [
        "We sat at home and watched the drama.",
        "The diva played the guitar with a panorama behind her.",
        "That man said karma and yoga are English words now.",
        "Amanda wore armor to her karate class.",
        "The ram butted the gate.",
    ] {
        assert_eq!(corrected(text), text);
    }
}

#[test]
fn matches_on_word_boundaries_only() {
    assert_eq!(corrected("a panorama of Rama"), "a panorama of Rāma");
    assert_eq!(corrected("Ramayana"), "Rāmāyaṇa");
}

#[test]
fn keeps_possessives_and_plurals() {
    assert_eq!(corrected("Krishna's flute"), "Kṛṣṇa's flute");
    assert_eq!(corrected("Krishna’s flute"), "Kṛṣṇa’s flute");
    assert_eq!(corrected("the Upanishads teach"), "the Upaniṣads teach");
    assert_eq!(corrected("the Pandavas' camp"), "the Pāṇḍavas' camp");
}

#[test]
fn keeps_sentence_capitals_and_name_capitals() {
    assert_eq!(corrected("Samsara is a wheel."), "Saṃsāra is a wheel.");
    assert_eq!(corrected("this is samsara."), "this is saṃsāra.");
    assert_eq!(corrected("then krishna spoke"), "then Kṛṣṇa spoke");
}

#[test]
fn corrects_multi_word_terms_across_lines_and_hyphens() {
    assert_eq!(corrected("the Bhagavad Gita says"), "the Bhagavad Gītā says");
    // A cue keeps its lines.
    assert_eq!(corrected("the Bhagavad\nGita says"), "the Bhagavad\nGītā says");
    assert_eq!(corrected("sat-chit-ananda"), "sat-cit-ānanda");
}

#[test]
fn keeps_markup_and_timing() {
    let t = transcript(&["<i>Krishna</i> and <b>Arjun</b>", "nothing here"]);
    let (out, analysis) = engine().correct(t);
    assert_eq!(out.segments[0].text, "<i>Kṛṣṇa</i> and <b>Arjuna</b>");
    assert_eq!(out.segments[1].text, "nothing here");
    assert_eq!((out.segments[1].start_ms, out.segments[1].end_ms), (3000, 5500));
    assert_eq!(analysis.corrections.len(), 2);
}

#[test]
fn already_correct_iast_is_left_alone() {
    let text = "Kṛṣṇa speaks to Arjuna at Kurukṣetra about dharma.";
    assert_eq!(corrected(text), text);
    assert!(super::analyze(&[text]).flags.is_empty());
}

#[test]
fn sound_alike_spellings_nobody_listed_are_found() {
    // Neither spelling is listed; each sounds exactly like one entry.
    assert_eq!(corrected("the sage Vasishtaa taught"), "the sage Vasiṣṭha taught");
    assert_eq!(corrected("king Yudhistir ruled"), "king Yudhiṣṭhira ruled");
}

#[test]
fn capitals_quotes_and_possessives_in_every_form() {
    assert_eq!(corrected("THE PANDAVAS WON"), "THE PĀṆḌAVAS WON");
    assert_eq!(corrected("KRISHNA'S FLUTE"), "KṚṢṆA'S FLUTE");
    assert_eq!(corrected("He said 'Krishna' twice"), "He said 'Kṛṣṇa' twice");
}
