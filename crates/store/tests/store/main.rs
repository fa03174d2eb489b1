//! shruti-store's integration tests: one binary, a module per feature.

mod backup;
mod decisions;
mod export;
mod jobs;
mod migrations;
mod search;

use std::path::Path;
use std::sync::OnceLock;

use shruti_core::{subtitle, Engine, Transcript};
use shruti_store::{FoundFile, MediaKind, NewTranscript, Project, Source};

pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::builder().build())
}

/// Queues a subtitle "file" (no file on disk is needed: the store takes what it is given),
/// processes it with the real engine and saves it. Returns the media id.
pub fn import(project: &mut Project, name: &str, srt: &str) -> i64 {
    save(project, name, &subtitle::parse_srt(srt, name).unwrap().0)
}

/// Queues a file of that name and saves `transcript` as its result, analysed by the real engine.
pub fn save(project: &mut Project, name: &str, transcript: &Transcript) -> i64 {
    let found = FoundFile {
        path: Path::new("/lectures").join(name),
        kind: MediaKind::Subtitle,
        bytes: 1,
        mtime_ns: 0,
        hash: format!("hash-of-{name}"),
    };
    project.queue_files(&[found]).unwrap();
    let job = project.claim_job(MediaKind::Subtitle).unwrap().expect("a queued job");
    let analysis = engine().analyze(transcript);
    let new = NewTranscript {
        source: Source::Srt,
        model: None,
        settings: serde_json::json!({}),
        transcript,
        analysis: &analysis,
        lexicon: engine().lexicon(),
    };
    project.complete_job(job.id, job.media.id, &new).unwrap();
    job.media.id
}

/// A lecture with certain corrections (Krishna, Arjun), and doubts (a homograph, a sound-alike).
/// The comma keeps "Bhagvad" and "Geeta" apart: joined, the engine would ask for the pair.
pub const LECTURE: &str = "1
00:00:01,000 --> 00:00:04,000
Krishna speaks to Arjun at Kurukshetra.

2
00:00:04,500 --> 00:00:08,000
Then Arjun asks about dharma and karma yoga.

3
00:00:09,000 --> 00:00:12,000
The teaching of Krisnaa is the Bhagvad, Geeta.

4
00:00:12,500 --> 00:00:15,000
Krisnaa smiles.
";
