//! The OpenAPI document served at /openapi.json describes the routes there are, no more, no
//! fewer.

use reqwest::{Method, StatusCode};

use crate::{story, Harness};

async fn the_openapi_document_matches_the_routes(h: Harness) {
    let (status, doc) = h.call(Method::GET, "/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let router = include_str!("../../src/router.rs");
    assert_eq!(paths.len(), router.matches(".route(\"").count(), "one documented path per route");
    for (path, ops) in paths {
        assert!(router.contains(&format!(".route(\"{path}\"")), "{path} is documented but not routed");
        for method in ops.as_object().unwrap().keys().filter(|m| *m != "parameters") {
            let method: Method = method.to_uppercase().parse().unwrap();
            let concrete = path.replace("{id}", "1").replace("{name}", "admin");
            let (status, _) = h.call(method.clone(), &concrete, None, None).await;
            assert!(
                status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but answers {status}"
            );
        }
    }
}
story!(the_openapi_document_matches_the_routes);

async fn metrics_count_requests_and_read_the_database(h: Harness) {
    assert_eq!(h.call(Method::GET, "/metrics", None, None).await.0, StatusCode::UNAUTHORIZED);
    let token = h.login(crate::ADMIN.0, crate::ADMIN.1).await;
    h.call(Method::GET, "/v1/batches/999", Some(&token), None).await;
    let text =
        h.http.get(format!("{}/metrics", h.base)).bearer_auth(&token).send().await.unwrap().text().await.unwrap();
    for expected in [
        "shruti_http_requests_total{route=\"/v1/login\",status=\"200\"} 1",
        "shruti_http_requests_total{route=\"/v1/batches/{id}\",status=\"404\"} 1",
        "shruti_http_request_duration_seconds_count{route=\"/v1/login\"} 1",
        "shruti_lexicon_version 0",
        "shruti_jobs{state=\"queued\"} 0",
        "shruti_sync_conflicts_total 0",
        "shruti_expired_leases_total 0",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
}
story!(metrics_count_requests_and_read_the_database);
