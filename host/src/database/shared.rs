//! A backend shared between the store and the host's reports.

use std::path::Path;
use std::sync::Arc;

use trine_core::kv::{Durability, Keyspace, KvBackend, KvError, SortedRun, WriteBatch};

/// A backend behind an [`Arc`], so the host keeps a typed handle (for RocksDB's compaction and
/// size properties) while the store owns the type-erased one.
pub(crate) struct Shared<B>(pub(crate) Arc<B>);

impl<B: KvBackend> KvBackend for Shared<B> {
    type Snapshot<'a>
        = B::Snapshot<'a>
    where
        Self: 'a;

    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn snapshot(&self) -> Result<Self::Snapshot<'_>, KvError> {
        self.0.snapshot()
    }

    fn write(&self, batch: WriteBatch, durability: Durability) -> Result<(), KvError> {
        self.0.write(batch, durability)
    }

    fn ingest_sorted(&self, keyspace: Keyspace, run: SortedRun) -> Result<(), KvError> {
        self.0.ingest_sorted(keyspace, run)
    }

    fn checkpoint(&self, target: &Path) -> Result<(), KvError> {
        self.0.checkpoint(target)
    }

    fn approximate_size(&self) -> Option<u64> {
        self.0.approximate_size()
    }

    fn compact(&self) -> Result<(), KvError> {
        self.0.compact()
    }

    fn flush(&self) -> Result<(), KvError> {
        self.0.flush()
    }
}
