//! Review decisions as the CLI and the app make them: lexicon additions are checked against
//! the lexicon before they are saved, and the project is re-flagged after they change it.

use shruti_core::Lexicon;
use shruti_store::{Action, DecisionRow, NewDecision, Project, Scope};

use crate::error::{Error, Result};
use crate::lexicon::{project_lexicon, reflag_outdated, ReflagSummary};

/// What a decision (or an undo) did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    /// The decisions written.
    pub decisions: Vec<DecisionRow>,
    /// The re-flag that followed a lexicon change.
    pub reflagged: ReflagSummary,
}

/// Records a decision. For `add-variant`, the entry's Devanagari is taken from the lexicon; a
/// new variant or entry is checked against the lexicon (with the project's earlier additions)
/// first, and the rest of the project is re-flagged with it at once.
pub fn decide(
    project: &mut Project,
    base: &Lexicon,
    flag_id: i64,
    mut decision: NewDecision,
    scope: Scope,
) -> Result<Outcome> {
    let surface = project.flag(flag_id)?.surface;
    if let Some(addition) = decision.action.addition(&surface) {
        let lexicon = project_lexicon(project, base)?;
        if let Action::AddVariant { iast, deva } = &mut decision.action {
            let entry = lexicon.entries().iter().find(|e| e.iast == *iast).ok_or_else(|| {
                Error::Invalid(format!("no lexicon entry {iast:?} (its IAST, exactly as in the lexicon)"))
            })?;
            *deva = entry.deva.clone();
        }
        lexicon.with_additions(&[addition], "this decision").map_err(Error::Lexicon)?;
    }
    let decisions = project.decide(flag_id, &decision, scope)?;
    let reflagged = reflag_outdated(project, base)?;
    Ok(Outcome { decisions, reflagged })
}

/// Undoes the latest decision in force (see [`Project::undo`]), re-flagging if it withdrew a
/// lexicon addition.
pub fn undo(
    project: &mut Project,
    base: &Lexicon,
    expert: &str,
    only_by: Option<&str>,
    flag: Option<i64>,
) -> Result<Outcome> {
    let decisions = project.undo(expert, only_by, flag)?;
    let reflagged = reflag_outdated(project, base)?;
    Ok(Outcome { decisions, reflagged })
}
