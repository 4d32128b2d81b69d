//! `MANIFEST.json`: what a backup holds, and the checksum of every file.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::files::{is_contained, sync_dir};
use super::{BackupError, checksum};

/// The manifest's file name, at the root of a backup directory.
pub const MANIFEST_FILE: &str = "MANIFEST.json";

/// The directory, inside a backup, that holds the store's files.
pub const DATA_DIR: &str = "data";

/// The value of [`Manifest::format`].
pub const FORMAT: &str = "trine-backup";

/// The layout version this build writes and reads. A later build that changes the layout
/// bumps it and keeps reading the old one.
pub const FORMAT_VERSION: u32 = 1;

/// The content of `MANIFEST.json`.
///
/// A backup directory holds the manifest and, under [`DATA_DIR`], the store: a RocksDB
/// checkpoint directory, or one redb file
/// ([`CHECKPOINT_FILE`](trine_backend_redb::CHECKPOINT_FILE)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// The layout version ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// The backend that wrote the data: `rocksdb` or `redb`.
    pub backend: String,
    /// When the backup was taken, RFC 3339 in UTC.
    pub created_at: String,
    /// The same instant in milliseconds since the Unix epoch (rotation sorts on it).
    pub created_at_unix_ms: u64,
    /// The Trine version that wrote it.
    pub trine_version: String,
    /// Quads in the backed-up store.
    pub quads: u64,
    /// The checksum algorithm of [`ManifestFile::checksum`]: `sha256`.
    pub checksum_algorithm: String,
    /// Every file of the backup but the manifest, sorted by path.
    pub files: Vec<ManifestFile>,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Its path relative to the backup directory, `/`-separated (`data/000012.sst`).
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Lowercase hex digest of its bytes.
    pub checksum: String,
}

impl Manifest {
    /// Reads and checks the manifest of the backup in `backup_dir`.
    ///
    /// # Errors
    /// [`BackupError::Manifest`] when it is missing, not JSON of this shape, of another format
    /// or version, or lists a path that leaves the backup directory.
    pub fn read(backup_dir: &Path) -> Result<Self, BackupError> {
        let text = match fs::read(backup_dir.join(MANIFEST_FILE)) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::Manifest(format!(
                    "{MANIFEST_FILE} is missing: not a backup directory"
                )));
            }
            Err(error) => return Err(BackupError::io(MANIFEST_FILE)(error)),
        };
        let manifest: Self = serde_json::from_slice(&text)
            .map_err(|e| BackupError::Manifest(format!("{MANIFEST_FILE} is not valid: {e}")))?;
        manifest.check()?;
        Ok(manifest)
    }

    fn check(&self) -> Result<(), BackupError> {
        let bad = |why: String| Err(BackupError::Manifest(why));
        if self.format != FORMAT {
            return bad(format!("format {:?} is not {FORMAT:?}", self.format));
        }
        if self.format_version != FORMAT_VERSION {
            return bad(format!(
                "format version {} is not supported (this build reads {FORMAT_VERSION})",
                self.format_version
            ));
        }
        if self.checksum_algorithm != checksum::ALGORITHM {
            return bad(format!(
                "checksum algorithm {:?} is not supported",
                self.checksum_algorithm
            ));
        }
        if !matches!(self.backend.as_str(), "rocksdb" | "redb") {
            return bad(format!("backend {:?} is not supported", self.backend));
        }
        for file in &self.files {
            let in_data = file
                .path
                .strip_prefix(DATA_DIR)
                .is_some_and(|rest| rest.starts_with('/'));
            if !is_contained(&file.path) || !in_data {
                return bad(format!("file path {:?} is outside {DATA_DIR}/", file.path));
            }
        }
        Ok(())
    }

    /// Writes the manifest into `backup_dir` durably (a temporary file, synced, then renamed).
    ///
    /// # Errors
    /// Fails if the file cannot be written.
    pub fn write(&self, backup_dir: &Path) -> Result<(), BackupError> {
        let text = serde_json::to_vec_pretty(self)
            .map_err(|e| BackupError::Manifest(format!("cannot encode the manifest: {e}")))?;
        let temporary = backup_dir.join(format!("{MANIFEST_FILE}.partial"));
        let io = BackupError::io(MANIFEST_FILE);
        let written = (|| {
            let mut file = fs::File::create(&temporary)?;
            file.write_all(&text)?;
            file.sync_all()?;
            fs::rename(&temporary, backup_dir.join(MANIFEST_FILE))?;
            sync_dir(backup_dir)
        })();
        written.map_err(io)
    }

    /// Bytes of all files of the backup.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|file| file.size).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            backend: "redb".into(),
            created_at: "2026-12-01T08:00:00.000Z".into(),
            created_at_unix_ms: 0,
            trine_version: "0.1.0".into(),
            quads: 3,
            checksum_algorithm: checksum::ALGORITHM.into(),
            files: vec![ManifestFile {
                path: "data/trine.redb".into(),
                size: 1,
                checksum: "00".into(),
            }],
        }
    }

    #[test]
    fn round_trips_and_refuses_escaping_paths() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let written = manifest();
        written.write(dir.path())?;
        assert_eq!(Manifest::read(dir.path())?, written);

        // Parent steps, absolute paths, paths outside data/ and backslashes are all refused.
        for path in [
            "data/../../etc/passwd",
            "/etc/passwd",
            "data//../x",
            "etc/passwd",
            "data\\..\\x",
            "data",
            "",
        ] {
            let mut hostile = manifest();
            hostile.files[0].path = path.into();
            hostile.write(dir.path())?;
            assert!(
                matches!(Manifest::read(dir.path()), Err(BackupError::Manifest(_))),
                "{path:?} was accepted"
            );
        }

        let mut newer = manifest();
        newer.format_version = FORMAT_VERSION + 1;
        newer.write(dir.path())?;
        assert!(matches!(
            Manifest::read(dir.path()),
            Err(BackupError::Manifest(m)) if m.contains("version")
        ));
        Ok(())
    }

    #[test]
    fn a_missing_manifest_says_so() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let error = Manifest::read(dir.path()).err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("MANIFEST.json is missing")));
        Ok(())
    }
}
