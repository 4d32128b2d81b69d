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

/// A directory removed (with its content) when dropped: a backup still being written, the copy a
/// verification opens, an old backup being removed.
///
/// Beside each scratch directory `D` is a lock file `D.lock`, held with an exclusive advisory
/// lock for as long as `D` is in use. A crash releases the lock and leaves both behind, so a
/// hidden directory whose lock file can be locked was abandoned, and [`remove_abandoned`]
/// deletes it. A lock, unlike a process id, also tells a live process in another container.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
    keep: bool,
    // Dropped after the directory is removed (fields drop after `Drop::drop`).
    _lock: Lock,
}

impl Scratch {
    /// Creates the new directory `path` (its parent must exist).
    ///
    /// # Errors
    /// Fails if `path` exists or cannot be created, or its lock file cannot be locked.
    pub fn create(path: PathBuf) -> io::Result<Self> {
        let lock = Lock::acquire(&path)?;
        fs::create_dir(&path)?;
        Ok(Self {
            path,
            keep: false,
            _lock: lock,
        })
    }

    /// Renames the existing directory `from` to `path`, to be removed when dropped.
    ///
    /// # Errors
    /// Fails if the rename fails or the lock file cannot be locked.
    pub fn adopt(from: &Path, path: PathBuf) -> io::Result<Self> {
        let lock = Lock::acquire(&path)?;
        fs::rename(from, &path)?;
        Ok(Self {
            path,
            keep: false,
            _lock: lock,
        })
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

/// What a scratch directory's lock file name adds to the directory's.
const LOCK_SUFFIX: &str = ".lock";

/// A scratch directory's lock file, locked while open and removed when dropped.
#[derive(Debug)]
struct Lock {
    path: PathBuf,
    _file: fs::File,
}

impl Lock {
    fn acquire(dir: &Path) -> io::Result<Self> {
        let mut name = dir.file_name().unwrap_or_default().to_os_string();
        name.push(LOCK_SUFFIX);
        let path = dir.with_file_name(name);
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        // Blocking: a sweeper that locked the new file first removes it and lets go at once.
        file.lock()?;
        Ok(Self { path, _file: file })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held; the lock goes with the file handle right after.
        let _ = fs::remove_file(&self.path);
    }
}

/// Removes the hidden scratch directories in `dir` that a crashed process left behind (their
/// lock file is free) and returns their names; directories still in use are left alone, as is
/// anything without a lock file.
///
/// # Errors
/// Fails if `dir` cannot be read or an abandoned directory cannot be removed.
pub fn remove_abandoned(dir: &Path) -> io::Result<Vec<String>> {
    let mut removed = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(scratch) = name.strip_suffix(LOCK_SUFFIX) else {
            continue;
        };
        if !scratch.starts_with('.') {
            continue;
        }
        let file = match fs::OpenOptions::new().write(true).open(entry.path()) {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error),
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => continue,
            Err(fs::TryLockError::Error(error)) => return Err(error),
        }
        match fs::remove_dir_all(dir.join(scratch)) {
            Ok(()) => removed.push(scratch.to_owned()),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        let _ = fs::remove_file(entry.path());
    }
    Ok(removed)
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
        assert!(!dir.path().join("scratch.lock").exists());
        Ok(())
    }

    #[test]
    fn abandoned_scratch_directories_are_removed_and_live_ones_kept()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        // What a killed backup leaves: the directory and its lock file, nobody holding it.
        fs::create_dir(dir.path().join(".b1.partial-7-0"))?;
        fs::write(dir.path().join(".b1.partial-7-0").join("x"), b"x")?;
        fs::write(dir.path().join(".b1.partial-7-0.lock"), b"")?;
        // Work in progress in this process (a separate lock) and files that are not scratch.
        let live = Scratch::create(dir.path().join(".b2.partial-8-0"))?;
        fs::create_dir(dir.path().join(".unlocked"))?;
        fs::write(dir.path().join("visible.lock"), b"")?;
        assert_eq!(remove_abandoned(dir.path())?, [".b1.partial-7-0"]);
        assert!(!dir.path().join(".b1.partial-7-0").exists());
        assert!(!dir.path().join(".b1.partial-7-0.lock").exists());
        assert!(live.path().exists());
        assert!(dir.path().join(".unlocked").exists());
        assert!(dir.path().join("visible.lock").exists());
        drop(live);
        assert!(remove_abandoned(dir.path())?.is_empty());
        assert!(!dir.path().join(".b2.partial-8-0").exists());
        Ok(())
    }
}
