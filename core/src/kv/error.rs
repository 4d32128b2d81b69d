use std::io;

/// A failure of the key-value layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KvError {
    /// The underlying medium failed (disk, file system, browser storage).
    #[error("storage I/O error: {0}")]
    Io(#[from] io::Error),
    /// The backend reported an error of its own.
    #[error("{backend} error: {message}")]
    Backend {
        /// Which backend raised it.
        backend: &'static str,
        /// Its message.
        message: String,
    },
    /// Data on disk does not have the expected shape.
    #[error("corrupted storage: {0}")]
    Corruption(String),
    /// The backend does not offer this optional capability.
    #[error("{0} is not supported by this backend")]
    Unsupported(&'static str),
}

impl KvError {
    /// Wraps a backend-specific error.
    pub fn backend(backend: &'static str, error: impl std::fmt::Display) -> Self {
        Self::Backend {
            backend,
            message: error.to_string(),
        }
    }

    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io(_) => "storage_io",
            Self::Backend { .. } => "storage_backend",
            Self::Corruption(_) => "storage_corruption",
            Self::Unsupported(_) => "unsupported",
        }
    }
}
