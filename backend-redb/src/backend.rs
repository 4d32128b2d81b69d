use std::fmt;
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use redb::backends::InMemoryBackend;
use redb::{Database, ReadableDatabase, StorageBackend, WriteTransaction};
use trine_core::kv::{Durability, Keyspace, KvBackend, KvError, SortedRun, WriteBatch, WriteOp};

use crate::error::kv_error;
use crate::options::{IN_MEMORY_CACHE_SIZE, RedbOptions};
use crate::snapshot::{RedbSnapshot, definition};
use crate::tracked_storage::TrackedStorage;

/// Where the database lives.
enum Medium {
    /// redb's in-memory storage, whose length the handle follows. Nothing to sync.
    Memory(Arc<AtomicU64>),
    /// A storage the caller gave, as durable as its `sync_data`; the handle follows its length.
    Storage(Arc<AtomicU64>),
    /// A file at this path.
    #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
    File(PathBuf),
}

/// Buffered commits and bytes since the last durable commit.
#[derive(Default)]
struct Pending {
    commits: AtomicU32,
    bytes: AtomicU64,
}

/// A [`KvBackend`] on [redb](https://www.redb.org): one file, or memory.
///
/// Each [`Keyspace`] is a redb table of its [`name`](Keyspace::name) with byte-string keys and
/// values; all of them are created when the database is opened. A [`snapshot`](KvBackend::snapshot)
/// is a redb read transaction and a [`write`](KvBackend::write) one write transaction, so a batch
/// is all-or-nothing, also across a crash.
///
/// # Durability
/// - [`Durability::Sync`] commits with an fsync ([`redb::Durability::Immediate`]): the batch and
///   every earlier one are on stable storage when `write` returns.
/// - [`Durability::Buffered`] commits without one ([`redb::Durability::None`]). redb has no
///   write-ahead log and keeps such commits in the process only, so this is **weaker than the
///   trait's `Buffered`: a crash of the process, not just of the machine, loses every buffered
///   write since the last durable commit.** The store reopens at that last durable commit,
///   consistent, with each batch either entirely there or not at all. A durable commit happens on
///   a `Sync` write, on [`flush`](KvBackend::flush), on [`close`](Self::close) or a drop of the
///   backend (not after a panic), on [`compact`](KvBackend::compact) and
///   [`check_integrity`](Self::check_integrity), and on the buffered write that reaches a bound of
///   [`RedbOptions::sync_every`] (by default every 256 commits or 64 MiB), which bounds the loss.
///   [`ingest_sorted`](KvBackend::ingest_sorted) counts as a buffered write.
/// - In memory, nothing survives the backend, and every commit is a durable one: it costs no
///   fsync there and lets redb reuse freed pages at once.
///
/// ```
/// use trine_backend_redb::RedbBackend;
/// use trine_core::kv::{Durability, KvBackend, KvSnapshot, Keyspace, WriteBatch};
///
/// let backend = RedbBackend::in_memory()?;
/// let mut batch = WriteBatch::new();
/// batch.put(Keyspace::Meta, b"version".to_vec(), b"1".to_vec());
/// backend.write(batch, Durability::Buffered)?;
/// assert_eq!(backend.snapshot()?.get(Keyspace::Meta, b"version")?, Some(b"1".to_vec()));
/// # Ok::<(), trine_core::kv::KvError>(())
/// ```
pub struct RedbBackend {
    /// Shared by readers and writers; taken exclusively only by operations that need
    /// `&mut Database` (compaction, integrity checks).
    db: RwLock<Database>,
    medium: Medium,
    options: RedbOptions,
    pending: Pending,
}

impl RedbBackend {
    /// An empty store in memory, with a [cache](RedbOptions::cache_size) of 32 MiB.
    ///
    /// Works on every target, the browser included. Nothing survives the backend.
    ///
    /// # Errors
    /// Fails only if redb cannot initialise its storage.
    pub fn in_memory() -> Result<Self, KvError> {
        Self::in_memory_with(&RedbOptions::default().cache_size(IN_MEMORY_CACHE_SIZE))
    }

    /// An empty store in memory, opened with `options`.
    ///
    /// # Errors
    /// Fails only if redb cannot initialise its storage.
    pub fn in_memory_with(options: &RedbOptions) -> Result<Self, KvError> {
        let (storage, len) = TrackedStorage::new(InMemoryBackend::new());
        let db = options
            .builder()
            .create_with_backend(storage)
            .map_err(kv_error)?;
        Self::init(db, Medium::Memory(len), options)
    }

    /// Opens the database in `storage`, initialising it if empty: redb's contract for a medium
    /// (a file, memory, a browser's origin-private file system) is a handful of byte-level
    /// methods, so a new one needs no change here.
    ///
    /// Buffered writes follow the same policy as on a file (see [Durability](Self#durability)),
    /// with `storage`'s `sync_data` as the fsync.
    ///
    /// # Errors
    /// [`KvError::Io`] if `storage` fails or does not hold a redb database,
    /// [`KvError::Corruption`] if it is damaged beyond repair.
    pub fn with_storage(
        storage: impl StorageBackend,
        options: &RedbOptions,
    ) -> Result<Self, KvError> {
        let (storage, len) = TrackedStorage::new(storage);
        let db = options
            .builder()
            .create_with_backend(storage)
            .map_err(kv_error)?;
        Self::init(db, Medium::Storage(len), options)
    }

    /// Opens the file at `path`, creating it (not its directory) if missing, with default options.
    ///
    /// The file is locked for this process while the backend is open.
    ///
    /// Not available on `wasm32-unknown-unknown`, which has no file system.
    ///
    /// # Errors
    /// [`KvError::Io`] if the file cannot be opened or is not a redb database,
    /// [`KvError::Corruption`] if it is damaged beyond repair, [`KvError::Backend`] if another
    /// process has it open.
    #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
    pub fn open(path: impl AsRef<Path>) -> Result<Self, KvError> {
        Self::open_with(path, &RedbOptions::default())
    }

    /// Opens the file at `path`, creating it (not its directory) if missing, with `options`.
    ///
    /// A file left by a crash is repaired while it opens, which walks the whole file unless it
    /// was written with [`RedbOptions::quick_repair`].
    ///
    /// # Errors
    /// As [`open`](Self::open).
    #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
    pub fn open_with(path: impl AsRef<Path>, options: &RedbOptions) -> Result<Self, KvError> {
        let path = path.as_ref();
        let db = options.builder().create(path).map_err(kv_error)?;
        Self::init(db, Medium::File(path.to_path_buf()), options)
    }

    /// Creates every keyspace's table, in one durable transaction.
    fn init(db: Database, medium: Medium, options: &RedbOptions) -> Result<Self, KvError> {
        let backend = Self {
            db: RwLock::new(db),
            medium,
            options: options.clone(),
            pending: Pending::default(),
        };
        let transaction = backend.begin_write(true)?;
        for keyspace in Keyspace::ALL {
            transaction
                .open_table(definition(keyspace))
                .map_err(kv_error)?;
        }
        transaction.commit().map_err(kv_error)?;
        Ok(backend)
    }

    /// The file this store lives in, or `None` if it is not in a file.
    #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
    pub fn path(&self) -> Option<&Path> {
        match &self.medium {
            Medium::File(path) => Some(path),
            Medium::Memory(_) | Medium::Storage(_) => None,
        }
    }

    /// Whether the store is in memory.
    pub fn is_in_memory(&self) -> bool {
        matches!(self.medium, Medium::Memory(_))
    }

    /// Verifies every page checksum and repairs what it can; `Ok(true)` if all was intact.
    ///
    /// Slow: reads the whole store. Makes buffered writes durable first, since a repair would
    /// roll back to the last durable commit.
    ///
    /// # Errors
    /// [`KvError::Backend`] if a [`RedbSnapshot`] is alive; [`KvError::Corruption`] if the store
    /// is damaged beyond repair.
    pub fn check_integrity(&self) -> Result<bool, KvError> {
        self.flush()?;
        let intact = self.db_exclusive().check_integrity().map_err(kv_error)?;
        self.reset_pending();
        Ok(intact)
    }

    /// Closes the database, making every buffered write durable first.
    ///
    /// Dropping the backend does the same but cannot report a failure. Snapshots still alive
    /// fail on their next read.
    ///
    /// # Errors
    /// Fails if the last commit cannot be written.
    pub fn close(self) -> Result<(), KvError> {
        let db = self.db.into_inner().unwrap_or_else(PoisonError::into_inner);
        db.close().map_err(kv_error)
    }

    fn db(&self) -> RwLockReadGuard<'_, Database> {
        // A panicking holder leaves redb's own state consistent (its transactions roll back on
        // drop), so a poisoned lock is still usable.
        self.db.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn db_exclusive(&self) -> RwLockWriteGuard<'_, Database> {
        self.db.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Begins a write transaction, committing with an fsync if `durable`.
    fn begin_write(&self, durable: bool) -> Result<WriteTransaction, KvError> {
        let mut transaction = self.db().begin_write().map_err(kv_error)?;
        if durable {
            transaction.set_quick_repair(self.options.quick_repair);
        } else {
            transaction
                .set_durability(redb::Durability::None)
                .map_err(kv_error)?;
        }
        Ok(transaction)
    }

    /// Whether a commit of `bytes` bytes that asked for `requested` is made durable.
    ///
    /// Writers are serialized, so reading the counters here and updating them after the commit
    /// cannot race with another commit.
    fn is_durable(&self, requested: Durability, bytes: u64) -> bool {
        match (&self.medium, requested) {
            // Nothing to sync in memory, and only durable commits free pages for reuse.
            (Medium::Memory(_), _) | (_, Durability::Sync) => true,
            (_, Durability::Buffered) => {
                let commits = self.pending.commits.load(Ordering::Relaxed);
                let pending_bytes = self.pending.bytes.load(Ordering::Relaxed);
                let max_commits = self.options.sync_every_commits;
                let max_bytes = self.options.sync_every_bytes;
                (max_commits > 0 && commits.saturating_add(1) >= max_commits)
                    || (max_bytes > 0 && pending_bytes.saturating_add(bytes) >= max_bytes)
            }
        }
    }

    /// Commits `transaction` and accounts for it in the buffered counters.
    fn commit(
        &self,
        transaction: WriteTransaction,
        durable: bool,
        bytes: u64,
    ) -> Result<(), KvError> {
        transaction.commit().map_err(kv_error)?;
        if durable {
            self.reset_pending();
        } else {
            self.pending.commits.fetch_add(1, Ordering::Relaxed);
            self.pending.bytes.fetch_add(bytes, Ordering::Relaxed);
        }
        Ok(())
    }

    fn reset_pending(&self) {
        self.pending.commits.store(0, Ordering::Relaxed);
        self.pending.bytes.store(0, Ordering::Relaxed);
    }

    /// Reads the current state for [`KvBackend::checkpoint`].
    #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
    pub(crate) fn begin_read(&self) -> Result<redb::ReadTransaction, KvError> {
        self.db().begin_read().map_err(kv_error)
    }
}

/// One write of a batch, borrowed from its operation: `None` deletes.
type Entry<'a> = (Keyspace, &'a [u8], Option<&'a [u8]>);

/// Every key a batch writes, in the batch's order (sorted runs expanded).
fn entries(ops: &[WriteOp]) -> Vec<Entry<'_>> {
    let mut entries = Vec::with_capacity(ops.len());
    for op in ops {
        match op {
            WriteOp::Put {
                keyspace,
                key,
                value,
            } => entries.push((*keyspace, key.as_slice(), Some(value.as_slice()))),
            WriteOp::Delete { keyspace, key } => entries.push((*keyspace, key.as_slice(), None)),
            WriteOp::PutSorted { keyspace, run } => {
                entries.extend(run.iter().map(|(key, value)| (*keyspace, key, Some(value))));
            }
        }
    }
    entries
}

impl fmt::Debug for RedbBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("RedbBackend");
        match &self.medium {
            Medium::Memory(_) => debug.field("medium", &"memory"),
            Medium::Storage(_) => debug.field("medium", &"storage"),
            #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
            Medium::File(path) => debug.field("path", path),
        };
        debug.finish_non_exhaustive()
    }
}

impl KvBackend for RedbBackend {
    type Snapshot<'a> = RedbSnapshot;

    fn name(&self) -> &'static str {
        crate::error::BACKEND
    }

    fn snapshot(&self) -> Result<RedbSnapshot, KvError> {
        let transaction = self.db().begin_read().map_err(kv_error)?;
        Ok(RedbSnapshot::new(transaction))
    }

    fn write(&self, batch: WriteBatch, durability: Durability) -> Result<(), KvError> {
        if batch.is_empty() && durability == Durability::Buffered {
            return Ok(());
        }
        let ops = batch.into_ops();
        let mut entries = entries(&ops);
        // Grouped by table and in key order, each table is opened once and its pages are visited
        // in order. The sort is stable, so the later of two writes to one key still wins.
        entries.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        let bytes = entries
            .iter()
            .map(|(_, key, value)| (key.len() + value.map_or(0, <[u8]>::len)) as u64)
            .sum();
        let durable = self.is_durable(durability, bytes);
        let transaction = self.begin_write(durable)?;
        {
            let mut entries = entries.into_iter().peekable();
            while let Some(&(keyspace, _, _)) = entries.peek() {
                let mut table = transaction
                    .open_table(definition(keyspace))
                    .map_err(kv_error)?;
                while let Some((_, key, value)) = entries.next_if(|entry| entry.0 == keyspace) {
                    match value {
                        Some(value) => table.insert(key, value).map(drop),
                        None => table.remove(key).map(drop),
                    }
                    .map_err(kv_error)?;
                }
            }
        }
        // An error above drops the transaction, which rolls all of the batch back.
        self.commit(transaction, durable, bytes)
    }

    fn ingest_sorted(&self, keyspace: Keyspace, entries: SortedRun) -> Result<(), KvError> {
        if entries.is_empty() {
            return Ok(());
        }
        let bytes = entries.byte_len() as u64;
        let durable = self.is_durable(Durability::Buffered, bytes);
        let transaction = self.begin_write(durable)?;
        {
            let mut table = transaction
                .open_table(definition(keyspace))
                .map_err(kv_error)?;
            for (key, value) in entries.iter() {
                table.insert(key, value).map_err(kv_error)?;
            }
        }
        self.commit(transaction, durable, bytes)
    }

    /// Writes `target/trine.redb` ([`CHECKPOINT_FILE`](crate::CHECKPOINT_FILE)), a fresh redb
    /// file with every keyspace as of one read transaction, that [`RedbBackend::open`] opens.
    ///
    /// `target` must not exist or be an empty directory. The file is written under a temporary
    /// name, synced and then renamed, so a `trine.redb` in `target` is always complete. Writers
    /// are not blocked meanwhile; buffered writes that precede the checkpoint are in it, durably.
    /// Works from an in-memory store too.
    ///
    /// # Errors
    /// [`KvError::Io`] if `target` is not new or cannot be written.
    #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
    fn checkpoint(&self, target: &Path) -> Result<(), KvError> {
        crate::checkpoint::write_checkpoint(&self.begin_read()?, target)
    }

    /// The file's size, or the length of redb's storage in memory.
    fn approximate_size(&self) -> Option<u64> {
        match &self.medium {
            Medium::Memory(len) | Medium::Storage(len) => Some(len.load(Ordering::Relaxed)),
            #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
            Medium::File(path) => std::fs::metadata(path).ok().map(|meta| meta.len()),
        }
    }

    /// Runs redb's compaction, which moves pages to the start of the file and shrinks it.
    ///
    /// Waits for a write in progress and blocks new snapshots and writes until it is done.
    ///
    /// # Errors
    /// [`KvError::Backend`] if a [`RedbSnapshot`] is alive: redb cannot move pages a reader
    /// may use. Retry once snapshots are dropped.
    fn compact(&self) -> Result<(), KvError> {
        self.db_exclusive().compact().map_err(kv_error)?;
        // Compaction commits durably.
        self.reset_pending();
        Ok(())
    }

    /// Makes every buffered write durable, with one empty fsynced commit.
    ///
    /// # Errors
    /// Fails if the commit cannot be written.
    fn flush(&self) -> Result<(), KvError> {
        if self.is_in_memory() {
            return Ok(());
        }
        let transaction = self.begin_write(true)?;
        self.commit(transaction, true, 0)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use trine_core::kv::{KeyRange, KvCursor, KvSnapshot};

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn put_get_delete() -> TestResult {
        let backend = RedbBackend::in_memory()?;
        assert_eq!(backend.name(), "redb");
        let mut batch = WriteBatch::new();
        batch.put(Keyspace::Meta, b"a".to_vec(), b"1".to_vec());
        batch.put(Keyspace::IdToTerm, b"a".to_vec(), b"2".to_vec());
        backend.write(batch, Durability::Buffered)?;

        let snapshot = backend.snapshot()?;
        assert_eq!(snapshot.get(Keyspace::Meta, b"a")?, Some(b"1".to_vec()));
        assert_eq!(snapshot.get(Keyspace::IdToTerm, b"a")?, Some(b"2".to_vec()));
        assert_eq!(snapshot.get(Keyspace::TermToId, b"a")?, None);
        assert!(snapshot.contains(Keyspace::Meta, b"a")?);
        assert!(!snapshot.contains(Keyspace::Meta, b"b")?);

        let mut batch = WriteBatch::new();
        batch.delete(Keyspace::Meta, b"a".to_vec());
        batch.delete(Keyspace::Meta, b"never there".to_vec());
        batch.put(Keyspace::IdToTerm, b"a".to_vec(), Vec::new());
        backend.write(batch, Durability::Sync)?;
        let snapshot = backend.snapshot()?;
        assert_eq!(snapshot.get(Keyspace::Meta, b"a")?, None);
        // An empty value is a value.
        assert_eq!(snapshot.get(Keyspace::IdToTerm, b"a")?, Some(Vec::new()));
        Ok(())
    }

    #[test]
    fn every_keyspace_exists_and_is_separate() -> TestResult {
        let backend = RedbBackend::in_memory()?;
        let mut batch = WriteBatch::new();
        for keyspace in Keyspace::ALL {
            batch.put(keyspace, b"k".to_vec(), keyspace.name());
        }
        backend.write(batch, Durability::Buffered)?;
        let snapshot = backend.snapshot()?;
        for keyspace in Keyspace::ALL {
            assert_eq!(
                snapshot.get(keyspace, b"k")?,
                Some(keyspace.name().as_bytes().to_vec())
            );
        }
        Ok(())
    }

    #[test]
    fn later_ops_on_a_key_win() -> TestResult {
        let backend = RedbBackend::in_memory()?;
        let mut batch = WriteBatch::new();
        batch.put(Keyspace::Stats, b"k".to_vec(), b"1".to_vec());
        batch.put(Keyspace::Meta, b"z".to_vec(), b"z".to_vec());
        batch.delete(Keyspace::Stats, b"k".to_vec());
        batch.put(Keyspace::Stats, b"k".to_vec(), b"2".to_vec());
        batch.put(Keyspace::Stats, b"gone".to_vec(), b"1".to_vec());
        batch.delete(Keyspace::Stats, b"gone".to_vec());
        backend.write(batch, Durability::Buffered)?;
        let snapshot = backend.snapshot()?;
        assert_eq!(snapshot.get(Keyspace::Stats, b"k")?, Some(b"2".to_vec()));
        assert_eq!(snapshot.get(Keyspace::Stats, b"gone")?, None);
        assert_eq!(snapshot.get(Keyspace::Meta, b"z")?, Some(b"z".to_vec()));
        Ok(())
    }

    #[test]
    fn snapshot_does_not_see_later_writes() -> TestResult {
        let backend = RedbBackend::in_memory()?;
        let mut batch = WriteBatch::new();
        batch.put(Keyspace::Gspo, b"a".to_vec(), b"old".to_vec());
        batch.put(Keyspace::Gspo, b"b".to_vec(), b"old".to_vec());
        backend.write(batch, Durability::Buffered)?;
        let before = backend.snapshot()?;
        let mut cursor = before.cursor(Keyspace::Gspo, KeyRange::all())?;

        let mut batch = WriteBatch::new();
        batch.put(Keyspace::Gspo, b"a".to_vec(), b"new".to_vec());
        batch.delete(Keyspace::Gspo, b"b".to_vec());
        batch.put(Keyspace::Gspo, b"c".to_vec(), b"new".to_vec());
        backend.write(batch, Durability::Sync)?;

        assert_eq!(before.get(Keyspace::Gspo, b"a")?, Some(b"old".to_vec()));
        assert_eq!(before.get(Keyspace::Gspo, b"b")?, Some(b"old".to_vec()));
        assert_eq!(before.get(Keyspace::Gspo, b"c")?, None);
        // A cursor opened before the write keeps walking the old state.
        let mut seen = Vec::new();
        while let (Some(key), Some(value)) = (cursor.key(), cursor.value()) {
            seen.push((key.to_vec(), value.to_vec()));
            cursor.advance()?;
        }
        assert_eq!(
            seen,
            [(b"a", b"old"), (b"b", b"old")].map(|(k, v)| (k.to_vec(), v.to_vec()))
        );

        let after = backend.snapshot()?;
        assert_eq!(after.get(Keyspace::Gspo, b"a")?, Some(b"new".to_vec()));
        assert_eq!(after.get(Keyspace::Gspo, b"b")?, None);
        Ok(())
    }

    /// redb's in-memory storage, shared between opens, whose writes can be made to fail: a full
    /// disk while it is on, a crash if the backend is dropped meanwhile.
    #[derive(Debug, Clone, Default)]
    struct Flaky {
        inner: Arc<InMemoryBackend>,
        failing: Arc<AtomicBool>,
    }

    impl Flaky {
        fn check(&self) -> std::io::Result<()> {
            if self.failing.load(Ordering::Relaxed) {
                Err(std::io::Error::other("injected failure"))
            } else {
                Ok(())
            }
        }

        fn fail(&self, failing: bool) {
            self.failing.store(failing, Ordering::Relaxed);
        }

        /// Drops `backend` while writes fail, so that nothing more reaches the storage.
        fn crash(&self, backend: RedbBackend) {
            self.fail(true);
            drop(backend);
            self.fail(false);
        }

        fn open(&self, options: &RedbOptions) -> Result<RedbBackend, KvError> {
            RedbBackend::with_storage(self.clone(), options)
        }
    }

    impl StorageBackend for Flaky {
        fn len(&self) -> std::io::Result<u64> {
            self.inner.len()
        }

        fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
            self.inner.read(offset, out)
        }

        fn set_len(&self, len: u64) -> std::io::Result<()> {
            self.check()?;
            self.inner.set_len(len)
        }

        fn sync_data(&self) -> std::io::Result<()> {
            self.check()?;
            self.inner.sync_data()
        }

        fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
            self.check()?;
            self.inner.write(offset, data)
        }
    }

    fn put(backend: &RedbBackend, key: &[u8], durability: Durability) -> Result<(), KvError> {
        let mut batch = WriteBatch::new();
        for keyspace in [Keyspace::Meta, Keyspace::Gspo, Keyspace::Ospg] {
            batch.put(keyspace, key.to_vec(), key.to_vec());
        }
        backend.write(batch, durability)
    }

    /// Which of `keys` the store holds, checking that each is in all keyspaces `put` writes or in
    /// none.
    fn present(backend: &RedbBackend, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>, KvError> {
        let snapshot = backend.snapshot()?;
        let mut found = Vec::new();
        for key in keys {
            let hits = [Keyspace::Meta, Keyspace::Gspo, Keyspace::Ospg]
                .into_iter()
                .map(|keyspace| snapshot.contains(keyspace, key))
                .collect::<Result<Vec<_>, _>>()?;
            assert!(hits.iter().all(|hit| *hit == hits[0]), "torn batch {key:?}");
            if hits[0] {
                found.push(key.to_vec());
            }
        }
        Ok(found)
    }

    #[test]
    fn failed_write_leaves_nothing() -> TestResult {
        let storage = Flaky::default();
        let backend = storage.open(&RedbOptions::default())?;
        put(&backend, b"a", Durability::Sync)?;
        storage.fail(true);
        assert!(matches!(
            put(&backend, b"b", Durability::Sync),
            Err(KvError::Io(_))
        ));
        storage.crash(backend);
        let backend = storage.open(&RedbOptions::default())?;
        assert_eq!(present(&backend, &[b"a", b"b"])?, [b"a".to_vec()]);
        Ok(())
    }

    #[test]
    fn a_crash_loses_buffered_writes_until_flushed() -> TestResult {
        let storage = Flaky::default();
        let options = RedbOptions::default().sync_every(0, 0);
        let backend = storage.open(&options)?;
        put(&backend, b"a", Durability::Sync)?;
        put(&backend, b"b", Durability::Buffered)?;
        assert_eq!(present(&backend, &[b"a", b"b"])?.len(), 2);
        storage.crash(backend);

        let backend = storage.open(&options)?;
        assert_eq!(present(&backend, &[b"a", b"b"])?, [b"a".to_vec()]);
        put(&backend, b"c", Durability::Buffered)?;
        backend.flush()?;
        put(&backend, b"d", Durability::Buffered)?;
        storage.crash(backend);

        let backend = storage.open(&options)?;
        assert_eq!(
            present(&backend, &[b"a", b"c", b"d"])?,
            [b"a".to_vec(), b"c".to_vec()]
        );
        // A clean close keeps buffered writes.
        put(&backend, b"e", Durability::Buffered)?;
        backend.close()?;
        let backend = storage.open(&options)?;
        assert_eq!(present(&backend, &[b"e"])?, [b"e".to_vec()]);
        Ok(())
    }

    #[test]
    fn sync_every_bounds_what_a_crash_loses() -> TestResult {
        let storage = Flaky::default();
        let options = RedbOptions::default().sync_every(3, 0);
        let backend = storage.open(&options)?;
        for key in [b"1", b"2", b"3", b"4"] {
            put(&backend, key, Durability::Buffered)?;
        }
        storage.crash(backend);
        let backend = storage.open(&options)?;
        let keys: [&[u8]; 4] = [b"1", b"2", b"3", b"4"];
        assert_eq!(present(&backend, &keys)?.len(), 3);
        // Two databases must never share one storage.
        drop(backend);

        // The byte bound: each `put` writes 3 * 2 bytes.
        let options = RedbOptions::default().sync_every(0, 12);
        let backend = storage.open(&options)?;
        for key in [b"5", b"6", b"7"] {
            put(&backend, key, Durability::Buffered)?;
        }
        storage.crash(backend);
        let backend = storage.open(&options)?;
        let keys: [&[u8]; 3] = [b"5", b"6", b"7"];
        assert_eq!(present(&backend, &keys)?, [b"5".to_vec(), b"6".to_vec()]);
        Ok(())
    }

    #[test]
    fn ingest_sorted_adds_and_overwrites() -> TestResult {
        let backend = RedbBackend::in_memory()?;
        let mut batch = WriteBatch::new();
        batch.put(Keyspace::Gpos, vec![5], b"old".to_vec());
        backend.write(batch, Durability::Buffered)?;
        let entries: Vec<_> = (0..10u8).map(|i| (vec![i], vec![i])).collect();
        backend.ingest_sorted(Keyspace::Gpos, entries.into())?;
        let snapshot = backend.snapshot()?;
        assert_eq!(snapshot.get(Keyspace::Gpos, &[5])?, Some(vec![5]));
        let mut cursor = snapshot.cursor(Keyspace::Gpos, KeyRange::all())?;
        let mut count = 0;
        while cursor.key().is_some() {
            count += 1;
            cursor.advance()?;
        }
        assert_eq!(count, 10);
        Ok(())
    }

    #[test]
    fn compact_refuses_while_a_snapshot_lives() -> TestResult {
        let backend = RedbBackend::in_memory()?;
        let mut batch = WriteBatch::new();
        batch.put(Keyspace::Meta, b"a".to_vec(), b"1".to_vec());
        backend.write(batch, Durability::Buffered)?;
        let snapshot = backend.snapshot()?;
        assert!(matches!(backend.compact(), Err(KvError::Backend { .. })));
        drop(snapshot);
        backend.compact()?;
        assert!(backend.check_integrity()?);
        assert_eq!(
            backend.snapshot()?.get(Keyspace::Meta, b"a")?,
            Some(b"1".to_vec())
        );
        Ok(())
    }

    #[test]
    fn in_memory_size_grows() -> TestResult {
        let backend = RedbBackend::in_memory()?;
        let empty = backend.approximate_size().unwrap_or_default();
        assert!(empty > 0);
        let mut batch = WriteBatch::new();
        for i in 0..10_000u32 {
            batch.put(Keyspace::Gspo, i.to_be_bytes().to_vec(), vec![0; 100]);
        }
        backend.write(batch, Durability::Buffered)?;
        assert!(backend.approximate_size().unwrap_or_default() > empty + 1_000_000);
        Ok(())
    }

    #[test]
    fn backend_is_send_and_sync() {
        fn shareable<T: Send + Sync>() {}
        shareable::<RedbBackend>();
    }
}
