//! How RocksDB's errors become [`KvError`]s.

use rocksdb::ErrorKind;
use trine_core::kv::KvError;

/// The backend name used in error messages.
pub(crate) const NAME: &str = "rocksdb";

/// Maps a RocksDB error, keeping corruption apart so callers can tell damaged data from a failed
/// operation.
pub(crate) fn from_rocksdb(error: rocksdb::Error) -> KvError {
    match error.kind() {
        ErrorKind::Corruption => KvError::Corruption(error.into_string()),
        _ => KvError::backend(NAME, error),
    }
}
