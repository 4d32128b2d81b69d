//! Backups: consistent online copies of a store with a manifest of checksums, verification,
//! restore into a new location, rotation and scheduled backups.
//!
//! A backup is a directory `<destination>/<UTC time>/` (`20261201T080551.123Z`) holding
//! [`MANIFEST.json`](Manifest) and, under `data/`, the store: a RocksDB checkpoint, or one redb
//! file copied under a read transaction. The manifest lists every file with its size and
//! SHA-256, the backend, the time and the quad count.
//!
//! - [`Database::backup`](crate::Database::backup) (or [`create_backup`]) takes one while the
//!   database keeps serving writes, and rotates with [`rotate`].
//! - [`verify_backup`] checks every file, then opens a scratch copy of the store and runs its
//!   invariant checker and compares quad counts; damage is reported per file, by its path
//!   relative to the backup.
//! - [`restore_backup`] verifies, copies into a new location (never over existing data) and
//!   opens the result to check it.
//! - [`BackupScheduler`] takes backups on an interval in a background thread.
//!
//! Work in progress lives in hidden directories of the destination (`.<name>.partial-…` while a
//! backup is written, `.<name>.verify-…` while one is verified), removed when the operation
//! ends; listings and rotation ignore them. Each has a lock file beside it (`….lock`), held while
//! the directory is in use: only a crash leaves one behind, and the next backup into that
//! destination removes it (a lock file nobody holds marks it abandoned).
//!
//! `memory:` databases are not backed up ([`BackupError::Unsupported`]): they have no files to
//! copy and vanish with the process; `trine dump` writes their content as N-Quads.

mod checksum;
mod clock;
mod create;
mod data;
mod database;
mod error;
mod files;
mod manifest;
mod restore;
mod rotation;
mod schedule;
mod verify;

pub use create::{BackupInfo, create_backup};
pub use error::{BackupError, FileProblem, FileProblemKind};
pub use manifest::{DATA_DIR, FORMAT_VERSION, MANIFEST_FILE, Manifest, ManifestFile};
pub use restore::{RestoreReport, restore_backup};
pub use rotation::{BackupEntry, list_backups, rotate};
pub(crate) use schedule::BackupState;
pub use schedule::{BackupScheduler, BackupSettings, LastBackup};
pub use verify::{VerifyReport, verify_backup};
