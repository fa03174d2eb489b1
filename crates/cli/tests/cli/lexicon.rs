use super::{path_str, root, shruti, stderr, stdout, temp_dir};

#[test]
fn bundled_lexicon_checks_clean_and_counts() {
    let o = shruti(&["lexicon", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = shruti(&["lexicon", "stats"]);
    let out = stdout(&o);
    assert!(out.contains("deity") && out.contains("mantra") && out.contains("Bhagavad Gītā (701 verses)"), "{out}");
}

#[test]
fn the_shipped_lexicon_folder_loads_like_the_bundled_one() {
    let o = shruti(&["lexicon", "check", "--lexicon", path_str(&root().join("lexicons"))]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn check_reports_every_problem_with_file_and_line() {
    let dir = temp_dir("lexicon");
    std::fs::write(
        dir.join("a.toml"),
        "category = \"deity\"\n\n[[entry]]\ndeva = \"कृष्ण\"\niast = \"Kṛṣṇa\"\nvariants = [\"Krishna\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b.toml"),
        "category = \"person\"\n\n[[entry]]\ndeva = \"कृष्ण\"\niast = \"Kṛṣṇa\"\n\n[[entry]]\ndeva = \"अर्जुन\"\niast = \"Arjuna\"\nvariants = [\"Krishna\"]\n\n[[entry]]\ndeva = \"शिव\"\niast = \"Śiwa\"\n",
    )
    .unwrap();
    let o = shruti(&["lexicon", "check", "--lexicon", path_str(&dir)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let b = dir.join("b.toml");
    assert!(err.contains(&format!("{}:3: duplicate entry \"Kṛṣṇa\"", b.display())), "{err}");
    assert!(
        err.contains(&format!("{}:10: variant \"Krishna\" of \"Arjuna\" is already claimed", b.display())),
        "{err}"
    );
    assert!(err.contains(&format!("{}:14: iast \"Śiwa\": character 'w'", b.display())), "{err}");
    assert!(err.contains("3 problem(s)"), "{err}");
}

#[test]
fn check_catches_iast_that_is_not_its_devanagari() {
    let dir = temp_dir("lexicon-translit");
    std::fs::write(dir.join("a.toml"), "category = \"term\"\n\n[[entry]]\ndeva = \"धर्म\"\niast = \"dharma\"\n\n[[entry]]\ndeva = \"कर्म\"\niast = \"karman\"\n").unwrap();
    let o = shruti(&["lexicon", "check", "--lexicon", path_str(&dir)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("a.toml:7: iast \"karman\" does not match its Devanagari कर्म (which reads \"karma\")"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn lookup_shows_entry_and_engine_decision() {
    let out = stdout(&shruti(&["lexicon", "lookup", "Krishna"]));
    assert!(out.contains("Kṛṣṇa  कृष्ण  [deity]"), "{out}");
    assert!(out.contains("engine: corrects \"Krishna\" → \"Kṛṣṇa\""), "{out}");
    let out = stdout(&shruti(&["lexicon", "lookup", "drama"]));
    assert!(out.contains("leaves it alone"), "{out}");
}

#[test]
fn the_bundled_mishearing_table_is_what_the_committed_pairs_teach() {
    let (r, out) = (root(), temp_dir("mishearing").join("m.tsv"));
    let o = shruti(&[
        "lexicon",
        "learn-mishearing",
        "--heard",
        path_str(&r.join("lexicons/heard/tiny.en.toml")),
        "--clips",
        path_str(&r.join("golden/terms/tune")),
        "--raw",
        path_str(&r.join("golden/terms/raw/tiny.en/tune/off")),
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("round 4: 1626 of 3266 pairs kept"), "{}", stdout(&o));
    let learned = std::fs::read_to_string(&out).unwrap();
    let bundled = std::fs::read_to_string(r.join("lexicons/mishearing.tsv")).unwrap();
    assert!(learned == bundled, "lexicons/mishearing.tsv is stale: run scripts/learn-mishearing.sh");
}

#[test]
fn learning_mishearing_names_what_is_missing() {
    let (r, out) = (root(), temp_dir("mishearing-bad").join("m.tsv"));
    let clips = r.join("golden/terms/tune");
    let o = shruti(&["lexicon", "learn-mishearing", "--clips", path_str(&clips), "--out", path_str(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("each --clips folder needs its --raw folder"), "{}", stderr(&o));
    let empty = temp_dir("mishearing-empty");
    let o = shruti(&[
        "lexicon",
        "learn-mishearing",
        "--clips",
        path_str(&clips),
        "--raw",
        path_str(&empty),
        "--out",
        path_str(&out),
    ]);
    assert!(stderr(&o).contains("no saved recogniser output"), "{}", stderr(&o));
    assert!(!out.exists(), "nothing is written from half the pairs");
}
