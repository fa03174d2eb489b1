//! The team lexicon over HTTP: pushes that merge, conflicts that come back with the server's
//! row, retries that change nothing, pages of changes that miss nothing.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{story, Harness};

const ARJUNA: &str = "01J9ZQ7M3X5V2K8T4N6R0B1C2A";
const BHIMA: &str = "01J9ZQ7M3X5V2K8T4N6R0B1C2B";
const OTHER_ARJUNA: &str = "01J9ZQ7M3X5V2K8T4N6R0B1C2C";

fn entry(id: &str, iast: &str, deva: &str, variants: &[&str]) -> Value {
    json!({"id": id, "iast": iast, "deva": deva, "category": "person", "variants": variants})
}

async fn push(h: &Harness, token: &str, batch: &str, changes: Value) -> Value {
    let (status, body) =
        h.call(Method::POST, "/v1/lexicon/push", Some(token), Some(json!({"batch": batch, "changes": changes}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn edits_merge_and_conflicts_come_back(h: Harness) {
    let asha = h.user("asha", "reviewer").await;
    let ravi = h.user("ravi", "reviewer").await;
    let created = push(
        &h,
        &asha,
        "batch-1",
        json!([{"entry": entry(ARJUNA, "Arjuna", "अर्जुन", &["Arjun"]), "base_version": null},
               {"entry": entry(BHIMA, "Bhīma", "भीम", &[]), "base_version": null}]),
    )
    .await;
    assert_eq!(created["version"], 1);
    assert!(created["outcomes"].as_array().unwrap().iter().all(|o| o["outcome"] == "applied"), "{created}");

    // A retry of the same batch gets the same answer and writes nothing.
    let again =
        push(&h, &asha, "batch-1", json!([{"entry": entry(ARJUNA, "Arjuna", "x", &[]), "base_version": null}])).await;
    assert_eq!(again, created);
    // Another user cannot reuse it.
    let (status, body) =
        h.call(Method::POST, "/v1/lexicon/push", Some(&ravi), Some(json!({"batch": "batch-1", "changes": []}))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("batch-taken")));

    // Both edit Arjuna from version 1: a variant on one side, the Devanagari on the other merge.
    let a = push(
        &h,
        &asha,
        "a-2",
        json!([{"entry": entry(ARJUNA, "Arjuna", "अर्जुन", &["Arjun", "Arjunah"]), "base_version": 1}]),
    )
    .await;
    assert_eq!(a["outcomes"][0]["row"]["version"], 2);
    let r = push(&h, &ravi, "r-1", json!([{"entry": entry(ARJUNA, "Arjuna", "अर्जुनः", &["Arjun"]), "base_version": 1}]))
        .await;
    let row = &r["outcomes"][0]["row"];
    assert_eq!(r["outcomes"][0]["outcome"], "applied", "{r}");
    assert_eq!((row["entry"]["deva"].as_str(), row["version"].as_i64()), (Some("अर्जुनः"), Some(3)));
    assert_eq!(row["entry"]["variants"], json!(["Arjun", "Arjunah"]), "asha's variant survived ravi's push");
    assert_eq!(row["updated_by"], "ravi");

    // The same field changed differently: a conflict with the server's row; nothing written.
    let c = push(
        &h,
        &asha,
        "a-3",
        json!([{"entry": entry(ARJUNA, "Arjuna", "अर्जुना", &["Arjun", "Arjunah"]), "base_version": 2}]),
    )
    .await;
    assert_eq!(c["outcomes"][0]["outcome"], "conflict", "{c}");
    assert_eq!(c["outcomes"][0]["conflict"], json!({"kind": "fields", "fields": ["deva"]}));
    assert_eq!(c["outcomes"][0]["row"]["entry"]["deva"], "अर्जुनः");
    assert_eq!(c["version"], 3, "a conflict writes nothing");
    // Resolving is an ordinary push from the server's version.
    let fixed = push(
        &h,
        &asha,
        "a-4",
        json!([{"entry": entry(ARJUNA, "Arjuna", "अर्जुना", &["Arjun", "Arjunah"]), "base_version": 3}]),
    )
    .await;
    assert_eq!(fixed["outcomes"][0]["outcome"], "applied");

    // A second entry with the same key is offered the first; delete against edit conflicts.
    let dup =
        push(&h, &ravi, "r-2", json!([{"entry": entry(OTHER_ARJUNA, "arjuna", "अर्जुन", &[]), "base_version": null}]))
            .await;
    assert_eq!(dup["outcomes"][0]["conflict"]["kind"], "same-key", "{dup}");
    assert_eq!(dup["outcomes"][0]["row"]["entry"]["id"], ARJUNA);
    let mut gone = entry(BHIMA, "Bhīma", "भीम", &[]);
    gone["deleted"] = json!(true);
    push(&h, &ravi, "r-3", json!([{"entry": entry(BHIMA, "Bhīma", "भीम", &["Bheem"]), "base_version": 1}])).await;
    let del = push(&h, &asha, "a-5", json!([{"entry": gone, "base_version": 1}])).await;
    assert_eq!(del["outcomes"][0]["conflict"], json!({"kind": "fields", "fields": ["deleted"]}), "{del}");

    // Bad changes are rejected with the reason, beside good ones in the same push.
    let mixed = push(
        &h,
        &asha,
        "a-6",
        json!([{"entry": entry("short", "Arjuna", "अ", &[]), "base_version": null},
               {"entry": entry("01J9ZQ7M3X5V2K8T4N6R0B1C2D", "Kṛṣṇa", "कृष्ण", &[]), "base_version": null}]),
    )
    .await;
    assert_eq!(mixed["outcomes"][0]["outcome"], "rejected");
    assert!(mixed["outcomes"][0]["reason"].as_str().unwrap().contains("ULID"));
    assert_eq!(mixed["outcomes"][1]["outcome"], "applied");
}
story!(edits_merge_and_conflicts_come_back);

async fn changes_page_in_version_order_and_miss_nothing(h: Harness) {
    let asha = h.user("asha", "reviewer").await;
    let viewer = h.user("vera", "viewer").await;
    // 25 entries in three pushes; then five of the first push are edited again.
    let id = |i: usize| format!("01J9ZQ7M3X5V2K8T4N6R0B{i:04}");
    let syllables = "ka kha ga gha ca cha ja jha ta tha da dha na pa pha ba bha ma ya ra la va sa ha kṣa";
    let name = |i: usize| format!("Nāma{}", syllables.split(' ').nth(i).unwrap());
    for (batch, range) in [("p1", 0..10), ("p2", 10..20), ("p3", 20..25)] {
        let changes: Vec<Value> =
            range.map(|i| json!({"entry": entry(&id(i), &name(i), "नाम", &[]), "base_version": null})).collect();
        let pushed = push(&h, &asha, batch, json!(changes)).await;
        assert!(pushed["outcomes"].as_array().unwrap().iter().all(|o| o["outcome"] == "applied"), "{pushed}");
    }
    let edits: Vec<Value> =
        (0..5).map(|i| json!({"entry": entry(&id(i), &name(i), "नाम", &["edited"]), "base_version": 1})).collect();
    push(&h, &asha, "p4", json!(edits)).await;

    let mut seen = std::collections::BTreeMap::new();
    let mut path = "/v1/lexicon/changes?since=0&limit=7".to_owned();
    let mut pages = 0;
    loop {
        let (status, page) = h.call(Method::GET, &path, Some(&viewer), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["version"], 4);
        for row in page["rows"].as_array().unwrap() {
            seen.insert(row["entry"]["id"].as_str().unwrap().to_owned(), row["version"].as_i64().unwrap());
        }
        pages += 1;
        match page["next"].as_object() {
            Some(next) => {
                path = format!(
                    "/v1/lexicon/changes?since={}&after={}&limit=7",
                    next["version"],
                    next["after"].as_str().unwrap()
                )
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 25, "every entry once");
    assert_eq!(pages, 4);
    assert!((0..5).all(|i| seen[&id(i)] == 4), "edited entries come at their new version");
    let (_, empty) = h.call(Method::GET, "/v1/lexicon/changes?since=4", Some(&viewer), None).await;
    assert_eq!((empty["rows"].as_array().unwrap().len(), &empty["next"]), (0, &Value::Null));
}
story!(changes_page_in_version_order_and_miss_nothing);
