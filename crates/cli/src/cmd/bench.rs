use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::{Args, Subcommand};
use shruti_core::subtitle::{parse_srt, write_srt};
use shruti_core::{Lexicon, Segment, Transcript};

use crate::input;

/// Measure speed: the engine's, and transcription's against faster-whisper.
#[derive(Subcommand)]
pub enum Cmd {
    /// Correct + flag throughput on a generated lecture SRT, beside the time to merely parse the
    /// same file, in the same run, on one thread.
    ///
    /// Example: shruti bench correct --cues 100000
    Correct(CorrectArgs),
    Asr(super::bench_asr::AsrArgs),
    Store(super::bench_store::StoreArgs),
    /// The team server under load on loopback: claims and completions, pushes and pulls, beside
    /// /health in the same run.
    ///
    /// Example: shruti bench server --db postgres://postgres@127.0.0.1/bench --clients 200
    Server(super::bench_server::ServerArgs),
}

#[derive(Args)]
pub struct CorrectArgs {
    /// Cues in the generated file.
    #[arg(long, default_value_t = 100_000)]
    cues: usize,
    /// Timed runs; the fastest is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        let args = match self {
            Cmd::Correct(args) => args,
            Cmd::Asr(args) => {
                args.run()?;
                return Ok(ExitCode::SUCCESS);
            }
            Cmd::Store(args) => {
                args.run(&input::lexicon(lexicon)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            Cmd::Server(args) => {
                args.run()?;
                return Ok(ExitCode::SUCCESS);
            }
        };
        let engine = input::engine(lexicon)?;
        let srt = write_srt(&generate(engine.lexicon(), args.cues));
        let mb = srt.len() as f64 / 1e6;
        let parse = fastest(args.runs, || {
            let start = Instant::now();
            let (t, _) = parse_srt(&srt, "bench.srt").expect("generated SRT parses");
            let elapsed = start.elapsed();
            std::hint::black_box(t.segments.len());
            elapsed
        });
        let (transcript, _) = parse_srt(&srt, "bench.srt")?;
        let mut last = (0, 0);
        let engine_time = fastest(args.runs, || {
            let input = transcript.clone();
            let start = Instant::now();
            let (corrected, analysis) = engine.correct(input);
            let elapsed = start.elapsed();
            last = (analysis.corrections.len(), analysis.flags.len());
            std::hint::black_box(corrected.segments.len());
            elapsed
        });
        let rate = |d: Duration| (args.cues as f64 / d.as_secs_f64(), mb / d.as_secs_f64());
        let (pc, pm) = rate(parse);
        let (ec, em) = rate(engine_time);
        println!("generated SRT: {} cues, {:.1} MB; {} corrections, {} flags per run", args.cues, mb, last.0, last.1);
        println!("parse only:       {:>8.1} ms  {:>10.0} cues/s  {:>7.1} MB/s", parse.as_secs_f64() * 1e3, pc, pm);
        println!(
            "correct + flag:   {:>8.1} ms  {:>10.0} cues/s  {:>7.1} MB/s",
            engine_time.as_secs_f64() * 1e3,
            ec,
            em
        );
        println!("ratio: correct + flag takes {:.2}× the parse time", engine_time.as_secs_f64() / parse.as_secs_f64());
        Ok(ExitCode::SUCCESS)
    }
}

/// The fastest of `runs` timings; each run times itself, leaving its set-up out.
fn fastest(runs: usize, mut run: impl FnMut() -> Duration) -> Duration {
    (0..runs.max(1)).map(|_| run()).min().unwrap_or_default()
}

/// A lecture-like transcript: English sentences with anglicised Sanskrit terms, false friends, an
/// occasional misspelling and recited verse, from a fixed seed so every run sees the same text.
fn generate(lexicon: &Lexicon, cues: usize) -> Transcript {
    const ENGLISH: &[&str] = &[
        "and so the teacher explains that",
        "we sat down at home after the drama",
        "this is the whole point of the chapter",
        "when the mind becomes still, then",
        "the man with the guitar was a diva",
        "as we discussed last week in the panorama of",
        "you have to understand the context of",
        "it is said that",
    ];
    const RECITED: &[&str] = &[
        "karmanye vadhikaraste ma phaleshu kadachana",
        "yada yada hi dharmasya glanir bhavati bharata",
        "Krushna says to Arjoon",
    ];
    let terms: Vec<&str> = lexicon.entries().iter().flat_map(|e| e.variants.iter().map(String::as_str)).collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let segments = (0..cues)
        .map(|i| {
            let text = if next(50) == 0 {
                RECITED[next(RECITED.len())].to_owned()
            } else {
                format!(
                    "{} {} {}.",
                    ENGLISH[next(ENGLISH.len())],
                    terms[next(terms.len())],
                    ENGLISH[next(ENGLISH.len())]
                )
            };
            let start = i as u64 * 3000;
            Segment::new(start, start + 2500, text)
        })
        .collect();
    Transcript { segments }
}
