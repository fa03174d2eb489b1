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
        Server::start_on(&format!("sqlite:{}", dir.join("team.db").display()))
    }

    /// A server on the database `db` names, with a lead (admin) and two reviewers.
    pub fn start_on(db: &str) -> Server {
        let db = db.to_owned();
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

#[test]
fn a_decision_undone_after_it_reached_the_team_is_withdrawn_there_too() {
    let dir = temp_dir("team-undo");
    let server = Server::start(&dir);
    let asha = Client::new(&dir, "asha");
    let ravi = Client::new(&dir, "ravi");
    for c in [&asha, &ravi] {
        c.ok(&["sync", "login", "--server", &server.url, "--user", c.user]);
    }
    let db = dir.join("team.db");
    let variants = || server_value::<String>(&db, "SELECT variants FROM entries WHERE key = 'arjuna' AND deleted = 0");
    let flags = String::from_utf8(asha.ok(&["review", "list", "--text", "Arduna", "--ids"]).stdout).unwrap();
    asha.ok(&["review", "decide", flags.lines().next().expect("an Arduna flag"), "add-variant", "Arjuna"]);
    asha.ok(&["sync", "run"]);
    assert!(variants().contains("Arduna"), "{}", variants());
    ravi.ok(&["sync", "pull"]);
    assert!(local_entries(&ravi).contains("Arduna"));

    // Asha takes her decision back: the next sync takes the variant back from the team too.
    asha.ok(&["review", "undo"]);
    let undone = asha.ok(&["sync", "run"]);
    assert!(stderr(&undone).contains("pushed 1"), "{}", stderr(&undone));
    assert!(!variants().contains("Arduna"), "{}", variants());
    ravi.ok(&["sync", "pull"]);
    assert!(!local_entries(&ravi).contains("Arduna"), "{}", local_entries(&ravi));
    // A second sync finds nothing more to withdraw.
    assert!(stderr(&asha.ok(&["sync", "run"])).contains("pushed 0"));
}

#[test]
fn a_team_batch_stopped_with_ctrl_c_gives_its_files_back_at_once() {
    let team = Team::start("team-stop", 300);
    let asha = team.member("asha");
    let mut batch = team.batch(&asha, &[]);
    let mut lines = events(&mut batch);
    until(&mut lines, "claimed", 1);
    let interrupted = Command::new("kill").args(["-INT", &batch.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let released = lines.map(Result::unwrap).filter(|l| l.contains("\"event\":\"released\"")).count();
    batch.wait().unwrap();

    // Nothing is left leased until its lease runs out: what asha held and had not finished is
    // queued again, its claim not counted, and the rest is recorded.
    let db = team.db();
    assert_eq!(server_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'leased'"), 0);
    let queued = server_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'queued'");
    assert!(released as i64 <= queued, "{released} given back, {queued} queued");
    assert_eq!(server_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND attempts > 0"), 0);
    let done = server_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'done'");
    assert_eq!((done + queued, server_count(&db, "SELECT COUNT(*) FROM job_results")), (300, done));
}

#[test]
fn review_after_a_team_job_is_done_reaches_the_team_at_the_next_sync() {
    let team = Team::start("team-review", 3);
    let (server, lead) = (&team.server, &team.lead);
    let asha = team.member("asha");
    let out = team.batch(&asha, &[]).wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    let db = team.db();
    let decided = "SELECT COUNT(*) FROM job_reviews WHERE result LIKE '%\"decisions\":[{%'";
    assert_eq!(server_count(&db, "SELECT COUNT(*) FROM job_reviews"), 0, "nothing reviewed yet");

    // Asha reviews one of the team's talks after the batch; her next sync tells the team.
    let flags = String::from_utf8(asha.ok(&["review", "list", "--file", "talk001.srt", "--ids"]).stdout).unwrap();
    asha.ok(&["review", "decide", flags.lines().next().expect("a flag in talk 1"), "accept"]);
    let synced = asha.ok(&["sync", "run"]);
    assert!(stderr(&synced).contains("1 review(s) reported"), "{}", stderr(&synced));
    assert_eq!(server_count(&db, decided), 1);
    let reviewed = "SELECT COUNT(*) FROM job_reviews v JOIN jobs j ON j.id = v.job_id \
                    WHERE j.path = '2023/talk001.srt' AND v.updated_by = 'asha'";
    assert_eq!(server_count(&db, reviewed), 1);
    // The lead sees it: the batch, then its files.
    let lead_sees = |args: &[&str]| {
        let out = run(args, &[("SHRUTI_CREDENTIALS", path_str(&lead.credentials))]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let listed = lead_sees(&["sync", "batches", "--server", &server.url]);
    assert!(listed.contains("autumn (by lead): 3 done"), "{listed}");
    let files = lead_sees(&["sync", "batches", "1", "--server", &server.url]);
    let talk1 = files.lines().find(|l| l.contains("2023/talk001.srt")).unwrap_or_default();
    assert!(talk1.starts_with("done") && talk1.contains("1 decided, 1 pending, asha"), "{files}");
    // Nothing new: nothing sent. Decisions on her own lecture are not the team's.
    let own = String::from_utf8(asha.ok(&["review", "list", "--file", "lecture.asr.srt", "--ids"]).stdout).unwrap();
    asha.ok(&["review", "decide", own.lines().next().expect("a flag in her lecture"), "keep"]);
    assert!(stderr(&asha.ok(&["sync", "run"])).contains("0 review(s) reported"));
}

#[test]
fn results_done_while_the_server_is_down_are_sent_at_the_next_sync() {
    let mut team = Team::start("team-down", 300);
    let asha = team.member("asha");
    let mut batch = team.batch(&asha, &[]);
    // The server dies while asha's machine holds files: they are finished here all the same.
    let mut lines = events(&mut batch);
    until(&mut lines, "claimed", 1);
    team.server.kill();
    let unsent = lines.map(Result::unwrap).filter(|l| l.contains("\"event\":\"unsent\"")).count();
    assert!(!batch.wait().unwrap().success(), "the batch says the server went away");
    assert!(unsent > 0, "asha held files when the server died");

    // Back up: her next sync sends them, under the leases she still holds.
    team.server.restart();
    let synced = asha.ok(&["sync", "run"]);
    assert!(stderr(&synced).contains(&format!("{unsent} result(s) sent (0 late)")), "{}", stderr(&synced));
    let db = team.db();
    assert_eq!(server_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'leased'"), 0);
    let done = server_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'done'");
    assert_eq!(server_count(&db, "SELECT COUNT(*) FROM job_results"), done);
    assert!(stderr(&asha.ok(&["sync", "run"])).contains("0 result(s) sent"), "sent once");
}

/// A team server whose lead has uploaded `n` talks from a shared drive as one batch.
struct Team {
    dir: PathBuf,
    server: Server,
    drive: PathBuf,
    lead: Client,
}

impl Team {
    fn start(name: &str, n: usize) -> Team {
        let dir = temp_dir(name);
        let server = Server::start(&dir);
        let drive = dir.join("drive");
        talks(&drive, n);
        let lead = Client::new(&dir, "lead");
        lead.ok(&["sync", "login", "--server", &server.url, "--user", "lead"]);
        let upload = run(
            &["sync", "upload", path_str(&drive), "--server", &server.url, "--name", "autumn"],
            &[("SHRUTI_CREDENTIALS", path_str(&lead.credentials))],
        );
        assert!(upload.status.success(), "{}", stderr(&upload));
        assert!(stderr(&upload).contains(&format!("{n} file(s) queued")), "{}", stderr(&upload));
        Team { dir, server, drive, lead }
    }

    /// A member's machine, logged in.
    fn member(&self, user: &'static str) -> Client {
        let c = Client::new(&self.dir, user);
        c.ok(&["sync", "login", "--server", &self.server.url, "--user", user]);
        c
    }

    /// `shruti batch --server` on `c`'s machine (no model), its events as JSON lines on stdout.
    fn batch(&self, c: &Client, args: &[&str]) -> Child {
        Command::new(env!("CARGO_BIN_EXE_shruti"))
            .args(["batch", path_str(&self.drive), "--server", &self.server.url])
            .args(["--project", path_str(&c.project), "--no-asr", "--json"])
            .args(args)
            .env("SHRUTI_CREDENTIALS", &c.credentials)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// The server's SQLite file.
    fn db(&self) -> PathBuf {
        self.dir.join("team.db")
    }
}

type Events = std::io::Lines<std::io::BufReader<std::process::ChildStdout>>;

fn events(batch: &mut Child) -> Events {
    std::io::BufRead::lines(std::io::BufReader::new(batch.stdout.take().unwrap()))
}

/// Reads events until the `n`th of kind `event`.
fn until(lines: &mut Events, event: &str, n: usize) {
    let mut seen = 0;
    while seen < n {
        let line = lines.next().expect("the batch goes on").unwrap();
        seen += usize::from(line.contains(&format!("\"event\":\"{event}\"")));
    }
}

/// The team entries a client's project holds, as JSON.
fn local_entries(c: &Client) -> String {
    let conn = rusqlite::Connection::open(c.project.join("shruti.db")).unwrap();
    let entries: Vec<String> = conn
        .prepare("SELECT entry FROM team_entries")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    entries.join("\n")
}

/// `n` small distinct SRT files under `dir`, in nested folders.
fn talks(dir: &Path, n: usize) {
    for i in 0..n {
        let sub = dir.join(["", "2023", "2024/autumn"][i % 3]);
        std::fs::create_dir_all(&sub).unwrap();
        let text = format!("1\n00:00:01,000 --> 00:00:04,000\nIn talk {i}, Arduna went to Kurukshetre.\n");
        std::fs::write(sub.join(format!("talk{i:03}.srt")), text).unwrap();
    }
}

fn server_count(db: &Path, sql: &str) -> i64 {
    server_value(db, sql)
}

fn server_value<T: rusqlite::types::FromSql>(db: &Path, sql: &str) -> T {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn server_exec(db: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn a_team_batch_split_between_two_clients_records_each_file_once_after_a_kill() {
    let team = Team::start("team-batch", 100);
    let (asha, ravi) = (team.member("asha"), team.member("ravi"));
    let team_batch = |c: &Client| team.batch(c, &["--lease-secs", "60", "--machine", c.user]);
    // Asha's machine dies mid-job (just after its fifth claim) while Ravi's works on.
    let mut asha_run = team_batch(&asha);
    let ravi_run = team_batch(&ravi);
    // Her output stays open until the kill: a closed pipe would end her batch another way.
    let mut asha_events = events(&mut asha_run);
    until(&mut asha_events, "claimed", 5);
    asha_run.kill().unwrap();
    asha_run.wait().unwrap();
    let ravi_out = ravi_run.wait_with_output().unwrap();
    assert!(ravi_out.status.success(), "{}", stdout(&ravi_out));

    // Her lease runs out (time passes: the test moves it), the reaper requeues the job, its
    // backoff passes, and Ravi picks it up.
    let db = team.db();
    let stranded = server_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'leased'");
    server_exec(&db, "UPDATE jobs SET lease_expires_at = 1 WHERE state = 'leased'");
    let started = Instant::now();
    while server_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'leased'") > 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the reaper did not requeue");
        std::thread::sleep(Duration::from_millis(100));
    }
    server_exec(&db, "UPDATE jobs SET available_at = 0 WHERE state = 'queued'");
    let rest = team_batch(&ravi).wait_with_output().unwrap();
    assert!(rest.status.success(), "{}", stdout(&rest));

    assert_eq!(server_count(&db, "SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 100, "{stranded} were stranded");
    assert_eq!(server_count(&db, "SELECT COUNT(*) FROM job_results"), 100, "each file recorded once");
    assert_eq!(server_count(&db, "SELECT COUNT(DISTINCT job_id) FROM job_results"), 100);
    let by = |who: &str| server_count(&db, &format!("SELECT COUNT(*) FROM jobs WHERE completed_by = '{who}'"));
    assert_eq!(by("asha") + by("ravi"), 100);
    assert!(by("ravi") > 0);
    // Every result carries its flags: each talk has an Arduna and a Kurukshetre.
    let flagged = server_count(&db, "SELECT COUNT(*) FROM job_results WHERE result LIKE '%\"flags\":{%'");
    assert_eq!(flagged, 100);
}
