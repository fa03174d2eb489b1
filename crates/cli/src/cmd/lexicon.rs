use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use shruti_core::engine::mishearing::{self, Mishearing};
use shruti_core::harvest::Harvest;
use shruti_core::lexicon::{iast, Addition, Category, Policy};
use shruti_core::occurrences::{written_terms, TermFinder};
use shruti_core::{Segment, Transcript, VerseIndex};

use crate::input;

/// Check, count or search the lexicon; amend a project's.
#[derive(Subcommand)]
pub enum Cmd {
    /// Check every entry: file syntax, IAST characters, duplicates, variants claimed twice, and
    /// each IAST against the transliteration of its Devanagari.
    ///
    /// Example: shruti lexicon check --lexicon lexicons/
    Check,
    /// Count entries per category, variants and policies.
    ///
    /// Example: shruti lexicon stats
    Stats,
    /// Show the entries a word matches, and what the engine would do with it.
    ///
    /// Example: shruti lexicon lookup Krushna
    Lookup {
        /// A spelling, an IAST form or Devanagari.
        word: String,
    },
    /// Correct an entry in a project's lexicon, as the app's lexicon editor does: its
    /// Devanagari, its category, or variants that were wrong. The project is re-flagged, and a
    /// project linked to a team server pushes it with `shruti sync push`.
    ///
    /// Example: shruti lexicon amend Arjuna --deva अर्जुनः --project lectures/
    Amend {
        /// The entry's IAST.
        iast: String,
        #[arg(long)]
        deva: Option<String>,
        #[arg(long)]
        category: Option<String>,
        /// A variant to drop (repeatable).
        #[arg(long = "remove-variant")]
        remove_variants: Vec<String>,
        #[arg(long, default_value = ".", value_name = "DIR")]
        project: std::path::PathBuf,
        /// Who makes the change; default $SHRUTI_EXPERT, then $USER.
        #[arg(long)]
        by: Option<String>,
    },
    /// Learn how a recogniser mishears terms, for the look-up by sound: from its heard forms
    /// (`shruti model harvest`) and from saved output of term clips (`eval-audio --save-raw`)
    /// beside their references. Writes the table the engine bundles (`lexicons/mishearing.tsv`).
    ///
    /// Example: shruti lexicon learn-mishearing --heard lexicons/heard/tiny.en.toml
    ///   --clips golden/terms/tune --raw golden/terms/raw/tiny.en/tune/off --out lexicons/mishearing.tsv
    LearnMishearing {
        /// A heard-forms file (repeatable).
        #[arg(long, value_name = "FILE")]
        heard: Vec<std::path::PathBuf>,
        /// A folder of term clips, NAME.flac with NAME.ref.txt (repeatable, each with a --raw).
        #[arg(long, value_name = "DIR")]
        clips: Vec<std::path::PathBuf>,
        /// The saved recogniser output of the --clips folder at the same place, NAME.json.
        #[arg(long, value_name = "DIR")]
        raw: Vec<std::path::PathBuf>,
        /// Rounds of aligning and re-estimating.
        #[arg(long, default_value_t = 4)]
        rounds: usize,
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
}

impl Cmd {
    pub fn run(self, dir: Option<&Path>) -> Result<ExitCode> {
        match self {
            Cmd::Check => check(dir),
            Cmd::Stats => stats(dir),
            Cmd::Lookup { word } => lookup(dir, &word),
            Cmd::Amend { iast, deva, category, remove_variants, project, by } => {
                let category = category
                    .map(|c| {
                        Category::ALL
                            .into_iter()
                            .find(|k| k.name() == c)
                            .with_context(|| format!("unknown category {c:?}"))
                    })
                    .transpose()?;
                let addition = Addition::Amend { iast, deva, category, remove_variants };
                let mut project = crate::cmd::batch::open(&project)?;
                let base = input::lexicon(dir)?;
                let reflagged =
                    shruti_pipeline::lexicon::add(&mut project, &base, addition, &super::review::expert(by))?;
                eprintln!("amended; {} transcript(s) re-flagged", reflagged.transcripts);
                Ok(ExitCode::SUCCESS)
            }
            Cmd::LearnMishearing { heard, clips, raw, rounds, out } => {
                learn_mishearing(&heard, &clips, &raw, rounds, &out)
            }
        }
    }
}

fn check(dir: Option<&Path>) -> Result<ExitCode> {
    let lexicon = input::lexicon(dir)?;
    let problems = lexicon.check_transliteration();
    for p in &problems {
        eprintln!("{p}");
    }
    if problems.is_empty() {
        println!("lexicon ok: {} entries", lexicon.entries().len());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("{} problem(s)", problems.len());
        Ok(ExitCode::FAILURE)
    }
}

fn stats(dir: Option<&Path>) -> Result<ExitCode> {
    let lexicon = input::lexicon(dir)?;
    println!("{:<10} {:>7} {:>9} {:>8}", "category", "entries", "variants", "suggest");
    for category in Category::ALL {
        let entries: Vec<_> = lexicon.entries().iter().filter(|e| e.category == category).collect();
        let variants: usize = entries.iter().map(|e| e.variants.len()).sum();
        let suggest = entries.iter().filter(|e| e.policy == Policy::Suggest).count();
        println!("{:<10} {:>7} {:>9} {:>8}", category.name(), entries.len(), variants, suggest);
    }
    let variants: usize = lexicon.entries().iter().map(|e| e.variants.len()).sum();
    let suggest = lexicon.entries().iter().filter(|e| e.policy == Policy::Suggest).count();
    println!("{:<10} {:>7} {:>9} {:>8}", "total", lexicon.entries().len(), variants, suggest);
    let verses = VerseIndex::bundled();
    for corpus in verses.corpora() {
        println!("verses: {} ({} verses)", corpus.work, corpus.verses.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn lookup(dir: Option<&Path>, word: &str) -> Result<ExitCode> {
    let engine = input::engine(dir)?;
    let entries = engine.lexicon().lookup(word);
    for e in &entries {
        println!(
            "{}  {}  [{}]  {}  {}",
            e.iast,
            e.deva,
            e.category.name(),
            e.origin,
            if e.policy == Policy::Suggest { "suggest-only" } else { "auto" }
        );
        if !e.variants.is_empty() {
            println!("    variants: {}", e.variants.join(", "));
        }
        if let Some(note) = &e.note {
            println!("    note: {note}");
        }
    }
    let transcript = Transcript { segments: vec![Segment::new(0, 0, word)] };
    let analysis = engine.analyze(&transcript);
    for c in &analysis.corrections {
        println!("engine: corrects {:?} → {:?} ({:.2})", c.original, c.replacement, c.score);
    }
    for f in &analysis.flags {
        let s: Vec<String> = f.suggestions.iter().map(|s| format!("{} ({:.2})", s.text, s.score)).collect();
        println!("engine: flags {:?} as {} ({:.2}): {}", f.surface, f.kind.name(), f.score, s.join(", "));
    }
    if entries.is_empty() && analysis.corrections.is_empty() && analysis.flags.is_empty() {
        println!("no entry matches {word:?}, and the engine leaves it alone");
    }
    Ok(ExitCode::SUCCESS)
}

fn learn_mishearing(
    heard: &[PathBuf],
    clips: &[PathBuf],
    raw: &[PathBuf],
    rounds: usize,
    out: &Path,
) -> Result<ExitCode> {
    if clips.len() != raw.len() {
        bail!("each --clips folder needs its --raw folder ({} and {} given)", clips.len(), raw.len());
    }
    let mut pairs = Vec::new();
    let mut models = Vec::new();
    for path in heard {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let harvest = Harvest::from_toml(&text, &path.display().to_string())?;
        let forms = harvest.heard.values().flatten().filter(|(_, written)| !written.is_empty());
        pairs.extend(forms.map(|(iast, written)| (iast::anglicise(iast), written.clone())));
        models.push(harvest.model);
    }
    let from_heard = pairs.len();
    let finder = TermFinder::new(&input::lexicon(None)?);
    for (dir, raw) in clips.iter().zip(raw) {
        for (audio, reference) in input::term_clips(dir)? {
            if input::is_false_friends(&audio) {
                continue;
            }
            let stem = audio.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let written = input::clip_text(&input::saved_transcript(&raw.join(format!("{stem}.json")))?);
            let terms = written_terms(&finder, &reference, &written);
            pairs.extend(terms.into_iter().map(|(term, written)| (iast::anglicise(&term), written)));
        }
    }
    let (table, counts, report) = Mishearing::learn(&pairs, rounds);
    for (i, r) in report.iter().enumerate() {
        println!("round {}: {} of {} pairs kept, mean closeness {:.3}", i + 1, r.kept, pairs.len(), r.mean_closeness);
    }
    let header = format!(
        "How {} mishears: the cost of writing a sound (- none) for one said, learned from {} pairs\n\
         ({from_heard} heard forms, {} from term clips; {} near enough to be the term) by\n\
         `shruti lexicon learn-mishearing` (scripts/learn-mishearing.sh). {} units: an unrelated consonant.",
        if models.is_empty() { "the recogniser".to_owned() } else { models.join(", ") },
        pairs.len(),
        pairs.len() - from_heard,
        report.last().map_or(0, |r| r.kept),
        mishearing::FULL,
    );
    std::fs::write(out, table.to_text(&header, Some(&counts)))
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {}", out.display());
    Ok(ExitCode::SUCCESS)
}
