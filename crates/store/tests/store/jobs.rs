use std::path::PathBuf;

use shruti_store::{ErrorClass, FailOutcome, FoundFile, JobState, MediaKind, Project, Queued};

fn file(name: &str, kind: MediaKind) -> FoundFile {
    FoundFile { path: PathBuf::from(name), kind, bytes: 1, mtime_ns: 7, hash: format!("h-{name}") }
}

#[test]
fn same_content_is_queued_once_and_hashes_are_cached() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    let a = file("a.flac", MediaKind::Audio);
    let copy = FoundFile { path: "copy-of-a.flac".into(), ..a.clone() };
    assert_eq!(project.queue_files(&[a.clone(), copy]).unwrap(), [Queued::New, Queued::Known]);
    assert_eq!(project.cached_hash(&a.path, 1, 7).unwrap().as_deref(), Some("h-a.flac"));
    assert_eq!(project.cached_hash(&a.path, 1, 8).unwrap(), None, "a changed file is hashed again");
    project.record_export("h-out", &PathBuf::from("out.srt")).unwrap();
    let out = FoundFile { hash: "h-out".into(), ..file("out.srt", MediaKind::Subtitle) };
    assert_eq!(project.queue_files(&[out]).unwrap(), [Queued::OwnOutput]);
}

#[test]
fn failures_retry_later_or_quarantine_and_can_be_requeued() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    project.queue_files(&[file("a.srt", MediaKind::Subtitle), file("b.srt", MediaKind::Subtitle)]).unwrap();
    assert!(project.claim_job(MediaKind::Audio).unwrap().is_none(), "claims by kind");
    let a = project.claim_job(MediaKind::Subtitle).unwrap().unwrap();
    let later = FailOutcome::Retry { at_ms: i64::MAX, threads: None };
    assert_eq!(project.fail_job(a.id, ErrorClass::Temporary, "busy", later).unwrap(), JobState::Queued);
    let b = project.claim_job(MediaKind::Subtitle).unwrap().unwrap();
    assert_ne!(a.id, b.id, "a job waiting for its retry time is not claimed");
    let reason = "b.srt: line 3: expected a timecode";
    project.fail_job(b.id, ErrorClass::Permanent, reason, FailOutcome::Quarantine).unwrap();
    assert!(project.claim_job(MediaKind::Subtitle).unwrap().is_none());
    let quarantined = project.jobs(Some(JobState::Quarantined)).unwrap();
    assert_eq!(quarantined[0].error.as_deref(), Some(reason));
    assert_eq!(project.job_counts().unwrap().queued, 1);
    assert_eq!(project.retry_jobs(&[]).unwrap(), 1);
    assert_eq!(project.claim_job(MediaKind::Subtitle).unwrap().unwrap().id, b.id);
}

#[test]
fn one_batch_at_a_time_and_a_dead_batch_s_jobs_are_requeued() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    project.queue_files(&[file("a.srt", MediaKind::Subtitle)]).unwrap();
    let lock = project.lock_batch(3).unwrap();
    let mut other = Project::open(dir.path()).unwrap();
    let err = other.lock_batch(3).err().expect("locked").to_string();
    assert!(err.contains("another batch is running"), "{err}");
    project.claim_job(MediaKind::Subtitle).unwrap().unwrap();
    drop(lock); // the batch "dies" with its job running
    for crash in 1..=3 {
        let _lock = other.lock_batch(3).unwrap();
        let counts = other.job_counts().unwrap();
        if crash < 3 {
            assert_eq!((counts.queued, counts.running), (1, 0), "requeued after crash {crash}");
            other.claim_job(MediaKind::Subtitle).unwrap().unwrap();
        } else {
            assert_eq!(counts.quarantined, 1, "a file that kills the worker 3 times is quarantined");
            let error = other.jobs(Some(JobState::Quarantined)).unwrap()[0].error.clone().unwrap();
            assert!(error.contains("died while processing this file 3 times"), "{error}");
        }
    }
}
