use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::cmd::batch::open;

/// Project maintenance: backup and restore (safe while a batch or the app runs), search index.
#[derive(Subcommand)]
pub enum Cmd {
    /// Write a consistent copy of the project database to FILE, even while it is in use.
    Backup(BackupArgs),
    /// Replace the project database with a backup (the current one is kept beside it).
    Restore(BackupArgs),
    /// Rebuild the search index from the database.
    Reindex(ProjectArg),
}

#[derive(Args)]
pub struct BackupArgs {
    /// The backup file.
    file: PathBuf,
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
}

#[derive(Args)]
pub struct ProjectArg {
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
}

impl Cmd {
    pub fn run(self) -> Result<ExitCode> {
        match self {
            Cmd::Backup(args) => {
                open(&args.project)?.backup(&args.file)?;
                eprintln!("backed up {} to {}", args.project.display(), args.file.display());
            }
            Cmd::Restore(args) => {
                shruti_store::restore(&args.file, &args.project)?;
                eprintln!("restored {} from {}", args.project.display(), args.file.display());
            }
            Cmd::Reindex(args) => reindex(&args.project)?,
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn reindex(dir: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    open(dir)?.rebuild_search_index()?;
    eprintln!("search index rebuilt in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}
