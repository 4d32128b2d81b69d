//! Bringing a store written in an earlier layout up to this build's, when it is opened.
//!
//! The new version is recorded first, with a mark that the upgrade is under way: an older build
//! then refuses the store rather than misreading a half-upgraded one, and an upgrade that is
//! interrupted (a crash, a full disk) is finished at the next opening. Each step is idempotent.

use super::{FORMAT_VERSION, MetaKey, StorageError, load_interrupted};
use crate::encoding::{TermKey, term_key};
use crate::kv::{Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvSnapshot, WriteBatch};

/// The oldest layout this build upgrades.
const OLDEST: u32 = 1;

/// Bounds of one rewrite batch, so memory stays bounded on large stores.
const BATCH_ENTRIES: usize = 100_000;
const BATCH_BYTES: usize = 32 << 20;

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
    tracing::info!("upgrading the storage layout from version {found}");
    let mut batch = WriteBatch::new();
    batch.put(
        Keyspace::Meta,
        MetaKey::Format.key(),
        FORMAT_VERSION.to_be_bytes(),
    );
    batch.put(Keyspace::Meta, MetaKey::Upgrading.key(), Vec::new());
    backend.write(batch, Durability::Sync)?;
    finish_upgrade(backend)
}

/// Finishes an upgrade that [`upgrade`] started, if the store is marked as being upgraded.
///
/// # Errors
/// Fails if the backend fails.
pub(crate) fn finish_upgrade(backend: &impl KvBackend) -> Result<(), StorageError> {
    if !backend
        .snapshot()?
        .contains(Keyspace::Meta, MetaKey::Upgrading.key())?
    {
        return Ok(());
    }
    // Layout 1 keyed every term of `term2id` by its bytes; 2 keys long literals by a hash.
    let rekeyed = rekey_long_literals(backend)?;
    let mut batch = WriteBatch::new();
    batch.delete(Keyspace::Meta, MetaKey::Upgrading.key());
    backend.write(batch, Durability::Sync)?;
    tracing::info!("upgraded the storage layout: {rekeyed} terms rekeyed");
    Ok(())
}

/// Moves each long literal's `term2id` entry from its bytes to its hashed key; returns how many
/// moved. Keys already hashed, and terms keyed by their bytes in both layouts, stay.
///
/// In a store left by an interrupted bulk load, a key whose id lost its term also gives the term
/// back (a hashed key could not, and the repair that follows would drop it).
fn rekey_long_literals(backend: &impl KvBackend) -> Result<u64, StorageError> {
    let torn = load_interrupted(backend)?;
    let snapshot = backend.snapshot()?;
    let mut cursor = snapshot.cursor(Keyspace::TermToId, KeyRange::all())?;
    let mut batch = WriteBatch::new();
    let (mut rekeyed, mut batch_bytes) = (0, 0);
    while let (Some(bytes), Some(id)) = (cursor.key(), cursor.value()) {
        if let TermKey::Hashed(key) = term_key(bytes) {
            batch.delete(Keyspace::TermToId, bytes);
            batch.put(Keyspace::TermToId, key, id);
            if torn && !snapshot.contains(Keyspace::IdToTerm, id)? {
                batch.put(Keyspace::IdToTerm, id, bytes);
            }
            rekeyed += 1;
            batch_bytes += 2 * bytes.len();
            if batch.len() >= BATCH_ENTRIES || batch_bytes >= BATCH_BYTES {
                backend.write(std::mem::take(&mut batch), Durability::Sync)?;
                batch_bytes = 0;
            }
        }
        cursor.advance()?;
    }
    if !batch.is_empty() {
        backend.write(batch, Durability::Sync)?;
    }
    Ok(rekeyed)
}
