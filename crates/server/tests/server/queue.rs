//! The shared batch queue over HTTP: each job claimed by one client at a time, results recorded
//! once, expired leases requeued with backoff, failures quarantined.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shruti_server::db::{transaction, Mode};

use crate::{story, Harness, ADMIN};

fn files(n: usize) -> Value {
    let files: Vec<Value> =
        (0..n).map(|i| json!({"path": format!("talks/t{i:03}.mp3"), "hash": format!("{i:064x}")})).collect();
    json!(files)
}

async fn sql(h: &Harness, statement: &'static str) {
    transaction(&*h.server.state.db, Mode::Write, move |tx| Box::pin(async move { tx.execute(statement, &[]).await }))
        .await
        .unwrap();
}

fn done(lease: &Value) -> Value {
    json!({"lease": lease["lease"], "hash": lease["hash"], "result": {"flags": {"fuzzy": 2}, "pending": 1, "decisions": []}})
}

async fn two_clients_split_a_batch_and_each_file_is_recorded_once(h: Harness) {
    let admin = h.login(ADMIN.0, ADMIN.1).await;
    let reviewer = h.user("ravi", "reviewer").await;
    let (status, _) =
        h.call(Method::POST, "/v1/batches", Some(&reviewer), Some(json!({"name": "x", "files": files(1)}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only an admin uploads a batch");
    let (status, batch) = h
        .call(Method::POST, "/v1/batches", Some(&admin), Some(json!({"name": "Gita 2024", "files": files(100)})))
        .await;
    assert_eq!((status, &batch["counts"]["queued"]), (StatusCode::OK, &json!(100)), "{batch}");

    let a = h.user("asha", "reviewer").await;
    let claim_all = |token: String| {
        let h = &h;
        async move {
            let mut leases = Vec::new();
            loop {
                let (status, lease) =
                    h.call(Method::POST, "/v1/jobs/claim", Some(&token), Some(json!({"device": "pc"}))).await;
                if status == StatusCode::NO_CONTENT {
                    return leases;
                }
                assert_eq!(status, StatusCode::OK, "{lease}");
                let (status, rec) = h
                    .call(
                        Method::POST,
                        &format!("/v1/jobs/{}/complete", lease["job"]),
                        Some(&token),
                        Some(done(&lease)),
                    )
                    .await;
                assert_eq!((status, &rec["first"]), (StatusCode::OK, &json!(true)), "{rec}");
                leases.push(lease);
            }
        }
    };
    let (one, two) = tokio::join!(claim_all(a.clone()), claim_all(reviewer.clone()));
    let jobs: HashSet<i64> = one.iter().chain(&two).map(|l| l["job"].as_i64().unwrap()).collect();
    assert_eq!((jobs.len(), one.len() + two.len()), (100, 100), "each job claimed once");
    assert!(!one.is_empty() && !two.is_empty(), "both clients worked");

    // Sent again under the same lease (an answer lost on the way): recorded once.
    let again = &one[0];
    let (status, rec) =
        h.call(Method::POST, &format!("/v1/jobs/{}/complete", again["job"]), Some(&a), Some(done(again))).await;
    assert_eq!((status, &rec["first"]), (StatusCode::OK, &json!(false)));
    // Under another lease: refused, the client keeps its result as late.
    let mut stolen = done(again);
    stolen["lease"] = two[0]["lease"].clone();
    let (status, err) =
        h.call(Method::POST, &format!("/v1/jobs/{}/complete", again["job"]), Some(&a), Some(stolen)).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("lease-lost")));

    let (_, info) = h.call(Method::GET, &format!("/v1/batches/{}", batch["id"]), Some(&a), None).await;
    assert_eq!(info["counts"], json!({"done": 100}));
    let results: i64 = transaction(&*h.server.state.db, Mode::Read, |tx| {
        Box::pin(async move { tx.query_one("SELECT COUNT(*) FROM job_results", &[]).await?.int(0) })
    })
    .await
    .unwrap();
    assert_eq!(results, 100);
}
story!(two_clients_split_a_batch_and_each_file_is_recorded_once);

async fn expired_leases_are_requeued_and_failures_quarantined(h: Harness) {
    let admin = h.login(ADMIN.0, ADMIN.1).await;
    let ravi = h.user("ravi", "reviewer").await;
    let (_, batch) =
        h.call(Method::POST, "/v1/batches", Some(&admin), Some(json!({"name": "b", "files": files(2)}))).await;
    let claim = || h.call(Method::POST, "/v1/jobs/claim", Some(&ravi), Some(json!({"device": "pc", "lease_secs": 60})));

    let (_, first) = claim().await;
    let job = first["job"].as_i64().unwrap();
    let (status, _) = h
        .call(Method::POST, &format!("/v1/jobs/{job}/heartbeat"), Some(&ravi), Some(json!({"lease": first["lease"]})))
        .await;
    assert_eq!(status, StatusCode::OK);
    // The client goes quiet past its lease: the reaper requeues the job, after a backoff.
    sql(&h, "UPDATE jobs SET lease_expires_at = 1 WHERE state = 'leased'").await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let (_, jobs) = h.call(Method::GET, &format!("/v1/batches/{}/jobs", batch["id"]), Some(&ravi), None).await;
    let requeued = jobs.as_array().unwrap().iter().find(|j| j["id"] == job).unwrap().clone();
    assert_eq!((&requeued["state"], &requeued["attempts"]), (&json!("queued"), &json!(1)), "{jobs}");
    assert!(requeued["last_error"].as_str().unwrap().contains("lease expired"));
    // Its old lease is dead; the other job is offered first while this one backs off.
    let (status, _) = h
        .call(Method::POST, &format!("/v1/jobs/{job}/heartbeat"), Some(&ravi), Some(json!({"lease": first["lease"]})))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, other) = claim().await;
    assert_ne!(other["job"], job);
    assert_eq!(claim().await.0, StatusCode::NO_CONTENT, "backing off");

    // Failures: retried until the fifth attempt, then quarantined with the last error.
    sql(&h, "UPDATE jobs SET available_at = 0").await;
    for attempt in 2..=5 {
        let (status, lease) = claim().await;
        assert_eq!((status, &lease["attempt"]), (StatusCode::OK, &json!(attempt)), "{lease}");
        let body = json!({"lease": lease["lease"], "error": format!("decoder crashed ({attempt})")});
        let (_, info) = h.call(Method::POST, &format!("/v1/jobs/{job}/fail"), Some(&ravi), Some(body)).await;
        let expected = if attempt < 5 { "queued" } else { "quarantined" };
        assert_eq!(info["state"], expected, "{info}");
        sql(&h, "UPDATE jobs SET available_at = 0").await;
    }
    assert_eq!(claim().await.0, StatusCode::NO_CONTENT, "a quarantined job is not offered");
    let (_, info) = h.call(Method::GET, &format!("/v1/batches/{}", batch["id"]), Some(&ravi), None).await;
    assert_eq!(info["counts"]["quarantined"], 1);
    let (_, n) = h.call(Method::POST, &format!("/v1/batches/{}/requeue", batch["id"]), Some(&admin), None).await;
    assert_eq!(n, 1);
    let (_, lease) = claim().await;
    assert_eq!((lease["job"].as_i64(), &lease["attempt"]), (Some(job), &json!(1)));
    // A permanent failure is quarantined at once.
    let (_, info) = h
        .call(
            Method::POST,
            &format!("/v1/jobs/{job}/fail"),
            Some(&ravi),
            Some(json!({"lease": lease["lease"], "error": "not audio", "permanent": true})),
        )
        .await;
    assert_eq!(info["state"], "quarantined");
}
story!(expired_leases_are_requeued_and_failures_quarantined);

async fn a_bad_batch_is_refused_naming_the_file(h: Harness) {
    let admin = h.login(ADMIN.0, ADMIN.1).await;
    for (file, expected) in [
        (json!({"path": "../../etc/passwd", "hash": format!("{:064x}", 1)}), "file 2"),
        (json!({"path": "/abs/x.mp3", "hash": format!("{:064x}", 1)}), "absolute"),
        (json!({"path": "ok.mp3", "hash": "abc"}), "SHA-256"),
        (json!({"path": "talks/t000.mp3", "hash": format!("{:064x}", 1)}), "twice"),
    ] {
        let mut list = files(1);
        list.as_array_mut().unwrap().push(file);
        let (status, err) =
            h.call(Method::POST, "/v1/batches", Some(&admin), Some(json!({"name": "b", "files": list}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(err["message"].as_str().unwrap().contains(expected), "{err}");
    }
    let (_, all) = h.call(Method::GET, "/v1/batches", Some(&admin), None).await;
    assert_eq!(all, json!([]), "nothing half-created");
}
story!(a_bad_batch_is_refused_naming_the_file);

async fn a_job_given_back_untried_is_offered_again_at_once(h: Harness) {
    let admin = h.login(ADMIN.0, ADMIN.1).await;
    let ravi = h.user("ravi", "reviewer").await;
    h.call(Method::POST, "/v1/batches", Some(&admin), Some(json!({"name": "b", "files": files(1)}))).await;
    let claim = || h.call(Method::POST, "/v1/jobs/claim", Some(&ravi), Some(json!({"device": "pc"})));
    let (_, lease) = claim().await;
    let job = lease["job"].as_i64().unwrap();
    let (h, ravi) = (&h, &ravi);
    let release = |lease: Value| async move {
        let path = format!("/v1/jobs/{job}/release");
        h.call(Method::POST, &path, Some(ravi), Some(json!({"lease": lease["lease"]}))).await
    };

    // Only the holder gives it back.
    let (status, err) = release(json!({"lease": "shl_not-the-lease"})).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some("lease-lost")));
    let (status, info) = release(lease.clone()).await;
    assert_eq!(
        (status, &info["state"], &info["attempts"], &info["holder"]),
        (StatusCode::OK, &json!("queued"), &json!(0), &Value::Null)
    );
    // The old lease is dead; the job is offered again at once, as its first attempt.
    assert_eq!(release(lease.clone()).await.0, StatusCode::CONFLICT);
    let (status, again) = claim().await;
    assert_eq!((status, again["job"].as_i64(), &again["attempt"]), (StatusCode::OK, Some(job), &json!(1)));
    // A job already done cannot be given back.
    let (status, _) = h.call(Method::POST, &format!("/v1/jobs/{job}/complete"), Some(ravi), Some(done(&again))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(release(again).await.0, StatusCode::CONFLICT);
}
story!(a_job_given_back_untried_is_offered_again_at_once);

async fn review_progress_after_completion_is_shown_to_the_team(h: Harness) {
    let admin = h.login(ADMIN.0, ADMIN.1).await;
    let ravi = h.user("ravi", "reviewer").await;
    let vera = h.user("vera", "viewer").await;
    let (_, batch) =
        h.call(Method::POST, "/v1/batches", Some(&admin), Some(json!({"name": "b", "files": files(1)}))).await;
    let (_, lease) = h.call(Method::POST, "/v1/jobs/claim", Some(&ravi), Some(json!({"device": "pc"}))).await;
    let job = lease["job"].as_i64().unwrap();
    let review = |pending: i64, decided: usize| {
        let decision = json!({"heard": "Arduna", "text": "Arjuna", "action": "replace", "by": "ravi", "at": 1});
        json!({"hash": lease["hash"], "result": {"flags": {"fuzzy": 2}, "pending": pending, "decisions": vec![decision; decided]}})
    };
    let path = format!("/v1/jobs/{job}/review");
    let (status, err) = h.call(Method::POST, &path, Some(&ravi), Some(review(1, 1))).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::NOT_FOUND, Some("not-found")), "no result yet: {err}");

    h.call(Method::POST, &format!("/v1/jobs/{job}/complete"), Some(&ravi), Some(done(&lease))).await;
    let listed = || async {
        let (_, jobs) = h.call(Method::GET, &format!("/v1/batches/{}/jobs", batch["id"]), Some(&vera), None).await;
        let j = &jobs[0];
        (j["pending"].as_i64(), j["decided"].as_i64(), j["reviewed_by"].as_str().map(str::to_owned))
    };
    assert_eq!(listed().await, (Some(1), Some(0), None), "the result's counts");
    let (status, info) = h.call(Method::POST, &path, Some(&ravi), Some(review(1, 1))).await;
    assert_eq!((status, &info["decided"]), (StatusCode::OK, &json!(1)), "{info}");
    // Sent again as review goes on: the latest replaces it.
    h.call(Method::POST, &path, Some(&ravi), Some(review(0, 2))).await;
    assert_eq!(listed().await, (Some(0), Some(2), Some("ravi".to_owned())));
    assert_eq!(h.call(Method::POST, &path, Some(&vera), Some(review(0, 3))).await.0, StatusCode::FORBIDDEN);
    let mut other = review(0, 3);
    other["hash"] = json!(format!("{:064x}", 999));
    assert_eq!(h.call(Method::POST, &path, Some(&ravi), Some(other)).await.0, StatusCode::NOT_FOUND, "another file");
}
story!(review_progress_after_completion_is_shown_to_the_team);

async fn a_device_without_a_model_claims_subtitle_files_only(h: Harness) {
    let admin = h.login(ADMIN.0, ADMIN.1).await;
    let ravi = h.user("ravi", "reviewer").await;
    let files = json!([
        {"path": "a/talk.mp3", "hash": format!("{:064x}", 1)},
        {"path": "a/talk.SRT", "hash": format!("{:064x}", 2)},
        {"path": "b/talk.flac", "hash": format!("{:064x}", 3)},
        {"path": "b/talk.vtt", "hash": format!("{:064x}", 4)},
    ]);
    h.call(Method::POST, "/v1/batches", Some(&admin), Some(json!({"name": "b", "files": files}))).await;
    let claim = |only: bool| {
        h.call(Method::POST, "/v1/jobs/claim", Some(&ravi), Some(json!({"device": "pc", "subtitles_only": only})))
    };
    let (_, first) = claim(true).await;
    let (_, second) = claim(true).await;
    assert_eq!((first["path"].as_str(), second["path"].as_str()), (Some("a/talk.SRT"), Some("b/talk.vtt")));
    assert_eq!(claim(true).await.0, StatusCode::NO_CONTENT, "audio waits for a device with a model");
    let (_, audio) = claim(false).await;
    assert_eq!(audio["path"], "a/talk.mp3");
}
story!(a_device_without_a_model_claims_subtitle_files_only);
