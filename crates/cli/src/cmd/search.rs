use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use crate::cmd::batch::open;

/// Search every segment of the project, as recognised and as corrected. Quotes make a phrase
/// ("karma yoga"); case and diacritics are ignored; --fuzzy also matches words one edit away.
///
/// Example: shruti search '"bhagavad gita"' --project lectures/
#[derive(Args)]
pub struct Cmd {
    /// The query.
    query: String,
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
    /// Also match words one edit away.
    #[arg(long)]
    fuzzy: bool,
    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

impl Cmd {
    pub fn run(self) -> Result<ExitCode> {
        let project = open(&self.project)?;
        let mut index = project.search_index()?;
        if index.sync(&project)?.is_none() {
            eprintln!("note: another process is updating the index; results may miss its latest changes");
        }
        let hits = index.search(&project, &self.query, self.fuzzy, self.limit)?;
        if self.json {
            println!("{}", serde_json::to_string_pretty(&hits)?);
        } else {
            for h in &hits {
                let s = h.start_ms / 1000;
                println!(
                    "{} {:02}:{:02}:{:02}  {}  ({} pending, {} decided)",
                    h.path.display(),
                    s / 3600,
                    s / 60 % 60,
                    s % 60,
                    h.text.replace('\n', " "),
                    h.pending_flags,
                    h.decided_flags
                );
            }
            eprintln!("{} result(s)", hits.len());
        }
        Ok(ExitCode::SUCCESS)
    }
}
