use std::collections::HashSet;
use std::path::Path;

use super::Store;
use crate::encoding::{QuadOrder, TermId, term_key};
use crate::kv::{Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvSnapshot, WriteBatch};
use crate::storage::{QuadRead, StorageError, ValidationReport};

impl<B: KvBackend> Store<B> {
    /// Checks every storage invariant by full scans: the six orderings agree, counts match, and every
    /// id in an index resolves in the dictionary. Meant for tests and `trine verify`.
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn validate(&self) -> Result<ValidationReport, StorageError> {
        crate::storage::validate_reader(&self.snapshot()?)
    }

    /// Recomputes the maintained counts from the indexes (after an interrupted bulk load), and
    /// the planner's statistics with them (see [`analyze`](Self::analyze)).
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn recount(&self) -> Result<(), StorageError> {
        let _writer = self.lock_writer();
        crate::storage::recount(self.backend(), self.dictionary())
    }

    /// Analyzes the store for the query planner now (distinct subjects and objects per
    /// predicate, characteristic sets; see [`Statistics`](crate::storage::Statistics)), and
    /// recomputes the maintained counts on the way. Bulk loads and large enough runs of writes
    /// do this by themselves.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn analyze(&self) -> Result<crate::storage::Statistics, StorageError> {
        self.recount()?;
        self.statistics()
    }

    /// The query planner's statistics: the last analysis, with exact current counts.
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn statistics(&self) -> Result<crate::storage::Statistics, StorageError> {
        self.snapshot()?.statistics()
    }

    /// Removes dictionary entries that no quad and no named graph uses any more; returns how many.
    ///
    /// Ids are never reused afterwards: the id counter only grows.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn compact_dictionary(&self) -> Result<u64, StorageError> {
        let _writer = self.lock_writer();
        let snapshot = self.snapshot()?;
        let kv = snapshot.kv();
        let mut used = HashSet::new();
        let mut gspo = kv.cursor(Keyspace::Gspo, KeyRange::all())?;
        while let Some(key) = gspo.key() {
            let quad = QuadOrder::Gspo
                .decode(key)
                .ok_or_else(|| StorageError::Corruption("malformed GSPO key".into()))?;
            for id in [quad.subject, quad.predicate, quad.object, quad.graph] {
                if id.is_dictionary() {
                    used.insert(id);
                }
            }
            gspo.advance()?;
        }
        drop(gspo);
        used.extend(snapshot.named_graph_ids()?);
        let mut batch = WriteBatch::new();
        let mut removed = 0;
        let mut terms = kv.cursor(Keyspace::IdToTerm, KeyRange::all())?;
        while let (Some(key), Some(value)) = (terms.key(), terms.value()) {
            let id = key
                .try_into()
                .ok()
                .and_then(TermId::from_be_bytes)
                .ok_or_else(|| StorageError::Corruption("malformed dictionary key".into()))?;
            if !used.contains(&id) {
                batch.delete(Keyspace::IdToTerm, key.to_vec());
                batch.delete(Keyspace::TermToId, term_key(value).to_vec());
                removed += 1;
            }
            terms.advance()?;
        }
        drop(terms);
        drop(snapshot);
        self.backend().write(batch, Durability::Buffered)?;
        self.dictionary().clear_caches();
        Ok(removed)
    }

    /// Makes every completed write durable.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn flush(&self) -> Result<(), StorageError> {
        Ok(self.backend().flush()?)
    }

    /// Compacts the backend's storage.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn optimize(&self) -> Result<(), StorageError> {
        Ok(self.backend().compact()?)
    }

    /// Writes a consistent copy of the store to the new directory `target`.
    ///
    /// # Errors
    /// Fails if the backend has no checkpoint capability or cannot write.
    pub fn checkpoint(&self, target: &Path) -> Result<(), StorageError> {
        Ok(self.backend().checkpoint(target)?)
    }

    /// Approximate bytes the store takes, if the backend knows.
    pub fn approximate_size(&self) -> Option<u64> {
        self.backend().approximate_size()
    }
}
