use shruti_core::{Heard, HeardCandidate, Segment, Transcript, Word};
use shruti_store::{Action, FlagQuery, FlagRow, NewDecision, Project, Scope, StateFilter};

use crate::{import, LECTURE};

fn setup() -> (tempfile::TempDir, Project, Vec<FlagRow>) {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    import(&mut project, "gita.srt", LECTURE);
    let flags = project.flags(&FlagQuery::default()).unwrap();
    let surfaces: Vec<&str> = flags.iter().map(|f| f.surface.as_str()).collect();
    assert_eq!(surfaces, ["Krisnaa", "Bhagvad", "Krisnaa"], "review order is file, then time");
    (dir, project, flags)
}

fn by(expert: &str, action: Action) -> NewDecision {
    NewDecision { action, expert: expert.into(), note: None }
}

fn state(project: &Project, id: i64) -> (String, Option<String>) {
    let f = project.flag(id).unwrap();
    (f.state, f.decided_text)
}

#[test]
fn latest_decision_wins_and_undo_steps_back() {
    let (_dir, mut project, flags) = setup();
    let id = flags[0].id;
    project.decide(id, &by("ann", Action::Accept { suggestion: 1 }), Scope::One).unwrap();
    project.decide(id, &by("ann", Action::Accept { suggestion: 0 }), Scope::One).unwrap();
    assert_eq!(state(&project, id), ("accept".into(), Some("Kṛṣṇa".into())));
    let undone = project.undo("ann", None, None).unwrap();
    assert_eq!(undone.len(), 1);
    assert_eq!(state(&project, id), ("accept".into(), Some("Kṛṣṇā".into())), "back to the earlier decision");
    project.undo("ann", None, None).unwrap();
    assert_eq!(state(&project, id), ("pending".into(), None));
    assert!(project.undo("ann", None, None).unwrap().is_empty(), "nothing left to undo");
    let history: Vec<String> = project.history(id).unwrap().into_iter().map(|d| d.action).collect();
    assert_eq!(history, ["accept", "accept", "undo", "undo"], "undo appends; nothing is erased");
}

#[test]
fn apply_to_all_records_a_group_and_undoes_as_one() {
    let (_dir, mut project, flags) = setup();
    let written =
        project.decide(flags[0].id, &by("ann", Action::Accept { suggestion: 0 }), Scope::AllInstances).unwrap();
    assert_eq!(written.len(), 2);
    assert!(written[0].group_id.is_some() && written[0].group_id == written[1].group_id);
    assert_eq!(state(&project, flags[2].id), ("accept".into(), Some("Kṛṣṇa".into())));
    project.decide(flags[1].id, &by("bob", Action::Replace { text: "Bhagavad".into() }), Scope::One).unwrap();

    // Undo by ann skips bob's later decision and takes back her whole group.
    let undone = project.undo("ann", Some("ann"), None).unwrap();
    assert_eq!(undone.len(), 2);
    assert_eq!(state(&project, flags[0].id).0, "pending");
    assert_eq!(state(&project, flags[2].id).0, "pending");
    assert_eq!(state(&project, flags[1].id), ("replace".into(), Some("Bhagavad".into())));
}

#[test]
fn apply_to_all_never_overrides_another_decision() {
    let (_dir, mut project, flags) = setup();
    project.decide(flags[2].id, &by("bob", Action::Keep), Scope::One).unwrap();
    let written =
        project.decide(flags[0].id, &by("ann", Action::Accept { suggestion: 0 }), Scope::AllInstances).unwrap();
    assert_eq!(written.len(), 1);
    assert_eq!(state(&project, flags[2].id), ("keep".into(), None));
}

#[test]
fn bad_decisions_are_refused_with_the_reason() {
    let (_dir, mut project, flags) = setup();
    let err = project.decide(flags[0].id, &by("ann", Action::Accept { suggestion: 5 }), Scope::One).unwrap_err();
    assert_eq!(err.to_string(), format!("flag {} has 2 suggestion(s); there is no number 6", flags[0].id));
    let err = project.decide(9999, &by("ann", Action::Keep), Scope::One).unwrap_err();
    assert!(err.to_string().starts_with("no flag 9999"), "{err}");
    let err = project.decide(flags[0].id, &by("ann", Action::Replace { text: "  ".into() }), Scope::One).unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
    assert!(project.history(flags[0].id).unwrap().is_empty(), "nothing was written");
}

#[test]
fn lexicon_additions_follow_their_decisions() {
    let (_dir, mut project, flags) = setup();
    let action = Action::AddVariant { iast: "Kṛṣṇa".into(), deva: "कृष्ण".into() };
    project.decide(flags[0].id, &by("ann", action), Scope::One).unwrap();
    let additions = project.lexicon_additions().unwrap();
    assert_eq!(
        additions,
        [shruti_core::lexicon::Addition::Variant { iast: "Kṛṣṇa".into(), variant: "Krisnaa".into() }]
    );
    project.undo("ann", None, None).unwrap();
    assert!(project.lexicon_additions().unwrap().is_empty(), "an undone addition is withdrawn");
    let decided = project.flags(&FlagQuery { state: StateFilter::Decided, ..FlagQuery::default() }).unwrap();
    assert!(decided.is_empty());
}

#[test]
fn reflag_keeps_decided_flags_and_drops_what_the_lexicon_now_knows() {
    let (_dir, mut project, flags) = setup();
    project.decide(flags[0].id, &by("ann", Action::Keep), Scope::One).unwrap();
    let lexicon = crate::engine()
        .lexicon()
        .clone()
        .with_additions(
            &[shruti_core::lexicon::Addition::Variant { iast: "Kṛṣṇa".into(), variant: "Krisnaa".into() }],
            "project",
        )
        .unwrap();
    let engine = shruti_core::Engine::builder().lexicon(lexicon).build();
    let transcript_id = project.transcripts().unwrap()[0].id;
    let analysis = engine.analyze(&project.load_transcript(transcript_id).unwrap());
    let changed = project.reflag(transcript_id, &analysis, engine.lexicon()).unwrap();
    assert_eq!(changed.removed, 1, "the undecided Krisnaa is now an automatic correction");
    let all = project.flags(&FlagQuery { state: StateFilter::All, ..FlagQuery::default() }).unwrap();
    let ids: Vec<i64> = all.iter().map(|f| f.id).collect();
    assert_eq!(ids, [flags[0].id, flags[1].id], "the decided flag stays, with its id");
    assert_eq!(project.transcripts().unwrap()[0].lexicon_version.as_deref(), Some(engine.lexicon().version()));
}

#[test]
fn what_the_recogniser_heard_survives_a_reload_for_the_next_reflag() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    let mut segment = Segment::new(0, 2000, "the Renee Amap breath");
    let word =
        |text: &str, probability, biased| Word { text: text.into(), start_ms: 0, end_ms: 0, probability, biased };
    segment.words = Some(vec![
        word("the", 0.99, false),
        word("Renee", 0.2, true),
        word("Amap", 0.3, false),
        word("breath", 0.9, false),
    ]);
    segment.heard = vec![Heard {
        start: 4,
        end: 14,
        written: -2.5,
        candidates: vec![HeardCandidate { iast: "prāṇāyāma".into(), form: "pranayama".into(), score: -0.4 }],
    }];
    let transcript = Transcript { segments: vec![segment] };
    crate::save(&mut project, "breath.flac", &transcript);
    let id = project.transcripts().unwrap()[0].id;
    assert_eq!(project.load_transcript(id).unwrap(), transcript);
}
