use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::{Deserialize, Serialize};
use shruti_core::metrics::{CueTriple, ErrorRates, Recall, TermScores};
use shruti_core::FlagKind;

use crate::input;

/// Run the engine on golden pairs (NAME.asr.srt, NAME.ref.srt, optional NAME.verses.toml) and
/// print WER, CER, Sanskrit-term recall, over-corrections, IAST compliance and verse-ID recall.
/// With thresholds given, exits 1 when a metric falls short.
///
/// Example: shruti eval golden/text --min-term-recall 0.95 --max-over-corrections 0 --min-verse-recall 0.9
#[derive(Args)]
pub struct Cmd {
    /// The folder of golden pairs.
    dir: PathBuf,
    /// Fail below this term recall (terms right after the expert accepts each top suggestion).
    #[arg(long)]
    min_term_recall: Option<f64>,
    /// Fail above this many over-corrections (right words the engine changed on its own).
    #[arg(long)]
    max_over_corrections: Option<usize>,
    /// Fail below this verse-identification recall.
    #[arg(long)]
    min_verse_recall: Option<f64>,
    /// Print the metrics as JSON.
    #[arg(long)]
    json: bool,
    /// List missed terms and over-corrections.
    #[arg(long)]
    details: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedVerses {
    #[serde(default)]
    verse: Vec<ExpectedVerse>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedVerse {
    cue: usize,
    #[serde(rename = "ref")]
    reference: String,
}

#[derive(Default, Serialize)]
struct Report {
    files: usize,
    cues: usize,
    /// ASR text against the reference: the starting point.
    before: ErrorRates,
    /// After the automatic corrections.
    corrected: ErrorRates,
    /// After the automatic corrections and every flag's top suggestion.
    reviewed: ErrorRates,
    /// Terms right after automatic correction alone.
    auto: TermScores,
    /// Terms right once the expert accepts each top suggestion.
    with_review: TermScores,
    verse_recall: Recall,
    missed_verses: Vec<String>,
    flags: BTreeMap<&'static str, usize>,
    corrections: usize,
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        let engine = input::engine(lexicon)?;
        let mut report = Report::default();
        for asr_path in golden_files(&self.dir)? {
            let stem = asr_path.to_string_lossy().trim_end_matches(".asr.srt").to_owned();
            let ref_path = PathBuf::from(format!("{stem}.ref.srt"));
            let (asr, _) = input::read_transcript(&asr_path)?;
            let (reference, _) = input::read_transcript(&ref_path)?;
            if asr.segments.len() != reference.segments.len() {
                bail!(
                    "{} has {} cues but {} has {}",
                    asr_path.display(),
                    asr.segments.len(),
                    ref_path.display(),
                    reference.segments.len()
                );
            }
            let verses = expected_verses(Path::new(&format!("{stem}.verses.toml")))?;
            let analysis = engine.analyze(&asr);
            let corrected = analysis.apply(&asr);
            let reviewed = analysis.apply_with_suggestions(&asr);
            for (i, seg) in asr.segments.iter().enumerate() {
                let want = &reference.segments[i].text;
                report.before.add(want, &seg.text);
                report.corrected.add(want, &corrected.segments[i].text);
                report.reviewed.add(want, &reviewed.segments[i].text);
                if verses.iter().any(|v| v.cue == i + 1) {
                    continue; // recitations are scored by verse identification
                }
                report.auto.add(CueTriple { asr: &seg.text, reference: want, output: &corrected.segments[i].text });
                report.with_review.add(CueTriple {
                    asr: &seg.text,
                    reference: want,
                    output: &reviewed.segments[i].text,
                });
            }
            for v in &verses {
                report.verse_recall.total += 1;
                let found = analysis.flags.iter().any(|f| {
                    let heard = f.verse.as_ref().filter(|_| f.segment + 1 == v.cue && f.kind == FlagKind::Verse);
                    heard.is_some_and(|m| m.reference == v.reference || m.also.contains(&v.reference))
                });
                if found {
                    report.verse_recall.found += 1;
                } else {
                    report.missed_verses.push(format!("{}:{} (BG {})", asr_path.display(), v.cue, v.reference));
                }
            }
            for f in &analysis.flags {
                *report.flags.entry(f.kind.name()).or_default() += 1;
            }
            report.corrections += analysis.corrections.len();
            report.files += 1;
            report.cues += asr.segments.len();
        }
        if report.files == 0 {
            bail!("no golden pairs (*.asr.srt with *.ref.srt) in {}", self.dir.display());
        }
        if self.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print_report(&report, self.details);
        }
        let mut failed = Vec::new();
        if let Some(min) = self.min_term_recall.filter(|&m| report.with_review.term_recall.rate() < m) {
            failed.push(format!("term recall {:.3} < {min}", report.with_review.term_recall.rate()));
        }
        if let Some(max) = self.max_over_corrections.filter(|&m| report.auto.over_corrections > m) {
            failed.push(format!("over-corrections {} > {max}", report.auto.over_corrections));
        }
        if let Some(min) = self.min_verse_recall.filter(|&m| report.verse_recall.rate() < m) {
            failed.push(format!("verse-ID recall {:.3} < {min}", report.verse_recall.rate()));
        }
        if failed.is_empty() {
            Ok(ExitCode::SUCCESS)
        } else {
            eprintln!("below threshold: {}", failed.join("; "));
            Ok(ExitCode::FAILURE)
        }
    }
}

fn golden_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".asr.srt"))
        .collect();
    files.sort();
    Ok(files)
}

fn expected_verses(path: &Path) -> Result<Vec<ExpectedVerse>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let parsed: ExpectedVerses =
        toml::from_str(&text).with_context(|| format!("{} is not a verses file", path.display()))?;
    Ok(parsed.verse)
}

fn print_report(r: &Report, details: bool) {
    println!("golden set: {} files, {} cues", r.files, r.cues);
    println!("{:<34} {:>8} {:>8}", "", "WER", "CER");
    for (name, rates) in [
        ("ASR as given", &r.before),
        ("after auto-correction", &r.corrected),
        ("after accepting top suggestions", &r.reviewed),
    ] {
        println!("{name:<34} {:>8.4} {:>8.4}", rates.wer.rate(), rates.cer.rate());
    }
    let recall =
        |s: &TermScores| format!("{:.4} ({}/{})", s.term_recall.rate(), s.term_recall.found, s.term_recall.total);
    println!("term recall, auto-correction only:     {}", recall(&r.auto));
    println!("term recall, with top suggestions:     {}", recall(&r.with_review));
    println!("over-corrections (auto):               {}", r.auto.over_corrections);
    println!("over-corrections (with suggestions):   {}", r.with_review.over_corrections);
    println!(
        "IAST compliance:                       {:.4} ({}/{})",
        r.auto.iast_compliance.rate(),
        r.auto.iast_compliance.found,
        r.auto.iast_compliance.total
    );
    println!(
        "verse-ID recall:                       {:.4} ({}/{})",
        r.verse_recall.rate(),
        r.verse_recall.found,
        r.verse_recall.total
    );
    let flags: Vec<String> = r.flags.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("corrections: {}; flags: {}", r.corrections, flags.join(", "));
    if details {
        for m in &r.with_review.missed {
            println!("  missed: {m}");
        }
        for o in r.auto.over_corrected.iter().chain(&r.with_review.over_corrected) {
            println!("  over-corrected: {o}");
        }
        for v in &r.missed_verses {
            println!("  missed verse: {v}");
        }
    }
}
