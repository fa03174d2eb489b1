use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use shruti_core::lexicon::{Category, Policy};
use shruti_core::{Segment, Transcript, VerseIndex};

use crate::input;

/// Check, count or search the lexicon.
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
}

impl Cmd {
    pub fn run(self, dir: Option<&Path>) -> Result<ExitCode> {
        match self {
            Cmd::Check => check(dir),
            Cmd::Stats => stats(dir),
            Cmd::Lookup { word } => lookup(dir, &word),
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
