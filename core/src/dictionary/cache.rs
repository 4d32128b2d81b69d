use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A bounded map for hot dictionary entries.
///
/// When full it drops every entry and starts again: a crude policy, but O(1), lock-light and good
/// enough for the skewed access of RDF data (a few predicates and classes are hit constantly and
/// return to the cache at once).
///
/// `S` hashes the keys: the default resists keys chosen to collide (terms come from users);
/// keys the store assigns itself, such as ids, can take a faster hasher.
#[derive(Debug)]
pub struct TermCache<K, V, S = RandomState> {
    capacity: usize,
    map: Mutex<HashMap<K, V, S>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<K: Eq + Hash, V: Clone, S: BuildHasher + Default> TermCache<K, V, S> {
    /// A cache holding at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            map: Mutex::new(HashMap::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<K, V, S>) -> T) -> T {
        // A panic while holding the lock cannot leave a half-written entry: HashMap operations
        // are complete or not done, so a poisoned cache is still usable.
        match self.map.lock() {
            Ok(mut guard) => f(&mut guard),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The cached value for `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        if self.capacity == 0 {
            return None;
        }
        let found = self.with(|map| map.get(key).cloned());
        // Relaxed: the counters are for metrics, read without ordering against anything.
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Lookups answered from the cache since it was created.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Lookups the cache could not answer since it was created.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    /// Entries held now.
    pub fn len(&self) -> usize {
        self.with(|map| map.len())
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Caches `value` under `key`.
    pub fn insert(&self, key: K, value: V) {
        if self.capacity == 0 {
            return;
        }
        self.with(|map| {
            if map.len() >= self.capacity {
                map.clear();
            }
            map.insert(key, value);
        });
    }

    /// Drops every entry.
    pub fn clear(&self) {
        self.with(HashMap::clear);
    }
}
