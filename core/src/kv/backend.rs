use std::path::Path;

use super::{KeyRange, Keyspace, KvError, SortedRun, WriteBatch};

/// How hard a write must be persisted before [`KvBackend::write`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Survives a crash of the process once `write` returns; the last writes may be lost on power failure.
    #[default]
    Buffered,
    /// Flushed to stable storage (fsync) before `write` returns.
    Sync,
}

/// A byte-level ordered key-value store with snapshots and atomic batches.
///
/// Implementations must guarantee:
/// - a [`KvSnapshot`] sees exactly the writes that completed before it was taken, never later ones;
/// - a [`WriteBatch`] is applied entirely or not at all, also across a crash;
/// - every keyspace in [`Keyspace::ALL`] exists once the backend is open.
///
/// Writes may come from several threads: the store serializes transactions, but the bulk loader
/// ingests different keyspaces in parallel, so `write` and `ingest_sorted` must be safe to call
/// concurrently.
pub trait KvBackend: Send + Sync {
    /// A consistent read view.
    type Snapshot<'a>: KvSnapshot
    where
        Self: 'a;

    /// A short name for logs and reports (`"memory"`, `"redb"`, `"rocksdb"`).
    fn name(&self) -> &'static str;

    /// Takes a snapshot of the current state.
    ///
    /// # Errors
    /// Fails if the medium cannot be read.
    fn snapshot(&self) -> Result<Self::Snapshot<'_>, KvError>;

    /// Applies `batch` atomically.
    ///
    /// # Errors
    /// Fails if the medium cannot be written; then nothing of the batch is visible.
    fn write(&self, batch: WriteBatch, durability: Durability) -> Result<(), KvError>;

    /// Adds entries that are already sorted by key, for bulk loads.
    ///
    /// Keys of `run` are strictly increasing; existing keys are overwritten. Unlike
    /// [`write`](Self::write) this is atomic per call only, not across calls. The default
    /// implementation writes one batch.
    ///
    /// # Errors
    /// Fails if the medium cannot be written.
    fn ingest_sorted(&self, keyspace: Keyspace, run: SortedRun) -> Result<(), KvError> {
        let mut batch = WriteBatch::new();
        for (key, value) in run.iter() {
            batch.put(keyspace, key, value);
        }
        self.write(batch, Durability::Buffered)
    }

    /// [`ingest_sorted`](Self::ingest_sorted), with the entries made visible only after `ready`
    /// returns: a backend that prepares a run before applying it (RocksDB builds its table
    /// files) prepares it first, so the preparation overlaps with whatever `ready` waits for.
    /// The default implementation calls `ready` first.
    ///
    /// # Errors
    /// `ready`'s error, with nothing of `run` visible; or a write failure.
    fn ingest_sorted_when(
        &self,
        keyspace: Keyspace,
        run: SortedRun,
        ready: &dyn Fn() -> Result<(), KvError>,
    ) -> Result<(), KvError> {
        ready()?;
        self.ingest_sorted(keyspace, run)
    }

    /// Writes a consistent copy of the store into the new directory `target`.
    ///
    /// # Errors
    /// [`KvError::Unsupported`] where the backend has no such capability.
    fn checkpoint(&self, target: &Path) -> Result<(), KvError> {
        let _ = target;
        Err(KvError::Unsupported("checkpoint"))
    }

    /// Approximate bytes the store takes on its medium, if known.
    fn approximate_size(&self) -> Option<u64> {
        None
    }

    /// Reorganises storage for read speed and space (a full compaction where there is one).
    ///
    /// # Errors
    /// Fails if the medium cannot be written.
    fn compact(&self) -> Result<(), KvError> {
        Ok(())
    }

    /// Makes every completed write durable.
    ///
    /// # Errors
    /// Fails if the medium cannot be written.
    fn flush(&self) -> Result<(), KvError> {
        Ok(())
    }
}

/// A consistent, read-only view of a [`KvBackend`].
pub trait KvSnapshot {
    /// An ordered cursor over a key range.
    type Cursor<'c>: KvCursor
    where
        Self: 'c;

    /// The value stored under `key`.
    ///
    /// # Errors
    /// Fails if the medium cannot be read.
    fn get(&self, keyspace: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, KvError>;

    /// Whether `key` is present.
    ///
    /// # Errors
    /// Fails if the medium cannot be read.
    fn contains(&self, keyspace: Keyspace, key: &[u8]) -> Result<bool, KvError> {
        Ok(self.get(keyspace, key)?.is_some())
    }

    /// A cursor over the keys of `range` in ascending order, positioned on the first one.
    ///
    /// # Errors
    /// Fails if the medium cannot be read.
    fn cursor(&self, keyspace: Keyspace, range: KeyRange) -> Result<Self::Cursor<'_>, KvError>;

    /// A cursor over all of `keyspace` for a caller that [`seek`](KvCursor::seek)s it before
    /// every read: until then it may stand anywhere. Index lookups open these and seek them
    /// from lookup to lookup; a backend whose positioning costs a seek (RocksDB) leaves the
    /// first one out. By default, [`cursor`](Self::cursor) over the whole keyspace.
    ///
    /// # Errors
    /// Fails if the medium cannot be read.
    fn seek_cursor(&self, keyspace: Keyspace) -> Result<Self::Cursor<'_>, KvError> {
        self.cursor(keyspace, KeyRange::all())
    }
}

/// A position in an ordered key range.
///
/// A new cursor stands on the first entry of its range; [`key`](Self::key) is `None` once it has run
/// past the end.
pub trait KvCursor {
    /// The current key, or `None` when exhausted.
    fn key(&self) -> Option<&[u8]>;

    /// The current value, or `None` when exhausted.
    fn value(&self) -> Option<&[u8]>;

    /// Moves to the next entry.
    ///
    /// # Errors
    /// Fails if the medium cannot be read.
    fn advance(&mut self) -> Result<(), KvError>;

    /// Moves to the first entry whose key is `>= key` (and inside the range).
    ///
    /// Seeking backwards is allowed but may be slower than seeking forwards.
    ///
    /// # Errors
    /// Fails if the medium cannot be read.
    fn seek(&mut self, key: &[u8]) -> Result<(), KvError>;
}
