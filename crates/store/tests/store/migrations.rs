use rusqlite::Connection;
use shruti_store::{FlagQuery, Project, StateFilter, SCHEMA_VERSION};

/// A version-1 project as an older Shruti left it: a file, a transcript, a flag, a decision.
const V1_DATA: &str = "
INSERT INTO media (id, hash, path, kind, bytes, added_at) VALUES (1, 'h1', '/l/a.srt', 'subtitle', 10, 1);
INSERT INTO jobs (media_id, state, created_at, updated_at) VALUES (1, 'done', 1, 1);
INSERT INTO transcripts (id, media_id, source, created_at) VALUES (1, 1, 'srt', 1);
INSERT INTO segments (id, transcript_id, idx, start_ms, end_ms, text, auto_text) VALUES (1, 1, 0, 0, 1000, 'Krisnaa smiles', 'Krisnaa smiles');
INSERT INTO flags (id, segment_id, byte_start, byte_end, char_start, char_end, surface, kind, score, reasons, suggestions)
    VALUES (1, 1, 0, 7, 0, 7, 'Krisnaa', 'fuzzy', 0.8, '[]', '[{\"text\":\"Kṛṣṇa\",\"score\":0.8,\"source\":\"phonetic\"}]');
INSERT INTO decisions (id, flag_id, action, text, expert, at) VALUES (1, 1, 'accept', 'Kṛṣṇa', 'ann', 5);
UPDATE flags SET state = 'accept', decision_id = 1 WHERE id = 1;
";

#[test]
fn upgrades_from_every_earlier_version_keeping_everything() {
    for version in 1..SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        drop(Project::open_at_version(dir.path(), version).unwrap());
        Connection::open(dir.path().join("shruti.db")).unwrap().execute_batch(V1_DATA).unwrap();
        let project = Project::open(dir.path()).unwrap();
        assert_eq!(project.schema_version().unwrap(), SCHEMA_VERSION, "from version {version}");
        let flags = project.flags(&FlagQuery { state: StateFilter::All, ..FlagQuery::default() }).unwrap();
        assert_eq!(flags.len(), 1, "from version {version}");
        assert_eq!(flags[0].decided_text.as_deref(), Some("Kṛṣṇa"));
        assert_eq!(project.history(1).unwrap()[0].expert, "ann");
        assert_eq!(project.transcripts().unwrap()[0].lexicon_version, None, "older transcripts have no version");
    }
}

#[test]
fn opening_twice_is_idempotent_and_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(Project::open(dir.path()).unwrap());
    drop(Project::open(dir.path()).unwrap());
    let conn = Connection::open(dir.path().join("shruti.db")).unwrap();
    conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)", []).unwrap();
    let err = Project::open(dir.path()).err().expect("refused").to_string();
    assert!(err.contains("schema version 99 is newer"), "{err}");
}

#[test]
fn decisions_cannot_be_changed_or_deleted() {
    let dir = tempfile::tempdir().unwrap();
    drop(Project::open_at_version(dir.path(), 1).unwrap());
    let conn = Connection::open(dir.path().join("shruti.db")).unwrap();
    conn.execute_batch(V1_DATA).unwrap();
    let update = conn.execute("UPDATE decisions SET text = 'x'", []).unwrap_err().to_string();
    assert!(update.contains("append-only"), "{update}");
    let delete = conn.execute("DELETE FROM decisions", []).unwrap_err().to_string();
    assert!(delete.contains("append-only"), "{delete}");
}
