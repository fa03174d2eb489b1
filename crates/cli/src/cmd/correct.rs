use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use shruti_core::subtitle::{write_subtitles, SubtitleFormat};

use crate::input;

/// Apply the certain corrections to a subtitle file, keeping every cue and timing.
///
/// Example: shruti correct lecture.srt -o lecture.corrected.srt --report
#[derive(Args)]
pub struct Cmd {
    /// The subtitle file to correct (.srt or .vtt).
    input: PathBuf,
    /// Where to write the corrected file; its extension picks the format (default: the input's).
    #[arg(short, long)]
    output: PathBuf,
    /// List every change on stderr: cue, time, before → after, score.
    #[arg(long)]
    report: bool,
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        let engine = input::engine(lexicon)?;
        let (transcript, format) = input::read_transcript(&self.input)?;
        let (corrected, analysis) = engine.correct(transcript);
        let out_format = SubtitleFormat::from_extension(&self.output.to_string_lossy()).unwrap_or(format);
        std::fs::write(&self.output, write_subtitles(&corrected, out_format))
            .with_context(|| format!("cannot write {}", self.output.display()))?;
        if self.report {
            for c in &analysis.corrections {
                let seg = &corrected.segments[c.segment];
                eprintln!(
                    "cue {:>4} {:>9} ms  {} → {}  ({:.2})",
                    c.segment + 1,
                    seg.start_ms,
                    c.original,
                    c.replacement,
                    c.score
                );
            }
        }
        eprintln!(
            "{}: {} correction(s) applied, {} flag(s) left for review (run `shruti flag`)",
            self.output.display(),
            analysis.corrections.len(),
            analysis.flags.len()
        );
        Ok(ExitCode::SUCCESS)
    }
}
