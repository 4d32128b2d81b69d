//! The one place dictionary ids are handed out.

use crate::encoding::{TermId, dictionary_tag};
use crate::storage::StorageError;

/// Hands out dictionary ids from the store-wide counter, under the store's writer lock.
///
/// Transactions and the bulk loader both allocate here; whoever allocates persists
/// [`next`](Self::next) in the `meta` keyspace no later than the terms it numbered, so an id is
/// never handed out twice, even after a crash (ids may be skipped, never reused).
#[derive(Debug)]
pub(crate) struct IdAllocator {
    next: u64,
}

impl IdAllocator {
    /// An allocator whose next id payload is `next` (1 for a new store).
    pub(crate) fn new(next: u64) -> Self {
        Self { next }
    }

    /// The next payload, as the `meta` keyspace stores it.
    pub(crate) fn next(&self) -> u64 {
        self.next
    }

    /// A new id for the term whose dictionary form is `bytes` (its tag comes from the form).
    ///
    /// # Errors
    /// [`StorageError::UnsupportedTerm`] for a form without a dictionary tag (`describe` names the
    /// term), [`StorageError::Corruption`] once the 56-bit id space is used up.
    pub(crate) fn allocate(
        &mut self,
        bytes: &[u8],
        describe: impl FnOnce() -> String,
    ) -> Result<TermId, StorageError> {
        let tag = dictionary_tag(bytes).ok_or_else(|| StorageError::UnsupportedTerm(describe()))?;
        if self.next > TermId::MAX_PAYLOAD {
            return Err(StorageError::Corruption(
                "dictionary id space exhausted".into(),
            ));
        }
        let id = TermId::new(tag, self.next);
        self.next += 1;
        Ok(id)
    }
}
