//! [`KvBackend`](trine_core::kv::KvBackend) for the Trine quad store on [redb](https://www.redb.org).
//!
//! [`RedbBackend`] keeps the store in one redb file, in memory, or in any redb
//! [`StorageBackend`]. It builds for native targets, `wasm32-wasip2` (files through WASI) and
//! `wasm32-unknown-unknown`, where there is no file system: there only
//! [`RedbBackend::in_memory`] and [`RedbBackend::with_storage`] exist, and checkpoints are
//! unsupported.
//!
//! Layout: each [`Keyspace`](trine_core::kv::Keyspace) is a redb table named by
//! [`Keyspace::name`](trine_core::kv::Keyspace::name), with byte-string keys and values in
//! bytewise order. A checkpoint is a directory holding one redb file, [`CHECKPOINT_FILE`], with
//! the same tables.
//!
//! What a crash can lose depends on the durability of each write: see
//! [Durability](RedbBackend#durability).
//!
//! ```
//! use trine_backend_redb::RedbBackend;
//! use trine_core::kv::{Durability, KeyRange, KvBackend, KvCursor, KvSnapshot, Keyspace, WriteBatch};
//!
//! let backend = RedbBackend::in_memory()?;
//! let mut batch = WriteBatch::new();
//! for key in [b"b", b"a", b"c"] {
//!     batch.put(Keyspace::Gspo, key.to_vec(), Vec::new());
//! }
//! backend.write(batch, Durability::Sync)?;
//!
//! let snapshot = backend.snapshot()?;
//! let mut cursor = snapshot.cursor(Keyspace::Gspo, KeyRange::all())?;
//! cursor.seek(b"b")?;
//! assert_eq!(cursor.key(), Some(&b"b"[..]));
//! cursor.advance()?;
//! assert_eq!(cursor.key(), Some(&b"c"[..]));
//! # Ok::<(), trine_core::kv::KvError>(())
//! ```

mod backend;
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
mod checkpoint;
mod error;
mod options;
mod snapshot;
mod tracked_storage;

pub use backend::RedbBackend;
#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub use checkpoint::CHECKPOINT_FILE;
pub use options::{
    DEFAULT_CACHE_SIZE, DEFAULT_SYNC_EVERY_BYTES, DEFAULT_SYNC_EVERY_COMMITS, IN_MEMORY_CACHE_SIZE,
    RedbOptions,
};
/// The byte-level storage contract a medium implements for [`RedbBackend::with_storage`].
pub use redb::StorageBackend;
pub use snapshot::{RedbCursor, RedbSnapshot};
