//! The RocksDB store: opening, writes, and the optional capabilities.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rocksdb::checkpoint::Checkpoint;
use rocksdb::{
    BottommostLevelCompaction, Cache, ColumnFamily, ColumnFamilyDescriptor, CompactOptions, DB,
    DEFAULT_COLUMN_FAMILY_NAME, FlushOptions, Options, WriteOptions,
};
use trine_core::kv::{Durability, Keyspace, KvBackend, KvError, SortedRun, WriteBatch, WriteOp};

use crate::error::{NAME, from_rocksdb};
use crate::ingest;
use crate::options::RocksDbOptions;
use crate::snapshot::RocksDbSnapshot;

/// Subdirectory of the store where `ingest_sorted` stages its table files.
///
/// RocksDB ignores directories it did not create, and only this process can hold the store's lock,
/// so anything left here by a crash is removed on open.
const INGEST_DIR: &str = "trine-ingest";

/// A [`KvBackend`] on RocksDB: one column family per [`Keyspace`], sorted ingest through table
/// files, checkpoints for backups.
///
/// ```
/// use trine_backend_rocksdb::RocksDbBackend;
/// use trine_core::kv::{Durability, KvBackend, KvSnapshot, Keyspace, WriteBatch};
///
/// # fn main() -> Result<(), trine_core::kv::KvError> {
/// let dir = tempfile::tempdir()?;
/// let backend = RocksDbBackend::open(dir.path())?;
/// let mut batch = WriteBatch::new();
/// batch.put(Keyspace::Meta, b"version".to_vec(), b"1".to_vec());
/// backend.write(batch, Durability::Buffered)?;
/// let snapshot = backend.snapshot()?;
/// assert_eq!(snapshot.get(Keyspace::Meta, b"version")?, Some(b"1".to_vec()));
/// # Ok(())
/// # }
/// ```
pub struct RocksDbBackend {
    db: DB,
    path: PathBuf,
    /// Options of each keyspace's column family, indexed by [`Keyspace::index`]: table files
    /// written for ingestion must be built with the same filters, prefix extractor and compression.
    keyspace_options: Vec<Options>,
    ingest_dir: PathBuf,
    next_ingest_file: AtomicU64,
    options: RocksDbOptions,
}

impl RocksDbBackend {
    /// Opens the store in directory `path` with [`RocksDbOptions::default`], creating it if
    /// missing.
    ///
    /// # Errors
    /// Fails if the directory cannot be created or read, holds something other than a RocksDB
    /// store, or is already open (in this or another process).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, KvError> {
        Self::open_with(path, RocksDbOptions::default())
    }

    /// Opens the store in directory `path` with the given tuning.
    ///
    /// Every keyspace gets its column family, created if missing. Column families this version
    /// does not know (written by a newer version) are opened with default options and left alone.
    ///
    /// # Errors
    /// Fails if the directory cannot be created or read, holds something other than a RocksDB
    /// store, is already open (in this or another process), or is missing while
    /// [`RocksDbOptions::create_if_missing`] is off.
    pub fn open_with(path: impl AsRef<Path>, options: RocksDbOptions) -> Result<Self, KvError> {
        let path = path.as_ref().to_path_buf();
        // RocksDB's lock-free clock cache (entry size estimated automatically): concurrent
        // queries do not queue on an LRU shard's mutex at every block they read.
        let cache = Cache::new_hyper_clock_cache(options.block_cache_bytes, 0);
        let db_options = options.db_options();
        let keyspace_options: Vec<Options> = Keyspace::ALL
            .iter()
            .map(|&keyspace| options.keyspace_options(keyspace, &cache))
            .collect();

        let mut descriptors: Vec<ColumnFamilyDescriptor> = Keyspace::ALL
            .iter()
            .zip(&keyspace_options)
            .map(|(keyspace, cf_options)| {
                ColumnFamilyDescriptor::new(keyspace.name(), cf_options.clone())
            })
            .collect();
        for name in existing_column_families(&db_options, &path)? {
            let known = name == DEFAULT_COLUMN_FAMILY_NAME
                || Keyspace::ALL.iter().any(|keyspace| keyspace.name() == name);
            if !known {
                descriptors.push(ColumnFamilyDescriptor::new(name, Options::default()));
            }
        }

        let db = DB::open_cf_descriptors(&db_options, &path, descriptors).map_err(from_rocksdb)?;

        let ingest_dir = path.join(INGEST_DIR);
        match fs::remove_dir_all(&ingest_dir) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error.into()),
            _ => {}
        }

        Ok(Self {
            db,
            path,
            keyspace_options,
            ingest_dir,
            next_ingest_file: AtomicU64::new(0),
            options,
        })
    }

    /// The directory the store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The tuning the store was opened with.
    pub fn options(&self) -> &RocksDbOptions {
        &self.options
    }

    /// Bytes of table files of one keyspace (live and not yet deleted), for size reports.
    pub fn keyspace_size(&self, keyspace: Keyspace) -> Option<u64> {
        self.int_property(keyspace, "rocksdb.total-sst-files-size")
            .ok()
            .flatten()
    }

    /// Bytes that compactions still have to rewrite before the tree is in shape, summed over
    /// keyspaces: a measure of compaction lag for health reports.
    pub fn pending_compaction_bytes(&self) -> Option<u64> {
        Keyspace::ALL
            .iter()
            .map(|&keyspace| {
                self.int_property(keyspace, "rocksdb.estimate-pending-compaction-bytes")
                    .ok()
                    .flatten()
            })
            .sum()
    }

    /// An estimate of the memory RocksDB holds: memtables and table readers of every keyspace,
    /// and the shared block cache.
    pub fn memory_usage(&self) -> Option<u64> {
        let per_keyspace: Option<u64> = Keyspace::ALL
            .iter()
            .map(|&keyspace| {
                let property = |name| self.int_property(keyspace, name).ok().flatten();
                Some(
                    property("rocksdb.cur-size-all-mem-tables")?
                        + property("rocksdb.estimate-table-readers-mem")?,
                )
            })
            .sum();
        // The block cache is shared: every column family reports the same usage.
        let cache = self
            .int_property(Keyspace::Meta, "rocksdb.block-cache-usage")
            .ok()
            .flatten()
            .unwrap_or(0);
        per_keyspace.map(|bytes| bytes + cache)
    }

    /// An integer RocksDB property of one keyspace's column family, such as
    /// `"rocksdb.estimate-num-keys"` or `"rocksdb.num-running-compactions"`.
    ///
    /// Returns `Ok(None)` for properties RocksDB does not know or that are not integers.
    ///
    /// # Errors
    /// Fails if `property` contains a NUL byte or RocksDB cannot compute it.
    pub fn int_property(&self, keyspace: Keyspace, property: &str) -> Result<Option<u64>, KvError> {
        let cf = self.column_family(keyspace)?;
        self.db
            .property_int_value_cf(cf, property)
            .map_err(from_rocksdb)
    }

    pub(crate) fn db(&self) -> &DB {
        &self.db
    }

    /// The column family of `keyspace`; all of them exist once the store is open.
    pub(crate) fn column_family(&self, keyspace: Keyspace) -> Result<&ColumnFamily, KvError> {
        self.db
            .cf_handle(keyspace.name())
            .ok_or_else(|| KvError::backend(NAME, format!("column family {keyspace} is missing")))
    }

    fn column_families(&self) -> Result<Vec<&ColumnFamily>, KvError> {
        Keyspace::ALL
            .iter()
            .map(|&keyspace| self.column_family(keyspace))
            .collect()
    }

    /// Sizes of the write-ahead log files.
    fn wal_size(&self) -> io::Result<u64> {
        let mut total = 0;
        for entry in fs::read_dir(&self.path)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().ends_with(".log") {
                total += entry.metadata()?.len();
            }
        }
        Ok(total)
    }
}

/// Column families of the store at `path`, or none when there is no store yet.
fn existing_column_families(options: &Options, path: &Path) -> Result<Vec<String>, KvError> {
    if path.join("CURRENT").exists() {
        DB::list_cf(options, path).map_err(from_rocksdb)
    } else {
        Ok(Vec::new())
    }
}

impl fmt::Debug for RocksDbBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RocksDbBackend")
            .field("path", &self.path)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl KvBackend for RocksDbBackend {
    type Snapshot<'a> = RocksDbSnapshot<'a>;

    fn name(&self) -> &'static str {
        NAME
    }

    fn snapshot(&self) -> Result<RocksDbSnapshot<'_>, KvError> {
        Ok(RocksDbSnapshot::new(self))
    }

    fn write(&self, batch: WriteBatch, durability: Durability) -> Result<(), KvError> {
        // One RocksDB batch spans column families and goes through the WAL as one record, which
        // makes it atomic across keyspaces, crashes included.
        let mut rocks_batch = rocksdb::WriteBatch::default();
        for op in batch.into_ops() {
            match op {
                WriteOp::Put {
                    keyspace,
                    key,
                    value,
                } => rocks_batch.put_cf(self.column_family(keyspace)?, key, value),
                WriteOp::Delete { keyspace, key } => {
                    rocks_batch.delete_cf(self.column_family(keyspace)?, key);
                }
                WriteOp::PutSorted { keyspace, run } => {
                    let column_family = self.column_family(keyspace)?;
                    for (key, value) in run.iter() {
                        rocks_batch.put_cf(column_family, key, value);
                    }
                }
            }
        }
        let mut write_options = WriteOptions::default();
        write_options.set_sync(durability == Durability::Sync);
        self.db
            .write_opt(rocks_batch, &write_options)
            .map_err(from_rocksdb)
    }

    /// Builds table files from `entries` and ingests them, which bypasses the memtable, the WAL
    /// and most compaction work; inputs under [`RocksDbOptions::min_ingest_entries`] take the
    /// write path instead.
    ///
    /// Ingested entries get a sequence number above every existing write, so they overwrite
    /// existing keys, and snapshots taken before the call do not see them. The files are synced
    /// before they are ingested: entries are durable once the call returns.
    fn ingest_sorted(&self, keyspace: Keyspace, entries: SortedRun) -> Result<(), KvError> {
        self.ingest_sorted_when(keyspace, entries, &|| Ok(()))
    }

    /// Builds the table files, then waits for `ready`, then ingests them: building (sorting out
    /// blocks, compressing) is most of the work, and it overlaps with what `ready` waits for.
    fn ingest_sorted_when(
        &self,
        keyspace: Keyspace,
        entries: SortedRun,
        ready: &dyn Fn() -> Result<(), KvError>,
    ) -> Result<(), KvError> {
        if entries.is_empty() {
            return ready();
        }
        if entries.len() < self.options.min_ingest_entries {
            let mut batch = WriteBatch::new();
            for (key, value) in entries.iter() {
                batch.put(keyspace, key, value);
            }
            ready()?;
            return self.write(batch, Durability::Buffered);
        }
        let cf = self.column_family(keyspace)?;
        let id = self.next_ingest_file.fetch_add(1, Ordering::Relaxed);
        let files = ingest::TableFiles {
            options: &self.keyspace_options[keyspace.index()],
            dir: &self.ingest_dir,
            stem: format!("{}-{id}", keyspace.name()),
            target_bytes: self.options.target_file_size_bytes,
        };
        ingest::ingest(&self.db, cf, &files, &entries, ready)
    }

    /// Writes a RocksDB checkpoint: table files are hard-linked where the file system allows it
    /// (so a checkpoint on the same file system is cheap), the rest is copied. The result opens
    /// with [`RocksDbBackend::open`].
    ///
    /// # Errors
    /// Fails if `target` already exists or cannot be written.
    fn checkpoint(&self, target: &Path) -> Result<(), KvError> {
        Checkpoint::new(&self.db)
            .and_then(|checkpoint| checkpoint.create_checkpoint(target))
            .map_err(from_rocksdb)
    }

    /// Table files of every keyspace plus the write-ahead log. Memtables, the info log and the
    /// OPTIONS files are not counted.
    fn approximate_size(&self) -> Option<u64> {
        let tables: Option<u64> = Keyspace::ALL
            .iter()
            .map(|&keyspace| self.keyspace_size(keyspace))
            .sum();
        Some(tables? + self.wal_size().ok()?)
    }

    /// Compacts every keyspace down to its last level, rewriting that level too so deleted and
    /// overwritten entries are dropped and everything ends up under ZSTD.
    fn compact(&self) -> Result<(), KvError> {
        let mut compact_options = CompactOptions::default();
        compact_options.set_bottommost_level_compaction(BottommostLevelCompaction::ForceOptimized);
        for cf in self.column_families()? {
            self.db
                .compact_range_cf_opt(cf, None::<&[u8]>, None::<&[u8]>, &compact_options);
        }
        Ok(())
    }

    /// Flushes every memtable to table files and syncs the write-ahead log.
    fn flush(&self) -> Result<(), KvError> {
        let mut flush_options = FlushOptions::default();
        flush_options.set_wait(true);
        self.db
            .flush_cfs_opt(&self.column_families()?, &flush_options)
            .map_err(from_rocksdb)?;
        self.db.flush_wal(true).map_err(from_rocksdb)
    }
}
