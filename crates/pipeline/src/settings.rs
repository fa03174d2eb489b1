//! The desktop app's settings and recent projects, kept in one JSON file in the user's config
//! folder. Written atomically; a damaged file is set aside (never silently overwritten) and the
//! defaults are used.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use shruti_asr::Strength;

use crate::error::{Error, Result};
use crate::export::write_atomic;

/// Projects remembered on the Open screen.
const MAX_RECENT: usize = 12;

/// What the Settings screen edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Recorded with every decision.
    pub reviewer: String,
    /// The Whisper model used for new transcriptions (a name from the model list).
    pub model: String,
    /// auto, cpu or gpu.
    pub device: String,
    /// The review queue hides flags scoring below this.
    pub min_score: f32,
    /// Re-score doubtful spans against the audio when transcribing.
    pub rescore: bool,
    /// Push the decoder towards lexicon terms when transcribing.
    pub bias: Strength,
    /// Most recent first.
    pub recent: Vec<Recent>,
}

/// A project opened before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recent {
    /// The project folder.
    pub project: PathBuf,
    /// The folder of lectures it is made from.
    pub source: PathBuf,
    /// When it was last opened, Unix ms.
    pub opened_ms: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reviewer: std::env::var("SHRUTI_EXPERT")
                .or_else(|_| std::env::var("USER"))
                .unwrap_or_else(|_| "reviewer".into()),
            model: "tiny.en".into(),
            device: "auto".into(),
            min_score: 0.0,
            rescore: false,
            bias: Strength::Off,
            recent: Vec::new(),
        }
    }
}

impl Settings {
    /// Reads the settings at `path`; a missing file gives the defaults. A file that cannot be
    /// parsed is renamed to `<name>.damaged` and the defaults are returned with the reason.
    pub fn load(path: &Path) -> (Settings, Option<String>) {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Settings::default(), None),
            Err(e) => return (Settings::default(), Some(format!("{}: {e}", path.display()))),
        };
        match serde_json::from_str(&text) {
            Ok(settings) => (settings, None),
            Err(e) => {
                let aside = path.with_extension("json.damaged");
                let _ = std::fs::rename(path, &aside);
                let why = format!(
                    "{}: line {}, column {}: {e}; it was set aside as {} and the defaults are used",
                    path.display(),
                    e.line(),
                    e.column(),
                    aside.display()
                );
                (Settings::default(), Some(why))
            }
        }
    }

    /// Writes the settings to `path` (atomically).
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_string_pretty(self).map_err(|e| Error::Invalid(e.to_string()))?;
        write_atomic(path, json.as_bytes())
    }

    /// Puts `project` first among the recent projects.
    pub fn remember(&mut self, project: &Path, source: &Path, now_ms: i64) {
        self.recent.retain(|r| r.project != project);
        self.recent.insert(0, Recent { project: project.into(), source: source.into(), opened_ms: now_ms });
        self.recent.truncate(MAX_RECENT);
    }

    /// The source folder last used with `project`, if it was opened before.
    pub fn source_of(&self, project: &Path) -> Option<&Path> {
        self.recent.iter().find(|r| r.project == project).map(|r| r.source.as_path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_recent_projects_stay_unique_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let mut settings = Settings::load(&path).0;
        for i in 0..20 {
            settings.remember(&PathBuf::from(format!("/p/{i}")), Path::new("/src"), i);
        }
        settings.remember(Path::new("/p/5"), Path::new("/other"), 99);
        assert_eq!(settings.recent.len(), MAX_RECENT);
        assert_eq!(settings.recent[0].project, PathBuf::from("/p/5"));
        assert_eq!(settings.recent.iter().filter(|r| r.project == Path::new("/p/5")).count(), 1);
        settings.reviewer = "Kṛṣṇa Dāsa".into();
        settings.save(&path).unwrap();
        let (loaded, problem) = Settings::load(&path);
        assert_eq!(problem, None);
        assert_eq!(loaded, settings);
        assert_eq!(loaded.source_of(Path::new("/p/5")), Some(Path::new("/other")));
    }

    #[test]
    fn a_damaged_file_is_set_aside_with_the_place_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, "{\n  \"reviewer\": \"a\",\n  oops\n}").unwrap();
        let (settings, problem) = Settings::load(&path);
        assert_eq!(settings, Settings::default());
        let problem = problem.unwrap();
        assert!(problem.contains("settings.json: line 3"), "{problem}");
        assert!(dir.path().join("settings.json.damaged").exists());
        assert!(!path.exists());
    }
}
