//! The backups of a destination directory, newest first, and rotation keeping the newest N.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::BackupError;
use super::files::{Scratch, unique_suffix};
use super::manifest::Manifest;

/// A backup found in a destination directory.
#[derive(Debug, Clone, Serialize)]
pub struct BackupEntry {
    /// Its directory name.
    pub name: String,
    /// Its directory.
    #[serde(skip)]
    pub path: PathBuf,
    /// When it was taken, in milliseconds since the Unix epoch.
    pub created_at_unix_ms: u64,
    /// Quads in it.
    pub quads: u64,
}

/// The backups in `destination`, newest first: every directory with a readable manifest.
///
/// Hidden entries (backups being written, scratch copies of a verification) are skipped, and
/// so are directories without a valid manifest, which rotation therefore never deletes.
///
/// # Errors
/// Fails if `destination` cannot be read.
pub fn list_backups(destination: &Path) -> Result<Vec<BackupEntry>, BackupError> {
    let io = BackupError::io("the destination");
    let mut backups = Vec::new();
    for entry in fs::read_dir(destination).map_err(&io)? {
        let entry = entry.map_err(&io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !entry.file_type().map_err(&io)?.is_dir() {
            continue;
        }
        match Manifest::read(&entry.path()) {
            Ok(manifest) => backups.push(BackupEntry {
                name,
                path: entry.path(),
                created_at_unix_ms: manifest.created_at_unix_ms,
                quads: manifest.quads,
            }),
            Err(error) => {
                tracing::debug!(directory = %name, %error, "not a backup; left alone");
            }
        }
    }
    backups.sort_by(|a, b| (b.created_at_unix_ms, &b.name).cmp(&(a.created_at_unix_ms, &a.name)));
    Ok(backups)
}

/// Deletes all but the newest `keep` backups of `destination`; returns the names deleted.
///
/// # Errors
/// [`BackupError::Settings`] when `keep` is 0 (rotation never deletes every backup), or an I/O
/// error reading the destination or deleting a backup.
pub fn rotate(destination: &Path, keep: usize) -> Result<Vec<String>, BackupError> {
    if keep == 0 {
        return Err(BackupError::Settings(
            "keeping 0 backups would delete every one".into(),
        ));
    }
    let mut removed = Vec::new();
    for old in list_backups(destination)?.into_iter().skip(keep) {
        // Hidden first, so a crash midway never leaves a listed backup with files missing.
        // A crash before the removal ends leaves a hidden directory the next backup removes.
        let doomed = destination.join(format!(".{}.removing-{}", old.name, unique_suffix()));
        let doomed = Scratch::adopt(&old.path, doomed).map_err(BackupError::io(&old.name))?;
        fs::remove_dir_all(doomed.path()).map_err(BackupError::io(&old.name))?;
        tracing::info!(backup = %old.name, "old backup removed");
        removed.push(old.name);
    }
    Ok(removed)
}
