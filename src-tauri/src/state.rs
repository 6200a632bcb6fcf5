//! The app's state: the app-data folder, the settings and the open project.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use glossa_api::{ApiError, ApiResult, ErrorCode, Project, Settings};

/// Shared by every command.
pub struct AppState {
    /// The app-data folder (settings, the default project).
    pub dir: PathBuf,
    /// The open project, once `start` or `open_project` ran.
    pub project: Mutex<Option<Project>>,
    /// The settings, saved on every change.
    pub settings: Mutex<Settings>,
}

fn poisoned() -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        "a previous command panicked; restart Glossa",
    )
}

impl AppState {
    /// A state for `dir` with its saved settings.
    pub fn load(dir: PathBuf) -> ApiResult<Self> {
        let settings = Settings::load(&dir)?;
        Ok(Self {
            dir,
            project: Mutex::new(None),
            settings: Mutex::new(settings),
        })
    }

    /// Runs `f` on the open project.
    pub fn with_project<T>(&self, f: impl FnOnce(&mut Project) -> ApiResult<T>) -> ApiResult<T> {
        let mut guard = self.project.lock().map_err(|_| poisoned())?;
        let project = guard
            .as_mut()
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no project is open"))?;
        f(project)
    }

    /// Runs `f` on the open project as the current annotator.
    pub fn as_author<T>(&self, f: impl FnOnce(&mut Project, &str) -> ApiResult<T>) -> ApiResult<T> {
        let author = self
            .settings()?
            .author
            .clone()
            .ok_or_else(|| ApiError::invalid("set your annotator name first"))?;
        self.with_project(|p| f(p, &author))
    }

    /// The settings.
    pub fn settings(&self) -> ApiResult<MutexGuard<'_, Settings>> {
        self.settings.lock().map_err(|_| poisoned())
    }

    /// Makes `project` the open one and remembers it.
    pub fn set_project(&self, project: Project) -> ApiResult<glossa_api::ProjectInfo> {
        let info = project.info()?;
        {
            let mut settings = self.settings()?;
            settings.remember(project.path());
            settings.save(&self.dir)?;
        }
        *self.project.lock().map_err(|_| poisoned())? = Some(project);
        Ok(info)
    }
}
