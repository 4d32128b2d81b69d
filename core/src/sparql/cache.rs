//! Parsed queries by their text: a query sent again skips the parser and its lexical checks.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};

use super::lru::Lru;
use super::{PreparedQuery, QueryError};

/// A bounded cache of [`PreparedQuery`]s keyed by query text and base IRI (the text exactly as
/// sent; no normalisation here). Plans are kept per store, by normalised query, in its
/// [`PlanCache`](super::PlanCache). Syntax errors are not cached.
///
/// ```
/// use trine_core::sparql::QueryCache;
///
/// let cache = QueryCache::new(16);
/// let first = cache.parse("ASK {}", None)?;
/// let again = cache.parse("ASK {}", None)?;
/// assert_eq!(format!("{first:?}"), format!("{again:?}"));
/// assert_eq!((cache.hits(), cache.misses()), (1, 1));
/// # Ok::<_, trine_core::sparql::QueryError>(())
/// ```
#[derive(Debug)]
pub struct QueryCache {
    entries: Lru<String, PreparedQuery>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl QueryCache {
    /// A cache of at most `capacity` queries; 0 turns it off.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Lru::new(capacity),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// `query` parsed, from the cache when it was parsed before with the same base IRI.
    ///
    /// # Errors
    /// As [`PreparedQuery::parse`].
    pub fn parse(&self, query: &str, base_iri: Option<&str>) -> Result<PreparedQuery, QueryError> {
        if self.entries.capacity() == 0 {
            return PreparedQuery::parse(query, base_iri);
        }
        // The base IRI cannot contain a NUL, so the key cannot be forged by the text.
        let key = match base_iri {
            Some(base) => format!("{base}\0{query}"),
            None => format!("\0{query}"),
        };
        let Ok(cached) = self
            .entries
            .lookup(&key, |prepared| Ok::<_, Infallible>(Some(prepared.clone())));
        if let Some(prepared) = cached {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(prepared);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let prepared = PreparedQuery::parse(query, base_iri)?;
        self.entries.insert(key, prepared.clone());
        Ok(prepared)
    }

    /// Queries answered from the cache.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Queries parsed because the cache did not hold them.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }
}
