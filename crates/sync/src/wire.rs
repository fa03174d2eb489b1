//! The `/v1` API's bodies, shared by the server and its clients so that neither copies them.

use serde::{Deserialize, Serialize};

use crate::{Field, TeamEntry};

/// What a user may do. Each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the lexicon and the queue.
    Viewer,
    /// Also pushes lexicon changes and claims and completes jobs.
    Reviewer,
    /// Also manages users and uploads batches.
    Admin,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "reviewer" => Ok(Role::Reviewer),
            "admin" => Ok(Role::Admin),
            _ => Err(format!("unknown role {s:?}: viewer, reviewer or admin")),
        }
    }
}

/// `POST /v1/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Login {
    pub user: String,
    pub password: String,
    /// What the token is for, e.g. the machine's name; shown when tokens are listed.
    pub device: String,
}

/// The answer to a login: the token is shown once and stored hashed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub token: String,
    pub user: String,
    pub role: Role,
}

/// `POST /v1/users` (admin).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    pub name: String,
    pub password: String,
    pub role: Role,
}

/// A user as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
}

/// An entry as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryRow {
    pub entry: TeamEntry,
    /// The library version that last changed it.
    pub version: i64,
    pub updated_by: String,
    /// Unix milliseconds, for people to read; never used to decide anything.
    pub updated_at: i64,
}

/// One change in a push: the entry as the client now has it, and the version it started from
/// (none for an entry the client created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub entry: TeamEntry,
    pub base_version: Option<i64>,
}

/// `POST /v1/lexicon/push`. `batch` (a ULID) makes a retry return the first answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Push {
    pub batch: String,
    pub changes: Vec<Change>,
}

/// What happened to one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    /// Stored (merged with others' changes where needed); `row` is the server's copy now.
    Applied { row: EntryRow },
    /// Not stored: the expert decides. `row` is the server's copy.
    Conflict { row: EntryRow, conflict: Conflict },
    /// Not stored and never will be as sent.
    Rejected { id: String, reason: String },
}

/// Why a change conflicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Conflict {
    /// Both sides changed these fields differently (or one deleted what the other edited).
    Fields { fields: Vec<Field> },
    /// Another entry already has this key: merge into it (`row`) instead.
    SameKey,
}

/// The answer to a push, in the order of its changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pushed {
    /// The library version after the push.
    pub version: i64,
    pub outcomes: Vec<Outcome>,
}

/// Where a pull goes on from: changes after `version`, and within it after entry `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// `GET /v1/lexicon/changes?since=N[&after=ID]&limit=L`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// Rows in (version, id) order.
    pub rows: Vec<EntryRow>,
    /// The next page's cursor; none when this page reached the end.
    pub next: Option<Cursor>,
    /// The library version when the page was read.
    pub version: i64,
}

/// An error body: a stable code for programs and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

/// Bytes in lowercase hex, as content hashes and tokens travel.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Whether `hash` is a SHA-256 in lowercase hex, as a batch names its files' contents.
pub fn is_sha256(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Why a path from a batch cannot be used, if it cannot: it must stay inside the shared drive.
pub fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() || path.len() > 1024 {
        Some("empty or longer than 1,024 bytes")
    } else if path.starts_with('/') || path.starts_with('\\') || path.chars().nth(1) == Some(':') {
        Some("absolute: paths are relative to the shared drive")
    } else if path.split(['/', '\\']).any(|part| part == ".." || part.is_empty() || part == ".") {
        Some("has an empty, '.' or '..' part")
    } else if path.chars().any(char::is_control) {
        Some("holds a control character")
    } else {
        None
    }
}

/// A file of a team batch: its path relative to the shared drive and its content's SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchFile {
    pub path: String,
    pub hash: String,
}

/// `POST /v1/batches` (admin): a team lead's batch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewBatch {
    pub name: String,
    pub files: Vec<BatchFile>,
}

/// A job's state on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Leased,
    Done,
    /// Failed too often or for good: never claimed again until an admin requeues it.
    Quarantined,
}

impl JobState {
    pub const ALL: [JobState; 4] = [JobState::Queued, JobState::Leased, JobState::Done, JobState::Quarantined];

    pub fn name(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Leased => "leased",
            JobState::Done => "done",
            JobState::Quarantined => "quarantined",
        }
    }
}

impl std::str::FromStr for JobState {
    type Err = String;
    fn from_str(s: &str) -> Result<JobState, String> {
        JobState::ALL.into_iter().find(|j| j.name() == s).ok_or_else(|| format!("unknown job state {s:?}"))
    }
}

/// A batch as created or listed, with its jobs counted by state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchInfo {
    pub id: i64,
    pub name: String,
    pub created_by: String,
    pub counts: std::collections::BTreeMap<JobState, i64>,
}

/// `POST /v1/jobs/claim`: how long the client may be gone before its lease expires.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claim {
    pub device: String,
    /// Seconds; the server bounds it (a minute to a week) and has a default for offline work.
    #[serde(default)]
    pub lease_secs: Option<i64>,
    /// Only subtitle files (by [`SUBTITLE_EXTENSIONS`]): the device has no speech model, and
    /// audio waits for one that has.
    #[serde(default)]
    pub subtitles_only: bool,
}

/// The extensions of the subtitle files Shruti reads; the rest of a batch is audio.
pub const SUBTITLE_EXTENSIONS: &[&str] = &["srt", "vtt"];

/// A claimed job: do it, heartbeat while online, complete or fail it with `lease`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub job: i64,
    pub batch: i64,
    pub path: String,
    pub hash: String,
    /// The lease token: only its holder may complete the job.
    pub lease: String,
    /// Unix milliseconds.
    pub expires_at: i64,
    /// This is the job's n-th claim.
    pub attempt: i64,
}

/// `POST /v1/jobs/{id}/heartbeat` and `/release`: the lease the caller holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeldLease {
    pub lease: String,
}

/// What processing a file found: the flags by kind and what the experts decided.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobResult {
    /// Flags raised, by kind.
    pub flags: std::collections::BTreeMap<String, i64>,
    /// Flags still undecided.
    pub pending: i64,
    pub decisions: Vec<DecisionSummary>,
}

/// One expert decision, as the team sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionSummary {
    /// The flagged text.
    pub heard: String,
    /// What it became (none: kept as heard).
    pub text: Option<String>,
    pub action: String,
    pub by: String,
    /// Unix milliseconds.
    pub at: i64,
}

/// `POST /v1/jobs/{id}/complete`: recorded once per (job, input hash), however often sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Complete {
    pub lease: String,
    /// The SHA-256 of the file as processed.
    pub hash: String,
    pub result: JobResult,
}

/// `POST /v1/jobs/{id}/review`: the file's review as it stands, sent again as it goes on. It
/// replaces the last one sent for the same file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Review {
    /// The SHA-256 of the file as processed (as its completion named it).
    pub hash: String,
    pub result: JobResult,
}

/// `POST /v1/jobs/{id}/fail`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fail {
    pub lease: String,
    pub error: String,
    /// The file can never be processed (corrupt, unsupported): quarantine it now.
    #[serde(default)]
    pub permanent: bool,
}

/// A job as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobInfo {
    pub id: i64,
    pub batch: i64,
    pub path: String,
    pub hash: String,
    pub state: JobState,
    pub attempts: i64,
    pub holder: Option<String>,
    pub last_error: Option<String>,
    pub completed_by: Option<String>,
    /// Flags of the file still waiting for review, as last reported (none before it is done).
    #[serde(default)]
    pub pending: Option<i64>,
    /// Decisions made on it so far, as last reported.
    #[serde(default)]
    pub decided: Option<i64>,
    /// Who sent the latest review, when there was one after the result.
    #[serde(default)]
    pub reviewed_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_lowercase_hex() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert!(is_sha256(&hex(&[0x5a; 32])));
        assert!(!is_sha256(&hex(&[0x5a; 32]).to_uppercase()));
        assert!(!is_sha256(&hex(&[0x5a; 31])));
    }

    #[test]
    fn paths_stay_inside_the_shared_drive() {
        assert_eq!(path_problem("talks/2024/gita-01.mp3"), None);
        for bad in
            ["/etc/passwd", "../secret", "talks/../../x", "C:\\x", "\\\\server\\x", "a//b", "a/./b", "", "a\u{0}b"]
        {
            assert!(path_problem(bad).is_some(), "{bad:?}");
        }
    }
}
