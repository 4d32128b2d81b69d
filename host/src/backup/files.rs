//! File-system helpers of the backup module: listing a tree by relative path, durable renames,
//! and scratch directories that clean up after themselves.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::BackupError;

/// Every regular file under `root`, as `/`-separated paths relative to it, sorted.
///
/// # Errors
/// Fails if a directory cannot be read; the error names it relative to `root`.
pub fn list_files(root: &Path) -> Result<Vec<String>, BackupError> {
    let mut files = Vec::new();
    let mut pending = vec![String::new()];
    while let Some(relative) = pending.pop() {
        let dir = join(root, &relative);
        let shown = if relative.is_empty() { "." } else { &relative };
        for entry in fs::read_dir(&dir).map_err(BackupError::io(shown))? {
            let entry = entry.map_err(BackupError::io(shown))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if relative.is_empty() {
                name
            } else {
                format!("{relative}/{name}")
            };
            let kind = entry.file_type().map_err(BackupError::io(&path))?;
            if kind.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `root` joined with a `/`-separated relative path.
pub fn join(root: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .filter(|part| !part.is_empty())
        .fold(root.to_path_buf(), |path, part| path.join(part))
}

/// Whether `relative` stays inside the directory it is relative to (no root, no `..`), so a
/// hostile manifest cannot make a restore read or write elsewhere.
pub fn is_contained(relative: &str) -> bool {
    !relative.is_empty()
        && !relative.contains('\\')
        && Path::new(relative)
            .components()
            .all(|part| matches!(part, Component::Normal(_)))
}

/// Whether `dir` does not exist or is an empty directory.
///
/// # Errors
/// Fails if `dir` exists and cannot be read.
pub fn is_missing_or_empty(dir: &Path) -> io::Result<bool> {
    match fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(error) => Err(error),
    }
}

/// Persists renames and new entries in `dir`: on Unix an entry is durable only once its
/// directory is synced.
///
/// # Errors
/// Fails if the directory cannot be opened or synced.
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Elsewhere there is no portable way to sync a directory; files are synced one by one.
///
/// # Errors
/// Never.
#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// A directory removed (with its content) when dropped: a backup still being written, or the
/// copy a verification opens.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
    keep: bool,
}

impl Scratch {
    /// Creates the new directory `path` (its parent must exist).
    ///
    /// # Errors
    /// Fails if `path` exists or cannot be created.
    pub fn create(path: PathBuf) -> io::Result<Self> {
        fs::create_dir(&path)?;
        Ok(Self { path, keep: false })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the directory to `target` and keeps it.
    ///
    /// # Errors
    /// Fails if the rename fails (then the directory is still removed on drop).
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        fs::rename(&self.path, target)?;
        self.keep = true;
        Ok(())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep
            && let Err(error) = fs::remove_dir_all(&self.path)
            && error.kind() != io::ErrorKind::NotFound
        {
            tracing::warn!(%error, path = %self.path.display(), "cannot remove a scratch directory");
        }
    }
}

/// A name unique within this process and among processes: the process id and a counter.
pub fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contained_paths() {
        assert!(is_contained("data/000012.sst"));
        assert!(!is_contained("../etc/passwd"));
        assert!(!is_contained("/etc/passwd"));
        assert!(!is_contained("data/../../x"));
        assert!(!is_contained(""));
    }

    #[test]
    fn lists_nested_files_sorted() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        fs::create_dir(dir.path().join("data"))?;
        fs::write(dir.path().join("data").join("b"), b"")?;
        fs::write(dir.path().join("a"), b"")?;
        assert_eq!(list_files(dir.path())?, ["a", "data/b"]);
        {
            let scratch = Scratch::create(dir.path().join("scratch"))?;
            fs::write(scratch.path().join("x"), b"x")?;
        }
        assert!(!dir.path().join("scratch").exists());
        Ok(())
    }
}
