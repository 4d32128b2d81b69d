//! Restoring a backup into a new location, verified before and checked after.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;

use super::BackupError;
use super::data::{CopyMode, DataKind, copy_data};
use super::files::{Scratch, is_missing_or_empty, sync_dir, unique_suffix};
use super::manifest::Manifest;
use super::verify::verify_backup;
use crate::Location;

/// What a restore wrote.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    /// The location restored to, as given.
    pub location: String,
    /// The backend.
    pub backend: String,
    /// Quads in the restored store.
    pub quads: u64,
    /// Bytes copied.
    pub bytes: u64,
}

/// Restores the backup in `backup_dir` into `target`, a location that must be new: a RocksDB
/// directory that is missing or empty, or a redb file that is missing or empty. `memory:` and a
/// location of another backend than the backup's are refused.
///
/// The backup is [verified](super::verify_backup) first, every byte is checked against the
/// manifest again while it is copied, and the restored store is opened and counted at the end.
/// Nothing is left at `target` when any step fails.
///
/// # Errors
/// [`BackupError::TargetNotEmpty`], [`BackupError::BackendMismatch`], whatever verification
/// reports, or an I/O or storage failure while copying or opening.
pub fn restore_backup(backup_dir: &Path, target: &Location) -> Result<RestoreReport, BackupError> {
    let _span = tracing::info_span!("restore").entered();
    let verified = verify_backup(backup_dir)?;
    // Read again: what is copied is checked against this manifest byte by byte.
    let manifest = Manifest::read(backup_dir)?;
    let kind = DataKind::of_backend(&manifest.backend)?;
    let mismatch = || BackupError::BackendMismatch {
        backup: manifest.backend.clone(),
        target: target.backend_name(),
    };
    let quads = match (kind, target) {
        (DataKind::RocksDb, Location::RocksDb(dir)) => restore_dir(backup_dir, &manifest, dir)?,
        (DataKind::Redb, Location::Redb(file)) => restore_file(backup_dir, &manifest, file)?,
        _ => return Err(mismatch()),
    };
    if quads != verified.quads {
        return Err(BackupError::Inconsistent(format!(
            "the restored store counts {quads} quads, the backup {}",
            verified.quads
        )));
    }
    tracing::info!(location = %target, quads, "backup restored");
    Ok(RestoreReport {
        location: target.to_string(),
        backend: manifest.backend.clone(),
        quads,
        bytes: manifest.total_bytes(),
    })
}

fn restore_dir(backup_dir: &Path, manifest: &Manifest, dir: &Path) -> Result<u64, BackupError> {
    let target_error = BackupError::io("the restore target");
    if !is_missing_or_empty(dir).map_err(&target_error)? {
        return Err(BackupError::TargetNotEmpty(format!(
            "{} already holds files",
            dir.display()
        )));
    }
    let existed = dir.exists();
    fs::create_dir_all(dir).map_err(&target_error)?;
    let restored = (|| {
        copy_data(backup_dir, manifest, dir, CopyMode::Checked)?;
        sync_tree(dir).map_err(BackupError::io("the restore target"))?;
        let quads = DataKind::RocksDb.open(dir)?.len()?;
        Ok(quads)
    })();
    if restored.is_err() {
        // Leave the target as it was: missing, or empty.
        let removed = fs::remove_dir_all(dir)
            .and_then(|()| if existed { fs::create_dir(dir) } else { Ok(()) });
        if let Err(error) = removed {
            tracing::warn!(%error, "cannot clean up a failed restore");
        }
    }
    restored
}

fn restore_file(backup_dir: &Path, manifest: &Manifest, file: &Path) -> Result<u64, BackupError> {
    let target_error = BackupError::io("the restore target");
    match fs::metadata(file) {
        Ok(metadata) if metadata.len() > 0 || metadata.is_dir() => {
            return Err(BackupError::TargetNotEmpty(format!(
                "{} already exists",
                file.display()
            )));
        }
        Ok(_) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(target_error(error)),
    }
    let parent = match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    fs::create_dir_all(parent).map_err(&target_error)?;
    let name = file
        .file_name()
        .map_or_else(|| "restore".into(), |n| n.to_string_lossy().into_owned());
    // Copied into a scratch directory beside the target, then renamed into place: the target
    // appears complete or not at all.
    let scratch = Scratch::create(parent.join(format!(".{name}.restore-{}", unique_suffix())))
        .map_err(&target_error)?;
    copy_data(backup_dir, manifest, scratch.path(), CopyMode::Checked)?;
    let copied = DataKind::Redb.store_path(scratch.path());
    fs::rename(&copied, file).map_err(&target_error)?;
    sync_dir(parent).map_err(&target_error)?;
    drop(scratch);
    let opened = DataKind::Redb.open(file).and_then(|store| Ok(store.len()?));
    if opened.is_err()
        && let Err(error) = fs::remove_file(file)
    {
        tracing::warn!(%error, "cannot clean up a failed restore");
    }
    opened
}

/// Syncs every directory of a restored tree, so its new entries are durable.
fn sync_tree(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        }
    }
    sync_dir(dir)
}
