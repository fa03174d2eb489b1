use shruti_store::{Action, FlagQuery, NewDecision, Project, Scope, StateFilter};

use crate::{import, LECTURE};

#[test]
fn backup_while_writing_then_restore_keeping_the_replaced_database() {
    let dir = tempfile::tempdir().unwrap();
    let project_dir = dir.path().join("project");
    let mut project = Project::open(&project_dir).unwrap();
    import(&mut project, "gita.srt", LECTURE);
    let flags = project.flags(&FlagQuery::default()).unwrap();
    let keep = |who: &str| NewDecision { action: Action::Keep, expert: who.into(), note: None };
    project.decide(flags[0].id, &keep("ann"), Scope::One).unwrap();

    // Another connection keeps deciding while the backup runs.
    let writer_dir = project_dir.clone();
    let ids: Vec<i64> = flags.iter().map(|f| f.id).collect();
    let writer = std::thread::spawn(move || {
        let mut p = Project::open(&writer_dir).unwrap();
        for i in 0..50 {
            p.decide(ids[1 + i % 2], &keep("bob"), Scope::One).unwrap();
        }
    });
    let backup = dir.path().join("backup.db");
    project.backup(&backup).unwrap();
    writer.join().unwrap();

    project.decide(flags[1].id, &keep("carol"), Scope::One).unwrap();
    drop(project);
    shruti_store::restore(&backup, &project_dir).unwrap();
    let project = Project::open(&project_dir).unwrap();
    let history = project.history(flags[0].id).unwrap();
    assert_eq!(history[0].expert, "ann", "the backup holds what was decided before it");
    assert!(project.history(flags[1].id).unwrap().iter().all(|d| d.expert != "carol"), "later work is not in it");
    let kept: Vec<_> = std::fs::read_dir(&project_dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("shruti.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept");
    assert_eq!(project.flags(&FlagQuery { state: StateFilter::All, ..FlagQuery::default() }).unwrap().len(), 3);
}

#[test]
fn restore_refuses_what_is_not_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database at all, just some bytes that go on for a while......").unwrap();
    let err = shruti_store::restore(&junk, &dir.path().join("p")).unwrap_err().to_string();
    assert!(err.contains("junk.db"), "{err}");
}
