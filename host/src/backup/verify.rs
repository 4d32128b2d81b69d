//! Verifying a backup: every file against its checksum, then the store it holds against its own
//! invariants and the manifest's quad count.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde::Serialize;

use super::checksum::digest_file;
use super::data::{CopyMode, DataKind, copy_data, mismatch};
use super::files::{Scratch, join, list_files, unique_suffix};
use super::manifest::{MANIFEST_FILE, Manifest};
use super::{BackupError, FileProblem, FileProblemKind};

/// What a successful verification found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The backend the backup holds.
    pub backend: String,
    /// When it was taken, RFC 3339 in UTC.
    pub created_at: String,
    /// Quads in it, as the manifest, the store's count and its index agree.
    pub quads: u64,
    /// Dictionary entries in it.
    pub terms: u64,
    /// Files checked.
    pub files: usize,
    /// Bytes checked.
    pub bytes: u64,
}

/// Verifies the backup in `backup_dir`.
///
/// First the files: each one the manifest lists must be there with its size and SHA-256, and
/// no other file may be. Then the store: a throwaway copy (next to the backup, so RocksDB table
/// files are hard-linked rather than copied; in the system's temporary directory when that is
/// read-only) is opened, since opening writes to a store and the backup must stay as its
/// manifest describes it; the copy must pass [`Store::validate`](trine_core::Store::validate)
/// and hold as many quads as the manifest says.
///
/// # Errors
/// [`BackupError::Manifest`] for a missing or bad manifest, [`BackupError::Damaged`] listing
/// every missing, extra, truncated or corrupted file, [`BackupError::Inconsistent`] for a store
/// that fails its checks, or a failure opening or reading it.
pub fn verify_backup(backup_dir: &Path) -> Result<VerifyReport, BackupError> {
    let _span = tracing::info_span!("verify_backup").entered();
    let manifest = Manifest::read(backup_dir)?;
    check_files(backup_dir, &manifest)?;
    let (quads, terms) = check_store(backup_dir, &manifest)?;
    Ok(VerifyReport {
        backend: manifest.backend.clone(),
        created_at: manifest.created_at.clone(),
        quads,
        terms,
        files: manifest.files.len(),
        bytes: manifest.total_bytes(),
    })
}

/// Compares the files in `backup_dir` with the manifest's list.
///
/// # Errors
/// [`BackupError::Damaged`] with one entry per damaged file, or an I/O error.
pub(super) fn check_files(backup_dir: &Path, manifest: &Manifest) -> Result<(), BackupError> {
    let present: BTreeSet<String> = list_files(backup_dir)?
        .into_iter()
        .filter(|path| path != MANIFEST_FILE)
        .collect();
    let listed: BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    let mut problems: Vec<FileProblem> = present
        .iter()
        .filter(|path| !listed.contains(path.as_str()))
        .map(|path| FileProblem {
            file: path.clone(),
            kind: FileProblemKind::Unexpected,
        })
        .collect();
    for file in &manifest.files {
        if !present.contains(&file.path) {
            problems.push(FileProblem {
                file: file.path.clone(),
                kind: FileProblemKind::Missing,
            });
            continue;
        }
        let path = join(backup_dir, &file.path);
        let size = fs::metadata(&path)
            .map_err(BackupError::io(&file.path))?
            .len();
        // A file of the wrong size is reported as such, without reading it.
        let problem = if size == file.size {
            let digest = digest_file(&path).map_err(BackupError::io(&file.path))?;
            mismatch(file, digest.size, &digest.sha256)
        } else {
            mismatch(file, size, &file.checksum)
        };
        if let Some(kind) = problem {
            problems.push(FileProblem {
                file: file.path.clone(),
                kind,
            });
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        problems.sort_by(|a, b| a.file.cmp(&b.file));
        Err(BackupError::Damaged(problems))
    }
}

/// Opens a scratch copy of the backup's store and checks it; returns its quads and terms.
fn check_store(backup_dir: &Path, manifest: &Manifest) -> Result<(u64, u64), BackupError> {
    let kind = DataKind::of_backend(&manifest.backend)?;
    let name = backup_dir
        .file_name()
        .map_or_else(|| "backup".into(), |n| n.to_string_lossy().into_owned());
    let parent = match backup_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let scratch_name = format!(".{name}.verify-{}", unique_suffix());
    // Beside the backup, table files are hard-linked; where that directory is read-only, the
    // system's temporary directory takes a full copy instead.
    let scratch = Scratch::create(parent.join(&scratch_name))
        .or_else(|_| Scratch::create(std::env::temp_dir().join(&scratch_name)))
        .map_err(BackupError::io("a scratch copy of the backup"))?;
    copy_data(backup_dir, manifest, scratch.path(), CopyMode::Scratch)?;
    let store = kind.open(&kind.store_path(scratch.path()))?;
    let report = store.validate()?;
    if !report.is_ok() {
        let shown: Vec<&str> = report.problems.iter().take(5).map(String::as_str).collect();
        return Err(BackupError::Inconsistent(format!(
            "{} problems in the store ({})",
            report.problems.len(),
            shown.join("; ")
        )));
    }
    let counted = store.len()?;
    if report.quads != manifest.quads || counted != manifest.quads {
        return Err(BackupError::Inconsistent(format!(
            "the manifest lists {} quads, the store counts {counted} and its index holds {}",
            manifest.quads, report.quads
        )));
    }
    drop(store);
    drop(scratch);
    Ok((report.quads, report.terms))
}
