//! Logging a device in, where a project stands with its server, and settling conflicts: shared by
//! the command line and the desktop app.

use reqwest::Method;
use serde::Serialize;
use shruti_store::{Project, TeamLocal};
use shruti_sync::{EntryRow, Login, Session, TeamEntry};

use super::parse;
use super::{credentials, TeamClient};
use crate::error::{Error, Result};

/// Logs `user` in to `server` from `device`, keeps the token for this user's machine and links
/// the project to the server.
pub fn login(
    project: &mut Project,
    server: &str,
    user: &str,
    password: String,
    device: String,
    expert: &str,
) -> Result<Session> {
    let client = TeamClient::new(server, None)?;
    let body = Login { user: user.to_owned(), password, device };
    let session: Session = client
        .call(Method::POST, "/v1/login", Some(&body))?
        .ok_or_else(|| Error::Invalid("the server answered no session".into()))?;
    credentials::save(
        client.server(),
        Some(credentials::Saved { user: session.user.clone(), token: session.token.clone() }),
    )?;
    project.link_team(client.server(), expert)?;
    Ok(session)
}

/// The project's server with the device's token.
pub fn connect(project: &Project) -> Result<TeamClient> {
    let link = project
        .team_link()?
        .ok_or_else(|| Error::Invalid("the project is not linked to a team server: log in first".into()))?;
    client_for(&link.server)
}

/// A client of `server` with the token this device logged in with.
pub fn client_for(server: &str) -> Result<TeamClient> {
    let saved = credentials::for_server(server)?.ok_or_else(|| {
        Error::Invalid(format!("not logged in to {server}: log in first (`shruti sync login --server {server}`)"))
    })?;
    Ok(TeamClient::new(server, Some(saved.token))?)
}

/// This machine's name for the team (tokens and leases show it): `given`, else the host name.
pub fn device_name(given: Option<String>) -> String {
    given
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok().map(|h| h.trim().to_owned()))
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "shruti".into())
}

/// An open conflict, both sides parsed.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictView {
    pub id: i64,
    pub mine: TeamEntry,
    pub theirs: EntryRow,
    pub conflict: serde_json::Value,
    pub found_at: i64,
}

/// Where a project stands with its server.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub server: String,
    pub user: Option<String>,
    pub pulled_to: i64,
    pub entries: usize,
    pub dirty: usize,
    pub rejected: Vec<(String, String)>,
    pub waiting_pushes: usize,
    pub conflicts: Vec<ConflictView>,
}

/// The project's team status, or None when it is not linked to a server.
pub fn status(project: &Project) -> Result<Option<Status>> {
    let Some(link) = project.team_link()? else { return Ok(None) };
    let locals = project.team_locals(None)?;
    let mut conflicts = Vec::new();
    for c in project.team_conflicts()? {
        conflicts.push(ConflictView {
            id: c.id,
            mine: parse("conflict", &c.mine)?,
            theirs: parse("conflict", &c.theirs)?,
            conflict: parse("conflict", &c.conflict)?,
            found_at: c.found_at,
        });
    }
    Ok(Some(Status {
        user: credentials::for_server(&link.server)?.map(|s| s.user),
        server: link.server,
        pulled_to: link.cursor_version,
        entries: locals.len(),
        dirty: locals.iter().filter(|l| l.state == "dirty").count(),
        rejected: locals
            .iter()
            .filter(|l| l.state == "rejected")
            .map(|l| (l.id.clone(), l.note.clone().unwrap_or_default()))
            .collect(),
        waiting_pushes: project.team_outbox()?.len(),
        conflicts,
    }))
}

/// How the expert settles a conflict.
#[derive(Debug, Clone)]
pub enum Resolution {
    Mine,
    Theirs,
    Edit(TeamEntry),
}

/// Settles conflict `id`. Keeping mine or an edit is pushed from the server's version (an
/// ordinary push); taking theirs makes the local copy the server's.
pub fn resolve(project: &mut Project, id: i64, resolution: Resolution, expert: &str) -> Result<()> {
    let conflict = project
        .team_conflicts()?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| Error::Invalid(format!("no open conflict {id}")))?;
    let mine: TeamEntry = parse("conflict", &conflict.mine)?;
    let theirs: EntryRow = parse("conflict", &conflict.theirs)?;
    let base = Some(serde_json::to_string(&theirs).expect("serialises"));
    let json = |e: &TeamEntry| serde_json::to_string(e).expect("serialises");
    let (name, local) = match resolution {
        Resolution::Theirs => {
            let id = theirs.entry.id.clone();
            ("theirs", TeamLocal { id, entry: json(&theirs.entry), base, state: "clean".into(), note: None })
        }
        Resolution::Mine | Resolution::Edit(_) => {
            let (name, mut entry) = match resolution {
                Resolution::Edit(e) => ("edit", e),
                _ => ("mine", mine.clone()),
            };
            // Two entries with one key: mine folds into theirs, which keeps its id.
            entry.id = theirs.entry.id.clone();
            (name, TeamLocal { id: entry.id.clone(), entry: json(&entry), base, state: "dirty".into(), note: None })
        }
    };
    project.resolve_team_conflict(id, name, &local, expert)?;
    Ok(())
}
