use shruti_core::subtitle::{write_subtitles, SubtitleFormat};
use shruti_store::{Action, FlagQuery, NewDecision, Project, Scope, Script};

use crate::{engine, import, LECTURE};

fn texts(project: &Project, media: i64, script: Script) -> Vec<String> {
    let t = project.corrected(media, script, engine().lexicon()).unwrap();
    t.segments.into_iter().map(|s| s.text).collect()
}

#[test]
fn export_applies_corrections_then_decisions_and_keeps_timings() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    let media = import(&mut project, "gita.srt", LECTURE);
    assert_eq!(texts(&project, media, Script::Iast)[2], "The teaching of Krisnaa is the Bhagvad, Gītā.", "undecided");

    let flags = project.flags(&FlagQuery::default()).unwrap();
    let ann = |action| NewDecision { action, expert: "ann".into(), note: Some("checked".into()) };
    project.decide(flags[0].id, &ann(Action::Accept { suggestion: 0 }), Scope::AllInstances).unwrap();
    project.decide(flags[1].id, &ann(Action::Replace { text: "Bhagavad".into() }), Scope::One).unwrap();

    let corrected = project.corrected(media, Script::Iast, engine().lexicon()).unwrap();
    let srt = write_subtitles(&corrected, SubtitleFormat::Srt);
    assert_eq!(
        srt,
        "1\n00:00:01,000 --> 00:00:04,000\nKṛṣṇa speaks to Arjuna at Kurukṣetra.\n\n\
         2\n00:00:04,500 --> 00:00:08,000\nThen Arjuna asks about dharma and karma yoga.\n\n\
         3\n00:00:09,000 --> 00:00:12,000\nThe teaching of Kṛṣṇa is the Bhagavad, Gītā.\n\n\
         4\n00:00:12,500 --> 00:00:15,000\nKṛṣṇa smiles.\n"
    );

    // Re-export after an undo gives the text as it now stands.
    project.undo("ann", None, None).unwrap();
    assert_eq!(texts(&project, media, Script::Iast)[2], "The teaching of Kṛṣṇa is the Bhagvad, Gītā.");
}

#[test]
fn keep_as_is_beats_an_automatic_correction() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    let media = import(&mut project, "gita.srt", LECTURE);
    let flag = project.flags(&FlagQuery::default()).unwrap()[0].id;
    project.decide(flag, &NewDecision { action: Action::Keep, expert: "ann".into(), note: None }, Scope::One).unwrap();
    // A later lexicon makes "Krisnaa" an automatic correction everywhere...
    let lexicon = engine()
        .lexicon()
        .clone()
        .with_additions(
            &[shruti_core::lexicon::Addition::Variant { iast: "Kṛṣṇa".into(), variant: "Krisnaa".into() }],
            "p",
        )
        .unwrap();
    let newer = shruti_core::Engine::builder().lexicon(lexicon).build();
    let id = project.transcripts().unwrap()[0].id;
    project.reflag(id, &newer.analyze(&project.load_transcript(id).unwrap()), newer.lexicon()).unwrap();
    let out = texts(&project, media, Script::Iast);
    // ...except where the expert said keep.
    assert_eq!(out[2], "The teaching of Krisnaa is the Bhagvad, Gītā.");
    assert_eq!(out[3], "Kṛṣṇa smiles.");
}

#[test]
fn devanagari_and_ascii_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    let media = import(&mut project, "gita.srt", LECTURE);
    assert_eq!(texts(&project, media, Script::Devanagari)[0], "कृष्ण speaks to अर्जुन at कुरुक्षेत्र.");
    assert_eq!(texts(&project, media, Script::Ascii)[0], "Krishna speaks to Arjuna at Kurukshetra.");
    // Text already in IAST (an imported file written by a scholar) is converted too.
    let media = import(&mut project, "iast.srt", "1\n00:00:01,000 --> 00:00:02,000\nŚiva and Pārvatī sat.\n");
    assert_eq!(texts(&project, media, Script::Devanagari)[0], "शिव and पार्वती sat.");
    assert_eq!(texts(&project, media, Script::Ascii)[0], "Shiva and Parvati sat.");
}

#[test]
fn a_segment_edited_by_hand_exports_as_written_with_its_new_times() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    let media = import(&mut project, "gita.srt", LECTURE);
    let flags = project.flags(&FlagQuery::default()).unwrap();
    let ann = NewDecision { action: Action::Accept { suggestion: 0 }, expert: "ann".into(), note: None };
    project.decide(flags[0].id, &ann, Scope::AllInstances).unwrap();

    let edit = |text: Option<&str>, start_ms, end_ms| shruti_store::SegmentEdit {
        text: text.map(str::to_owned),
        start_ms,
        end_ms,
    };
    project.edit_segment(media, 2, &edit(Some("The Gītā is Kṛṣṇa's teaching."), 8_800, 12_100), "bob").unwrap();
    project.edit_segment(media, 3, &edit(None, 12_600, 15_500), "bob").unwrap();
    let corrected = project.corrected(media, Script::Iast, engine().lexicon()).unwrap();
    let srt = write_subtitles(&corrected, SubtitleFormat::Srt);
    assert!(srt.contains("3\n00:00:08,800 --> 00:00:12,100\nThe Gītā is Kṛṣṇa's teaching.\n"), "{srt}");
    assert!(
        srt.contains("4\n00:00:12,600 --> 00:00:15,500\nKṛṣṇa smiles.\n"),
        "timing only: the text as decided: {srt}"
    );
    assert!(srt.contains("Kṛṣṇa speaks to Arjuna"), "other segments untouched: {srt}");

    // The latest edit wins; the search index finds the text as edited.
    project.edit_segment(media, 2, &edit(Some("Kṛṣṇa teaches the Gītā."), 8_800, 12_100), "bob").unwrap();
    assert_eq!(texts(&project, media, Script::Iast)[2], "Kṛṣṇa teaches the Gītā.");
    // Moving it afterwards keeps the text written by hand.
    project.edit_segment(media, 2, &edit(None, 8_900, 12_000), "bob").unwrap();
    let moved = project.corrected(media, Script::Iast, engine().lexicon()).unwrap().segments.remove(2);
    assert_eq!((moved.text.as_str(), moved.start_ms, moved.end_ms), ("Kṛṣṇa teaches the Gītā.", 8_900, 12_000));
    let mut index = project.search_index().unwrap();
    index.sync(&project).unwrap();
    assert_eq!(index.search(&project, "teaches", false, 10).unwrap().len(), 1);

    // Bad edits are refused, naming the segment; nothing is saved.
    let err = |e: shruti_store::Error| e.to_string();
    assert!(
        err(project.edit_segment(media, 2, &edit(Some("x"), 5_000, 5_000), "bob").unwrap_err()).contains("segment 3")
    );
    assert!(err(project.edit_segment(media, 2, &edit(Some("a\n\nb"), 0, 9), "bob").unwrap_err()).contains("blank line"));
    assert!(err(project.edit_segment(media, 99, &edit(None, 0, 9), "bob").unwrap_err()).contains("no segment 100"));
    assert_eq!(texts(&project, media, Script::Iast)[2], "Kṛṣṇa teaches the Gītā.");
    assert_eq!(
        project.audit_log().unwrap().iter().filter(|(_, who, what, _)| who == "bob" && what == "edit-segment").count(),
        4
    );
}
