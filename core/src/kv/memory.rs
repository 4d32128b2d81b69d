use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use imbl::OrdMap;

use super::{
    Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvError, KvSnapshot, SortedRun,
    WriteBatch, WriteOp,
};

type Table = OrdMap<Arc<[u8]>, Arc<[u8]>>;
type Tables = [Table; Keyspace::ALL.len()];
type Entry<'a> = (&'a Arc<[u8]>, &'a Arc<[u8]>);

/// An in-memory [`KvBackend`] on persistent B-trees.
///
/// Taking a snapshot clones the table roots, which is O(1): writers copy only the paths they
/// change, so a snapshot never costs a full copy and never blocks writers. Works on every
/// target, WebAssembly included. Nothing survives the process.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    tables: RwLock<Tables>,
    /// Serializes read-modify-publish cycles, so concurrent ingests of different keyspaces (the bulk
    /// loader writes its six indexes in parallel) do not lose each other's updates.
    writer: Mutex<()>,
}

impl MemoryBackend {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> Tables {
        // A poisoned lock only means a writer panicked before swapping in its copy: the
        // published tables are still consistent.
        match self.tables.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn lock_writer(&self) -> MutexGuard<'_, ()> {
        match self.writer.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn publish(&self, tables: Tables) {
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
        let mut tables = self.read();
        let mut values = ShortValues::default();
        // Consecutive sorted runs (a materialization's indexes) are applied together, one
        // keyspace per thread where there are threads.
        let mut runs: Vec<(Keyspace, SortedRun)> = Vec::new();
        for op in batch.into_ops() {
            if let WriteOp::PutSorted { keyspace, run } = op {
                runs.push((keyspace, run));
                continue;
            }
            apply_runs(&mut tables, std::mem::take(&mut runs));
            match op {
                WriteOp::Put {
                    keyspace,
                    key,
                    value,
                } => {
                    let value = values.share(&value);
                    tables[keyspace.index()].insert(key.into(), value);
                }
                WriteOp::Delete { keyspace, key } => {
                    tables[keyspace.index()].remove(key.as_slice());
                }
                WriteOp::PutSorted { .. } => {}
            }
        }
        apply_runs(&mut tables, runs);
        self.publish(tables);
        Ok(())
    }

    fn ingest_sorted(&self, keyspace: Keyspace, run: SortedRun) -> Result<(), KvError> {
        let _writer = self.lock_writer();
        let mut tables = self.read();
        insert_run(&mut tables[keyspace.index()], &run);
        self.publish(tables);
        Ok(())
    }

    fn approximate_size(&self) -> Option<u64> {
        let tables = self.read();
        Some(
            tables
                .iter()
                .flat_map(|table| table.iter())
                .map(|(k, v)| (k.len() + v.len()) as u64)
                .sum(),
        )
    }
}

/// In key order each insert walks the path the previous one left warm.
fn insert_run(table: &mut Table, run: &SortedRun) {
    let mut values = ShortValues::default();
    for (key, value) in run.iter() {
        table.insert(key.into(), values.share(value));
    }
}

/// Applies `runs` in order per keyspace; runs of different keyspaces touch different tables, so
/// large ones go to scoped threads on targets that have them.
fn apply_runs(tables: &mut Tables, runs: Vec<(Keyspace, SortedRun)>) {
    /// Below this many entries a thread costs more than it saves.
    const PARALLEL_ENTRIES: usize = 100_000;
    if runs.is_empty() {
        return;
    }
    let mut per_table: Vec<(&mut Table, Vec<SortedRun>)> =
        tables.iter_mut().map(|table| (table, Vec::new())).collect();
    for (keyspace, run) in runs {
        per_table[keyspace.index()].1.push(run);
    }
    let apply = |(table, runs): (&mut Table, Vec<SortedRun>)| {
        for run in &runs {
            insert_run(table, run);
        }
    };
    let large = per_table
        .iter()
        .filter(|(_, runs)| runs.iter().map(SortedRun::len).sum::<usize>() >= PARALLEL_ENTRIES)
        .count();
    if cfg!(target_family = "wasm") || large < 2 {
        per_table.into_iter().for_each(apply);
        return;
    }
    std::thread::scope(|scope| {
        for work in per_table {
            if !work.1.is_empty() {
                scope.spawn(move || apply(work));
            }
        }
    });
}

/// Index values are a flags byte or nothing: one allocation per distinct short value instead of
/// one per entry (a materialization writes millions of them).
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
    tables: Tables,
}

impl KvSnapshot for MemorySnapshot {
    type Cursor<'c> = MemoryCursor<'c>;

    fn get(&self, keyspace: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        Ok(self.tables[keyspace.index()]
            .get(key)
            .map(|value| value.to_vec()))
    }

    fn contains(&self, keyspace: Keyspace, key: &[u8]) -> Result<bool, KvError> {
        Ok(self.tables[keyspace.index()].contains_key(key))
    }

    fn cursor(&self, keyspace: Keyspace, range: KeyRange) -> Result<MemoryCursor<'_>, KvError> {
        let table = &self.tables[keyspace.index()];
        let mut cursor = MemoryCursor {
            table,
            iter: table.range::<_, [u8]>(range.bounds()),
            current: None,
            range,
        };
        cursor.current = cursor.iter.next();
        Ok(cursor)
    }
}

/// A cursor over a [`MemorySnapshot`].
pub struct MemoryCursor<'a> {
    table: &'a Table,
    range: KeyRange,
    iter: imbl::ordmap::RangedIter<'a, Arc<[u8]>, Arc<[u8]>, imbl::shared_ptr::DefaultSharedPtr>,
    current: Option<Entry<'a>>,
}

impl KvCursor for MemoryCursor<'_> {
    fn key(&self) -> Option<&[u8]> {
        self.current.map(|(k, _)| &**k)
    }

    fn value(&self) -> Option<&[u8]> {
        self.current.map(|(_, v)| &**v)
    }

    fn advance(&mut self) -> Result<(), KvError> {
        self.current = self.iter.next();
        Ok(())
    }

    fn seek(&mut self, key: &[u8]) -> Result<(), KvError> {
        let bounds = self.range.bounds_from(key);
        self.iter = self.table.range::<_, [u8]>(bounds);
        self.current = self.iter.next();
        Ok(())
    }
}
