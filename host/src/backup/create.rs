//! Taking a backup: a consistent checkpoint of a live store, counted, checksummed and sealed
//! with its manifest.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use trine_core::Store;
use trine_core::kv::DynBackend;

use super::BackupError;
use super::checksum::{self, digest_file};
use super::clock;
use super::data::DataKind;
use super::files::{Scratch, join, list_files, remove_abandoned, sync_dir, unique_suffix};
use super::manifest::{DATA_DIR, FORMAT, FORMAT_VERSION, MANIFEST_FILE, Manifest, ManifestFile};
use crate::Location;

/// A backup just written.
#[derive(Debug, Clone)]
pub struct BackupInfo {
    /// Its directory name inside the destination (`20261201T080551.123Z`).
    pub name: String,
    /// Its directory.
    pub path: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

/// Backs up `store`, which lives at `location`, into a new directory of `destination` (created
/// if missing) named after the current UTC time.
///
/// The copy is consistent and taken while the store keeps serving: a RocksDB checkpoint (table
/// files hard-linked when the destination is on the same file system, so cheap, but then on the
/// same disk: put backups on another one to survive its loss), or for redb a copy made under
/// one read transaction. It holds every write committed before the call and none
/// committed after the checkpoint starts. The backup is written under a hidden `.…partial`
/// name and renamed into place only once its manifest is durable, so a crash never leaves a
/// backup that looks complete; the next backup removes what such a crash left.
///
/// # Errors
/// [`BackupError::Unsupported`] for `memory:`, a storage failure of the checkpoint, or an I/O
/// error writing the destination.
pub fn create_backup(
    store: &Store<DynBackend>,
    location: &Location,
    destination: &Path,
) -> Result<BackupInfo, BackupError> {
    let (kind, backend) = match location {
        Location::RocksDb(_) => (DataKind::RocksDb, "rocksdb"),
        Location::Redb(_) => (DataKind::Redb, "redb"),
        _ => return Err(BackupError::Unsupported(location.backend_name())),
    };
    let _span = tracing::info_span!("backup", backend).entered();
    fs::create_dir_all(destination).map_err(BackupError::io("the destination"))?;
    // What a crash left behind (a backup half written, a verification's copy, an old backup half
    // removed) goes first; failing that only costs disk space, so it does not stop the backup.
    match remove_abandoned(destination) {
        Ok(removed) if !removed.is_empty() => {
            tracing::info!(?removed, "work left by a crashed process removed");
        }
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "cannot remove work left by a crashed process"),
    }
    let started = SystemTime::now();
    let created_at_unix_ms = clock::unix_ms(started);
    let name = free_name(destination, &clock::compact(created_at_unix_ms));
    let partial = Scratch::create(destination.join(format!(".{name}.partial-{}", unique_suffix())))
        .map_err(BackupError::io("a new backup directory"))?;

    let data_dir = partial.path().join(DATA_DIR);
    store.checkpoint(&data_dir)?;
    // Opening the checkpoint counts its quads as of the checkpoint (the live store has moved
    // on) and proves it opens; RocksDB writes its log and options files while doing so, which
    // is why checksums are taken only afterwards.
    let quads = kind.open(&kind.store_path(&data_dir))?.len()?;

    let mut files = Vec::new();
    for path in list_files(partial.path())? {
        let digest = digest_file(&join(partial.path(), &path)).map_err(BackupError::io(&path))?;
        files.push(ManifestFile {
            path,
            size: digest.size,
            checksum: digest.sha256,
        });
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        backend: backend.into(),
        created_at: clock::rfc3339(created_at_unix_ms),
        created_at_unix_ms,
        trine_version: env!("CARGO_PKG_VERSION").into(),
        quads,
        checksum_algorithm: checksum::ALGORITHM.into(),
        files,
    };
    manifest.write(partial.path())?;
    let path = destination.join(&name);
    partial
        .persist(&path)
        .map_err(BackupError::io(format!("{name}/{MANIFEST_FILE}")))?;
    sync_dir(destination).map_err(BackupError::io("the destination"))?;
    tracing::info!(
        backup = %name,
        quads,
        bytes = manifest.total_bytes(),
        files = manifest.files.len(),
        "backup written"
    );
    Ok(BackupInfo {
        name,
        path,
        manifest,
    })
}

/// `base`, or `base-2`, `base-3`… if two backups start in the same millisecond.
fn free_name(destination: &Path, base: &str) -> String {
    let mut name = base.to_owned();
    let mut n = 1;
    while destination.join(&name).exists() {
        n += 1;
        name = format!("{base}-{n}");
    }
    name
}
