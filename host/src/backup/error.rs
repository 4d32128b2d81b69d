//! [`BackupError`]: what creating, verifying and restoring a backup can fail with.

use std::fmt;

use trine_core::storage::StorageError;

/// A failure of a backup operation.
///
/// Messages name files by their path relative to the backup directory (`data/000012.sst`,
/// `MANIFEST.json`), never by an absolute path, so they can be shown to a remote caller.
/// [`code`](Self::code) is stable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The backend has no consistent copy to offer: `memory:` databases are not backed up
    /// (dump them as N-Quads instead).
    #[error("{0} databases cannot be backed up; dump them as N-Quads instead")]
    Unsupported(&'static str),
    /// `MANIFEST.json` is missing, unreadable or of a format this build does not know.
    #[error("bad manifest: {0}")]
    Manifest(String),
    /// Files of the backup differ from what the manifest lists: missing, extra, truncated or
    /// with other bytes. Every damaged file is listed.
    #[error("backup damaged: {}", list(.0))]
    Damaged(Vec<FileProblem>),
    /// The files are intact but the store they hold is not: its invariant checker found
    /// problems, or it holds another number of quads than the manifest says.
    #[error("backup inconsistent: {0}")]
    Inconsistent(String),
    /// A restore target, or a backup name, already holds something.
    #[error("target not empty: {0}")]
    TargetNotEmpty(String),
    /// The restore target is a location of another backend than the backup's.
    #[error("backend mismatch: the backup holds a {backup} store, the target is {target}")]
    BackendMismatch {
        /// The backup's backend.
        backup: String,
        /// The target's backend.
        target: &'static str,
    },
    /// The settings make no sense (an interval of zero, keeping no backup).
    #[error("invalid backup settings: {0}")]
    Settings(String),
    /// The store (the live one, or a copy opened to check it) failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Reading or writing a file failed; the message names the file relative to the backup.
    #[error("I/O error on {file}: {source}")]
    Io {
        /// The file, relative to the backup or restore directory.
        file: String,
        /// What failed.
        source: std::io::Error,
    },
}

impl BackupError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unsupported(_) => "backup_unsupported",
            Self::Manifest(_) => "backup_manifest",
            Self::Damaged(_) => "backup_damaged",
            Self::Inconsistent(_) => "backup_inconsistent",
            Self::TargetNotEmpty(_) => "backup_target_not_empty",
            Self::BackendMismatch { .. } => "backup_backend_mismatch",
            Self::Settings(_) => "config",
            Self::Storage(e) => e.code(),
            Self::Io { .. } => "io",
        }
    }

    /// An I/O error on `file` (a path relative to the backup).
    pub(crate) fn io(file: impl Into<String>) -> impl Fn(std::io::Error) -> Self {
        let file = file.into();
        move |source| Self::Io {
            file: file.clone(),
            source,
        }
    }
}

/// One damaged file of a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// The file, relative to the backup directory, with `/` separators.
    pub file: String,
    /// What is wrong with it.
    pub kind: FileProblemKind,
}

/// What is wrong with a file of a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileProblemKind {
    /// Listed in the manifest, absent from the backup.
    Missing,
    /// Present in the backup, not listed in the manifest.
    Unexpected,
    /// Another size than the manifest's (a truncated or appended file).
    Size {
        /// Bytes the manifest lists.
        expected: u64,
        /// Bytes on disk.
        actual: u64,
    },
    /// The right size, other bytes.
    Checksum,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FileProblemKind::Missing => write!(f, "{} is missing", self.file),
            FileProblemKind::Unexpected => write!(f, "{} is not in the manifest", self.file),
            FileProblemKind::Size { expected, actual } => write!(
                f,
                "{} has {actual} bytes, the manifest says {expected} (truncated or grown)",
                self.file
            ),
            FileProblemKind::Checksum => {
                write!(f, "{} does not match its checksum (corrupted)", self.file)
            }
        }
    }
}

fn list(problems: &[FileProblem]) -> String {
    let texts: Vec<String> = problems.iter().map(ToString::to_string).collect();
    texts.join("; ")
}
