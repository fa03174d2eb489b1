//! Hostile requests get clear refusals and change nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{story, Harness, ADMIN};

async fn hostile_requests_are_refused_clearly(h: Harness) {
    let token = h.login(ADMIN.0, ADMIN.1).await;
    let url = format!("{}/v1/lexicon/push", h.base);
    let send = |body: Vec<u8>, content_type: &'static str| {
        h.http.post(&url).bearer_auth(&token).header("content-type", content_type).body(body).send()
    };

    // Over the body limit: refused before it is read whole. (Its own client: the server closes
    // that connection, which must not be reused for the next request.)
    let huge = reqwest::Client::new()
        .post(&url)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(vec![b' '; 2 << 20])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Malformed JSON and the wrong shape: a JSON error that says what is wrong.
    for (body, expected) in [
        (b"{\"batch\": \"x\", \"changes\": [" as &[u8], "EOF"),
        (b"{\"batch\": 7, \"changes\": []}", "batch"),
        (b"\xff\xfe not utf-8", "expected value"),
    ] {
        let res = send(body.to_vec(), "application/json").await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let err: serde_json::Value = res.json().await.unwrap();
        assert_eq!(err["code"], "bad-request");
        assert!(err["message"].as_str().unwrap().contains(expected), "{err}");
    }
    let wrong_type = send(b"{}".to_vec(), "text/plain").await.unwrap();
    assert_eq!(wrong_type.status(), StatusCode::BAD_REQUEST);

    // Too many changes in one push (each well formed).
    let entry = json!({"id": "01J9ZQ7M3X5V2K8T4N6R0B1C2A", "iast": "Arjuna", "deva": "अर्जुन", "category": "person"});
    let changes: Vec<_> = (0..501).map(|_| json!({"entry": entry, "base_version": null})).collect();
    let (status, err) =
        h.call(Method::POST, "/v1/lexicon/push", Some(&token), Some(json!({"batch": "b", "changes": changes}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("at most 500"), "{err}");

    // Path tricks and unknown routes.
    for path in ["/v1/users/..%2F..%2Fetc%2Fpasswd", "/v1/../health", "/v1/nothing"] {
        let (status, body) = h.call(Method::PATCH, path, Some(&token), Some(json!({"disabled": true}))).await;
        assert!(status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED, "{path}: {status} {body}");
    }
    // Bad path and query values, and a known route with the wrong method: JSON errors too.
    for (method, path, expected) in [
        (Method::GET, "/v1/lexicon/changes?since=notanumber", StatusCode::BAD_REQUEST),
        (Method::GET, "/v1/batches/x", StatusCode::BAD_REQUEST),
        (Method::GET, "/v1/batches/1/jobs?state=bogus", StatusCode::BAD_REQUEST),
        (Method::PUT, "/v1/lexicon/push", StatusCode::METHOD_NOT_ALLOWED),
        (Method::GET, "/v1/batches/999", StatusCode::NOT_FOUND),
    ] {
        let (status, body) = h.call(method.clone(), path, Some(&token), None).await;
        assert_eq!(status, expected, "{method} {path}: {body}");
        assert!(body["code"].is_string(), "{method} {path}: {body}");
    }

    // Nothing changed.
    let (_, page) = h.call(Method::GET, "/v1/lexicon/changes?since=0", Some(&token), None).await;
    assert_eq!(page["version"], 0, "{page}");
}
story!(hostile_requests_are_refused_clearly);
