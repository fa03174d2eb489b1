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
    assert_eq!(texts(&project, media, Script::Iast)[2], "The teaching of Krisnaa is the Bhagvad Gītā.", "undecided");

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
         3\n00:00:09,000 --> 00:00:12,000\nThe teaching of Kṛṣṇa is the Bhagavad Gītā.\n\n\
         4\n00:00:12,500 --> 00:00:15,000\nKṛṣṇa smiles.\n"
    );

    // Re-export after an undo gives the text as it now stands.
    project.undo("ann", None, None).unwrap();
    assert_eq!(texts(&project, media, Script::Iast)[2], "The teaching of Kṛṣṇa is the Bhagvad Gītā.");
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
    assert_eq!(out[2], "The teaching of Krisnaa is the Bhagvad Gītā.");
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
