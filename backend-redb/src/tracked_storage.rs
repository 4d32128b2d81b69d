use std::fmt;
use std::io;
use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use redb::{BackendError, StorageBackend};

/// A redb storage that reports its length to the backend that owns the database.
///
/// redb takes its storage by value, so without this the size of an in-memory (or caller-given)
/// store could not be read back for
/// [`KvBackend::approximate_size`](trine_core::kv::KvBackend::approximate_size).
/// Every method delegates, the optional lock methods included.
pub(crate) struct TrackedStorage<S> {
    inner: S,
    len: Arc<AtomicU64>,
}

impl<S: StorageBackend> TrackedStorage<S> {
    /// Wraps `inner`; the handle follows its length.
    pub(crate) fn new(inner: S) -> (Self, Arc<AtomicU64>) {
        // A storage that cannot tell its length yet will report it on the first `set_len`.
        let len = Arc::new(AtomicU64::new(inner.len().unwrap_or(0)));
        let storage = Self {
            inner,
            len: Arc::clone(&len),
        };
        (storage, len)
    }
}

// Hand-written, as redb's own, so that logging never dumps database bytes.
impl<S> fmt::Debug for TrackedStorage<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrackedStorage")
            .field("len", &self.len.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<S: StorageBackend> StorageBackend for TrackedStorage<S> {
    fn len(&self) -> Result<u64, io::Error> {
        self.inner.len()
    }

    fn read(&self, offset: u64, out: &mut [u8]) -> Result<(), io::Error> {
        self.inner.read(offset, out)
    }

    fn set_len(&self, len: u64) -> Result<(), io::Error> {
        self.inner.set_len(len)?;
        self.len.store(len, Ordering::Relaxed);
        Ok(())
    }

    fn sync_data(&self) -> Result<(), io::Error> {
        self.inner.sync_data()
    }

    fn write(&self, offset: u64, data: &[u8]) -> Result<(), io::Error> {
        self.inner.write(offset, data)
    }

    fn close(&self) -> Result<(), io::Error> {
        self.inner.close()
    }

    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.try_lock_range(start, end)
    }

    fn try_lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, BackendError> {
        self.inner.try_lock_shared_range(start, end)
    }

    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_range(start, end)
    }

    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.lock_shared_range(start, end)
    }

    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.inner.unlock_range(start, end)
    }

    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.inner.query_lock_range(start, end)
    }
}
