//! Users, roles and tokens: every endpoint refuses a request without a token, with a revoked
//! one and with too weak a role.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{story, Harness, ADMIN};

/// Every route but the health checks and login, with a body that would be valid.
fn protected() -> Vec<(Method, &'static str, Option<serde_json::Value>)> {
    let push = json!({"batch": "b1", "changes": []});
    vec![
        (Method::POST, "/v1/logout", None),
        (Method::GET, "/v1/tokens", None),
        (Method::DELETE, "/v1/tokens/1", None),
        (Method::GET, "/v1/users", None),
        (Method::POST, "/v1/users", Some(json!({"name": "x", "password": "long enough pw", "role": "viewer"}))),
        (Method::PATCH, "/v1/users/admin", Some(json!({"disabled": true}))),
        (Method::GET, "/v1/lexicon/changes?since=0", None),
        (Method::POST, "/v1/lexicon/push", Some(push)),
    ]
}

async fn tokens_are_required_and_revocable(h: Harness) {
    assert_eq!(h.call(Method::GET, "/health", None, None).await.0, StatusCode::OK);
    let (status, ready) = h.call(Method::GET, "/ready", None, None).await;
    assert_eq!((status, &ready["database"]), (StatusCode::OK, &json!("ok")), "{ready}");

    let token = h.login(ADMIN.0, ADMIN.1).await;
    for (method, path, body) in protected() {
        for bad in [None, Some("shruti_not-a-real-token")] {
            let (status, answer) = h.call(method.clone(), path, bad, body.clone()).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} with {bad:?}: {answer}");
            assert_eq!(answer["code"], "unauthorized");
        }
    }
    // Revoked: logout ends the token at once; another device's token lives on.
    let other = h.login(ADMIN.0, ADMIN.1).await;
    assert_eq!(h.call(Method::POST, "/v1/logout", Some(&token), None).await.0, StatusCode::OK);
    for (method, path, body) in protected() {
        let (status, _) = h.call(method.clone(), path, Some(&token), body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} with a revoked token");
    }
    assert_eq!(h.call(Method::GET, "/v1/tokens", Some(&other), None).await.0, StatusCode::OK);

    // The token is stored hashed: the database does not hold it.
    let stored: Vec<String> =
        shruti_server::db::transaction(&*h.server.state.db, shruti_server::db::Mode::Read, |tx| {
            Box::pin(async move { tx.query("SELECT hash FROM tokens", &[]).await?.iter().map(|r| r.text(0)).collect() })
        })
        .await
        .unwrap();
    assert!(!stored.is_empty() && !stored.contains(&other));
    assert!(stored.contains(&shruti_server::auth::token_hash(&other)));
}
story!(tokens_are_required_and_revocable);

async fn roles_are_enforced(h: Harness) {
    let viewer = h.user("vera", "viewer").await;
    let reviewer = h.user("ravi", "reviewer").await;
    let forbidden = |path: &str, who: &str| format!("{who} on {path}");
    let push = json!({"batch": "01J9ZQ7M3X5V2K8T4N6R0B1C2A", "changes": []});
    let (status, body) = h.call(Method::POST, "/v1/lexicon/push", Some(&viewer), Some(push.clone())).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "{}",
        forbidden("push", "viewer")
    );
    // The role is checked before the body is read: a body from a caller without the right is
    // never parsed, so nonsense is refused as forbidden, not as malformed.
    let nonsense = Some(json!("not a push"));
    assert_eq!(
        h.call(Method::POST, "/v1/lexicon/push", Some(&viewer), nonsense.clone()).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(h.call(Method::POST, "/v1/lexicon/push", Some(&reviewer), nonsense).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(h.call(Method::POST, "/v1/lexicon/push", Some(&reviewer), Some(push)).await.0, StatusCode::OK);
    assert_eq!(h.call(Method::GET, "/v1/lexicon/changes", Some(&viewer), None).await.0, StatusCode::OK);
    for token in [&viewer, &reviewer] {
        for (method, path, body) in [
            (Method::GET, "/v1/users", None),
            (Method::POST, "/v1/users", Some(json!({"name": "eve", "password": "long enough pw", "role": "admin"}))),
            (Method::PATCH, "/v1/users/vera", Some(json!({"role": "admin"}))),
        ] {
            let (status, _) = h.call(method.clone(), path, Some(token), body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        }
    }
    // A disabled user's tokens stop working at once.
    let admin = h.login(ADMIN.0, ADMIN.1).await;
    let (status, user) = h.call(Method::PATCH, "/v1/users/ravi", Some(&admin), Some(json!({"disabled": true}))).await;
    assert_eq!((status, &user["disabled"]), (StatusCode::OK, &json!(true)));
    assert_eq!(h.call(Method::GET, "/v1/lexicon/changes", Some(&reviewer), None).await.0, StatusCode::UNAUTHORIZED);
    // A viewer sees only their own tokens; the admin sees all.
    let (_, mine) = h.call(Method::GET, "/v1/tokens", Some(&viewer), None).await;
    assert!(mine.as_array().unwrap().iter().all(|t| t["user"] == "vera"), "{mine}");
    let (_, all) = h.call(Method::GET, "/v1/tokens", Some(&admin), None).await;
    assert!(all.as_array().unwrap().iter().any(|t| t["user"] == "ravi"), "{all}");
}
story!(roles_are_enforced);

async fn logins_are_checked_and_limited(h: Harness) {
    let wrong = json!({"user": ADMIN.0, "password": "wrong password", "device": "d"});
    let (status, body) = h.call(Method::POST, "/v1/login", None, Some(wrong.clone())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, nobody) =
        h.call(Method::POST, "/v1/login", None, Some(json!({"user": "nobody", "password": "x", "device": "d"}))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(nobody["message"], body["message"], "the answer does not tell which names exist");

    let admin = h.login(ADMIN.0, ADMIN.1).await;
    for (user, expected) in [
        (json!({"name": "ok", "password": "short", "role": "viewer"}), "at least"),
        (json!({"name": "../etc", "password": "long enough pw", "role": "viewer"}), "user name"),
        (json!({"name": "admin", "password": "long enough pw", "role": "viewer"}), "exists"),
    ] {
        let (status, body) = h.call(Method::POST, "/v1/users", Some(&admin), Some(user)).await;
        assert!(status.is_client_error() && body["message"].as_str().unwrap().contains(expected), "{status} {body}");
    }
    // Guessing is cut off: the limit counts every attempt for a name in a minute.
    let mut limited = false;
    for _ in 0..12 {
        let (status, _) = h.call(Method::POST, "/v1/login", None, Some(wrong.clone())).await;
        limited |= status == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited, "ten wrong passwords in a minute are enough");
}
story!(logins_are_checked_and_limited);
