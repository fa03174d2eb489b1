//! What the audio said of re-scored spans: it decides over what the text alone suggests.

use shruti_core::{FlagKind, Heard, HeardCandidate, Reason, Segment, SuggestionSource, Transcript};

use super::{engine, suggestion_texts};

/// "he practised Renee Amap daily", the span "Renee Amap" re-scored.
fn heard(text: &str, span: &str, written: f32, candidates: &[(&str, f32)]) -> Transcript {
    let start = text.find(span).unwrap();
    let mut seg = Segment::new(0, 3000, text);
    seg.heard.push(Heard {
        start,
        end: start + span.len(),
        written,
        candidates: candidates
            .iter()
            .map(|&(iast, score)| HeardCandidate { iast: iast.into(), form: iast.into(), score })
            .collect(),
    });
    Transcript { segments: vec![seg] }
}

#[test]
fn a_term_heard_far_better_than_what_was_written_is_applied() {
    let t = heard("he practised Renee Amap daily", "Renee Amap", -2.9, &[("prāṇāyāma", -0.4), ("prāṇa", -2.5)]);
    let (out, a) = engine().correct(t);
    assert_eq!(out.segments[0].text, "he practised prāṇāyāma daily");
    let c = &a.corrections[0];
    assert!(matches!(&c.reasons[0], Reason::Heard { score, written, .. } if *score == -0.4 && *written == -2.9));
    assert!(a.flags.iter().all(|f| f.range.end <= 13 || f.range.start >= 23), "no flag left inside: {:?}", a.flags);
}

#[test]
fn a_term_heard_about_as_well_is_the_first_suggestion() {
    let t = heard(
        "he practised Renee Amap daily",
        "Renee Amap",
        -1.2,
        &[("prāṇāyāma", -1.3), ("prāṇa", -2.0), ("Rāma", -4.0)],
    );
    let a = engine().analyze(&t);
    assert!(a.corrections.is_empty());
    let f = a.flags.iter().find(|f| f.surface == "Renee Amap").expect("one flag over the span");
    assert_eq!(f.kind, FlagKind::Fuzzy);
    let texts = suggestion_texts(f);
    assert_eq!(texts, ["prāṇāyāma", "prāṇa"], "ranked by the audio, the far one left out");
    assert!(f.suggestions.iter().all(|s| s.source == SuggestionSource::Heard));
}

#[test]
fn a_term_heard_far_worse_changes_nothing() {
    let plain = engine().analyze(&heard("he practised Renee Amap daily", "Renee Amap", -0.5, &[]));
    let t = heard("he practised Renee Amap daily", "Renee Amap", -0.5, &[("prāṇāyāma", -3.0)]);
    assert_eq!(engine().analyze(&t), plain);
}

#[test]
fn common_english_is_never_rewritten_by_the_audio_alone() {
    let t = heard("the drama at home", "drama", -3.0, &[("Rāma", -0.2)]);
    let (out, a) = engine().correct(t);
    assert_eq!(out.segments[0].text, "the drama at home");
    assert_eq!(a.flags[0].suggestions[0].text, "Rāma", "only suggested");
}
