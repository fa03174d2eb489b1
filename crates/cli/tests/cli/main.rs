//! The `shruti` binary end to end: real files in, files and exit codes out.

mod batch;
mod correct;
mod eval;
mod flag;
mod lexicon;
mod server_crash;
mod sync_model;
mod team;
mod transcribe;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn shruti(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shruti")).args(args).output().expect("shruti runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The repository root (golden/ and lexicons/ live there).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shruti-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}
