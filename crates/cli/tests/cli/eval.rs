use super::{path_str, root, shruti, stderr, stdout};

#[test]
fn golden_set_meets_the_quality_gates() {
    let golden = root().join("golden/text");
    let o = shruti(&[
        "eval",
        path_str(&golden),
        "--min-term-recall",
        "0.95",
        "--max-over-corrections",
        "0",
        "--min-verse-recall",
        "0.9",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(report["cues"].as_u64().unwrap() >= 200);
    assert_eq!(report["auto"]["over_corrections"], 0);
}

#[test]
fn an_unmet_threshold_fails() {
    let golden = root().join("golden/text");
    let o = shruti(&["eval", path_str(&golden), "--min-term-recall", "1.01"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("below threshold: term recall"), "{}", stderr(&o));
}
