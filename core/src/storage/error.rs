use crate::kv::KvError;

/// A failure of the storage layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The key-value backend failed.
    #[error(transparent)]
    Kv(#[from] KvError),
    /// Stored data is inconsistent (an id without a term, a malformed key).
    #[error("corrupted store: {0}")]
    Corruption(String),
    /// The store was written by an incompatible version of Trine.
    #[error("unsupported storage format version {found} (this build reads version {expected})")]
    UnsupportedFormat {
        /// Version found in the store.
        found: u32,
        /// Version this build reads and writes.
        expected: u32,
    },
    /// A term that Trine cannot store (an RDF 1.2 triple term).
    #[error("unsupported term: {0}")]
    UnsupportedTerm(String),
    /// A [`CommitHook`](super::CommitHook) (the reasoner keeping its closure) refused the commit;
    /// nothing of the transaction was written.
    #[error("{message}")]
    Hook {
        /// The hook's stable code for the failure (`reasoning_limit`, …).
        code: &'static str,
        /// What went wrong.
        message: String,
    },
}

impl StorageError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Kv(e) => e.code(),
            Self::Corruption(_) => "storage_corruption",
            Self::UnsupportedFormat { .. } => "unsupported_format",
            Self::UnsupportedTerm(_) => "unsupported_term",
            Self::Hook { code, .. } => code,
        }
    }
}
