use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use shruti_core::lexicon::Category;
use shruti_store::{Action, FlagQuery, NewDecision, Scope, StateFilter};

use crate::cmd::batch::open;
use crate::cmd::flag::parse_kind;
use crate::input;

/// Review flags from the command line: list them, decide, undo. Decisions are saved at once
/// with who and when; `--all` applies one to every undecided instance of the same text.
#[derive(Subcommand)]
pub enum Cmd {
    /// List flags in review order (file, then time).
    List(ListArgs),
    /// Decide a flag. ACTION is one of:
    ///   accept N              take suggestion N (N may be left out: 1)
    ///   replace TEXT          put TEXT instead
    ///   keep                  the text is right as it is
    ///   not-sanskrit          not a Sanskrit word; leave it
    ///   add-variant IAST      the heard spelling is a variant of the entry IAST (teaches the lexicon)
    ///   add-entry IAST DEVA   a new lexicon entry, heard as this spelling (--category, default term)
    #[command(verbatim_doc_comment)]
    Decide(DecideArgs),
    /// Undo the latest decision still in force (with its whole group, if it was applied to all).
    Undo(UndoArgs),
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
    /// Only these kinds (comma-separated: known-variant, fuzzy, low-confidence, unknown-term, verse).
    #[arg(long, value_delimiter = ',')]
    kind: Vec<String>,
    /// Only flags scoring at least this.
    #[arg(long)]
    min_score: Option<f32>,
    /// pending, decided or all.
    #[arg(long, default_value = "pending")]
    state: String,
    /// Only this media file (a path or a file name).
    #[arg(long)]
    file: Option<String>,
    /// Only flags on this text (ignoring case).
    #[arg(long)]
    text: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Flags after this flag id (the next page).
    #[arg(long)]
    after: Option<i64>,
    /// JSON output.
    #[arg(long)]
    json: bool,
    /// Print only the flag ids, one per line (for scripts).
    #[arg(long, conflicts_with = "json")]
    ids: bool,
}

#[derive(Args)]
pub struct DecideArgs {
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
    /// The flag id (from `review list`).
    flag: i64,
    /// The action and its arguments.
    #[arg(required = true, num_args = 1..)]
    action: Vec<String>,
    /// Apply to every undecided flag with the same text.
    #[arg(long)]
    all: bool,
    /// A note kept with the decision.
    #[arg(long)]
    note: Option<String>,
    /// For add-entry: the category (deity, person, sage, scripture, term, practice, place, mantra).
    #[arg(long, default_value = "term")]
    category: String,
    /// Who decides (default: $SHRUTI_EXPERT, else $USER).
    #[arg(long)]
    by: Option<String>,
}

#[derive(Args)]
pub struct UndoArgs {
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
    /// Undo the latest decision on this flag only.
    #[arg(long)]
    flag: Option<i64>,
    /// Only your own decisions.
    #[arg(long)]
    mine: bool,
    /// Who undoes (default: $SHRUTI_EXPERT, else $USER).
    #[arg(long)]
    by: Option<String>,
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        match self {
            Cmd::List(args) => list(args),
            Cmd::Decide(args) => decide(args, lexicon),
            Cmd::Undo(args) => undo(args, lexicon),
        }
    }
}

pub(crate) fn expert(by: Option<String>) -> String {
    by.or_else(|| std::env::var("SHRUTI_EXPERT").ok())
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "unknown".into())
}

fn list(args: ListArgs) -> Result<ExitCode> {
    let project = open(&args.project)?;
    for k in &args.kind {
        parse_kind(k)?;
    }
    let state = match args.state.as_str() {
        "pending" => StateFilter::Pending,
        "decided" => StateFilter::Decided,
        "all" => StateFilter::All,
        other => bail!("unknown state {other:?}: use pending, decided or all"),
    };
    let media_id = match &args.file {
        Some(file) => {
            let found = project.find_media(file)?;
            match found.as_slice() {
                [one] => Some(one.id),
                [] => bail!("no file {file:?} in the project"),
                _ => bail!("{file:?} names {} files; give more of the path", found.len()),
            }
        }
        None => None,
    };
    let query = FlagQuery {
        kinds: args.kind,
        min_score: args.min_score,
        state,
        media_id,
        surface: args.text,
        after: args.after,
        limit: args.limit,
    };
    let flags = project.flags(&query)?;
    if args.ids {
        for f in &flags {
            println!("{}", f.id);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&flags)?);
        return Ok(ExitCode::SUCCESS);
    }
    for f in &flags {
        let suggestions: Vec<String> =
            f.suggestions.iter().enumerate().map(|(i, s)| format!("{}. {} ({:.2})", i + 1, s.text, s.score)).collect();
        let decided = match (&f.decided_text, &f.decided_by) {
            (Some(t), Some(by)) => format!("  [{} → {t} by {by}]", f.state),
            (None, Some(by)) => format!("  [{} by {by}]", f.state),
            _ => String::new(),
        };
        println!(
            "{:>6}  {} {}  {:<14} {:.2}  {:?} → {}{decided}",
            f.id,
            f.path.file_name().map_or_else(|| f.path.display().to_string(), |n| n.to_string_lossy().into_owned()),
            clock(f.start_ms),
            f.kind,
            f.score,
            f.surface,
            if suggestions.is_empty() { "?".to_owned() } else { suggestions.join(", ") }
        );
    }
    eprintln!("{} flag(s)", flags.len());
    Ok(ExitCode::SUCCESS)
}

fn clock(ms: i64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn parse_action(words: &[String], category: &str) -> Result<Action> {
    let arg = |i: usize, what: &str| words.get(i).cloned().with_context(|| format!("{} needs {what}", words[0]));
    let action = match words[0].as_str() {
        "accept" => {
            let n: usize = match words.get(1) {
                Some(n) => {
                    n.parse().ok().filter(|&n| n >= 1).with_context(|| format!("accept N: {n:?} is not 1, 2, …"))?
                }
                None => 1,
            };
            Action::Accept { suggestion: n - 1 }
        }
        "replace" => Action::Replace { text: words[1..].join(" ") },
        "keep" => Action::Keep,
        "not-sanskrit" => Action::NotSanskrit,
        "add-variant" => Action::AddVariant { iast: words[1..].join(" "), deva: String::new() },
        "add-entry" => Action::AddEntry {
            iast: arg(1, "the IAST")?,
            deva: arg(2, "the Devanagari")?,
            category: Category::ALL
                .into_iter()
                .find(|c| c.name() == category)
                .with_context(|| format!("unknown category {category:?}"))?,
        },
        other => {
            bail!("unknown action {other:?}: use accept, replace, keep, not-sanskrit, add-variant or add-entry")
        }
    };
    if matches!(&action, Action::Replace { text } | Action::AddVariant { iast: text, .. } if text.trim().is_empty()) {
        bail!("{} needs its text", words[0]);
    }
    Ok(action)
}

fn decide(args: DecideArgs, lexicon: Option<&Path>) -> Result<ExitCode> {
    let action = parse_action(&args.action, &args.category)?;
    let mut project = open(&args.project)?;
    let base = input::lexicon(lexicon)?;
    let decision = NewDecision { action, expert: expert(args.by), note: args.note };
    let scope = if args.all { Scope::AllInstances } else { Scope::One };
    let outcome = shruti_pipeline::review::decide(&mut project, &base, args.flag, decision, scope)?;
    for d in &outcome.decisions {
        println!(
            "decision {} on flag {}: {}{}",
            d.id,
            d.flag_id,
            d.action,
            d.text.as_ref().map(|t| format!(" → {t}")).unwrap_or_default()
        );
    }
    report_reflag(&outcome.reflagged);
    Ok(ExitCode::SUCCESS)
}

fn undo(args: UndoArgs, lexicon: Option<&Path>) -> Result<ExitCode> {
    let mut project = open(&args.project)?;
    let base = input::lexicon(lexicon)?;
    let who = expert(args.by);
    let only = args.mine.then_some(who.as_str());
    let outcome = shruti_pipeline::review::undo(&mut project, &base, &who, only, args.flag)?;
    if outcome.decisions.is_empty() {
        eprintln!("nothing to undo");
        return Ok(ExitCode::FAILURE);
    }
    for d in &outcome.decisions {
        println!("undid decision {} on flag {}", d.undoes.unwrap_or_default(), d.flag_id);
    }
    report_reflag(&outcome.reflagged);
    Ok(ExitCode::SUCCESS)
}

fn report_reflag(r: &shruti_pipeline::lexicon::ReflagSummary) {
    if r.transcripts > 0 {
        eprintln!("lexicon updated: {} transcript(s) re-flagged (+{} −{} flags)", r.transcripts, r.added, r.removed);
    }
}
