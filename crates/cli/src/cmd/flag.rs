use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use shruti_core::FlagKind;

use crate::input;
use crate::output::{flags_json, Printed};

/// List what the expert should review: near-misses, unknown Sanskrit-looking words, recited
/// verses, doubtful known terms, each with ranked suggestions.
///
/// Example: shruti flag lecture.srt --json > flags.json
#[derive(Args)]
pub struct Cmd {
    /// The subtitle file to check (.srt or .vtt).
    input: PathBuf,
    /// Print a JSON array of flags instead of a table.
    #[arg(long)]
    json: bool,
    /// Only flags of these kinds (comma-separated: known-variant, fuzzy, low-confidence,
    /// unknown-term, verse).
    #[arg(long, value_delimiter = ',')]
    kind: Vec<String>,
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        let kinds: Vec<FlagKind> = self.kind.iter().map(|k| parse_kind(k)).collect::<Result<_>>()?;
        let engine = input::engine(lexicon)?;
        let (transcript, _) = input::read_transcript(&self.input)?;
        let analysis = engine.analyze(&transcript);
        let flags: Vec<Printed> =
            analysis.flags.iter().filter(|f| kinds.is_empty() || kinds.contains(&f.kind)).map(Printed::new).collect();
        if self.json {
            println!("{}", flags_json(flags.iter().map(|p| p.flag))?);
        } else {
            for p in &flags {
                let f = p.flag;
                let suggestions: Vec<String> =
                    f.suggestions.iter().map(|s| format!("{} ({:.2})", s.text, s.score)).collect();
                let verse = f.verse.as_ref().map(|v| format!(" [{} {}]", v.work, v.reference)).unwrap_or_default();
                println!(
                    "cue {:>4} {:>9} ms  {:<14} {:.2}  {:?} → {}{verse}",
                    p.cue,
                    f.start_ms,
                    f.kind.name(),
                    f.score,
                    f.surface,
                    if suggestions.is_empty() { "?".to_owned() } else { suggestions.join(", ") }
                );
            }
            eprintln!("{} flag(s)", flags.len());
        }
        Ok(ExitCode::SUCCESS)
    }
}

pub(crate) fn parse_kind(name: &str) -> Result<FlagKind> {
    [FlagKind::KnownVariant, FlagKind::Fuzzy, FlagKind::LowConfidence, FlagKind::UnknownTerm, FlagKind::Verse]
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "unknown flag kind {name:?}: use known-variant, fuzzy, low-confidence, unknown-term or verse"
            )
        })
}
