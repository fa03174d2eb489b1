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
