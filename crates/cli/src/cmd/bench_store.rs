//! `shruti bench store`: the project store's speed on synthetic projects, each figure beside a
//! reference measured in the same run on the same database.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use rusqlite::Connection;
use shruti_core::lexicon::iast;
use shruti_core::{Analysis, Flag, FlagKind, Lexicon, Segment, Suggestion, SuggestionSource, Transcript};
use shruti_store::{Action, FlagQuery, FoundFile, MediaKind, NewDecision, NewTranscript, Project, Scope, Source};

/// Measure the store: decision save latency, opening a big project and listing the first page
/// of flags, and search over a synthetic 1,000-hour project.
///
/// Example: shruti bench store --hours 1000
#[derive(Args)]
pub struct StoreArgs {
    /// Hours of lectures in the search project (one segment per 4 s).
    #[arg(long, default_value_t = 1000)]
    hours: usize,
    /// Decisions saved for the latency figures.
    #[arg(long, default_value_t = 1000)]
    decisions: usize,
    /// Searches timed.
    #[arg(long, default_value_t = 500)]
    searches: usize,
    /// Where the projects are built (default: a temporary folder, removed afterwards).
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
}

const SEGMENTS_PER_FILE: usize = 900; // an hour at 4 s a segment
const FILLER: &[&str] = &[
    "and so the teacher explains",
    "this is the meaning of",
    "we read in the text that",
    "listen carefully to",
    "the commentary says",
    "in the morning the students ask about",
    "there is a beautiful story of",
    "remember always the words of",
    "when the mind is steady",
    "the practice of",
];

impl StoreArgs {
    pub fn run(self, lexicon: &Lexicon) -> Result<()> {
        let temp = std::env::temp_dir().join(format!("shruti-bench-store-{}", std::process::id()));
        let root = self.dir.clone().unwrap_or_else(|| temp.clone());
        let _ = std::fs::remove_dir_all(&root);
        let terms: Vec<(String, String, String)> = lexicon
            .entries()
            .iter()
            .filter(|e| !e.iast.contains(' '))
            .map(|e| (iast::anglicise(&e.iast), e.iast.clone(), e.deva.clone()))
            .collect();
        let mut rng = fastrand::Rng::with_seed(7);

        // 1. A 100,000-segment project with 10,000 flags: open + first page, and decisions.
        let small = root.join("100k");
        let built = Instant::now();
        build(&small, 112, &terms, &mut rng)?; // 112 files × 900 segments ≈ 100,000
        eprintln!("built 100k-segment project in {:.1} s", built.elapsed().as_secs_f64());
        let mut open_page = Vec::new();
        let mut open_ref = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            let project = Project::open(&small)?;
            let page = project.flags(&FlagQuery { limit: 50, ..FlagQuery::default() })?;
            open_page.push(t.elapsed());
            anyhow::ensure!(page.len() == 50, "expected a full first page");
            let t = Instant::now();
            let conn = Connection::open(small.join(shruti_store::DB_FILE))?;
            let n: i64 =
                conn.query_row("SELECT count(*) FROM (SELECT id, text FROM segments ORDER BY id LIMIT 50)", [], |r| {
                    r.get(0)
                })?;
            open_ref.push(t.elapsed());
            std::hint::black_box(n);
        }
        let mut project = Project::open(&small)?;
        let ids: Vec<i64> =
            project.flags(&FlagQuery { limit: 0, ..FlagQuery::default() })?.iter().map(|f| f.id).collect();
        let mut save = Vec::with_capacity(self.decisions);
        for i in 0..self.decisions {
            let id = ids[rng.usize(..ids.len())];
            let decision = NewDecision {
                action: if i % 2 == 0 { Action::Accept { suggestion: 0 } } else { Action::Keep },
                expert: "bench".into(),
                note: None,
            };
            let t = Instant::now();
            project.decide(id, &decision, Scope::One)?;
            save.push(t.elapsed());
        }
        let mut save_ref = Vec::with_capacity(self.decisions);
        let conn = Connection::open(small.join(shruti_store::DB_FILE))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch("CREATE TABLE bench_ref (id INTEGER PRIMARY KEY, flag INTEGER, at INTEGER)")?;
        for i in 0..self.decisions {
            let t = Instant::now();
            conn.execute("INSERT INTO bench_ref (flag, at) VALUES (?1, ?2)", (i as i64, i as i64))?;
            save_ref.push(t.elapsed());
        }

        // 2. Search over the big project.
        let big = root.join("search");
        let built = Instant::now();
        build(&big, self.hours, &terms, &mut rng)?;
        let project = Project::open(&big)?;
        let segments: i64 =
            Connection::open(big.join(shruti_store::DB_FILE))?
                .query_row("SELECT count(*) FROM segments", [], |r| r.get(0))?;
        let stored = built.elapsed();
        let t = Instant::now();
        let mut index = project.search_index()?;
        index.sync(&project)?;
        eprintln!(
            "built {}-hour project ({segments} segments) in {:.1} s, indexed in {:.1} s",
            self.hours,
            stored.as_secs_f64(),
            t.elapsed().as_secs_f64()
        );
        let mut search = Vec::with_capacity(self.searches);
        let mut hits = 0;
        for i in 0..self.searches {
            let (plain, _, _) = &terms[rng.usize(..terms.len())];
            let query = match i % 3 {
                0 => plain.clone(),
                1 => format!("\"{} {plain}\"", FILLER[i % FILLER.len()].rsplit(' ').next().unwrap_or("the")),
                _ => plain.to_lowercase(),
            };
            let t = Instant::now();
            hits += index.search(&project, &query, i % 3 == 2, 20)?.len();
            search.push(t.elapsed());
        }
        // The reference: the same word found without an index, by scanning every segment's text
        // (a ranked search has to see every match).
        let conn = Connection::open(big.join(shruti_store::DB_FILE))?;
        let mut scan = Vec::new();
        for _ in 0..5 {
            let (plain, _, _) = &terms[rng.usize(..terms.len())];
            let t = Instant::now();
            let n: i64 =
                conn.query_row("SELECT count(*) FROM segments WHERE text LIKE '%' || ?1 || '%'", [plain], |r| {
                    r.get(0)
                })?;
            scan.push(t.elapsed());
            std::hint::black_box(n);
        }

        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let (s50, s99, r50) = (pct(&mut save, 50), pct(&mut save, 99), pct(&mut save_ref, 50));
        println!("decision save     p50 {:>7.2} ms  p99 {:>7.2} ms   (bare synced insert p50 {:.2} ms: ×{:.1})  target p99 < 5 ms", ms(s50), ms(s99), ms(r50), ratio(s50, r50));
        let (o50, o95, or50) = (pct(&mut open_page, 50), pct(&mut open_page, 95), pct(&mut open_ref, 50));
        println!("open + first page p50 {:>7.2} ms  p95 {:>7.2} ms   (open + read 50 rows p50 {:.2} ms: ×{:.1})  target < 100 ms", ms(o50), ms(o95), ms(or50), ratio(o50, or50));
        let (q50, q95, sc50) = (pct(&mut search, 50), pct(&mut search, 95), pct(&mut scan, 50));
        println!("search            p50 {:>7.2} ms  p95 {:>7.2} ms   (text scan without the index p50 {:.0} ms: ×{:.4})  target p95 < 20 ms", ms(q50), ms(q95), ms(sc50), ratio(q50, sc50));
        println!("({} hours, {segments} segments, {hits} hits over {} searches)", self.hours, self.searches);
        if self.dir.is_none() {
            std::fs::remove_dir_all(&temp).with_context(|| format!("cannot remove {}", temp.display()))?;
        }
        Ok(())
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

fn pct(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort();
    samples[((samples.len() * p).div_ceil(100)).clamp(1, samples.len()) - 1]
}

/// A project of `files` one-hour lectures; one segment in nine carries a flag (10,000 flags per
/// 100,000 segments), one in three an automatic correction.
fn build(dir: &Path, files: usize, terms: &[(String, String, String)], rng: &mut fastrand::Rng) -> Result<()> {
    let mut project = Project::open(dir)?;
    project.batch_durability()?;
    let lexicon = Lexicon::load(&[]).map_err(|_| anyhow::anyhow!("an empty lexicon loads"))?;
    for f in 0..files {
        let found = FoundFile {
            path: dir.join(format!("lecture-{f:05}.flac")),
            kind: MediaKind::Audio,
            bytes: 1,
            mtime_ns: 0,
            hash: format!("synthetic-{f}"),
        };
        project.queue_files(&[found])?;
        let job = project.claim_job(MediaKind::Audio)?.context("a queued job")?;
        let mut transcript = Transcript::default();
        let mut analysis = Analysis::default();
        for i in 0..SEGMENTS_PER_FILE {
            let (plain, canonical, deva) = &terms[rng.usize(..terms.len())];
            let filler = FILLER[rng.usize(..FILLER.len())];
            let text = format!("{filler} {plain} today");
            let range = filler.len() + 1..filler.len() + 1 + plain.len();
            let start_ms = i as u64 * 4000;
            if i % 9 == 0 {
                analysis.flags.push(Flag {
                    segment: i,
                    start_ms,
                    end_ms: start_ms + 3800,
                    surface: plain.clone(),
                    span: [range.start, range.end],
                    range,
                    kind: FlagKind::Fuzzy,
                    score: 0.7,
                    reasons: vec![],
                    suggestions: vec![Suggestion {
                        text: canonical.clone(),
                        score: 0.7,
                        source: SuggestionSource::Phonetic,
                        deva: Some(deva.clone()),
                        entry: None,
                    }],
                    verse: None,
                });
            }
            transcript.segments.push(Segment::new(start_ms, start_ms + 3800, text));
        }
        let new = NewTranscript {
            source: Source::Asr,
            model: Some("synthetic"),
            settings: serde_json::json!({}),
            transcript: &transcript,
            analysis: &analysis,
            lexicon: &lexicon,
        };
        project.complete_job(job.id, job.media.id, &new)?;
    }
    Ok(())
}
