//! The byte-level storage contract every backend implements.
//!
//! A [`KvBackend`] holds a fixed set of [`Keyspace`]s, each an ordered map from byte keys to byte values.
//! Reads go through a [`KvSnapshot`], a consistent point-in-time view that never sees later writes;
//! [`KvCursor`]s walk a key range in order and can [`seek`](KvCursor::seek) forward, which merge and
//! leapfrog joins need. Writes are [`WriteBatch`]es applied all-or-nothing.
//!
//! Everything with meaning (term encoding, the dictionary, quad indexes, statistics, transactions) lives
//! above this trait, so a new medium only has to honour this small contract.
//! `trine_tests::conformance::run` checks an implementation against it.

mod backend;
mod batch;
mod dynamic;
mod error;
mod journal;
mod keyspace;
mod memory;
pub(crate) mod merge;
pub(crate) mod order;
mod sorted_run;

pub use backend::{Durability, KvBackend, KvCursor, KvSnapshot};
pub use batch::{WriteBatch, WriteOp};
pub use dynamic::{DynBackend, DynCursor, DynSnapshot};
pub use error::KvError;
#[cfg(unix)]
pub use journal::StdFile;
pub use journal::{JournalBackend, JournalFile};
pub use keyspace::Keyspace;
pub use memory::{MemoryBackend, MemoryCursor, MemorySnapshot};
pub use merge::{KeyRange, Overlay, OverlayCursor};
pub use sorted_run::SortedRun;
