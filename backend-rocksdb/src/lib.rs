//! A [`KvBackend`](trine_core::kv::KvBackend) on RocksDB, Trine's production backend.
//!
//! Each [`Keyspace`](trine_core::kv::Keyspace) is a column family with options that fit its keys:
//!
//! - the six quad indexes (32-byte keys, values of at most one byte) get a fixed-prefix extractor
//!   and Bloom filters of those prefixes, so seeks inside one subject, predicate or object skip
//!   files that cannot hold it;
//! - the term → id table gets a filter of whole keys; the id → term table none, since every id it
//!   is asked for exists;
//! - everything is LZ4-compressed in the upper levels and ZSTD-compressed in the last one, in
//!   16 KiB blocks with prefix-delta-encoded keys, which is what keeps a triple small on disk;
//! - one block cache (RocksDB's clock cache), holding data, index and filter blocks, bounds read
//!   memory.
//!
//! Snapshots are RocksDB snapshots; cursors are raw iterators bounded to their range. Write
//! batches are RocksDB write batches across column families, atomic through the WAL.
//! [`ingest_sorted`](trine_core::kv::KvBackend::ingest_sorted) builds table files and ingests
//! them, and [`checkpoint`](trine_core::kv::KvBackend::checkpoint) is a RocksDB checkpoint.
//!
//! ```
//! use trine_backend_rocksdb::{RocksDbBackend, RocksDbOptions};
//! use trine_core::kv::{KeyRange, KvBackend, KvCursor, KvSnapshot, Keyspace, SortedRun};
//!
//! # fn main() -> Result<(), trine_core::kv::KvError> {
//! let dir = tempfile::tempdir()?;
//! let backend = RocksDbBackend::open_with(dir.path(), RocksDbOptions::bulk_load())?;
//! let run: SortedRun = (0u64..3).map(|i| (i.to_be_bytes(), [])).collect();
//! backend.ingest_sorted(Keyspace::Graphs, run)?;
//!
//! let snapshot = backend.snapshot()?;
//! let mut cursor = snapshot.cursor(Keyspace::Graphs, KeyRange::all())?;
//! let mut count = 0;
//! while cursor.key().is_some() {
//!     count += 1;
//!     cursor.advance()?;
//! }
//! assert_eq!(count, 3);
//! # Ok(())
//! # }
//! ```

mod backend;
mod error;
mod ingest;
mod options;
mod snapshot;

pub use backend::RocksDbBackend;
pub use options::RocksDbOptions;
pub use snapshot::{RocksDbCursor, RocksDbSnapshot};

#[cfg(test)]
mod footprint_tests;
#[cfg(test)]
mod tests;
