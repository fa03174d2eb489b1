//! `shruti`: transcribe lectures, correct and flag Sanskrit terms in subtitles, manage models,
//! check the lexicon, evaluate the engine on the golden set, and benchmark it.

#![forbid(unsafe_code)]

mod cmd;
mod input;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    let default = if cli.verbose {
        "debug"
    } else if cli.logs_json() {
        "info"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SHRUTI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let logs = tracing_subscriber::fmt().with_writer(std::io::stderr).with_env_filter(filter);
    if cli.logs_json() {
        logs.json().init();
    } else {
        logs.init();
    }
    match cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
