//! The expert's decisions: append-only, latest (not undone) wins, undo is a decision too, and
//! "apply to all instances" records one decision per instance under one group id.

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use shruti_core::lexicon::{Addition, Category};

use crate::error::{Error, Result};
use crate::flags::StoredSuggestion;
use crate::project::Project;
use crate::team::TeamContribution;

/// What the expert decided about a flag. As JSON (the desktop app sends it so):
/// `{"action": "accept", "suggestion": 0}`, `{"action": "replace", "text": "…"}`, ….
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// Take the suggestion at this index (0-based).
    Accept {
        /// Index into the flag's suggestions.
        suggestion: usize,
    },
    /// Replace the flagged text with this.
    Replace {
        /// The text.
        text: String,
    },
    /// The text is right as it is.
    Keep,
    /// Not a Sanskrit word: leave it.
    NotSanskrit,
    /// The heard spelling is a variant of this entry: use the entry, and teach the lexicon.
    AddVariant {
        /// The entry's IAST.
        iast: String,
        /// The entry's Devanagari.
        #[serde(default)]
        deva: String,
    },
    /// A new lexicon entry; the heard spelling becomes its variant.
    AddEntry {
        /// Canonical IAST.
        iast: String,
        /// Devanagari.
        deva: String,
        /// Its category.
        category: Category,
    },
}

impl Action {
    /// The action's name, as stored and shown.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Accept { .. } => "accept",
            Action::Replace { .. } => "replace",
            Action::Keep => "keep",
            Action::NotSanskrit => "not-sanskrit",
            Action::AddVariant { .. } => "add-variant",
            Action::AddEntry { .. } => "add-entry",
        }
    }

    /// The action with its texts trimmed; one left empty is refused.
    pub fn trimmed(self) -> Result<Action> {
        let nonempty = |s: String, what: &str| {
            let t = s.trim();
            if t.is_empty() {
                Err(Error::Invalid(format!("{what} is empty")))
            } else {
                Ok(t.to_owned())
            }
        };
        Ok(match self {
            Action::Replace { text } => Action::Replace { text: nonempty(text, "the replacement")? },
            Action::AddVariant { iast, deva } => Action::AddVariant { iast: nonempty(iast, "the entry")?, deva },
            Action::AddEntry { iast, deva, category } => Action::AddEntry {
                iast: nonempty(iast, "the IAST")?,
                deva: nonempty(deva, "the Devanagari")?,
                category,
            },
            other => other,
        })
    }

    /// The lexicon addition this action makes for a flag reading `surface`, if any.
    pub fn addition(&self, surface: &str) -> Option<Addition> {
        match self {
            Action::AddVariant { iast, .. } => {
                Some(Addition::Variant { iast: iast.clone(), variant: surface.to_owned() })
            }
            Action::AddEntry { iast, deva, category } => Some(Addition::Entry {
                deva: deva.clone(),
                iast: iast.clone(),
                category: *category,
                variants: vec![surface.to_owned()],
            }),
            _ => None,
        }
    }
}

/// A decision to record.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// What.
    pub action: Action,
    /// Who.
    pub expert: String,
    /// Why, optionally.
    pub note: Option<String>,
}

/// Which flags a decision covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// This flag only.
    One,
    /// This flag and every undecided flag with the same text (ignoring case) in the project.
    AllInstances,
}

/// A recorded decision.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionRow {
    /// Its id.
    pub id: i64,
    /// The flag.
    pub flag_id: i64,
    /// accept, replace, keep, not-sanskrit, add-variant, add-entry or undo.
    pub action: String,
    /// The text it puts in place of the flagged span, if it changes it.
    pub text: Option<String>,
    /// Who.
    pub expert: String,
    /// When, Unix ms.
    pub at: i64,
    /// Why.
    pub note: Option<String>,
    /// Decisions made together share it.
    pub group_id: Option<i64>,
    /// For an undo, the decision it undoes.
    pub undoes: Option<i64>,
}

impl Project {
    /// How many flags a decision on `flag_id` with [`Scope::AllInstances`] would decide: this
    /// one and every other undecided flag with the same text.
    pub fn instances(&self, flag_id: i64) -> Result<usize> {
        let (surface, _) = flag_surface(&self.conn, flag_id)?;
        Ok(1 + other_instances(&self.conn, &surface, flag_id)?.len())
    }

    /// Records a decision on `flag_id` (and, with [`Scope::AllInstances`], on every undecided flag
    /// with the same text). Returns the decisions written. The caller checks lexicon additions
    /// against the lexicon first; they are stored with the decision.
    pub fn decide(&mut self, flag_id: i64, decision: &NewDecision, scope: Scope) -> Result<Vec<DecisionRow>> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (surface, suggestions) = flag_surface(&tx, flag_id)?;
        let (text, deva, detail) = resolve(&decision.action, &suggestions, flag_id)?;
        let mut targets = vec![(flag_id, text.clone(), deva.clone(), detail.clone())];
        if scope == Scope::AllInstances {
            for (id, json) in other_instances(&tx, &surface, flag_id)? {
                // The same suggestion as cased for this instance's place in its sentence.
                let suggestions: Vec<StoredSuggestion> = serde_json::from_str(&json).unwrap_or_default();
                let own =
                    text.as_ref().and_then(|t| suggestions.iter().find(|s| s.text.to_lowercase() == t.to_lowercase()));
                let text = own.map(|s| s.text.clone()).or_else(|| text.clone());
                targets.push((id, text, deva.clone(), detail.clone()));
            }
        }
        let group = (targets.len() > 1).then(|| next_group(&tx)).transpose()?;
        let now = crate::now_ms();
        let mut written = Vec::with_capacity(targets.len());
        for (id, text, deva, detail) in targets {
            let row = DecisionRow {
                id: 0,
                flag_id: id,
                action: decision.action.name().to_owned(),
                text,
                expert: decision.expert.clone(),
                at: now,
                note: decision.note.clone(),
                group_id: group,
                undoes: None,
            };
            written.push(insert(&tx, row, deva.as_deref(), detail.as_deref())?);
        }
        if let Some(addition) = decision.action.addition(&surface) {
            tx.execute(
                "INSERT INTO lexicon_additions (addition, decision_id, expert, at) VALUES (?1, ?2, ?3, ?4)",
                params![to_json(&addition)?, written[0].id, decision.expert, now],
            )?;
        }
        Project::audit(
            &tx,
            &decision.expert,
            "decide",
            &serde_json::json!({ "flag": flag_id, "action": decision.action.name(), "decisions": written.len(),
                                 "group": group }),
        )?;
        tx.commit()?;
        Ok(written)
    }

    /// Undoes the latest decision still in force (by `expert`, when given), with its whole group.
    /// With `flag_id`, the latest on that flag only. Returns the undo decisions written (none when
    /// there is nothing to undo).
    pub fn undo(&mut self, expert: &str, only_by: Option<&str>, flag_id: Option<i64>) -> Result<Vec<DecisionRow>> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let latest: Option<(i64, Option<i64>)> = tx
            .query_row(
                "SELECT d.id, d.group_id FROM decisions d
                 WHERE d.action != 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id)
                   AND (?1 IS NULL OR d.expert = ?1) AND (?2 IS NULL OR d.flag_id = ?2)
                 ORDER BY d.id DESC LIMIT 1",
                (only_by, flag_id),
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((latest, group)) = latest else { return Ok(Vec::new()) };
        let targets: Vec<(i64, i64)> = match (group, flag_id) {
            (Some(group), None) => tx
                .prepare(
                    "SELECT d.id, d.flag_id FROM decisions d WHERE d.group_id = ?1
                       AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id) ORDER BY d.id",
                )?
                .query_map([group], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?,
            _ => vec![(latest, tx.query_row("SELECT flag_id FROM decisions WHERE id = ?1", [latest], |r| r.get(0))?)],
        };
        let undo_group = (targets.len() > 1).then(|| next_group(&tx)).transpose()?;
        let now = crate::now_ms();
        let mut written = Vec::with_capacity(targets.len());
        for (undone, flag) in targets {
            let row = DecisionRow {
                id: 0,
                flag_id: flag,
                action: "undo".into(),
                text: None,
                expert: expert.to_owned(),
                at: now,
                note: None,
                group_id: undo_group,
                undoes: Some(undone),
            };
            written.push(insert(&tx, row, None, None)?);
        }
        Project::audit(&tx, expert, "undo", &serde_json::json!({ "undid": latest, "decisions": written.len() }))?;
        tx.commit()?;
        Ok(written)
    }

    /// Every decision on a flag, oldest first (undos included).
    pub fn history(&self, flag_id: i64) -> Result<Vec<DecisionRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, flag_id, action, text, expert, at, note, group_id, undoes FROM decisions
             WHERE flag_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([flag_id], |r| {
            Ok(DecisionRow {
                id: r.get(0)?,
                flag_id: r.get(1)?,
                action: r.get(2)?,
                text: r.get(3)?,
                expert: r.get(4)?,
                at: r.get(5)?,
                note: r.get(6)?,
                group_id: r.get(7)?,
                undoes: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a lexicon addition made in the lexicon editor (not tied to a flag, so never
    /// undone by a review undo). The caller checks it against the lexicon first.
    pub fn add_to_lexicon(&mut self, addition: &Addition, expert: &str) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let json = to_json(addition)?;
        tx.execute(
            "INSERT INTO lexicon_additions (addition, decision_id, expert, at) VALUES (?1, NULL, ?2, ?3)",
            params![json, expert, crate::now_ms()],
        )?;
        Project::audit(&tx, expert, "lexicon-add", &serde_json::from_str(&json).unwrap_or_default())?;
        tx.commit()?;
        Ok(())
    }

    /// The additions after `id` (by their id, oldest first), undone ones left out: what a team
    /// sync has not yet turned into team changes.
    pub fn lexicon_additions_after(&self, id: i64) -> Result<Vec<(i64, Addition)>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.addition FROM lexicon_additions a WHERE a.id > ?1 AND
             (a.decision_id IS NULL OR NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = a.decision_id))
             ORDER BY a.id",
        )?;
        let rows = stmt.query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (id, json) = row?;
            Ok((id, parse_addition(&json)?))
        })
        .collect()
    }

    /// What exported additions (up to `exported`) whose decisions were undone after decision
    /// `after` changed in the team library: what a team sync withdraws. Returns it with the
    /// latest decision looked at, where the next look starts.
    pub fn lexicon_withdrawals(&self, after: i64, exported: i64) -> Result<(i64, Vec<TeamContribution>)> {
        let upto: i64 = self.conn.query_row("SELECT COALESCE(MAX(id), 0) FROM decisions", [], |r| r.get(0))?;
        let mut stmt = self.conn.prepare(
            "SELECT c.entry_id, c.created, c.variants FROM lexicon_additions a
             JOIN decisions u ON u.undoes = a.decision_id JOIN team_contributions c ON c.addition_id = a.id
             WHERE u.id > ?1 AND u.id <= ?2 AND a.id <= ?3 ORDER BY u.id",
        )?;
        let rows = stmt.query_map([after, upto, exported], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (entry_id, created, variants) = row?;
            let variants = serde_json::from_str(&variants)
                .map_err(|e| Error::Invalid(format!("stored team contribution {variants}: {e}")))?;
            out.push(TeamContribution { entry_id, created, variants });
        }
        Ok((upto, out))
    }

    /// The lexicon additions in force (their decisions not undone), oldest first.
    pub fn lexicon_additions(&self) -> Result<Vec<Addition>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.addition FROM lexicon_additions a
             WHERE a.decision_id IS NULL OR NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = a.decision_id)
             ORDER BY a.id",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|json| parse_addition(&json?)).collect()
    }
}

fn parse_addition(json: &str) -> Result<Addition> {
    serde_json::from_str(json).map_err(|e| Error::Invalid(format!("stored lexicon addition {json}: {e}")))
}

fn flag_surface(tx: &rusqlite::Connection, flag_id: i64) -> Result<(String, Vec<StoredSuggestion>)> {
    let (surface, json): (String, String) = tx
        .query_row("SELECT surface, suggestions FROM flags WHERE id = ?1", [flag_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| crate::flags::no_flag(flag_id))?;
    Ok((surface, serde_json::from_str(&json).unwrap_or_default()))
}

/// The text, Devanagari and detail (JSON) an action gives a flag.
fn resolve(
    action: &Action,
    suggestions: &[StoredSuggestion],
    flag_id: i64,
) -> Result<(Option<String>, Option<String>, Option<String>)> {
    Ok(match action {
        Action::Accept { suggestion } => {
            let s = suggestions.get(*suggestion).ok_or_else(|| {
                Error::Invalid(format!(
                    "flag {flag_id} has {} suggestion(s); there is no number {}",
                    suggestions.len(),
                    suggestion + 1
                ))
            })?;
            (Some(s.text.clone()), s.deva.clone(), Some(to_json(&serde_json::json!({ "suggestion": suggestion }))?))
        }
        Action::Replace { text } => {
            if text.trim().is_empty() {
                return Err(Error::Invalid("the replacement text is empty".into()));
            }
            (Some(text.trim().to_owned()), None, None)
        }
        Action::Keep | Action::NotSanskrit => (None, None, None),
        Action::AddVariant { iast, deva } | Action::AddEntry { iast, deva, .. } => {
            (Some(iast.clone()), Some(deva.clone()), None)
        }
    })
}

fn next_group(tx: &Transaction) -> Result<i64> {
    Ok(tx.query_row("SELECT coalesce(max(group_id), 0) + 1 FROM decisions", [], |r| r.get(0))?)
}

/// Appends a decision and refreshes its flag's cached state.
fn insert(tx: &Transaction, mut row: DecisionRow, deva: Option<&str>, detail: Option<&str>) -> Result<DecisionRow> {
    row.id = tx.query_row(
        "INSERT INTO decisions (flag_id, action, text, deva, detail, expert, at, note, group_id, undoes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
        params![
            row.flag_id,
            row.action,
            row.text,
            deva,
            detail,
            row.expert,
            row.at,
            row.note,
            row.group_id,
            row.undoes
        ],
        |r| r.get(0),
    )?;
    let in_force: Option<(i64, String)> = tx
        .query_row(
            "SELECT d.id, d.action FROM decisions d
             WHERE d.flag_id = ?1 AND d.action != 'undo' AND NOT EXISTS (SELECT 1 FROM decisions u WHERE u.undoes = d.id)
             ORDER BY d.id DESC LIMIT 1",
            [row.flag_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (id, state) = in_force.map_or((None, "pending".to_owned()), |(id, action)| (Some(id), action));
    tx.execute("UPDATE flags SET state = ?2, decision_id = ?3 WHERE id = ?1", params![row.flag_id, state, id])?;
    tx.execute(
        "INSERT OR IGNORE INTO index_queue (segment_id) SELECT segment_id FROM flags WHERE id = ?1",
        [row.flag_id],
    )?;
    Ok(row)
}

/// The undecided flags other than `flag_id` with the text `surface` (ignoring case), with their
/// suggestions (JSON). SQLite's lower() folds ASCII only: the comparison is Rust's, so Śiva
/// finds śiva.
fn other_instances(conn: &rusqlite::Connection, surface: &str, flag_id: i64) -> Result<Vec<(i64, String)>> {
    let key = surface.to_lowercase();
    let mut stmt = conn.prepare_cached(
        "SELECT id, suggestions, surface FROM flags
         WHERE length(surface) = length(?1) AND state = 'pending' AND id != ?2",
    )?;
    let rows = stmt
        .query_map((surface, flag_id), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, json, theirs) = row?;
        if theirs.to_lowercase() == key {
            out.push((id, json));
        }
    }
    Ok(out)
}

fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Invalid(format!("cannot serialise: {e}")))
}
