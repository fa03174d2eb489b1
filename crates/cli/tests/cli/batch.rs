//! `shruti batch`, `review`, `export`, `search` and `project` on real folders, with the real
//! binary: crash and resume, quarantine, watch, a 10,000-file folder, golden exports.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shruti_store::{JobState, Project};

use crate::{path_str, root, shruti, stderr, stdout, temp_dir};

/// A folder of `n` distinct subtitle files made from the golden ASR files.
fn subtitle_folder(dir: &Path, n: usize) -> Vec<PathBuf> {
    let sources: Vec<PathBuf> = std::fs::read_dir(root().join("golden/text"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".asr.srt"))
        .collect();
    let mut sources = sources;
    sources.sort();
    std::fs::create_dir_all(dir.join("nested/deeper")).unwrap();
    (0..n)
        .map(|i| {
            let src = std::fs::read_to_string(&sources[i % sources.len()]).unwrap();
            let sub = ["", "nested/", "nested/deeper/"][i % 3];
            let path = dir.join(format!("{sub}lecture-{i:05}.srt"));
            // A last cue of its own makes every file's content (and hash) distinct.
            std::fs::write(&path, format!("{src}\n9999\n10:00:00,000 --> 10:00:01,000\nLecture {i}.\n")).unwrap();
            path
        })
        .collect()
}

fn saved_once_each(project: &Path) -> (u64, usize) {
    let project = Project::open(project).unwrap();
    let counts = project.job_counts().unwrap();
    let saves =
        project.audit_log().unwrap().into_iter().filter(|(_, _, action, _)| action == "transcript-saved").count();
    (counts.done, saves)
}

#[test]
fn kill_9_at_random_moments_then_resume_processes_every_file_exactly_once() {
    let dir = temp_dir("crash");
    let lectures = dir.join("lectures");
    let files = subtitle_folder(&lectures, 300);
    let project = dir.join("project");
    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() as u64 | 1;
    let mut kills = 0;
    for _ in 0..12 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shruti"))
            .args(["batch", path_str(&lectures), "--project", path_str(&project), "--no-asr", "--json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // xorshift: a different moment each round, anywhere from start-up to mid-batch.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(seed % 1500));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
    }
    let out = shruti(&["batch", path_str(&lectures), "--project", path_str(&project), "--no-asr"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (done, saves) = saved_once_each(&project);
    assert_eq!(done, files.len() as u64, "every file done ({kills} kills)");
    assert_eq!(saves, files.len(), "each saved exactly once ({kills} kills)");

    // Nothing was lost or damaged: exports equal those of a batch that was never killed.
    let clean = dir.join("clean");
    let out = shruti(&["batch", path_str(&lectures), "--project", path_str(&clean), "--no-asr"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (project, out_dir) in [(&project, dir.join("a")), (&clean, dir.join("b"))] {
        let out = shruti(&["export", "--all", "--project", path_str(project), "-o", path_str(&out_dir)]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    for f in &files {
        let name = format!("{}.srt", f.file_stem().unwrap().to_string_lossy());
        let a = std::fs::read_to_string(dir.join("a").join(&name)).unwrap();
        assert_eq!(a, std::fs::read_to_string(dir.join("b").join(&name)).unwrap(), "{name}");
    }
}

#[test]
fn corrupt_files_are_quarantined_with_the_reason_and_the_rest_is_processed() {
    let dir = temp_dir("quarantine");
    let lectures = dir.join("lectures");
    subtitle_folder(&lectures, 2);
    std::fs::write(lectures.join("broken.srt"), "1\n00:00:01,000 --> garbage\nhello\n\n2\nnot a time\nx\n").unwrap();
    std::fs::write(lectures.join("noise.flac"), b"fLaC this is not really flac data at all").unwrap();
    let project = dir.join("project");
    let out = shruti(&["batch", path_str(&lectures), "--project", path_str(&project)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let status = shruti(&["batch", "status", "--project", path_str(&project)]);
    let text = stdout(&status);
    assert!(text.starts_with("2 done, 0 queued, 0 running, 0 failed, 2 quarantined"), "{text}");
    assert!(text.contains("broken.srt:2: malformed timing line"), "the reason names the file and line:\n{text}");
    assert!(text.contains("noise.flac") && text.contains("permanent"), "{text}");

    // Quarantined files are not retried blindly, only on request.
    let again = shruti(&["batch", path_str(&lectures), "--project", path_str(&project)]);
    assert!(stderr(&again).contains("0 new, 4 already known"), "{}", stderr(&again));
    std::fs::write(lectures.join("broken.srt"), "1\n00:00:01,000 --> 00:00:02,000\nfixed\n").unwrap();
    let retry = shruti(&["batch", "retry", "--project", path_str(&project)]);
    assert!(stderr(&retry).contains("2 job(s) requeued"), "{}", stderr(&retry));
}

#[test]
fn watch_takes_new_files_only_once_they_are_whole() {
    let dir = temp_dir("watch");
    let lectures = dir.join("lectures");
    std::fs::create_dir_all(&lectures).unwrap();
    let project = dir.join("project");
    let mut child = Command::new(env!("CARGO_BIN_EXE_shruti"))
        .args(["batch", path_str(&lectures), "--project", path_str(&project), "--no-asr", "--watch", "--settle", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // A slow copy: half the file, a pause shorter than the settle time, the rest.
    let cues: String = (1..=40)
        .map(|i| format!("{i}\n00:00:{i:02},000 --> 00:00:{i:02},900\nKrishna speaks, part {i}.\n\n"))
        .collect();
    let first = &cues[..cues.len() / 2];
    let path = lectures.join("slow.srt");
    std::fs::write(&path, first).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    std::fs::write(&path, cues.as_bytes()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let done = loop {
        let p = Project::open(&project).unwrap();
        if p.job_counts().unwrap().done == 1 || Instant::now() > deadline {
            break p;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let jobs = done.jobs(Some(JobState::Done)).unwrap();
    assert_eq!(jobs.len(), 1, "the file was processed once");
    let transcript = done.transcripts().unwrap()[0].id;
    assert_eq!(done.load_transcript(transcript).unwrap().segments.len(), 40, "whole, not half-written");
}

#[test]
fn a_folder_of_10000_subtitle_files_is_processed_and_a_rescan_reads_nothing_new() {
    let dir = temp_dir("tenk");
    let lectures = dir.join("lectures");
    std::fs::create_dir_all(&lectures).unwrap();
    for i in 0..10_000 {
        let srt = format!("1\n00:00:01,000 --> 00:00:03,000\nKrishna teaches Arjun, lesson {i}.\n\n2\n00:00:03,500 --> 00:00:05,000\nThe Bhagavad Geeta.\n");
        std::fs::write(lectures.join(format!("{:02}-{i:05}.srt", i % 100)), srt).unwrap();
    }
    let project = dir.join("project");
    let out = shruti(&["batch", path_str(&lectures), "--project", path_str(&project), "--no-asr"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("10000 done, 0 queued, 0 failed, 0 quarantined"), "{}", stderr(&out));
    let again = shruti(&["batch", path_str(&lectures), "--project", path_str(&project), "--no-asr"]);
    assert!(stderr(&again).contains("10000 files found: 0 new, 10000 already known"), "{}", stderr(&again));
    let out = shruti(&["export", "--all", "--project", path_str(&project), "-o", path_str(&dir.join("out"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    let sample = std::fs::read_to_string(dir.join("out/07-00007.srt")).unwrap();
    assert!(sample.contains("Kṛṣṇa teaches Arjuna, lesson 7.") && sample.contains("Bhagavad Gītā"), "{sample}");
}

#[test]
fn review_decide_undo_export_and_search_from_the_command_line() {
    let dir = temp_dir("review");
    let lectures = dir.join("lectures");
    std::fs::create_dir_all(&lectures).unwrap();
    std::fs::write(
        lectures.join("talk.srt"),
        "1\n00:00:01,000 --> 00:00:04,000\nThe teaching of Krisnaa is deep.\n\n2\n00:00:05,000 --> 00:00:07,000\nKrisnaa smiles at Arjun.\n",
    )
    .unwrap();
    let p = dir.join("project");
    let p = path_str(&p);
    assert!(shruti(&["batch", path_str(&lectures), "--project", p, "--no-asr"]).status.success());
    let ids = stdout(&shruti(&["review", "list", "--project", p, "--text", "krisnaa", "--ids"]));
    let ids: Vec<&str> = ids.lines().collect();
    assert_eq!(ids.len(), 2, "{ids:?}");

    // Teach the lexicon: the heard spelling becomes a variant; the other instance is re-flagged
    // into an automatic correction at once.
    let out = shruti(&["review", "decide", ids[0], "add-variant", "Kṛṣṇa", "--project", p, "--by", "ann"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("re-flagged"), "{}", stderr(&out));
    let pending = stdout(&shruti(&["review", "list", "--project", p, "--text", "krisnaa", "--ids"]));
    assert!(pending.trim().is_empty(), "no instance left to review: {pending}");

    let export = |script: &str| {
        let out_dir = dir.join(format!("out-{script}"));
        let out = shruti(&[
            "export",
            "talk.srt",
            "--project",
            p,
            "-o",
            path_str(&out_dir),
            "--format",
            "srt,txt,json",
            "--script",
            script,
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read_to_string(out_dir.join("talk.txt")).unwrap()
    };
    assert_eq!(export("iast"), "The teaching of Kṛṣṇa is deep.\nKṛṣṇa smiles at Arjuna.\n");
    assert_eq!(export("devanagari"), "The teaching of कृष्ण is deep.\nकृष्ण smiles at अर्जुन.\n");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out-iast/talk.json")).unwrap()).unwrap();
    assert_eq!(json["segments"][1]["original"], "Krisnaa smiles at Arjun.");

    let found = stdout(&shruti(&["search", "\"krsna smiles\"", "--project", p]));
    assert!(found.contains("talk.srt 00:00:05"), "{found}");

    // Undo withdraws the variant: both instances are flagged again.
    let out = shruti(&["review", "undo", "--project", p, "--by", "ann"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(export("iast"), "The teaching of Krisnaa is deep.\nKrisnaa smiles at Arjuna.\n");
    let bad = shruti(&["review", "decide", "999", "keep", "--project", p]);
    assert!(!bad.status.success() && stderr(&bad).contains("no flag 999"), "{}", stderr(&bad));
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = temp_dir("backup");
    let lectures = dir.join("lectures");
    subtitle_folder(&lectures, 3);
    let p = dir.join("project");
    let p = path_str(&p);
    assert!(shruti(&["batch", path_str(&lectures), "--project", p, "--no-asr"]).status.success());
    let backup = dir.join("backup.db");
    assert!(shruti(&["project", "backup", path_str(&backup), "--project", p]).status.success());
    let id = stdout(&shruti(&["review", "list", "--project", p, "--ids", "--limit", "1"]));
    assert!(shruti(&["review", "decide", id.trim(), "keep", "--project", p]).status.success());
    let out = shruti(&["project", "restore", path_str(&backup), "--project", p]);
    assert!(out.status.success(), "{}", stderr(&out));
    let decided = stdout(&shruti(&["review", "list", "--project", p, "--state", "decided", "--ids"]));
    assert!(decided.trim().is_empty(), "the decision made after the backup is gone from the restored project");
}

#[test]
fn accepting_every_top_suggestion_exports_what_the_engine_proposes_on_the_golden_files() {
    let dir = temp_dir("golden-export");
    let lectures = dir.join("lectures");
    std::fs::create_dir_all(&lectures).unwrap();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root().join("golden/text")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".asr.srt") {
            std::fs::copy(&path, lectures.join(format!("{stem}.srt"))).unwrap();
            names.push(stem.to_owned());
        }
    }
    let p = dir.join("project");
    assert!(shruti(&["batch", path_str(&lectures), "--project", path_str(&p), "--no-asr"]).status.success());
    let mut project = Project::open(&p).unwrap();
    let flags = project.flags(&shruti_store::FlagQuery::default()).unwrap();
    let accept = shruti_store::NewDecision {
        action: shruti_store::Action::Accept { suggestion: 0 },
        expert: "golden".into(),
        note: None,
    };
    for f in flags.iter().filter(|f| !f.suggestions.is_empty()) {
        project.decide(f.id, &accept, shruti_store::Scope::One).unwrap();
    }
    let out_dir = dir.join("out");
    let out = shruti(&["export", "--all", "--project", path_str(&p), "-o", path_str(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let engine = shruti_core::Engine::builder().build();
    for name in &names {
        let srt = std::fs::read_to_string(lectures.join(format!("{name}.srt"))).unwrap();
        let (transcript, _) = shruti_core::subtitle::parse_srt(&srt, name).unwrap();
        let proposed = engine.analyze(&transcript).apply_with_suggestions(&transcript);
        let expected = shruti_core::subtitle::write_srt(&proposed);
        let exported = std::fs::read_to_string(out_dir.join(format!("{name}.srt"))).unwrap();
        assert_eq!(exported, expected, "{name}");
    }
}
