//! The store files of a backup: where they go in a location, how a copy of them is made and
//! opened.

use std::fs;
use std::path::{Path, PathBuf};

use trine_backend_redb::{CHECKPOINT_FILE, RedbBackend};
use trine_backend_rocksdb::{RocksDbBackend, RocksDbOptions};
use trine_core::Store;
use trine_core::kv::DynBackend;
use trine_core::storage::StorageError;

use super::checksum::copy_file_digesting;
use super::files::join;
use super::manifest::{DATA_DIR, Manifest, ManifestFile};
use super::{BackupError, FileProblem, FileProblemKind};

/// A store's files as a backup holds them: a RocksDB directory, or one redb file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// A RocksDB checkpoint directory.
    RocksDb,
    /// One redb file, [`CHECKPOINT_FILE`] in the data directory.
    Redb,
}

impl DataKind {
    /// The kind a manifest's backend name means.
    ///
    /// # Errors
    /// [`BackupError::Manifest`] for another backend.
    pub fn of_backend(backend: &str) -> Result<Self, BackupError> {
        match backend {
            "rocksdb" => Ok(Self::RocksDb),
            "redb" => Ok(Self::Redb),
            other => Err(BackupError::Manifest(format!(
                "backend {other:?} is not supported"
            ))),
        }
    }

    /// Where the openable store is, given the directory holding the backup's `data/` content.
    pub fn store_path(self, data_dir: &Path) -> PathBuf {
        match self {
            Self::RocksDb => data_dir.to_path_buf(),
            Self::Redb => data_dir.join(CHECKPOINT_FILE),
        }
    }

    /// Opens the store at `path` (a RocksDB directory or a redb file) with small caches: it is
    /// opened only to be counted and checked.
    ///
    /// # Errors
    /// Fails if the backend cannot open it (a damaged or locked store).
    pub fn open(self, path: &Path) -> Result<Store<DynBackend>, BackupError> {
        let backend = match self {
            Self::RocksDb => DynBackend::new(
                RocksDbBackend::open_with(path, RocksDbOptions::low_memory())
                    .map_err(StorageError::from)?,
            ),
            Self::Redb => DynBackend::new(RedbBackend::open(path).map_err(StorageError::from)?),
        };
        Ok(Store::open(backend)?)
    }
}

/// How [`copy_data`] copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyMode {
    /// Copy every byte and check it against the manifest while copying (restores).
    Checked,
    /// Hard-link RocksDB table files, which RocksDB never changes in place, and copy the rest
    /// unchecked (a throwaway copy of files that were just verified).
    Scratch,
}

/// Copies the data files `manifest` lists from `backup_dir` into `target_dir` (which exists),
/// without their `data/` prefix. Returns the bytes copied.
///
/// # Errors
/// An I/O error naming the file, or [`BackupError::Damaged`] when a checked copy does not match
/// the manifest.
pub fn copy_data(
    backup_dir: &Path,
    manifest: &Manifest,
    target_dir: &Path,
    mode: CopyMode,
) -> Result<u64, BackupError> {
    let mut problems = Vec::new();
    let mut bytes = 0;
    for file in &manifest.files {
        let Some(relative) = file
            .path
            .strip_prefix(DATA_DIR)
            .map(|r| r.trim_start_matches('/'))
        else {
            continue;
        };
        let source = join(backup_dir, &file.path);
        let target = join(target_dir, relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(BackupError::io(relative))?;
        }
        bytes += file.size;
        match mode {
            CopyMode::Scratch => {
                let linked = relative.ends_with(".sst") && fs::hard_link(&source, &target).is_ok();
                if !linked {
                    fs::copy(&source, &target).map_err(BackupError::io(&file.path))?;
                }
            }
            CopyMode::Checked => {
                let digest =
                    copy_file_digesting(&source, &target).map_err(BackupError::io(&file.path))?;
                if let Some(kind) = mismatch(file, digest.size, &digest.sha256) {
                    problems.push(FileProblem {
                        file: file.path.clone(),
                        kind,
                    });
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(bytes)
    } else {
        Err(BackupError::Damaged(problems))
    }
}

/// What differs between a file as the manifest lists it and as it was read.
pub fn mismatch(file: &ManifestFile, size: u64, checksum: &str) -> Option<FileProblemKind> {
    if size != file.size {
        Some(FileProblemKind::Size {
            expected: file.size,
            actual: size,
        })
    } else if checksum != file.checksum {
        Some(FileProblemKind::Checksum)
    } else {
        None
    }
}
