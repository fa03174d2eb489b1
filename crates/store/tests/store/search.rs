use shruti_store::{Action, FlagQuery, NewDecision, Project, Scope};

use crate::{import, LECTURE};

fn found(project: &Project, index: &mut shruti_store::SearchIndex, query: &str, fuzzy: bool) -> Vec<i64> {
    index.sync(project).unwrap();
    index.search(project, query, fuzzy, 10).unwrap().into_iter().map(|h| h.start_ms).collect()
}

#[test]
fn finds_original_and_corrected_text_with_phrases_and_fuzzy_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    import(&mut project, "gita.srt", LECTURE);
    let mut index = project.search_index().unwrap();
    assert_eq!(found(&project, &mut index, "Kurukshetra", false), [1000], "original text");
    assert_eq!(found(&project, &mut index, "kuruksetra", false), [1000], "corrected, diacritics folded");
    assert_eq!(found(&project, &mut index, "\"karma yoga\"", false), [4500], "phrase");
    assert!(found(&project, &mut index, "\"yoga karma\"", false).is_empty(), "a phrase keeps its order");
    assert_eq!(found(&project, &mut index, "Arjuna", false).len(), 2, "corrected Arjun, in two segments");
    assert_eq!(found(&project, &mut index, "Krisna smiles", true), [12500], "one edit away");

    // A decision reaches the index: the corrected text is searchable at once.
    let flag = project.flags(&FlagQuery::default()).unwrap()[1].id;
    let replace = Action::Replace { text: "Bhagavad".into() };
    project.decide(flag, &NewDecision { action: replace, expert: "ann".into(), note: None }, Scope::One).unwrap();
    assert_eq!(found(&project, &mut index, "\"bhagavad gita\"", false), [9000]);

    let hit = &index.search(&project, "smiles", false, 10).unwrap()[0];
    assert_eq!((hit.path.to_str(), hit.end_ms, hit.pending_flags), (Some("/lectures/gita.srt"), 15000, 1));
}

#[test]
fn the_index_is_rebuilt_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut project = Project::open(dir.path()).unwrap();
    import(&mut project, "gita.srt", LECTURE);
    project.search_index().unwrap().sync(&project).unwrap();
    // Damage the index: it is only a cache of the database.
    for entry in std::fs::read_dir(dir.path().join("search")).unwrap() {
        std::fs::write(entry.unwrap().path(), b"garbage").unwrap();
    }
    let mut index = project.search_index().unwrap();
    assert_eq!(found(&project, &mut index, "smiles", false), [12500]);
    let index = project.rebuild_search_index().unwrap();
    assert_eq!(index.search(&project, "dharma", false, 10).unwrap().len(), 1);
}
