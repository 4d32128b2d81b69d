//! A type-erased backend, so a program can pick its storage at run time (from a location string,
//! say) and still have one `Store` type.
//!
//! The store stays generic where speed matters; erasing the backend costs one virtual call per
//! cursor step, which a server or CLI choosing its backend by configuration accepts.
//!
//! ```
//! use trine_core::{Store, kv::{DynBackend, KvBackend, MemoryBackend}};
//!
//! let store: Store<DynBackend> = Store::open(DynBackend::new(MemoryBackend::new()))?;
//! assert_eq!(store.backend().name(), "memory");
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;
use std::sync::Arc;

use super::Durability;
use super::{KeyRange, Keyspace, KvBackend, KvCursor, KvError, KvSnapshot, SortedRun, WriteBatch};

/// Any [`KvBackend`], behind a box.
pub struct DynBackend(Box<dyn ErasedBackend>);

impl DynBackend {
    /// Erases `backend`'s type.
    pub fn new(backend: impl KvBackend + 'static) -> Self {
        Self(Box::new(backend))
    }
}

impl std::fmt::Debug for DynBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DynBackend").field(&self.0.name()).finish()
    }
}

/// The object-safe face of a [`KvBackend`].
trait ErasedBackend: Send + Sync {
    fn name(&self) -> &'static str;
    fn snapshot(&self) -> Result<DynSnapshot<'_>, KvError>;
    fn write(&self, batch: WriteBatch, durability: Durability) -> Result<(), KvError>;
    fn ingest_sorted(&self, keyspace: Keyspace, run: SortedRun) -> Result<(), KvError>;
    fn ingest_sorted_when(
        &self,
        keyspace: Keyspace,
        run: SortedRun,
        ready: &dyn Fn() -> Result<(), KvError>,
    ) -> Result<(), KvError>;
    fn checkpoint(&self, target: &Path) -> Result<(), KvError>;
    fn approximate_size(&self) -> Option<u64>;
    fn compact(&self) -> Result<(), KvError>;
    fn flush(&self) -> Result<(), KvError>;
}

impl<B: KvBackend> ErasedBackend for B {
    fn name(&self) -> &'static str {
        KvBackend::name(self)
    }

    fn snapshot(&self) -> Result<DynSnapshot<'_>, KvError> {
        Ok(DynSnapshot(Box::new(KvBackend::snapshot(self)?)))
    }

    fn write(&self, batch: WriteBatch, durability: Durability) -> Result<(), KvError> {
        KvBackend::write(self, batch, durability)
    }

    fn ingest_sorted(&self, keyspace: Keyspace, run: SortedRun) -> Result<(), KvError> {
        KvBackend::ingest_sorted(self, keyspace, run)
    }

    fn ingest_sorted_when(
        &self,
        keyspace: Keyspace,
        run: SortedRun,
        ready: &dyn Fn() -> Result<(), KvError>,
    ) -> Result<(), KvError> {
        KvBackend::ingest_sorted_when(self, keyspace, run, ready)
    }

    fn checkpoint(&self, target: &Path) -> Result<(), KvError> {
        KvBackend::checkpoint(self, target)
    }

    fn approximate_size(&self) -> Option<u64> {
        KvBackend::approximate_size(self)
    }

    fn compact(&self) -> Result<(), KvError> {
        KvBackend::compact(self)
    }

    fn flush(&self) -> Result<(), KvError> {
        KvBackend::flush(self)
    }
}

impl KvBackend for DynBackend {
    type Snapshot<'a> = DynSnapshot<'a>;

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

    fn ingest_sorted_when(
        &self,
        keyspace: Keyspace,
        run: SortedRun,
        ready: &dyn Fn() -> Result<(), KvError>,
    ) -> Result<(), KvError> {
        self.0.ingest_sorted_when(keyspace, run, ready)
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

/// A snapshot of a [`DynBackend`].
pub struct DynSnapshot<'a>(Box<dyn ErasedSnapshot + 'a>);

trait ErasedSnapshot {
    fn get(&self, keyspace: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, KvError>;
    fn contains(&self, keyspace: Keyspace, key: &[u8]) -> Result<bool, KvError>;
    fn cursor(&self, keyspace: Keyspace, range: KeyRange) -> Result<DynCursor<'_>, KvError>;
    fn seek_cursor(&self, keyspace: Keyspace) -> Result<DynCursor<'_>, KvError>;
}

impl<S: KvSnapshot> ErasedSnapshot for S {
    fn get(&self, keyspace: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        KvSnapshot::get(self, keyspace, key)
    }

    fn contains(&self, keyspace: Keyspace, key: &[u8]) -> Result<bool, KvError> {
        KvSnapshot::contains(self, keyspace, key)
    }

    fn cursor(&self, keyspace: Keyspace, range: KeyRange) -> Result<DynCursor<'_>, KvError> {
        Ok(DynCursor(Box::new(KvSnapshot::cursor(
            self, keyspace, range,
        )?)))
    }

    fn seek_cursor(&self, keyspace: Keyspace) -> Result<DynCursor<'_>, KvError> {
        Ok(DynCursor(Box::new(KvSnapshot::seek_cursor(
            self, keyspace,
        )?)))
    }
}

impl KvSnapshot for DynSnapshot<'_> {
    type Cursor<'c>
        = DynCursor<'c>
    where
        Self: 'c;

    fn get(&self, keyspace: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        self.0.get(keyspace, key)
    }

    fn contains(&self, keyspace: Keyspace, key: &[u8]) -> Result<bool, KvError> {
        self.0.contains(keyspace, key)
    }

    fn cursor(&self, keyspace: Keyspace, range: KeyRange) -> Result<Self::Cursor<'_>, KvError> {
        self.0.cursor(keyspace, range)
    }

    fn seek_cursor(&self, keyspace: Keyspace) -> Result<Self::Cursor<'_>, KvError> {
        self.0.seek_cursor(keyspace)
    }
}

/// A cursor of a [`DynSnapshot`].
pub struct DynCursor<'c>(Box<dyn KvCursor + 'c>);

impl KvCursor for DynCursor<'_> {
    fn key(&self) -> Option<&[u8]> {
        self.0.key()
    }

    fn value(&self) -> Option<&[u8]> {
        self.0.value()
    }

    fn advance(&mut self) -> Result<(), KvError> {
        self.0.advance()
    }

    fn seek(&mut self, key: &[u8]) -> Result<(), KvError> {
        self.0.seek(key)
    }
}

/// A shared backend is a backend: a program can keep a typed handle (for properties only that
/// backend has) while a store owns another, erased or not.
impl<B: KvBackend> KvBackend for Arc<B> {
    type Snapshot<'a>
        = B::Snapshot<'a>
    where
        Self: 'a;

    fn name(&self) -> &'static str {
        (**self).name()
    }

    fn snapshot(&self) -> Result<Self::Snapshot<'_>, KvError> {
        (**self).snapshot()
    }

    fn write(&self, batch: WriteBatch, durability: Durability) -> Result<(), KvError> {
        (**self).write(batch, durability)
    }

    fn ingest_sorted(&self, keyspace: Keyspace, run: SortedRun) -> Result<(), KvError> {
        (**self).ingest_sorted(keyspace, run)
    }

    fn ingest_sorted_when(
        &self,
        keyspace: Keyspace,
        run: SortedRun,
        ready: &dyn Fn() -> Result<(), KvError>,
    ) -> Result<(), KvError> {
        (**self).ingest_sorted_when(keyspace, run, ready)
    }

    fn checkpoint(&self, target: &Path) -> Result<(), KvError> {
        (**self).checkpoint(target)
    }

    fn approximate_size(&self) -> Option<u64> {
        (**self).approximate_size()
    }

    fn compact(&self) -> Result<(), KvError> {
        (**self).compact()
    }

    fn flush(&self) -> Result<(), KvError> {
        (**self).flush()
    }
}
