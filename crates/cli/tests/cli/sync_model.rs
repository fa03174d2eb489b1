//! The sync model test: three clients of one real server make random edits to a few terms, go
//! offline, sync in random order, and crash before a push's answer is saved. At the end, with
//! everyone online and synced, every client agrees with the server on every entry it does not
//! hold in conflict, and every edit made is either in the server's history or in a conflict
//! shown to its author. None is lost silently.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};
use shruti_core::lexicon::Category;
use shruti_core::Lexicon;
use shruti_pipeline::team::{self, TeamClient};
use shruti_server::Server;
use shruti_store::Project;
use shruti_sync::{key, EntryRow, Role, TeamEntry};

const USERS: [&str; 3] = ["asha", "ravi", "uma"];
const TERMS: [&str; 3] = ["Ajñāta", "Bhūtala", "Cintana"];
const DEVAS: [&str; 3] = ["देवः", "देवा", "देवि"];
/// Nothing listens here: an offline client's server.
const NOWHERE: &str = "http://127.0.0.1:9";

#[derive(Debug, Clone)]
enum Edit {
    AddVariant(usize),
    SetDeva(usize),
    Delete,
}

#[derive(Debug, Clone)]
enum Op {
    Edit {
        client: usize,
        term: usize,
        edit: Edit,
    },
    Sync {
        client: usize,
    },
    /// Syncs, then loses what the sync saved locally (a crash before the answer was written).
    CrashedSync {
        client: usize,
    },
    ToggleOffline {
        client: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let edit = prop_oneof![
        4 => (0..4usize).prop_map(Edit::AddVariant),
        3 => (0..3usize).prop_map(Edit::SetDeva),
        1 => Just(Edit::Delete),
    ];
    prop_oneof![
        5 => (0..3usize, 0..3usize, edit).prop_map(|(client, term, edit)| Op::Edit { client, term, edit }),
        4 => (0..3usize).prop_map(|client| Op::Sync { client }),
        1 => (0..3usize).prop_map(|client| Op::CrashedSync { client }),
        1 => (0..3usize).prop_map(|client| Op::ToggleOffline { client }),
    ]
}

/// A server on a fresh SQLite file, in a thread of its own; its URL and database file.
fn start_server(dir: &Path) -> (String, PathBuf) {
    let db = dir.join("team.db");
    let url = format!("sqlite:{}", db.display());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let server = Server::open(&url).await.unwrap();
            for user in USERS {
                shruti_server::auth::create_user(
                    &server.state,
                    user.into(),
                    format!("{user} password"),
                    Role::Reviewer,
                )
                .await
                .unwrap();
            }
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap())).unwrap();
            server.serve(listener, std::time::Duration::from_secs(60)).await.unwrap();
        });
    });
    (rx.recv().unwrap(), db)
}

struct Client {
    user: &'static str,
    dir: PathBuf,
    token: String,
    offline: bool,
}

impl Client {
    fn project(&self) -> Project {
        Project::open(&self.dir).unwrap()
    }

    fn client(&self, server: &str) -> TeamClient {
        // No quick retries: an offline client fails at once (the outbox keeps its pushes).
        TeamClient::new(if self.offline { NOWHERE } else { server }, Some(self.token.clone())).unwrap().with_retries(0)
    }

    fn sync(&self, server: &str) {
        let mut project = self.project();
        team::sync(&mut project, &self.client(server), &Lexicon::bundled(), self.user).unwrap();
    }

    fn edit(&self, term: &str, edit: &Edit) {
        let mut project = self.project();
        let found = project.team_locals(None).unwrap().into_iter().find_map(|l| {
            let e: TeamEntry = serde_json::from_str(&l.entry).unwrap();
            (e.key() == key(term) && !e.deleted).then_some((e, l.base))
        });
        let (mut entry, base) =
            found.unwrap_or_else(|| (TeamEntry::new(&team::ulid(), term, "देव", Category::Term), None));
        match edit {
            Edit::AddVariant(v) => _ = entry.variants.insert(format!("{}-{}", self.user, v)),
            Edit::SetDeva(d) => entry.deva = DEVAS[*d].into(),
            Edit::Delete => entry.deleted = true,
        }
        project.team_edit(&entry.id, &serde_json::to_string(&entry).unwrap(), base.as_deref(), self.user).unwrap();
    }

    /// The project's database files, to put back after a simulated crash.
    fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("shruti.db"))
            .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
            .collect()
    }

    fn restore(&self, files: &[(PathBuf, Vec<u8>)]) {
        for (path, _) in self.snapshot() {
            std::fs::remove_file(path).unwrap();
        }
        for (path, bytes) in files {
            std::fs::write(path, bytes).unwrap();
        }
    }
}

/// The texts an edit put in, to be found again at the end.
fn trace(user: &str, edit: &Edit) -> Option<String> {
    match edit {
        Edit::AddVariant(v) => Some(format!("{user}-{v}")),
        Edit::SetDeva(d) => Some(DEVAS[*d].into()),
        Edit::Delete => None,
    }
}

fn check(ops: &[Op]) {
    static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = crate::temp_dir(&format!("sync-model-{}", CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    let (server, db) = start_server(&dir);
    let mut clients: Vec<Client> = USERS
        .iter()
        .map(|user| {
            let login = json!({"user": user, "password": format!("{user} password"), "device": "model"});
            let session: Value =
                TeamClient::new(&server, None).unwrap().call(Method::POST, "/v1/login", Some(&login)).unwrap().unwrap();
            let dir = dir.join(user);
            Project::open(&dir).unwrap().link_team(&server, user).unwrap();
            Client { user, dir, token: session["token"].as_str().unwrap().into(), offline: false }
        })
        .collect();

    let mut made: Vec<(usize, &str, String)> = Vec::new();
    // A Devanagari set and then set again here before any sync was never meant to be kept:
    // only the last one before a sync counts.
    let mut unsent: HashMap<(usize, usize), String> = HashMap::new();
    let send = |client: usize, unsent: &mut HashMap<(usize, usize), String>, made: &mut Vec<(usize, &str, String)>| {
        let sent: Vec<_> = unsent.keys().filter(|k| k.0 == client).copied().collect();
        for k in sent {
            made.push((client, TERMS[k.1], unsent.remove(&k).unwrap()));
        }
    };
    for op in ops {
        match op {
            Op::Edit { client, term, edit } => {
                clients[*client].edit(TERMS[*term], edit);
                match (edit, trace(clients[*client].user, edit)) {
                    (Edit::SetDeva(_), Some(text)) => _ = unsent.insert((*client, *term), text),
                    (_, Some(text)) => made.push((*client, TERMS[*term], text)),
                    _ => {}
                }
            }
            Op::Sync { client } => {
                clients[*client].sync(&server);
                if !clients[*client].offline {
                    send(*client, &mut unsent, &mut made);
                }
            }
            Op::CrashedSync { client } => {
                let before = clients[*client].snapshot();
                clients[*client].sync(&server);
                clients[*client].restore(&before);
            }
            Op::ToggleOffline { client } => clients[*client].offline ^= true,
        }
    }
    for client in 0..clients.len() {
        send(client, &mut unsent, &mut made);
    }
    // Everyone online; two rounds, so that what one pushes in the first, the others pull.
    for c in &mut clients {
        c.offline = false;
    }
    for _ in 0..2 {
        for c in &clients {
            c.sync(&server);
        }
    }

    let page: Value = TeamClient::new(&server, Some(clients[0].token.clone()))
        .unwrap()
        .call(Method::GET, "/v1/lexicon/changes?since=0&limit=1000", None::<&()>)
        .unwrap()
        .unwrap();
    let rows: Vec<EntryRow> = serde_json::from_value(page["rows"].clone()).unwrap();
    let server_rows: HashMap<String, TeamEntry> = rows.into_iter().map(|r| (r.entry.id.clone(), r.entry)).collect();
    let history: Vec<(String, String, String)> = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn.prepare("SELECT iast, deva, variants FROM entry_history").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    };

    for (i, c) in clients.iter().enumerate() {
        let project = c.project();
        assert!(project.team_outbox().unwrap().is_empty(), "{}: a push never went", c.user);
        let conflicts = project.team_conflicts().unwrap();
        let in_conflict = |id: &str| conflicts.iter().any(|k| k.entry_id == id);
        let locals = project.team_locals(None).unwrap();
        for l in &locals {
            assert_ne!(l.state, "dirty", "{}: {} still to push after syncing", c.user, l.id);
            if l.state == "clean" {
                let mine: TeamEntry = serde_json::from_str(&l.entry).unwrap();
                assert_eq!(Some(&mine), server_rows.get(&l.id), "{}: {} differs from the server", c.user, l.id);
            }
        }
        for id in server_rows.keys() {
            let here = locals.iter().any(|l| &l.id == id);
            assert!(
                here || in_conflict(id) || conflicts.iter().any(|k| k.theirs.contains(id)),
                "{}: never got {id}",
                c.user
            );
        }
        // Every edit this client made is on the server (in its history) or in a conflict here.
        for (_, term, text) in made.iter().filter(|(who, _, _)| *who == i) {
            let on_server = history.iter().any(|(iast, deva, variants)| {
                key(iast) == key(term) && (deva == text || variants.contains(&format!("\"{text}\"")))
            });
            let shown = conflicts.iter().any(|k| k.mine.contains(text.as_str()))
                || locals.iter().any(|l| l.state == "rejected" && l.entry.contains(text.as_str()));
            assert!(on_server || shown, "{}: the edit {text:?} of {term} was lost", c.user);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn clients_converge_and_no_edit_is_lost_silently(ops in prop::collection::vec(op(), 8..40)) {
        check(&ops);
    }
}
