//! Tuning knobs, presets, and how they turn into RocksDB options per keyspace.

use rocksdb::{
    BlockBasedIndexType, BlockBasedOptions, Cache, DBCompressionType, LogLevel, Options,
    SliceTransform,
};
use trine_core::kv::Keyspace;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// Memtable size of the small keyspaces (meta, graphs, statistics): they take a few writes per
/// batch and never grow large, so a full-size memtable would only hold WAL files back.
const SMALL_WRITE_BUFFER_BYTES: usize = 4 * MIB;

/// Tuning of a [`RocksDbBackend`](crate::RocksDbBackend).
///
/// Start from a preset ([`default`](Self::default), [`bulk_load`](Self::bulk_load),
/// [`low_memory`](Self::low_memory)) and change fields as needed:
///
/// ```
/// use trine_backend_rocksdb::RocksDbOptions;
///
/// let mut options = RocksDbOptions::low_memory();
/// options.block_cache_bytes = 16 << 20;
/// ```
///
/// Fields that shape files on disk (block size, filters, prefix lengths) only apply to files
/// written after the store is opened with them; a store can be reopened with any preset.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RocksDbOptions {
    /// Create the directory and an empty store when `path` holds none. Default `true`.
    pub create_if_missing: bool,
    /// Capacity of the block cache shared by every keyspace, in bytes. It also holds index and
    /// filter blocks, so it bounds the read-side memory of the whole store.
    pub block_cache_bytes: usize,
    /// Memtable size of each large keyspace (the six quad indexes and the two dictionary tables).
    pub write_buffer_bytes: usize,
    /// Cap on memtables across all keyspaces; reaching it flushes the largest. `0` disables the
    /// cap.
    pub total_write_buffer_bytes: usize,
    /// WAL size at which the keyspaces holding the oldest WAL file back are flushed.
    pub max_total_wal_bytes: u64,
    /// Background flush and compaction threads.
    pub max_background_jobs: i32,
    /// Table files kept open; `-1` keeps all of them open (fastest, one descriptor per file).
    pub max_open_files: i32,
    /// Uncompressed size of a data block, in bytes. Larger blocks compress better and shrink the
    /// index; smaller ones make point reads cheaper.
    pub block_size: usize,
    /// Bloom filter bits per filtered key (about 1 % false positives at 10): key prefixes in the
    /// quad indexes, whole keys in the term → id table and the small keyspaces; the id → term
    /// table has none. `0.0` disables filters.
    pub bloom_bits_per_key: f64,
    /// Skip filters on the last level of the quad indexes, which holds about 90 % of their keys.
    ///
    /// Saves about a byte per distinct subject and object on disk and in the block cache; seeks
    /// for an absent prefix then read a data block.
    pub optimize_filters_for_hits: bool,
    /// Number of level-0 files that triggers a compaction.
    pub level0_file_num_compaction_trigger: i32,
    /// Number of level-0 files at which writes are slowed down.
    pub level0_slowdown_writes_trigger: i32,
    /// Number of level-0 files at which writes stop until compaction catches up.
    pub level0_stop_writes_trigger: i32,
    /// Target size of a table file in level 1 and of the files [`ingest_sorted`] writes, in bytes.
    ///
    /// [`ingest_sorted`]: trine_core::kv::KvBackend::ingest_sorted
    pub target_file_size_bytes: u64,
    /// Smallest input for which `ingest_sorted` builds table files; smaller inputs go through an
    /// ordinary write batch, because tiny table files cost more than they save.
    pub min_ingest_entries: usize,
}

impl Default for RocksDbOptions {
    /// Balanced settings for a server: a 256 MiB block cache and 64 MiB memtables.
    fn default() -> Self {
        Self {
            create_if_missing: true,
            block_cache_bytes: 256 * MIB,
            write_buffer_bytes: 64 * MIB,
            total_write_buffer_bytes: 512 * MIB,
            max_total_wal_bytes: 512 * MIB as u64,
            max_background_jobs: default_background_jobs(),
            max_open_files: -1,
            block_size: 16 * KIB,
            bloom_bits_per_key: 10.0,
            optimize_filters_for_hits: false,
            level0_file_num_compaction_trigger: 4,
            level0_slowdown_writes_trigger: 20,
            level0_stop_writes_trigger: 36,
            target_file_size_bytes: 64 * MIB as u64,
            min_ingest_entries: 4096,
        }
    }
}

impl RocksDbOptions {
    /// For loading large datasets: big memtables, more level-0 files tolerated before writes are
    /// throttled, larger table files.
    ///
    /// Bulk loads should go through `ingest_sorted`, which bypasses memtables and the WAL; these
    /// settings help the writes that do not (dictionary inserts, statistics). The block cache is
    /// small (128 MiB): a load reads only dictionary entries its own term cache misses, and a
    /// larger cache only raised the peak memory of long loads (512 MiB took a 10 M-triple load
    /// past 1.1 GB) at the same speed.
    #[must_use]
    pub fn bulk_load() -> Self {
        Self {
            block_cache_bytes: 128 * MIB,
            write_buffer_bytes: 256 * MIB,
            total_write_buffer_bytes: 1024 * MIB,
            max_total_wal_bytes: 1024 * MIB as u64,
            level0_file_num_compaction_trigger: 8,
            level0_slowdown_writes_trigger: 48,
            level0_stop_writes_trigger: 64,
            target_file_size_bytes: 128 * MIB as u64,
            min_ingest_entries: 1024,
            ..Self::default()
        }
    }

    /// For small machines and embedded use: a 32 MiB cache, 8 MiB memtables, two background
    /// threads, bounded open files, and no last-level filters on the quad indexes.
    #[must_use]
    pub fn low_memory() -> Self {
        Self {
            block_cache_bytes: 32 * MIB,
            write_buffer_bytes: 8 * MIB,
            total_write_buffer_bytes: 48 * MIB,
            max_total_wal_bytes: 64 * MIB as u64,
            max_background_jobs: 2,
            max_open_files: 256,
            block_size: 32 * KIB,
            optimize_filters_for_hits: true,
            target_file_size_bytes: 32 * MIB as u64,
            ..Self::default()
        }
    }

    /// Options of the database as a whole (they also serve the unused `default` column family).
    pub(crate) fn db_options(&self) -> Options {
        let mut options = Options::default();
        options.create_if_missing(self.create_if_missing);
        options.create_missing_column_families(true);
        options.set_max_background_jobs(self.max_background_jobs);
        options.set_max_open_files(self.max_open_files);
        options.set_max_total_wal_size(self.max_total_wal_bytes);
        options.set_db_write_buffer_size(self.total_write_buffer_bytes);
        // Spread file writes out instead of one large fsync at the end of each flush.
        options.set_bytes_per_sync(MIB as u64);
        // The info log is for operators; keep a bounded amount of it.
        options.set_log_level(LogLevel::Info);
        options.set_keep_log_file_num(3);
        options.set_max_log_file_size(8 * MIB);
        options
    }

    /// Options of the column family that stores `keyspace`.
    pub(crate) fn keyspace_options(&self, keyspace: Keyspace, cache: &Cache) -> Options {
        let large =
            keyspace.is_quad_index() || matches!(keyspace, Keyspace::IdToTerm | Keyspace::TermToId);

        let mut table = BlockBasedOptions::default();
        table.set_block_cache(cache);
        table.set_block_size(self.block_size);
        // format_version stays at RocksDB's default (7 in RocksDB 11), as RocksDB recommends, so
        // improvements arrive with upgrades; files record their own version.
        // Ids are only looked up after being read from an index, so id → term lookups always hit
        // and a filter would never save a read.
        if self.bloom_bits_per_key > 0.0 && keyspace != Keyspace::IdToTerm {
            // Bloom filters: Ribbon filters are about 30 % smaller but building them took 9 % of a
            // bulk load's CPU.
            table.set_bloom_filter(self.bloom_bits_per_key, false);
        }
        if keyspace.is_quad_index() {
            // The quad indexes' filters hold key prefixes only (see `prefix_len`), which is what
            // seeks consult. Whole keys would add a filter entry per quad (4.9 of 17 MB of GSPO at
            // BSBM(10000)) for the one read that uses them, a lookup of a whole quad, which the
            // prefix filter still answers for an absent subject, predicate or object.
            table.set_whole_key_filtering(false);
        }
        // Index and filter blocks live in the block cache, so its capacity bounds read memory;
        // level-0 ones are pinned and evicted last because every read consults them.
        table.set_cache_index_and_filter_blocks(true);
        table.set_cache_index_and_filter_blocks_with_high_priority(true);
        table.set_pin_l0_filter_and_index_blocks_in_cache(true);
        if large && !keyspace.is_quad_index() {
            // Partitioned index and filters for the dictionary tables: a large table file's
            // whole-key filter is loaded in small pieces instead of one multi-megabyte block that
            // would churn the cache. The quad indexes' index blocks (about 1.4 % of their data)
            // and prefix filters are small, and kept whole a seek reads one index block instead
            // of a top level and a partition: LUBM(10) Q2, a chain of seeks, 12 % faster, BSBM
            // explore queries 5-15 %.
            table.set_index_type(BlockBasedIndexType::TwoLevelIndexSearch);
            table.set_partition_filters(true);
            table.set_metadata_block_size(4 * KIB);
            table.set_pin_top_level_index_and_filter(true);
        }

        let mut options = Options::default();
        options.set_block_based_table_factory(&table);
        // LZ4 is cheap enough for the upper levels, which are rewritten often; ZSTD on the last
        // level, which holds most of the data and is rewritten least.
        options.set_compression_type(DBCompressionType::Lz4);
        options.set_bottommost_compression_type(DBCompressionType::Zstd);
        options.set_level_compaction_dynamic_level_bytes(true);
        options.set_level_zero_file_num_compaction_trigger(self.level0_file_num_compaction_trigger);
        options.set_level_zero_slowdown_writes_trigger(self.level0_slowdown_writes_trigger);
        options.set_level_zero_stop_writes_trigger(self.level0_stop_writes_trigger);
        options.set_target_file_size_base(self.target_file_size_bytes);
        options.set_write_buffer_size(if large {
            self.write_buffer_bytes
        } else {
            SMALL_WRITE_BUFFER_BYTES.min(self.write_buffer_bytes)
        });

        if let Some(len) = prefix_len(keyspace) {
            options.set_prefix_extractor(SliceTransform::create_fixed_prefix(len));
            // A small prefix bloom in the memtable answers seeks for absent prefixes there too.
            options.set_memtable_prefix_bloom_ratio(0.05);
            options.set_optimize_filters_for_hits(self.optimize_filters_for_hits);
        }
        options
    }
}

/// Length of the fixed key prefix whose bloom filter serves seeks in `keyspace`.
///
/// Quad index keys are four big-endian u64. In the graph-first indexes the graph is nearly always
/// bound (and is the same 0 for every default-graph quad), so the useful prefix is graph plus the
/// next term; the named-graph indexes start with the term a `GRAPH ?g` pattern binds.
pub(crate) fn prefix_len(keyspace: Keyspace) -> Option<usize> {
    match keyspace {
        Keyspace::Gspo | Keyspace::Gpos | Keyspace::Gosp => Some(16),
        Keyspace::Spog | Keyspace::Posg | Keyspace::Ospg => Some(8),
        _ => None,
    }
}

/// Background threads: the available cores, at least 2 (a flush must never wait for a compaction),
/// at most 8.
fn default_background_jobs() -> i32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    i32::try_from(cores.clamp(2, 8)).unwrap_or(2)
}
