//! kill -9 the team server in the middle of pushes and claims, again and again; restart it;
//! nothing is lost or duplicated. On SQLite, and on PostgreSQL where the tests have one.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};
use shruti_pipeline::team::{TeamClient, TeamError};

use crate::team::{password, Server};
use crate::temp_dir;

/// Calls until the server answers (it is being killed and restarted under us).
fn call(server: &str, token: &str, method: Method, path: &str, body: &Value) -> Result<Option<Value>, TeamError> {
    let started = Instant::now();
    loop {
        // A new client each time: the test wants no circuit breaker between it and the restart.
        let client = TeamClient::new(server, Some(token.to_owned())).unwrap();
        match client.call::<Value>(method.clone(), path, Some(body)) {
            Err(TeamError::Offline { .. }) if started.elapsed() < Duration::from_secs(60) => {
                std::thread::sleep(Duration::from_millis(50))
            }
            other => return other,
        }
    }
}

fn login(server: &str, user: &str) -> String {
    let body = json!({"user": user, "password": password(user), "device": "crash-test"});
    let session = call(server, "", Method::POST, "/v1/login", &body).unwrap().unwrap();
    session["token"].as_str().unwrap().to_owned()
}

fn ulid(i: usize) -> String {
    format!("01J9ZQ7M3X5V2K8T4N6R{i:06}")
}

fn story(db: &str) {
    const PUSHES: usize = 60;
    const JOBS: usize = 60;
    let mut server = Server::start_on(db);
    let url = server.url.clone();
    let lead = login(&url, "lead");
    let files: Vec<Value> =
        (0..JOBS).map(|i| json!({"path": format!("t/{i}.srt"), "hash": format!("{i:064x}")})).collect();
    call(&url, &lead, Method::POST, "/v1/batches", &json!({"name": "crash", "files": files})).unwrap();
    let asha = login(&url, "asha");
    let ravi = login(&url, "ravi");
    let done = AtomicBool::new(false);
    let (pushed, claimed) = (AtomicUsize::new(0), AtomicUsize::new(0));

    std::thread::scope(|scope| {
        // Pushes: one new entry each, under its own batch id, retried until answered.
        let pusher = scope.spawn(|| {
            let mut answers = Vec::new();
            for i in 0..PUSHES {
                let syllable = ["ka", "kha", "ga", "gha", "ca", "cha", "ja", "jha", "ta", "tha"];
                let iast = format!("Nāma{}{}", syllable[i / 10], syllable[i % 10]);
                let entry = json!({"id": ulid(i), "iast": iast, "deva": "नाम", "category": "term"});
                let body = json!({"batch": format!("batch-{i}"), "changes": [{"entry": entry, "base_version": null}]});
                let answer = call(&url, &asha, Method::POST, "/v1/lexicon/push", &body).unwrap().unwrap();
                assert_eq!(answer["outcomes"][0]["outcome"], "applied", "{answer}");
                answers.push((body, answer));
                pushed.fetch_add(1, Ordering::Relaxed);
            }
            answers
        });
        // Claims: each completed under its lease, retried until answered.
        let claimer = scope.spawn(|| {
            let mut recorded = 0;
            while !done.load(Ordering::Relaxed) {
                let Some(lease) = call(&url, &ravi, Method::POST, "/v1/jobs/claim", &json!({"device": "d", "lease_secs": 60})).unwrap() else {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                };
                claimed.fetch_add(1, Ordering::Relaxed);
                let body = json!({"lease": lease["lease"], "hash": lease["hash"], "result": {"flags": {}, "pending": 0, "decisions": []}});
                let answer = call(&url, &ravi, Method::POST, &format!("/v1/jobs/{}/complete", lease["job"]), &body).unwrap().unwrap();
                recorded += usize::from(answer["first"] == true);
            }
            recorded
        });
        // Three kills while pushes and claims are under way: each once both have gone on.
        for round in 1..=3 {
            let started = Instant::now();
            while pushed.load(Ordering::Relaxed) < round * PUSHES / 4
                || claimed.load(Ordering::Relaxed) < round * JOBS / 4
            {
                assert!(started.elapsed() < Duration::from_secs(60), "no progress");
                std::thread::sleep(Duration::from_millis(fastrand::u64(1..10)));
            }
            server.kill();
            server.restart();
        }
        let answers = pusher.join().unwrap();
        // A retried push gets the same answer: what the first, lost, answer was.
        for (body, answer) in answers.iter().step_by(7) {
            assert_eq!(&call(&url, &asha, Method::POST, "/v1/lexicon/push", body).unwrap().unwrap(), answer);
        }
        // A claim whose answer was lost holds its job until the lease runs out: let it.
        let started = Instant::now();
        loop {
            let batch = call(&url, &lead, Method::GET, "/v1/batches/1", &json!(null)).unwrap().unwrap();
            if batch["counts"]["done"] == JOBS {
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "jobs never finished: {batch}");
            if batch["counts"]["leased"].as_i64().unwrap_or(0) > 0 && started.elapsed() > Duration::from_secs(3) {
                expire_leases(db);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        done.store(true, Ordering::Relaxed);
        let recorded = claimer.join().unwrap();
        assert!(recorded <= JOBS);
    });

    // Every push applied once: one entry each, the library at one version per push.
    let page = call(&url, &lead, Method::GET, "/v1/lexicon/changes?since=0&limit=1000", &json!(null)).unwrap().unwrap();
    assert_eq!(page["rows"].as_array().unwrap().len(), PUSHES);
    assert_eq!(page["version"], PUSHES, "no push applied twice");
    let jobs = call(&url, &lead, Method::GET, "/v1/batches/1/jobs", &json!(null)).unwrap().unwrap();
    assert!(jobs.as_array().unwrap().iter().all(|j| j["state"] == "done"), "{jobs}");
    drop(server);
}

/// Moves every lease's expiry into the past, as hours offline would; the reaper does the rest.
fn expire_leases(db: &str) {
    exec(db, "UPDATE jobs SET lease_expires_at = 1, available_at = 0 WHERE state = 'leased'");
    // The reaper requeues with a backoff; the claimer should not wait it out.
    std::thread::sleep(Duration::from_millis(1500));
    exec(db, "UPDATE jobs SET available_at = 0 WHERE state = 'queued'");
}

/// Runs `sql` on the server's database, beside the server.
fn exec(db: &str, sql: &str) {
    if let Some(path) = db.strip_prefix("sqlite:") {
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn.execute_batch(sql).unwrap();
    } else {
        let out = std::process::Command::new("psql").args([db, "-c", sql]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn killing_the_server_mid_push_and_mid_claim_loses_and_duplicates_nothing_on_sqlite() {
    let dir = temp_dir("server-crash");
    story(&format!("sqlite:{}", dir.join("team.db").display()));
}

#[test]
fn killing_the_server_mid_push_and_mid_claim_loses_and_duplicates_nothing_on_postgres() {
    let Ok(admin) = std::env::var("SHRUTI_TEST_POSTGRES") else {
        assert!(std::env::var_os("CI").is_none(), "CI must set SHRUTI_TEST_POSTGRES");
        eprintln!("SHRUTI_TEST_POSTGRES is not set: skipped");
        return;
    };
    let name = format!("shruti_crash_{}", std::process::id());
    let out =
        std::process::Command::new("psql").args([&admin, "-c", &format!("CREATE DATABASE {name}")]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    story(&format!("{}/{name}", admin.rsplit_once('/').unwrap().0));
}
