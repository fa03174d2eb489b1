//! Pull and push: read the local state, let `shruti_sync` decide, write the result in one
//! transaction. A push goes through the outbox first, so a crash or an offline hour never loses
//! it, and it is resent under the same batch id until the server answers.

use std::collections::HashMap;

use reqwest::Method;
use serde::Serialize;
use shruti_core::Lexicon;
use shruti_store::{Project, TeamLocal, TeamWrite};
use shruti_sync::{
    on_pulled, on_pushed, Apply, Change, Changes, Complete, EntryRow, Local, LocalState, Push, Pushed, Review,
    TeamEntry,
};

use super::client::{TeamClient, TeamError};
use super::lexicon::{apply_addition, contribution, withdraw};
use super::parse;
use crate::error::{Error, Result};

/// Rows per page of a pull.
const PAGE: i64 = 500;
/// The most changes one push carries (the server's limit).
const MAX_PUSH: usize = 500;

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub pulled: usize,
    pub merged: usize,
    pub pushed: usize,
    pub conflicts: usize,
    pub rejected: usize,
    /// Team jobs' results sent now (kept when the server was out of reach).
    pub results: usize,
    /// Of those, results the server no longer takes (their leases ran out): kept here, as late.
    pub late: usize,
    /// Team jobs whose review progress was reported.
    pub reviews: usize,
    /// Pushes still waiting for the server (it could not be reached).
    pub waiting: usize,
    /// Set when the server could not be reached; the rest was done.
    pub offline: Option<String>,
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("sync types serialise")
}

/// The local copy of an entry, parsed.
fn local(project: &Project, id: &str) -> Result<Option<(Local, String)>> {
    let Some(row) = project.team_local(id)? else { return Ok(None) };
    let state = match row.state.as_str() {
        "clean" => LocalState::Clean,
        "dirty" => LocalState::Dirty,
        "conflict" => LocalState::Conflict,
        _ => LocalState::Rejected,
    };
    let base = row.base.as_deref().map(|b| parse::<EntryRow>("base", b)).transpose()?;
    Ok(Some((Local { entry: parse("entry", &row.entry)?, base, state }, row.entry)))
}

/// The write that carries out `apply` for entry `id`, whose copy in use was `expect`.
fn write_for(id: &str, apply: Apply, expect: Option<String>, report: &mut Report) -> Option<TeamWrite> {
    let put = |entry: &TeamEntry, base: &EntryRow, state: &str, note: Option<String>| TeamWrite::Put {
        local: TeamLocal { id: id.to_owned(), entry: json(entry), base: Some(json(base)), state: state.into(), note },
        expect: expect.clone(),
    };
    match apply {
        Apply::Keep => None,
        Apply::Take(row) => Some(put(&row.entry, &row, "clean", None)),
        Apply::Merged { entry, base } => {
            report.merged += 1;
            Some(put(&entry, &base, "dirty", None))
        }
        Apply::Conflict { mine, theirs, conflict } => {
            report.conflicts += 1;
            Some(TeamWrite::Conflict {
                entry_id: id.to_owned(),
                mine: json(&mine),
                theirs: json(&theirs),
                conflict: json(&conflict),
            })
        }
        Apply::Rejected { reason } => {
            report.rejected += 1;
            let entry = parse::<TeamEntry>("entry", expect.as_deref().unwrap_or("null")).ok()?;
            Some(TeamWrite::Put {
                local: TeamLocal {
                    id: id.to_owned(),
                    entry: json(&entry),
                    base: None,
                    state: "rejected".into(),
                    note: Some(reason),
                },
                expect,
            })
        }
    }
}

/// Pulls every change since the cursor, page by page; each page and the cursor after it are
/// written together.
pub fn pull(project: &mut Project, client: &TeamClient, expert: &str, report: &mut Report) -> Result<()> {
    let link =
        project.team_link()?.ok_or_else(|| Error::Invalid("the project is not linked to a team server".into()))?;
    let (mut version, mut after) = (link.cursor_version, link.cursor_after);
    loop {
        let mut path = format!("/v1/lexicon/changes?since={version}&limit={PAGE}");
        if let Some(a) = &after {
            path.push_str(&format!("&after={a}"));
        }
        let page: Changes = client
            .call(Method::GET, &path, None::<&()>)
            .map_err(Error::Team)?
            .unwrap_or_else(|| Changes { rows: Vec::new(), next: None, version });
        let mut writes = Vec::new();
        for row in &page.rows {
            let current = local(project, &row.entry.id)?;
            let apply = on_pulled(current.as_ref().map(|c| &c.0), row);
            writes.extend(write_for(&row.entry.id, apply, current.map(|c| c.1), report));
        }
        report.pulled += page.rows.len();
        // Where the next pull starts: after the last row seen.
        if let Some(next) = &page.next {
            (version, after) = (next.version, next.after.clone());
        } else if let Some(last) = page.rows.last() {
            (version, after) = (last.version, None);
        }
        project.team_apply(&writes, Some((version, after.as_deref())), None, expert)?;
        if page.next.is_none() {
            return Ok(());
        }
    }
}

/// Turns lexicon additions made since the last push into team changes, and withdraws those
/// already turned whose decisions were undone since.
pub fn export_additions(project: &mut Project, lexicon: &Lexicon, expert: &str) -> Result<usize> {
    let link =
        project.team_link()?.ok_or_else(|| Error::Invalid("the project is not linked to a team server".into()))?;
    let (undo_mark, withdrawn) = project.lexicon_withdrawals(link.exported_undo, link.exported_addition)?;
    let additions = project.lexicon_additions_after(link.exported_addition)?;
    let in_force = if withdrawn.is_empty() { Vec::new() } else { project.lexicon_additions()? };
    // The entries by key as the additions change them, and each one's last-synced copy by id
    // (a term deleted and made anew is two entries; the new one has none).
    let mut entries: HashMap<String, TeamEntry> = HashMap::new();
    let mut bases: HashMap<String, String> = HashMap::new();
    for row in project.team_locals(None)? {
        let entry: TeamEntry = parse("entry", &row.entry)?;
        if let Some(base) = row.base {
            bases.insert(entry.id.clone(), base);
        }
        entries.insert(entry.key(), entry);
    }
    let mut changed: HashMap<String, TeamEntry> = HashMap::new();
    let mut keep = |entries: &mut HashMap<String, TeamEntry>, entry: TeamEntry| {
        changed.insert(entry.id.clone(), entry.clone());
        entries.insert(entry.key(), entry);
    };
    for taken in &withdrawn {
        let entry = entries.values().find(|e| e.id == taken.entry_id);
        if let Some(entry) = entry.and_then(|e| withdraw(taken, e, &in_force)) {
            keep(&mut entries, entry);
        }
    }
    for (id, addition) in &additions {
        let Some(entry) = apply_addition(addition, &entries, lexicon, super::ulid) else { continue };
        let before = entries.get(&entry.key()).filter(|e| !e.deleted);
        if let Some(contributed) = contribution(addition, before, &entry) {
            project.team_contributed(*id, &contributed)?;
        }
        keep(&mut entries, entry);
    }
    for (id, entry) in &changed {
        project.team_edit(id, &json(entry), bases.get(id).map(String::as_str), expert)?;
    }
    project.team_exported(additions.last().map_or(0, |a| a.0), undo_mark)?;
    Ok(changed.len())
}

/// Sends the outbox, then queues and sends the entries changed here, then reports how review
/// stands on the team jobs done here.
pub fn push(project: &mut Project, client: &TeamClient, expert: &str, report: &mut Report) -> Result<()> {
    send_outbox(project, client, expert, report)?;
    if report.offline.is_some() {
        return Ok(());
    }
    let dirty = project.team_locals(Some("dirty"))?;
    if !dirty.is_empty() {
        push_entries(project, client, expert, &dirty, report)?;
    }
    if report.offline.is_none() {
        send_results(project, client, report)?;
    }
    if report.offline.is_none() {
        report_reviews(project, client, report)?;
    }
    Ok(())
}

/// Sends the results of team jobs done here that the server could not take when their batch
/// ended.
fn send_results(project: &mut Project, client: &TeamClient, report: &mut Report) -> Result<()> {
    for (job, hash, lease, media_id) in project.team_jobs_unsent()? {
        let body = Complete { lease, hash: hash.clone(), result: super::queue::job_result(project, media_id)? };
        match client.call::<serde_json::Value>(Method::POST, &format!("/v1/jobs/{job}/complete"), Some(&body)) {
            Ok(_) => {
                report.results += 1;
                project.team_job_recorded(job, &hash)?;
            }
            Err(e) if e.code() == Some("lease-lost") => {
                report.late += 1;
                super::queue::keep_late(project, job, &hash, &e.to_string())?;
                project.team_job_dropped(job)?;
            }
            Err(TeamError::Offline { detail, .. }) => {
                report.offline = Some(detail);
                return Ok(());
            }
            Err(e) => return Err(Error::Team(e)),
        }
    }
    Ok(())
}

/// Sends each team job's review as it stands, where it has changed since the last report.
fn report_reviews(project: &mut Project, client: &TeamClient, report: &mut Report) -> Result<()> {
    for job in project.team_jobs_to_report()? {
        let body = Review { hash: job.hash.clone(), result: super::queue::job_result(project, job.media_id)? };
        let path = format!("/v1/jobs/{}/review", job.job_id);
        match client.call::<serde_json::Value>(Method::POST, &path, Some(&body)) {
            Ok(_) => report.reviews += 1,
            // The server no longer has the job (its database started over): nothing to report to.
            Err(e) if e.code() == Some("not-found") => tracing::warn!(job = job.job_id, "review not reported: {e}"),
            Err(TeamError::Offline { detail, .. }) => {
                report.offline = Some(detail);
                return Ok(());
            }
            // Refused (a login revoked, a role lowered): reported at a later sync.
            Err(e) => return Err(Error::Team(e)),
        }
        project.team_job_reported(job.job_id, job.latest_decision)?;
    }
    Ok(())
}

/// Queues the entries changed here as pushes, and sends them.
fn push_entries(
    project: &mut Project,
    client: &TeamClient,
    expert: &str,
    dirty: &[shruti_store::TeamLocal],
    report: &mut Report,
) -> Result<()> {
    let mut changes = Vec::new();
    for row in dirty {
        let base_version = row.base.as_deref().map(|b| parse::<EntryRow>("base", b)).transpose()?.map(|b| b.version);
        changes.push(Change { entry: parse("entry", &row.entry)?, base_version });
    }
    for chunk in changes.chunks(MAX_PUSH) {
        let body = Push { batch: super::ulid(), changes: chunk.to_vec() };
        project.team_enqueue(&body.batch, &json(&body))?;
    }
    send_outbox(project, client, expert, report)
}

fn send_outbox(project: &mut Project, client: &TeamClient, expert: &str, report: &mut Report) -> Result<()> {
    for (batch, body) in project.team_outbox()? {
        let push: Push = parse("push", &body)?;
        let pushed: Pushed = match client.call(Method::POST, "/v1/lexicon/push", Some(&push)) {
            Ok(Some(p)) => p,
            Ok(None) => return Err(Error::Invalid("the server answered a push with no body".into())),
            Err(TeamError::Offline { detail, .. }) => {
                project.team_outbox_failed(&batch, &detail)?;
                report.waiting = project.team_outbox()?.len();
                report.offline = Some(detail);
                return Ok(());
            }
            Err(e) => return Err(Error::Team(e)),
        };
        let mut writes = Vec::new();
        for (change, outcome) in push.changes.iter().zip(&pushed.outcomes) {
            let current = local(project, &change.entry.id)?;
            let apply = on_pushed(&change.entry, current.as_ref().map(|c| &c.0), outcome);
            if matches!(apply, Apply::Take(_) | Apply::Merged { .. }) {
                report.pushed += 1;
            }
            let expect = current.map(|c| c.1).or_else(|| Some(json(&change.entry)));
            writes.extend(write_for(&change.entry.id, apply, expect, report));
        }
        project.team_apply(&writes, None, Some(&batch), expert)?;
    }
    Ok(())
}

/// Pulls, then pushes: what others changed is merged here first, so fewer pushes conflict.
pub fn sync(project: &mut Project, client: &TeamClient, lexicon: &Lexicon, expert: &str) -> Result<Report> {
    let mut report = Report::default();
    export_additions(project, lexicon, expert)?;
    match pull(project, client, expert, &mut report) {
        Err(Error::Team(TeamError::Offline { detail, .. })) => report.offline = Some(detail),
        other => other?,
    }
    push(project, client, expert, &mut report)?;
    report.waiting = project.team_outbox()?.len();
    Ok(report)
}
