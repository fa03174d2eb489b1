use super::{path_str, shruti, stderr, stdout, temp_dir};

#[test]
fn json_flags_carry_every_documented_field() {
    let dir = temp_dir("flag");
    let input = dir.join("talk.srt");
    std::fs::write(
        &input,
        "1\n00:00:01,000 --> 00:00:04,000\nking Devaka ruled\n\n\
         2\n00:00:05,000 --> 00:00:09,000\nAs Krishna says, karmanye vadhikaraste, ma phaleshu kadachana.\n",
    )
    .unwrap();
    let o = shruti(&["flag", path_str(&input), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let flags: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON array");
    let flags = flags.as_array().unwrap();
    assert_eq!(flags.len(), 2, "{flags:#?}");

    let fuzzy = &flags[0];
    assert_eq!(fuzzy["cue"], 1);
    assert_eq!(fuzzy["start_ms"], 1000);
    assert_eq!(fuzzy["end_ms"], 4000);
    assert_eq!(fuzzy["surface"], "Devaka");
    assert_eq!(fuzzy["span"], serde_json::json!([5, 11]));
    assert_eq!(fuzzy["kind"], "fuzzy");
    assert!(fuzzy["score"].as_f64().unwrap() > 0.5);
    assert_eq!(fuzzy["suggestions"][0]["text"], "Devakī");
    assert_eq!(fuzzy["suggestions"][0]["source"], "phonetic");
    assert!(fuzzy["suggestions"][0]["score"].is_number());

    let verse = &flags[1];
    assert_eq!(verse["cue"], 2);
    assert_eq!(verse["kind"], "verse");
    assert_eq!(verse["verse"]["work"], "Bhagavad Gītā");
    assert_eq!(verse["verse"]["ref"], "2.47");
    assert_eq!(verse["verse"]["iast"], "karmaṇyevādhikāraste mā phaleṣu kadācana");
    assert_eq!(verse["suggestions"][0]["text"], verse["verse"]["iast"]);
}

#[test]
fn kind_filter_and_table_output() {
    let dir = temp_dir("flag-table");
    let input = dir.join("talk.srt");
    std::fs::write(&input, "1\n00:00:01,000 --> 00:00:04,000\nking Devaka met Bhadrashvadhipa\n").unwrap();
    let o = shruti(&["flag", path_str(&input), "--kind", "unknown-term"]);
    assert!(o.status.success());
    let table = stdout(&o);
    assert!(table.contains("unknown-term") && table.contains("Bhadrashvadhipa"), "{table}");
    assert!(!table.contains("Devaka"), "{table}");
    assert_eq!(shruti(&["flag", path_str(&input), "--kind", "nonsense"]).status.code(), Some(1));
}
