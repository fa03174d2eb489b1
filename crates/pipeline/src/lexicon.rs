//! The project's engine: the lexicon (bundled or a folder) with the additions experts made in
//! review, and re-flagging of transcripts made with an older lexicon.

use shruti_core::lexicon::Addition;
use shruti_core::{Engine, Lexicon};
use shruti_store::Project;

use crate::error::Result;

/// The lexicon with the project's additions applied, then the team library's entries.
pub fn project_lexicon(project: &Project, base: &Lexicon) -> Result<Lexicon> {
    let own = with_additions(base, project.lexicon_additions()?, "project additions");
    // The team library's entries, as far as the project has them: what the lexicon lacks.
    let mut team = Vec::new();
    for row in project.team_locals(None)? {
        match serde_json::from_str::<shruti_sync::TeamEntry>(&row.entry) {
            Ok(entry) => team.push(entry),
            Err(e) => tracing::warn!("team entry {} skipped: {e}", row.id),
        }
    }
    if team.is_empty() {
        return Ok(own);
    }
    let additions = crate::team::lexicon::as_additions(&team, &own);
    Ok(with_additions(&own, additions, "team library"))
}

/// `base` with `additions`. An addition that no longer fits (the lexicon files gained the same
/// entry, or the entry it extended was withdrawn) is skipped with a warning rather than locking
/// the project.
fn with_additions(base: &Lexicon, additions: Vec<Addition>, source: &str) -> Lexicon {
    // Usually every addition still fits: one pass, one copy of the lexicon.
    if let Ok(lexicon) = base.clone().with_additions(&additions, source) {
        return lexicon;
    }
    let mut lexicon = base.clone();
    for addition in additions {
        match lexicon.clone().with_additions(std::slice::from_ref(&addition), source) {
            Ok(next) => lexicon = next,
            Err(errors) => tracing::warn!("{source}: {addition:?} skipped: {}", errors[0]),
        }
    }
    lexicon
}

/// Adds an entry or a variant from the lexicon editor: checked against the lexicon with the
/// project's additions (the loader's messages name what is wrong), saved, and the project
/// re-flagged with it.
pub fn add(project: &mut Project, base: &Lexicon, addition: Addition, expert: &str) -> Result<ReflagSummary> {
    project_lexicon(project, base)?
        .with_additions(std::slice::from_ref(&addition), "the lexicon editor")
        .map_err(crate::Error::Lexicon)?;
    project.add_to_lexicon(&addition, expert)?;
    reflag_outdated(project, base)
}

/// The engine for a project.
pub fn project_engine(project: &Project, base: &Lexicon) -> Result<Engine> {
    Ok(Engine::builder().lexicon(project_lexicon(project, base)?).build())
}

/// What a re-flag did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReflagSummary {
    /// Transcripts analysed again.
    pub transcripts: usize,
    /// New flags.
    pub added: usize,
    /// Undecided flags gone.
    pub removed: usize,
}

/// Re-analyses only the transcripts whose flags came from another lexicon version. The engine
/// is built only when one needs it.
pub fn reflag_outdated(project: &mut Project, base: &Lexicon) -> Result<ReflagSummary> {
    let lexicon = project_lexicon(project, base)?;
    let version = lexicon.version().to_owned();
    let outdated: Vec<i64> = project
        .transcripts()?
        .into_iter()
        .filter(|t| t.lexicon_version.as_deref() != Some(version.as_str()))
        .map(|t| t.id)
        .collect();
    let mut summary = ReflagSummary::default();
    if outdated.is_empty() {
        return Ok(summary);
    }
    let engine = Engine::builder().lexicon(lexicon).build();
    for id in outdated {
        let transcript = project.load_transcript(id)?;
        let analysis = engine.analyze(&transcript);
        let changed = project.reflag(id, &analysis, engine.lexicon())?;
        summary.transcripts += 1;
        summary.added += changed.added;
        summary.removed += changed.removed;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use shruti_core::lexicon::{Addition, Category};
    use shruti_core::Lexicon;
    use shruti_store::Project;

    use super::project_lexicon;

    #[test]
    fn an_addition_that_no_longer_fits_is_skipped_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut project = Project::open(dir.path()).unwrap();
        let stale = Addition::Variant { iast: "Nobody".into(), variant: "Nobodi".into() };
        let fine = Addition::Entry {
            deva: "विषादयोग".into(),
            iast: "Viṣādayoga".into(),
            category: Category::Term,
            variants: vec!["vishada yoga".into()],
        };
        project.add_to_lexicon(&fine, "ann").unwrap();
        let base = Lexicon::bundled();
        let one_pass = project_lexicon(&project, &base).unwrap();
        assert!(one_pass.lookup("vishada yoga").iter().any(|e| e.iast == "Viṣādayoga"));

        project.add_to_lexicon(&stale, "ann").unwrap();
        let lenient = project_lexicon(&project, &base).unwrap();
        assert!(lenient.lookup("vishada yoga").iter().any(|e| e.iast == "Viṣādayoga"));
        assert!(lenient.lookup("Nobodi").is_empty());
        assert_eq!(lenient.version(), one_pass.version(), "the same lexicon as without the stale one");
    }
}
