//! The app's commands through Tauri's IPC, on the mock runtime: what the front end sends, what
//! it gets back, and the events it hears. The project is real (SQLite, the engine), made by the
//! app's own batch over golden subtitle files.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};
use shruti_app::AppState;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Listener, WebviewWindow, WebviewWindowBuilder};

struct App {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    dir: tempfile::TempDir,
}

impl App {
    /// The app with its settings in a fresh folder (the model named there does not exist, so a
    /// batch leaves audio queued and imports the subtitle files).
    fn new() -> App {
        let dir = tempfile::tempdir().unwrap();
        let settings = dir.path().join("settings.json");
        std::fs::write(&settings, r#"{"reviewer": "tester", "model": "no-such-model"}"#).unwrap();
        let app = shruti_app::with_commands(mock_builder(), AppState::new(settings))
            .build(mock_context(noop_assets()))
            .unwrap();
        let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
        App { _app: app, window, dir }
    }

    fn call(&self, cmd: &str, args: Value) -> Result<Value, String> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window, request)
            .map(|body| body.deserialize::<Value>().unwrap())
            .map_err(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned))
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }

    /// The payloads of every `event` from now on (the listener outlives the receiver).
    fn hear(&self, event: &str) -> mpsc::Receiver<String> {
        let (tx, rx) = mpsc::channel();
        self.window.listen_any(event, move |e| {
            let _ = tx.send(e.payload().to_owned());
        });
        rx
    }

    /// A folder of lectures (four golden subtitle files and one recording), opened as a
    /// project and processed by the app's batch.
    fn with_project(&self) -> PathBuf {
        let lectures = self.dir.path().join("lectures");
        std::fs::create_dir(&lectures).unwrap();
        let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden");
        for name in ["gita_ch1_battlefield.asr.srt", "advaita_vedanta.asr.srt", "bhakti_practice.asr.srt"] {
            std::fs::copy(golden.join("text").join(name), lectures.join(name)).unwrap();
        }
        std::fs::copy(golden.join("e2e/lecture.asr.srt"), lectures.join("lecture.asr.srt")).unwrap();
        std::fs::copy(golden.join("audio/gita_karma_yoga.flac"), lectures.join("gita_karma_yoga.flac")).unwrap();
        let summary = self.ok("open_project", json!({ "folder": lectures }));
        assert_eq!(summary["transcripts"], 0);

        let finished = self.hear("batch-finished");
        let events = self.hear("batch");
        let started = self.ok("start_batch", json!({}));
        assert!(started["notice"].as_str().unwrap().contains("no-such-model"), "{started}");
        let end: Value = serde_json::from_str(&finished.recv_timeout(Duration::from_secs(120)).unwrap()).unwrap();
        assert_eq!(end["error"], Value::Null, "{end}");
        let events: Vec<Value> = events.try_iter().map(|e| serde_json::from_str(&e).unwrap()).collect();
        assert_eq!(events.iter().filter(|e| e["event"] == "done").count(), 4, "{events:?}");
        lectures
    }
}

#[test]
fn a_batch_fills_the_review_queue_and_decisions_undo_and_redo() {
    let app = App::new();
    app.with_project();
    let summary = app.ok("project_summary", json!({}));
    assert_eq!(summary["transcripts"], 4);
    assert_eq!(summary["jobs"]["queued"], 1, "the recording waits for a model: {summary}");

    let queue = app.ok("review_queue", json!({}));
    let queue = queue.as_array().unwrap();
    assert!(queue.len() > 10, "{} flags", queue.len());
    let flag = queue.iter().find(|f| f["suggestion"].is_string()).expect("a flag with a suggestion");
    let id = flag["id"].as_i64().unwrap();

    let detail = app.ok("flag_detail", json!({ "id": id }));
    let segment = detail["flag"]["segment"].as_i64().unwrap();
    let shown: Vec<i64> = detail["segments"].as_array().unwrap().iter().map(|s| s["idx"].as_i64().unwrap()).collect();
    assert!(shown.contains(&segment) && shown.len() > 1, "the flag's segment with neighbours: {shown:?}");

    let changed =
        app.ok("decide", json!({ "flag": id, "decision": { "action": "accept", "suggestion": 0 }, "all": false }));
    assert_eq!(changed["decisions"][0]["expert"], "tester");
    assert_eq!(changed["can_redo"], false);
    let state_of = |id: i64| {
        let queue = app.ok("review_queue", json!({}));
        queue.as_array().unwrap().iter().find(|f| f["id"] == id).unwrap()["state"].as_str().unwrap().to_owned()
    };
    assert_eq!(state_of(id), "accept");

    let undone = app.ok("undo", json!({}));
    assert_eq!(undone["can_redo"], true);
    assert_eq!(state_of(id), "pending");
    app.ok("redo", json!({}));
    assert_eq!(state_of(id), "accept");
    assert_eq!(app.call("redo", json!({})).unwrap_err(), "nothing to redo");
}

#[test]
fn apply_to_all_decides_every_undecided_instance() {
    let app = App::new();
    app.with_project();
    let queue = app.ok("review_queue", json!({}));
    let queue = queue.as_array().unwrap();
    let repeated = queue
        .iter()
        .find(|f| {
            let surface = |g: &Value| g["surface"].as_str().unwrap().to_lowercase();
            queue.iter().filter(|g| surface(g) == surface(f)).count() > 1
        })
        .unwrap_or_else(|| panic!("a term flagged more than once: {queue:?}"));
    let id = repeated["id"].as_i64().unwrap();
    let instances = app.ok("flag_detail", json!({ "id": id }))["instances"].as_u64().unwrap();
    assert!(instances > 1, "{instances}");
    let changed = app.ok("decide", json!({ "flag": id, "decision": { "action": "keep" }, "all": true }));
    assert_eq!(
        changed["decisions"].as_array().unwrap().len() as u64,
        instances,
        "the preview count is what is decided"
    );
    let queue = app.ok("review_queue", json!({}));
    assert_eq!(queue.as_array().unwrap().iter().filter(|f| f["state"] == "keep").count() as u64, instances);
    app.ok("undo", json!({}));
    let queue = app.ok("review_queue", json!({}));
    assert!(
        queue.as_array().unwrap().iter().filter(|f| f["state"] == "keep").count() == 0,
        "undo takes back the whole group"
    );
}

#[test]
fn export_writes_the_corrected_subtitles() {
    let app = App::new();
    app.with_project();
    let out = app.dir.path().join("out");
    let written = app.ok("export", json!({ "media": [], "dir": out, "formats": ["srt", "json"], "script": "iast" }));
    let written: Vec<PathBuf> = serde_json::from_value(written).unwrap();
    assert_eq!(written.len(), 8, "four files, two formats: {written:?}");
    let srt = std::fs::read_to_string(out.join("gita_ch1_battlefield.asr.srt")).unwrap();
    assert!(srt.starts_with("1\n") && srt.contains(" --> "), "{srt}");
    assert!(srt.contains("Kṛṣṇa") || srt.contains("Arjuna"), "corrected text: {srt}");
    let bad = app.call("export", json!({ "media": [], "dir": out, "formats": ["docx"], "script": "iast" }));
    assert!(bad.unwrap_err().contains("docx"));
}

#[test]
fn bad_requests_get_clear_errors_and_change_nothing() {
    let app = App::new();
    assert!(app.call("review_queue", json!({})).unwrap_err().contains("no project is open"));
    let missing = app.dir.path().join("nowhere");
    assert!(app.call("open_project", json!({ "folder": missing })).unwrap_err().contains("nowhere"));
    app.with_project();
    let queue = app.ok("review_queue", json!({}));
    let id = queue[0]["id"].as_i64().unwrap();
    let empty =
        app.call("decide", json!({ "flag": id, "decision": { "action": "replace", "text": "  " }, "all": false }));
    assert!(empty.unwrap_err().contains("replacement is empty"));
    let unknown = app.call("decide", json!({ "flag": 99_999_999, "decision": { "action": "keep" }, "all": false }));
    assert!(unknown.unwrap_err().contains("no flag 99999999"));
    let no_entry = app.call(
        "decide",
        json!({ "flag": id, "decision": { "action": "add-variant", "iast": "Nosuchentry" }, "all": false }),
    );
    assert!(no_entry.unwrap_err().contains("Nosuchentry"));
    assert!(app.call("decide", json!({ "flag": id, "decision": { "action": "explode" }, "all": false })).is_err());
    let queue_after = app.ok("review_queue", json!({}));
    assert_eq!(queue, queue_after, "failed requests changed nothing");
    assert_eq!(app.call("undo", json!({})).unwrap_err(), "nothing to undo");
}

#[test]
fn settings_are_validated_and_saved() {
    let app = App::new();
    let mut settings = app.ok("get_settings", json!({}));
    assert_eq!(settings["reviewer"], "tester");
    settings["reviewer"] = json!("");
    assert!(app.call("save_settings", json!({ "settings": settings })).unwrap_err().contains("cannot be empty"));
    settings["reviewer"] = json!("Rādhā");
    settings["min_score"] = json!(0.4);
    app.ok("save_settings", json!({ "settings": settings }));
    let saved = std::fs::read_to_string(app.dir.path().join("settings.json")).unwrap();
    assert!(saved.contains("Rādhā") && saved.contains("0.4"), "{saved}");
}

#[test]
fn the_waveform_of_a_recording_is_read_for_review() {
    let app = App::new();
    app.with_project();
    let jobs = app.ok("batch_jobs", json!({}));
    let audio = jobs.as_array().unwrap().iter().find(|j| j["media"]["kind"] == "audio").unwrap();
    let media = audio["media"]["id"].as_i64().unwrap();
    let wave = app.ok("prepare_audio", json!({ "media": media, "startMs": 1000, "endMs": 3000 }));
    let peaks = wave["peaks"].as_array().unwrap();
    assert_eq!(peaks.len(), 480);
    let loudest = peaks.iter().map(|p| p[1].as_f64().unwrap()).fold(0.0, f64::max);
    assert!(loudest > 0.05, "speech, not silence: {loudest}");
    assert_eq!(wave["start_ms"], 1000);
    let bad = app.call("prepare_audio", json!({ "media": 12345, "startMs": 0, "endMs": 10 }));
    assert!(bad.is_err());
}

#[test]
fn the_lexicon_editor_searches_transliterates_and_adds_with_the_loaders_checks() {
    let app = App::new();
    let found = app.ok("lexicon_search", json!({ "query": "krsna", "limit": 5 }));
    assert_eq!(found[0]["iast"], "Kṛṣṇa", "diacritics ignored, exact first: {found}");
    let by_variant = app.ok("lexicon_search", json!({ "query": "Arjun", "limit": 5 }));
    assert!(by_variant.as_array().unwrap().iter().any(|e| e["iast"] == "Arjuna"), "{by_variant}");
    assert_eq!(app.ok("transliterate", json!({ "text": "कृष्ण" }))["iast"], "kṛṣṇa");
    assert_eq!(app.ok("transliterate", json!({ "text": "Kṛṣṇa" }))["deva"], "कृष्ण");

    app.with_project();
    let entry = json!({ "kind": "entry", "iast": "Viṣādayoga", "deva": "विषादयोग", "category": "term", "variants": ["vishada yoga"] });
    app.ok("lexicon_add", json!({ "addition": entry }));
    let found = app.ok("lexicon_search", json!({ "query": "vishada yoga", "limit": 5 }));
    assert_eq!(found[0]["iast"], "Viṣādayoga", "{found}");
    assert_eq!(found[0]["origin"], "project additions:1", "{found}");
    let again = app.call("lexicon_add", json!({ "addition": entry })).unwrap_err();
    assert!(again.contains("Viṣādayoga"), "a duplicate is refused, naming it: {again}");
    let bad = json!({ "kind": "entry", "iast": "Krishna2", "deva": "x", "category": "term", "variants": [] });
    assert!(app.call("lexicon_add", json!({ "addition": bad })).is_err());
    let log = app.ok("lexicon_search", json!({ "query": "Krishna2", "limit": 5 }));
    assert_eq!(log.as_array().unwrap().len(), 0, "nothing saved from a refused entry");
}

#[test]
fn search_finds_segments_in_the_project() {
    let app = App::new();
    app.with_project();
    let hits = app.ok("search", json!({ "query": "Arduna", "fuzzy": false, "limit": 10 }));
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 4, "{hits:?}");
    assert!(hits.iter().all(|h| h["path"].as_str().unwrap().ends_with("lecture.asr.srt")));
    assert!(hits.iter().any(|h| h["pending_flags"].as_i64().unwrap() > 0));
    assert_eq!(app.ok("search", json!({ "query": "  ", "fuzzy": false, "limit": 10 })), json!([]));
}

#[test]
fn models_are_listed_and_a_bad_import_names_the_file() {
    let app = App::new();
    let models_dir = app.dir.path().join("models");
    std::env::set_var("SHRUTI_MODELS_DIR", &models_dir);
    let models = app.ok("models", json!({}));
    assert!(models["catalogue"].as_array().unwrap().iter().any(|m| m[0] == "tiny.en"), "{models}");
    assert_eq!(models["installed"], json!([]));
    assert!(app.call("fetch_model", json!({ "name": "giant" })).unwrap_err().contains("giant"));
    let not_a_model = app.dir.path().join("notes.txt");
    std::fs::write(&not_a_model, "hello").unwrap();
    let err = app.call("import_model", json!({ "from": not_a_model, "name": "mine" })).unwrap_err();
    assert!(err.contains("notes.txt"), "{err}");
    assert_eq!(app.ok("models", json!({}))["installed"], json!([]), "nothing half-imported");

    // A download from a server that trickles: one fetch per model at a time, and Cancel stops it
    // with its bytes kept for the next fetch to resume from.
    std::env::set_var("SHRUTI_MODEL_BASE_URL", trickling_server());
    let (tx, events) = mpsc::channel();
    app.window.listen_any("model-fetch", move |e| tx.send(e.payload().to_owned()).unwrap());
    let next = || -> Value { serde_json::from_str(&events.recv_timeout(Duration::from_secs(30)).unwrap()).unwrap() };
    assert!(!app.ok("cancel_fetch", json!({ "name": "tiny" })).as_bool().unwrap(), "nothing to cancel yet");
    app.ok("fetch_model", json!({ "name": "tiny" }));
    while next()["done"].as_u64().unwrap_or(0) == 0 {}
    assert!(app.call("fetch_model", json!({ "name": "tiny" })).unwrap_err().contains("already"));
    assert!(app.ok("cancel_fetch", json!({ "name": "tiny" })).as_bool().unwrap());
    let end = loop {
        let e = next();
        if e["event"] == "finished" {
            break e;
        }
    };
    assert_eq!((end["cancelled"].as_bool(), &end["error"]), (Some(true), &Value::Null), "{end}");
    assert!(std::fs::metadata(models_dir.join("ggml-tiny.bin.part")).unwrap().len() > 0, "bytes kept");
    assert_eq!(app.ok("models", json!({}))["installed"], json!([]));
    assert!(!app.ok("cancel_fetch", json!({ "name": "tiny" })).as_bool().unwrap(), "it has ended");
}

/// An HTTP server that announces 10 MB and sends 64 KiB, then a kilobyte every 20 ms.
fn trickling_server() -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let head = "HTTP/1.1 200 OK\r\ncontent-length: 10000000\r\nconnection: close\r\n\r\n";
            let mut ok = stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(&[7; 65_536])).is_ok();
            while ok {
                std::thread::sleep(Duration::from_millis(20));
                ok = stream.write_all(&[7; 1024]).is_ok();
            }
        }
    });
    url
}

#[test]
fn the_transcript_shows_every_segment_as_it_exports() {
    let app = App::new();
    app.with_project();
    let queue = app.ok("review_queue", json!({}));
    let arduna = queue.as_array().unwrap().iter().find(|f| f["surface"] == "Arduna").unwrap().clone();
    let media = arduna["media_id"].as_i64().unwrap();
    let before = app.ok("transcript", json!({ "media": media }));
    assert_eq!(before.as_array().unwrap().len(), 9, "the lecture's nine cues");
    assert_eq!(before[0]["text"], "Today we read how Arduna stood between the two armies.");
    assert_eq!(before[0]["corrected"], before[0]["text"], "undecided: as heard");
    assert!(before[1]["corrected"].as_str().unwrap().contains("Bhīṣma"), "automatic corrections: {}", before[1]);
    app.ok("decide", json!({ "flag": arduna["id"], "decision": { "action": "accept", "suggestion": 0 }, "all": true }));
    let after = app.ok("transcript", json!({ "media": media }));
    assert_eq!(after[0]["corrected"], "Today we read how Arjuna stood between the two armies.");
    assert!(app.call("transcript", json!({ "media": 4242 })).is_err());
}

#[test]
fn a_segment_is_edited_by_hand_and_exports_so() {
    let app = App::new();
    app.with_project();
    let queue = app.ok("review_queue", json!({}));
    let media =
        queue.as_array().unwrap().iter().find(|f| f["surface"] == "Arduna").unwrap()["media_id"].as_i64().unwrap();
    let lines = app.ok(
        "edit_segment",
        json!({ "media": media, "idx": 0, "text": "Today we read how Arjuna stood between the armies.", "startMs": 900, "endMs": 5100 }),
    );
    assert_eq!(lines[0]["corrected"], "Today we read how Arjuna stood between the armies.");
    assert_eq!((lines[0]["start_ms"].as_u64(), lines[0]["end_ms"].as_u64()), (Some(900), Some(5100)));
    assert_eq!(lines[0]["text"], "Today we read how Arduna stood between the two armies.", "as heard, kept");
    let bad =
        app.call("edit_segment", json!({ "media": media, "idx": 0, "text": null, "startMs": 5000, "endMs": 4000 }));
    assert!(bad.unwrap_err().contains("segment 1"));
    let out = app.dir.path().join("out");
    app.ok("export", json!({ "media": [media], "dir": out, "formats": ["srt"], "script": "iast" }));
    let srt = std::fs::read_to_string(out.join("lecture.asr.srt")).unwrap();
    assert!(
        srt.starts_with("1\n00:00:00,900 --> 00:00:05,100\nToday we read how Arjuna stood between the armies.\n"),
        "{srt}"
    );
}

#[test]
fn an_entry_is_corrected_in_the_lexicon_editor() {
    let app = App::new();
    app.with_project();
    let arjuna = app.ok("lexicon_search", json!({ "query": "Arjuna", "limit": 1 }))[0].clone();
    let wrong = arjuna["variants"][0].as_str().unwrap().to_owned();
    let amend = json!({ "kind": "amend", "iast": "Arjuna", "category": "sage", "remove_variants": [wrong] });
    app.ok("lexicon_add", json!({ "addition": amend }));
    let after = app.ok("lexicon_search", json!({ "query": "Arjuna", "limit": 1 }))[0].clone();
    assert_eq!(after["category"], "sage");
    assert!(!after["variants"].as_array().unwrap().iter().any(|v| v == &json!(wrong)), "{after}");
    let bad = json!({ "kind": "amend", "iast": "Arjuna", "deva": "Arjuna" });
    assert!(app.call("lexicon_add", json!({ "addition": bad })).is_err(), "Latin letters are not Devanagari");
}

/// A team server on a SQLite file in `dir`, in a thread of its own, with reviewer "asha".
/// A team server with a reviewer, asha, and a batch of `files` from the team lead.
fn team_server(dir: &Path, files: Vec<shruti_sync::BatchFile>) -> String {
    let url = format!("sqlite:{}", dir.join("team.db").display());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let server = shruti_server::Server::open(&url).await.unwrap();
            let role = shruti_sync::Role::Reviewer;
            shruti_server::auth::create_user(&server.state, "asha".into(), "asha's password".into(), role)
                .await
                .unwrap();
            let lead = shruti_server::auth::Caller {
                user_id: 0,
                name: "lead".into(),
                role: shruti_sync::Role::Admin,
                token_id: 0,
            };
            let batch = shruti_sync::NewBatch { name: "autumn".into(), files };
            shruti_server::queue::create_batch(&server.state, &lead, batch).await.unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap())).unwrap();
            server.serve(listener, Duration::from_secs(60)).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

#[test]
fn a_team_project_syncs_its_lexicon_and_works_the_team_queue() {
    let app = App::new();
    // The shared drive: two talks the lead queued, and a recording this machine cannot transcribe.
    let drive = app.dir.path().join("drive");
    std::fs::create_dir_all(drive.join("2024")).unwrap();
    let mut files = Vec::new();
    for (path, bytes) in [
        ("2024/talk1.srt", b"1\n00:00:01,000 --> 00:00:03,000\nArduna went to Kurukshetre.\n".to_vec()),
        ("talk2.srt", b"1\n00:00:01,000 --> 00:00:03,000\nKrishna spoke.\n".to_vec()),
        (
            "gita.flac",
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden/audio/gita_karma_yoga.flac")).unwrap(),
        ),
    ] {
        std::fs::write(drive.join(path), &bytes).unwrap();
        files.push(shruti_sync::BatchFile { path: path.into(), hash: shruti_pipeline::scan::hash_bytes(&bytes) });
    }
    std::env::set_var("SHRUTI_CREDENTIALS", app.dir.path().join("logins.json"));
    let server = team_server(app.dir.path(), files);
    app.with_project();
    assert_eq!(app.ok("team_status", json!({})), Value::Null, "not linked yet");
    let unlinked = app.call("start_batch", json!({ "sharedDrive": drive })).unwrap_err();
    assert!(unlinked.contains("not linked to a team server"), "{unlinked}");

    let wrong = app.call("team_login", json!({ "server": server, "user": "asha", "password": "nope" })).unwrap_err();
    assert!(wrong.contains("wrong user name or password"), "{wrong}");
    let status = app.ok("team_login", json!({ "server": server, "user": "asha", "password": "asha's password" }));
    assert_eq!((status["server"].as_str(), status["user"].as_str()), (Some(server.as_str()), Some("asha")));

    // A variant taught in review goes to the team at the next sync.
    let queue = app.ok("review_queue", json!({}));
    let flag =
        queue.as_array().unwrap().iter().find(|f| f["surface"] == "Arduna").expect("an Arduna flag")["id"].clone();
    app.ok("decide", json!({ "flag": flag, "decision": {"action": "add-variant", "iast": "Arjuna"}, "all": false }));
    let report = app.ok("team_sync", json!({}));
    assert_eq!((report["pushed"].as_u64(), &report["offline"]), (Some(1), &Value::Null), "{report}");
    let status = app.ok("team_status", json!({}));
    assert_eq!((status["entries"].as_u64(), status["dirty"].as_u64()), (Some(1), Some(0)), "{status}");
    assert!(app.call("team_resolve", json!({ "id": 1, "keep": "both" })).unwrap_err().contains("mine"));

    // The Batch screen works the team queue: each talk is processed here and recorded on the
    // server; the recording, which this machine has no model for, is not claimed: it waits for
    // a machine with one.
    let missing = app.call("start_batch", json!({ "sharedDrive": app.dir.path().join("nowhere") })).unwrap_err();
    assert!(missing.contains("nowhere: the shared drive is not a folder"), "{missing}");
    let (finished, team_events, events) = (app.hear("batch-finished"), app.hear("team-batch"), app.hear("batch"));
    app.ok("start_batch", json!({ "sharedDrive": drive }));
    let end: Value = serde_json::from_str(&finished.recv_timeout(Duration::from_secs(120)).unwrap()).unwrap();
    assert_eq!(
        (&end["error"], &end["team"]),
        (&Value::Null, &json!({"recorded": 2, "failed": 0, "late": 0, "unsent": 0})),
        "{end}"
    );
    let team_events: Vec<Value> = team_events.try_iter().map(|e| serde_json::from_str(&e).unwrap()).collect();
    let claimed: Vec<&str> =
        team_events.iter().filter(|e| e["event"] == "claimed").map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(claimed, ["2024/talk1.srt", "talk2.srt"], "{team_events:?}");
    let done: Vec<Value> = events.try_iter().map(|e| serde_json::from_str::<Value>(&e).unwrap()).collect();
    assert_eq!(done.iter().filter(|e| e["event"] == "done").count(), 2, "{done:?}");
    // The new talks are in the project beside the old ones.
    let jobs = app.ok("batch_jobs", json!({}));
    assert!(jobs.as_array().unwrap().iter().any(|j| j["media"]["path"].as_str().unwrap().ends_with("2024/talk1.srt")));
}
