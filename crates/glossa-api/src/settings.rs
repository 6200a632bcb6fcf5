//! Per-user settings of the desktop app (annotator name, recent projects) and the default
//! project that a first run opens: both live in the app-data folder.

use std::path::{Path, PathBuf};
use ts_rs::TS;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::import::ImportOptions;
use crate::project::Project;

/// The settings file name in the app-data folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// The default project's file name in the app-data folder.
pub const DEFAULT_PROJECT: &str = "default.glossa";

/// Most recent projects remembered.
const RECENT: usize = 10;

/// The samples a default project starts with: the reference article and the tricky Unicode
/// document, each with its gold annotation (native JSONL).
const SAMPLES: &[(&str, &str)] = &[
    (
        "kursk-dprk-pows.gold.jsonl",
        include_str!("../../../tests/fixtures/kursk-dprk-pows.gold.jsonl"),
    ),
    (
        "tricky.gold.jsonl",
        include_str!("../../../tests/fixtures/tricky.gold.jsonl"),
    ),
];

/// What a window needs to start: the open project and the annotator (if named yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Session {
    /// The open project.
    pub project: crate::ProjectInfo,
    /// The annotator's name.
    pub author: Option<String>,
}

/// What the app remembers between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Settings {
    /// The annotator's name, asked once.
    #[serde(default)]
    pub author: Option<String>,
    /// Recently opened projects, newest first.
    #[serde(default)]
    pub recent: Vec<String>,
}

fn io(path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()))
}

impl Settings {
    /// Loads the settings from `dir` (defaults when there are none yet).
    pub fn load(dir: &Path) -> ApiResult<Self> {
        let path = dir.join(SETTINGS_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| ApiError::invalid(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(io(&path, e)),
        }
    }

    /// Saves the settings into `dir`, atomically.
    pub fn save(&self, dir: &Path) -> ApiResult<()> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        let path = dir.join(SETTINGS_FILE);
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| io(dir, e))?;
        serde_json::to_writer_pretty(tmp.as_file_mut(), self).map_err(|e| io(&path, e))?;
        tmp.persist(&path).map_err(|e| io(&path, e.error))?;
        Ok(())
    }

    /// Puts `project` first in the recent list.
    pub fn remember(&mut self, project: &Path) {
        let p = project.display().to_string();
        self.recent.retain(|r| *r != p);
        self.recent.insert(0, p);
        self.recent.truncate(RECENT);
    }

    /// Sets the annotator's name (trimmed; not blank, not `gold`).
    pub fn set_author(&mut self, name: &str) -> ApiResult<()> {
        let name = name.trim();
        crate::edit::check_author(name)?;
        self.author = Some(name.to_string());
        Ok(())
    }
}

impl Project {
    /// Opens the default project in `dir`, creating it with the sample documents on first run.
    pub fn open_or_create_default(dir: &Path) -> ApiResult<Self> {
        let path = dir.join(DEFAULT_PROJECT);
        if path.exists() {
            return Self::open(&path);
        }
        let samples = dir.join("samples");
        std::fs::create_dir_all(&samples).map_err(|e| io(&samples, e))?;
        let mut files: Vec<PathBuf> = Vec::new();
        for (name, content) in SAMPLES {
            let file = samples.join(name);
            std::fs::write(&file, content).map_err(|e| io(&file, e))?;
            files.push(file);
        }
        let mut project = Self::create(&path, "Sample project", None)?;
        let opts = ImportOptions {
            author: "glossa".into(),
            ..ImportOptions::default()
        };
        project.import(&files, &opts, &mut |_| {})?;
        Ok(project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_project_holds_the_samples_and_settings_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = Project::open_or_create_default(dir.path()).unwrap();
        let ids: Vec<String> = p.documents().unwrap().into_iter().map(|d| d.id).collect();
        assert_eq!(ids, ["kursk-dprk-pows", "tricky"]);
        drop(p);
        // A second start opens the same project rather than importing again.
        let p = Project::open_or_create_default(dir.path()).unwrap();
        assert_eq!(p.documents().unwrap().len(), 2);

        let mut s = Settings::load(dir.path()).unwrap();
        assert_eq!(s, Settings::default());
        assert!(s.set_author("  ").is_err());
        s.set_author(" Ana ").unwrap();
        s.remember(p.path());
        s.save(dir.path()).unwrap();
        let back = Settings::load(dir.path()).unwrap();
        assert_eq!(back.author.as_deref(), Some("Ana"));
        assert_eq!(back.recent.len(), 1);
    }
}
