//! The in-memory backend: per keyspace, immutable sorted runs under a small persistent memtable.

mod cursor;
mod table;

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

pub use cursor::MemoryCursor;
use table::Table;

use super::{
    Durability, KeyRange, Keyspace, KvBackend, KvError, KvSnapshot, SortedRun, WriteBatch, WriteOp,
};

type Tables = [Table; Keyspace::ALL.len()];

/// An in-memory [`KvBackend`]: sorted runs packed in flat buffers, with a persistent B-tree for
/// small writes.
///
/// A bulk load's sorted runs are kept as they arrive (one buffer per run, no per-key node), and a
/// cursor is a binary search into each run, so loads and lookups cost little. Taking a snapshot
/// clones reference-counted roots, which is O(1): writers build new roots beside the old ones, so
/// a snapshot never costs a full copy and never blocks writers. Works on every target,
/// WebAssembly included. Nothing survives the process.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    tables: RwLock<Arc<Tables>>,
    /// Serializes read-modify-publish cycles, so concurrent ingests of different keyspaces (the bulk
    /// loader writes its indexes in parallel) do not lose each other's updates.
    writer: Mutex<()>,
}

impl MemoryBackend {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> Arc<Tables> {
        // A poisoned lock only means a writer panicked before swapping in its copy: the
        // published tables are still consistent.
        match self.tables.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// A copy of the current tables to change and [`publish`](Self::publish); cheap, as tables
    /// share their contents.
    fn edit(&self) -> Tables {
        (*self.read()).clone()
    }

    fn lock_writer(&self) -> MutexGuard<'_, ()> {
        match self.writer.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn publish(&self, tables: Tables) {
        let tables = Arc::new(tables);
        match self.tables.write() {
            Ok(mut guard) => *guard = tables,
            Err(poisoned) => *poisoned.into_inner() = tables,
        }
    }
}

impl KvBackend for MemoryBackend {
    type Snapshot<'a> = MemorySnapshot;

    fn name(&self) -> &'static str {
        "memory"
    }

    fn snapshot(&self) -> Result<MemorySnapshot, KvError> {
        Ok(MemorySnapshot {
            tables: self.read(),
        })
    }

    fn write(&self, batch: WriteBatch, _durability: Durability) -> Result<(), KvError> {
        // Build the new version aside, then publish it in one step so readers see all of the batch
        // or none of it.
        let _writer = self.lock_writer();
        let mut tables = self.edit();
        let mut values = ShortValues::default();
        for op in batch.into_ops() {
            match op {
                WriteOp::Put {
                    keyspace,
                    key,
                    value,
                } => tables[keyspace.index()].put(&key, values.share(&value)),
                WriteOp::Delete { keyspace, key } => tables[keyspace.index()].delete(&key),
                WriteOp::PutSorted { keyspace, run } => tables[keyspace.index()].ingest(run)?,
            }
        }
        self.publish(tables);
        Ok(())
    }

    fn ingest_sorted(&self, keyspace: Keyspace, run: SortedRun) -> Result<(), KvError> {
        let _writer = self.lock_writer();
        let mut tables = self.edit();
        tables[keyspace.index()].ingest(run)?;
        self.publish(tables);
        Ok(())
    }

    fn approximate_size(&self) -> Option<u64> {
        Some(self.read().iter().map(Table::approximate_size).sum())
    }
}

/// Index values are a flags byte or nothing: one allocation per distinct short value instead of
/// one per entry.
#[derive(Default)]
struct ShortValues(Vec<Arc<[u8]>>);

impl ShortValues {
    fn share(&mut self, value: &[u8]) -> Arc<[u8]> {
        if value.len() > 1 {
            return value.into();
        }
        if let Some(shared) = self.0.iter().find(|shared| shared[..] == *value) {
            return Arc::clone(shared);
        }
        let shared: Arc<[u8]> = value.into();
        self.0.push(Arc::clone(&shared));
        shared
    }
}

/// A point-in-time view of a [`MemoryBackend`].
#[derive(Debug, Clone)]
pub struct MemorySnapshot {
    tables: Arc<Tables>,
}

impl KvSnapshot for MemorySnapshot {
    type Cursor<'c> = MemoryCursor<'c>;

    fn get(&self, keyspace: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        Ok(self.tables[keyspace.index()].get(key).map(<[u8]>::to_vec))
    }

    fn contains(&self, keyspace: Keyspace, key: &[u8]) -> Result<bool, KvError> {
        Ok(self.tables[keyspace.index()].get(key).is_some())
    }

    fn cursor(&self, keyspace: Keyspace, range: KeyRange) -> Result<MemoryCursor<'_>, KvError> {
        Ok(MemoryCursor::new(&self.tables[keyspace.index()], range))
    }
}
