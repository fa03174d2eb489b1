//! Two clients and one team server, all real processes: a lexicon edit made offline on one
//! reaches the other; a conflicting edit is shown with both sides, not lost.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::{path_str, root, stderr, stdout, temp_dir};

/// A `shruti serve` process on a SQLite file.
pub struct Server {
    child: Child,
    pub url: String,
    db: String,
    port: u16,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        let db = format!("sqlite:{}", dir.join("team.db").display());
        for (user, role) in [("lead", "admin"), ("asha", "reviewer"), ("ravi", "reviewer")] {
            let out =
                run(&["serve", "--db", &db, "add-user", user, "--role", role], &[("SHRUTI_PASSWORD", &password(user))]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = Server { child: spawn_server(&db, port), url: format!("http://127.0.0.1:{port}"), db, port };
        server.wait();
        server
    }

    fn wait(&mut self) {
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "the server did not start");
            assert!(self.child.try_wait().unwrap().is_none(), "the server exited");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the server at once (SIGKILL).
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn restart(&mut self) {
        self.child = spawn_server(&self.db, self.port);
        self.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_server(db: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_shruti"))
        .args(["serve", "--db", db, "--bind", &format!("127.0.0.1:{port}"), "--reap-every", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

pub fn password(user: &str) -> String {
    format!("{user}'s long password")
}

pub fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shruti")).args(args).envs(env.iter().copied()).output().unwrap()
}

/// A team member's machine: a project of the e2e lecture and their own login file.
struct Client {
    user: &'static str,
    project: PathBuf,
    credentials: PathBuf,
}

impl Client {
    fn new(dir: &Path, user: &'static str) -> Client {
        let lectures = dir.join(format!("{user}-lectures"));
        std::fs::create_dir_all(&lectures).unwrap();
        std::fs::copy(root().join("golden/e2e/lecture.asr.srt"), lectures.join("lecture.asr.srt")).unwrap();
        let project = dir.join(format!("{user}-project"));
        let c = Client { user, project, credentials: dir.join(format!("{user}-logins.json")) };
        c.ok(&["batch", path_str(&lectures), "--project", path_str(&c.project), "--no-asr"]);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all = args.to_vec();
        if !["batch"].contains(&args[0]) {
            all.extend(["--project", path_str(&self.project)]);
        }
        let password = password(self.user);
        run(
            &all,
            &[
                ("SHRUTI_CREDENTIALS", path_str(&self.credentials)),
                ("SHRUTI_EXPERT", self.user),
                ("SHRUTI_PASSWORD", &password),
            ],
        )
    }

    fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(out.status.success(), "{args:?}: {}{}", stdout(&out), stderr(&out));
        out
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_slice(&self.ok(&["sync", "status", "--json"]).stdout).unwrap()
    }
}

#[test]
fn an_offline_edit_reaches_the_other_client_and_a_conflict_is_shown_not_lost() {
    let dir = temp_dir("team");
    let mut server = Server::start(&dir);
    let asha = Client::new(&dir, "asha");
    let ravi = Client::new(&dir, "ravi");
    for c in [&asha, &ravi] {
        c.ok(&["sync", "login", "--server", &server.url, "--user", c.user]);
    }
    // A second device of the same user gets its own token; the first keeps working.
    let laptop = ravi.run(&["sync", "login", "--server", &server.url, "--user", "ravi", "--device", "laptop"]);
    assert!(laptop.status.success(), "{}", stderr(&laptop));

    // Offline, asha teaches the lexicon that "Arduna" is Arjuna, in review.
    server.kill();
    let flags = String::from_utf8(asha.ok(&["review", "list", "--text", "Arduna", "--ids"]).stdout).unwrap();
    let flag = flags.lines().next().expect("an Arduna flag");
    asha.ok(&["review", "decide", flag, "add-variant", "Arjuna"]);
    let offline = asha.run(&["sync", "push"]);
    assert_eq!(offline.status.code(), Some(3), "{}", stderr(&offline));
    assert!(stderr(&offline).contains("1 push(es) waiting"), "{}", stderr(&offline));

    // Back online: the outbox goes, and ravi pulls the entry.
    server.restart();
    let pushed = asha.ok(&["sync", "push"]);
    assert!(
        stderr(&pushed).contains("pushed 1") && stderr(&pushed).contains("0 push(es) waiting"),
        "{}",
        stderr(&pushed)
    );
    let pulled = ravi.ok(&["sync", "pull"]);
    assert!(stderr(&pulled).contains("pulled 1"), "{}", stderr(&pulled));
    assert_eq!(ravi.status()["entries"], 1);

    // Both change Arjuna's Devanagari, differently: the second push is a conflict, shown with
    // both sides and who made theirs; nothing is overwritten.
    asha.ok(&["lexicon", "amend", "Arjuna", "--deva", "अर्जुनः"]);
    ravi.ok(&["lexicon", "amend", "Arjuna", "--deva", "अर्जुना"]);
    asha.ok(&["sync", "run"]);
    let clash = ravi.ok(&["sync", "run"]);
    assert!(stderr(&clash).contains("1 conflict(s)"), "{}", stderr(&clash));
    let status = ravi.status();
    let conflict = &status["conflicts"][0];
    assert_eq!(
        (conflict["mine"]["deva"].as_str(), conflict["theirs"]["entry"]["deva"].as_str()),
        (Some("अर्जुना"), Some("अर्जुनः"))
    );
    assert_eq!(conflict["theirs"]["updated_by"], "asha");
    assert!(conflict["mine"]["variants"].as_array().unwrap().contains(&"Arduna".into()), "{conflict}");
    let text = stdout(&ravi.ok(&["sync", "status"]));
    assert!(text.contains("mine:") && text.contains("theirs:") && text.contains("by asha"), "{text}");

    // Ravi keeps his: an ordinary push, which then reaches asha.
    let id = conflict["id"].to_string();
    ravi.ok(&["sync", "resolve", &id, "--mine"]);
    ravi.ok(&["sync", "push"]);
    asha.ok(&["sync", "pull"]);
    let asha_status = asha.status();
    assert_eq!((asha_status["dirty"].as_i64(), asha_status["conflicts"].as_array().map(Vec::len)), (Some(0), Some(0)));
    assert_eq!(ravi.status()["conflicts"], serde_json::json!([]));
}
