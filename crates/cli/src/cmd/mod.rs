//! The subcommands, one file each.

mod batch;
mod bench;
mod bench_asr;
mod bench_server;
mod bench_store;
mod correct;
mod eval;
mod eval_audio;
mod export;
mod flag;
mod harvest;
mod lexicon;
mod model;
mod project;
mod review;
mod search;
mod serve;
mod sync;
mod transcribe;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Shruti: accurate Sanskrit terms in lecture subtitles.
#[derive(Parser)]
#[command(name = "shruti", version, about, long_about = None)]
pub struct Cli {
    /// Use the lexicon files (*.toml) in this folder instead of the bundled lexicon.
    #[arg(long, global = true, value_name = "DIR")]
    pub lexicon: Option<PathBuf>,
    /// Log what the engine does (or set SHRUTI_LOG=debug).
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Transcribe(transcribe::Cmd),
    Correct(correct::Cmd),
    Flag(flag::Cmd),
    #[command(subcommand)]
    Lexicon(lexicon::Cmd),
    #[command(subcommand)]
    Model(model::Cmd),
    Batch(batch::Cmd),
    #[command(subcommand)]
    Review(review::Cmd),
    Export(export::Cmd),
    Search(search::Cmd),
    #[command(subcommand)]
    Project(project::Cmd),
    Eval(eval::Cmd),
    EvalAudio(eval_audio::Cmd),
    #[command(subcommand)]
    Bench(bench::Cmd),
    Serve(serve::Cmd),
    #[command(subcommand)]
    Sync(sync::Cmd),
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let lexicon = cli.lexicon.as_deref();
    match cli.command {
        Command::Transcribe(cmd) => cmd.run(lexicon),
        Command::Model(cmd) => cmd.run(lexicon),
        Command::Correct(cmd) => cmd.run(lexicon),
        Command::Flag(cmd) => cmd.run(lexicon),
        Command::Lexicon(cmd) => cmd.run(lexicon),
        Command::Batch(cmd) => cmd.run(lexicon),
        Command::Review(cmd) => cmd.run(lexicon),
        Command::Export(cmd) => cmd.run(lexicon),
        Command::Search(cmd) => cmd.run(),
        Command::Project(cmd) => cmd.run(),
        Command::Eval(cmd) => cmd.run(lexicon),
        Command::EvalAudio(cmd) => cmd.run(lexicon),
        Command::Bench(cmd) => cmd.run(lexicon),
        Command::Serve(cmd) => cmd.run(),
        Command::Sync(cmd) => cmd.run(lexicon),
    }
}

impl Cli {
    /// The server logs JSON lines, for machines; every other command logs for people.
    pub fn logs_json(&self) -> bool {
        matches!(self.command, Command::Serve(_))
    }
}
