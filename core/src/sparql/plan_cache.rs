//! Plans by normalised query: a query sent again over data that has not changed materially
//! skips translation, cost estimates and join ordering.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use oxrdf::Term;
use spargebra::Query;

use super::algebra::{PlanNode, QueryForm, Slot};
use super::lru::Lru;
use crate::storage::ReadVersion;

/// How far the store's quad count may drift from the count a plan was made at, as a share
/// of it, before the plan is made again: its estimates are read from the statistics of that
/// time, and a join order chosen for them stays good while the data keeps roughly its size.
const DRIFT: f64 = 0.2;

/// A store's cache of query plans, keyed by the normalised query (its algebra as the parser
/// built it, dataset and base IRI included: whitespace, comments, prefixes and the spelling of
/// IRIs do not count) and the options that shape a plan.
///
/// A plan names the store's terms by their ids, so it serves only the store it was made for
/// (each [`Store`](crate::Store) has its own, [`Store::plan_cache`](crate::Store::plan_cache)).
/// It is used again on a later snapshot while:
/// - the snapshot reads the same committed state, or
/// - every constant of the query was a term of the store when it was planned (a constant the
///   store did not know is planned as matching nothing), no term has been removed from the
///   dictionary since, and the store's quad count is within a fifth of the count it was
///   planned at: past that the statistics it was ordered by have shifted materially.
///
/// Otherwise the query is planned again and the new plan replaces the old. Views that are not
/// one committed state (transactions, snapshots taken while a write was committing) neither
/// use nor fill the cache.
#[derive(Debug)]
pub struct PlanCache {
    entries: Lru<PlanKey, Entry>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// What a plan depends on besides the data: the query and the options that change its
/// translation.
#[derive(Debug, Clone)]
pub(crate) struct PlanKey {
    /// The hash of `query`, computed once per parse.
    pub(crate) hash: u64,
    /// The query's algebra, shared with the parse.
    pub(crate) query: Arc<Query>,
    /// Whether named graphs not listed in the dataset are all the store's.
    pub(crate) all_named_when_unlisted: bool,
    pub(crate) explicit_only: bool,
    /// Whether a SERVICE handler is installed.
    pub(crate) service: bool,
}

impl PartialEq for PlanKey {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.all_named_when_unlisted == other.all_named_when_unlisted
            && self.explicit_only == other.explicit_only
            && self.service == other.service
            // The same parse is the same query; other parses are compared node by node.
            && (Arc::ptr_eq(&self.query, &other.query) || self.query == other.query)
    }
}

impl Eq for PlanKey {}

impl std::hash::Hash for PlanKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.hash.hash(state);
        self.all_named_when_unlisted.hash(state);
        self.explicit_only.hash(state);
        self.service.hash(state);
    }
}

#[derive(Debug)]
struct Entry {
    plan: Arc<Planned>,
    /// The latest view the plan was found valid for.
    checked: ReadVersion,
    /// Quads in the store when the plan was made.
    quads: u64,
    /// Whether every constant of the query was a store term at planning time.
    exact: bool,
}

/// A query translated and ordered: what an execution needs besides its read view.
#[derive(Debug)]
pub(crate) struct Planned {
    pub(crate) root: PlanNode,
    pub(crate) form: QueryForm,
    /// Variable names by slot, for EXPLAIN.
    pub(crate) names: Vec<String>,
    /// Slots per row.
    pub(crate) width: usize,
    /// Slots that hold graph names.
    pub(crate) graph_slots: Vec<Slot>,
    /// The query-local terms the plan refers to, in the order of their local ids.
    pub(crate) local_terms: Vec<Term>,
}

impl PlanCache {
    /// A cache of at most `capacity` plans; 0 turns it off.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Lru::new(capacity),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Queries planned from the cache.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Queries planned anew (not cached, or their plan no longer valid).
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    /// Plans held now.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no plan is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every plan (the counts stay).
    pub fn clear(&self) {
        self.entries.clear();
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.entries.capacity() > 0
    }

    /// The plan for `key` if it is still valid for a view at `version`; `quads` gives the
    /// view's quad count when the answer depends on it.
    pub(crate) fn get<E>(
        &self,
        key: &PlanKey,
        version: ReadVersion,
        quads: impl FnOnce() -> Result<u64, E>,
    ) -> Result<Option<Arc<Planned>>, E> {
        let found = self.entries.lookup(key, |entry| {
            let valid = entry.checked == version || {
                let same_terms = entry.exact
                    && entry.checked.store == version.store
                    && entry.checked.dictionary_epoch == version.dictionary_epoch
                    // An older view may lack terms the plan names by id.
                    && entry.checked.generation <= version.generation;
                same_terms && within_drift(entry.quads, quads()?)
            };
            if valid {
                entry.checked = version;
            }
            Ok(valid.then(|| Arc::clone(&entry.plan)))
        })?;
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        Ok(found)
    }

    /// Keeps `plan`, made on a view at `version` holding `quads` quads; `exact` says whether
    /// every constant of the query was a store term.
    pub(crate) fn insert(
        &self,
        key: PlanKey,
        plan: Arc<Planned>,
        version: ReadVersion,
        quads: u64,
        exact: bool,
    ) {
        self.entries.insert(
            key,
            Entry {
                plan,
                checked: version,
                quads,
                exact,
            },
        );
    }
}

/// Whether `now` quads are within [`DRIFT`] of the `planned` count.
fn within_drift(planned: u64, now: u64) -> bool {
    let (planned, now) = (planned as f64, now as f64);
    (now - planned).abs() <= DRIFT * planned.max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_is_relative_to_the_planned_count() {
        assert!(within_drift(1000, 1000));
        assert!(within_drift(1000, 1200));
        assert!(within_drift(1000, 800));
        assert!(!within_drift(1000, 1201));
        assert!(!within_drift(1000, 799));
        // Planned on an empty store: any quad is a material shift.
        assert!(within_drift(0, 0));
        assert!(!within_drift(0, 1));
    }
}
