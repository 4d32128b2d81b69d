use trine_core::kv::KvError;

/// The backend name used in [`KvError::Backend`].
pub(crate) const BACKEND: &str = "redb";

/// Maps any redb error into the key-value layer's error.
///
/// I/O failures stay [`KvError::Io`] and a corrupted file stays [`KvError::Corruption`], so callers
/// can tell a full disk or a damaged file from a misuse; everything else keeps redb's message.
pub(crate) fn kv_error(error: impl Into<redb::Error>) -> KvError {
    match error.into() {
        redb::Error::Io(io) => KvError::Io(io),
        redb::Error::Corrupted(message) => KvError::Corruption(message),
        other => KvError::backend(BACKEND, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_io_and_corruption_apart() {
        let io = std::io::Error::other("disk full");
        assert!(matches!(
            kv_error(redb::StorageError::Io(io)),
            KvError::Io(_)
        ));
        assert!(matches!(
            kv_error(redb::StorageError::Corrupted("bad page".into())),
            KvError::Corruption(message) if message == "bad page"
        ));
        assert!(matches!(
            kv_error(redb::StorageError::DatabaseClosed),
            KvError::Backend {
                backend: "redb",
                ..
            }
        ));
    }
}
