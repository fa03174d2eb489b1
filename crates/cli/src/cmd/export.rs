use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Args;
use shruti_pipeline::export::{export_all, Format};
use shruti_store::Script;

use crate::cmd::batch::open;
use crate::input;

/// Write corrected subtitles: every decision applied, undecided flags as the engine left them,
/// the original timings. Files are written atomically.
///
/// Example: shruti export --all -o corrected/ --format srt,vtt --script iast
#[derive(Args)]
pub struct Cmd {
    /// A media file of the project (a path or a file name).
    file: Option<String>,
    /// Every processed file.
    #[arg(long, conflicts_with = "file")]
    all: bool,
    #[arg(long, default_value = ".", value_name = "DIR")]
    project: PathBuf,
    /// Output folder.
    #[arg(short, long)]
    output: PathBuf,
    /// Formats, comma-separated: srt, vtt, txt, json.
    #[arg(long, value_delimiter = ',', default_value = "srt")]
    format: Vec<String>,
    /// How Sanskrit is written: iast, devanagari or ascii.
    #[arg(long, default_value = "iast")]
    script: String,
}

impl Cmd {
    pub fn run(self, lexicon: Option<&Path>) -> Result<ExitCode> {
        let formats: Vec<Format> = self.format.iter().map(|f| Format::parse(f)).collect::<Result<_, _>>()?;
        let Some(script) = Script::parse(&self.script) else {
            bail!("unknown script {:?}: use iast, devanagari or ascii", self.script);
        };
        let project = open(&self.project)?;
        let media = match (&self.file, self.all) {
            (Some(file), _) => {
                let found = project.find_media(file)?;
                if found.len() > 1 {
                    bail!("{file:?} names {} files; give more of the path", found.len());
                }
                found
            }
            (None, true) => shruti_pipeline::export::processed(&project)?,
            (None, false) => bail!("name a file, or --all"),
        };
        if media.is_empty() {
            bail!("nothing to export: no such file in the project {}", self.project.display());
        }
        let base = input::lexicon(lexicon)?;
        for path in export_all(&project, &base, &media, &self.output, &formats, script)? {
            println!("{}", path.display());
        }
        Ok(ExitCode::SUCCESS)
    }
}
