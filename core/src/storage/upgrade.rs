//! Bringing a store written in an earlier layout up to this build's, when it is opened.
//!
//! Each step is idempotent and the new version is recorded only after the last one, so an
//! upgrade that is interrupted (a crash, a full disk) runs again at the next opening.

use super::{FORMAT_VERSION, MetaKey, StorageError};
use crate::encoding::{TermKey, term_key};
use crate::kv::{Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvSnapshot, WriteBatch};

/// The oldest layout this build upgrades.
const OLDEST: u32 = 1;

/// Entries rewritten per batch, so memory stays bounded on large stores.
const BATCH: usize = 100_000;

/// Upgrades a store of layout `found` to [`FORMAT_VERSION`].
///
/// # Errors
/// [`StorageError::UnsupportedFormat`] for a layout this build does not know (older than the
/// oldest it upgrades, or newer than its own), or the backend's error.
pub(crate) fn upgrade(backend: &impl KvBackend, found: u32) -> Result<(), StorageError> {
    if !(OLDEST..FORMAT_VERSION).contains(&found) {
        return Err(StorageError::UnsupportedFormat {
            found,
            expected: FORMAT_VERSION,
        });
    }
    // Layout 1 keyed every term of `term2id` by its bytes; 2 keys long literals by a hash.
    let rekeyed = rekey_long_literals(backend)?;
    let mut batch = WriteBatch::new();
    batch.put(
        Keyspace::Meta,
        MetaKey::Format.key(),
        FORMAT_VERSION.to_be_bytes(),
    );
    backend.write(batch, Durability::Sync)?;
    tracing::info!("upgraded the storage layout from version {found}: {rekeyed} terms rekeyed");
    Ok(())
}

/// Moves each long literal's `term2id` entry from its bytes to its hashed key; returns how many
/// moved. Keys already hashed, and terms keyed by their bytes in both layouts, stay.
fn rekey_long_literals(backend: &impl KvBackend) -> Result<u64, StorageError> {
    let snapshot = backend.snapshot()?;
    let mut cursor = snapshot.cursor(Keyspace::TermToId, KeyRange::all())?;
    let mut batch = WriteBatch::new();
    let mut rekeyed = 0;
    while let (Some(bytes), Some(id)) = (cursor.key(), cursor.value()) {
        if let TermKey::Hashed(key) = term_key(bytes) {
            batch.delete(Keyspace::TermToId, bytes);
            batch.put(Keyspace::TermToId, key, id);
            rekeyed += 1;
            if batch.len() >= BATCH {
                backend.write(std::mem::take(&mut batch), Durability::Sync)?;
            }
        }
        cursor.advance()?;
    }
    if !batch.is_empty() {
        backend.write(batch, Durability::Sync)?;
    }
    Ok(rekeyed)
}
