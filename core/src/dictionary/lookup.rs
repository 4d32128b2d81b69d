use std::sync::atomic::{AtomicU64, Ordering};

use oxrdf::Term;

use super::TermCache;
use crate::encoding::{TermId, TermTag, decode_inline, decode_term_bytes, term_key};
use crate::kv::{Keyspace, KvSnapshot};
use crate::storage::StorageError;

/// Dictionary lookups over any read view, with store-wide caches.
///
/// Caches only ever hold committed entries: a transaction adds its new terms after it commits.
#[derive(Debug)]
pub struct Dictionary {
    ids: TermCache<Box<[u8]>, TermId>,
    /// Keyed by ids the store hands out, so a fast hasher is safe.
    terms: TermCache<TermId, Term, std::hash::BuildHasherDefault<rustc_hash::FxHasher>>,
    /// How many times entries were removed from storage; see [`removals`](Self::removals).
    removals: AtomicU64,
}

impl Default for Dictionary {
    fn default() -> Self {
        Self::with_capacity(100_000)
    }
}

impl Dictionary {
    /// A dictionary whose two caches hold up to `capacity` entries each.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            ids: TermCache::new(capacity),
            terms: TermCache::new(capacity),
            removals: AtomicU64::new(0),
        }
    }

    /// How many times terms were removed from storage since the store was opened. An id known
    /// to name a term stays valid while this stays the same (ids are never reused, but a
    /// removed term added again gets a new one), which is what cached plans rely on.
    pub fn removals(&self) -> u64 {
        self.removals.load(Ordering::Acquire)
    }

    /// The id of a term given in dictionary form.
    ///
    /// # Errors
    /// Fails if storage cannot be read or holds a malformed id.
    pub fn lookup_bytes(
        &self,
        kv: &impl KvSnapshot,
        bytes: &[u8],
    ) -> Result<Option<TermId>, StorageError> {
        self.lookup_keyed(kv, bytes, None)
    }

    /// [`lookup_bytes`](Self::lookup_bytes), given the term's `term2id` key when the caller
    /// already hashed it; computed here otherwise, and only when the cache misses.
    pub(crate) fn lookup_keyed(
        &self,
        kv: &impl KvSnapshot,
        bytes: &[u8],
        key: Option<&[u8]>,
    ) -> Result<Option<TermId>, StorageError> {
        if let Some(id) = self.ids.get(bytes) {
            return Ok(Some(id));
        }
        let stored = match key {
            Some(key) => kv.get(Keyspace::TermToId, key)?,
            None => kv.get(Keyspace::TermToId, &term_key(bytes))?,
        };
        let Some(value) = stored else {
            return Ok(None);
        };
        let id = decode_id(&value)?;
        self.ids.insert(bytes.into(), id);
        Ok(Some(id))
    }

    /// The term of `id`.
    ///
    /// # Errors
    /// Fails if storage cannot be read, or if `id` is unknown (a corrupted store or an id from
    /// elsewhere).
    pub fn decode(&self, kv: &impl KvSnapshot, id: TermId) -> Result<Term, StorageError> {
        if let Some(literal) = decode_inline(id) {
            return Ok(literal.into());
        }
        if id.tag() == TermTag::DefaultGraph {
            return Err(StorageError::Corruption(
                "the default graph id is not a term".into(),
            ));
        }
        if let Some(term) = self.terms.get(&id) {
            return Ok(term);
        }
        let bytes = kv
            .get(Keyspace::IdToTerm, &id.to_be_bytes())?
            .ok_or_else(|| StorageError::Corruption(format!("{id:?} is not in the dictionary")))?;
        let term =
            decode_term_bytes(&bytes).map_err(|e| StorageError::Corruption(e.to_string()))?;
        self.terms.insert(id, term.clone());
        Ok(term)
    }

    /// Hits, misses and sizes of the two caches, for metrics.
    pub fn cache_stats(&self) -> CacheStats {
        CacheStats {
            term_to_id_hits: self.ids.hits(),
            term_to_id_misses: self.ids.misses(),
            id_to_term_hits: self.terms.hits(),
            id_to_term_misses: self.terms.misses(),
            entries: self.ids.len() + self.terms.len(),
        }
    }

    /// Caches committed entries.
    pub(crate) fn remember(&self, id: TermId, bytes: Box<[u8]>) {
        self.ids.insert(bytes, id);
    }

    /// Forgets everything, after entries were removed from storage.
    pub(crate) fn clear_caches(&self) {
        self.ids.clear();
        self.terms.clear();
        self.removals.fetch_add(1, Ordering::AcqRel);
    }
}

/// Counters of the dictionary caches since the store was opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Term → id lookups answered from the cache.
    pub term_to_id_hits: u64,
    /// Term → id lookups that went to storage.
    pub term_to_id_misses: u64,
    /// Id → term lookups answered from the cache.
    pub id_to_term_hits: u64,
    /// Id → term lookups that went to storage.
    pub id_to_term_misses: u64,
    /// Entries held in both caches now.
    pub entries: usize,
}

/// Reads an id stored as a dictionary value.
pub(crate) fn decode_id(value: &[u8]) -> Result<TermId, StorageError> {
    let bytes: [u8; 8] = value
        .try_into()
        .map_err(|_| StorageError::Corruption("dictionary id is not 8 bytes".into()))?;
    TermId::from_be_bytes(bytes)
        .ok_or_else(|| StorageError::Corruption("dictionary id has an unknown tag".into()))
}
