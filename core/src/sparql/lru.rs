//! The bounded map with least-recently-used eviction that the query and plan caches share.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// At most `capacity` entries; when full, inserting a new key evicts the one used longest ago.
/// The capacities are small (hundreds), so eviction scans instead of keeping an order.
#[derive(Debug)]
pub(crate) struct Lru<K, V> {
    capacity: usize,
    entries: Mutex<Entries<K, V>>,
}

#[derive(Debug)]
struct Entries<K, V> {
    /// Each value with when it was last used.
    map: HashMap<K, (V, u64)>,
    clock: u64,
}

impl<K: Eq + Hash + Clone, V> Lru<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                clock: 0,
            }),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// What `use_entry` makes of the entry under `key`: `Ok(Some)` marks it used, `Ok(None)`
    /// drops it (it is no longer valid); `None` when there is no entry.
    pub(crate) fn lookup<R, E>(
        &self,
        key: &K,
        use_entry: impl FnOnce(&mut V) -> Result<Option<R>, E>,
    ) -> Result<Option<R>, E> {
        let mut entries = self.lock();
        entries.clock += 1;
        let now = entries.clock;
        let Some((value, used)) = entries.map.get_mut(key) else {
            return Ok(None);
        };
        match use_entry(value)? {
            Some(found) => {
                *used = now;
                Ok(Some(found))
            }
            None => {
                entries.map.remove(key);
                Ok(None)
            }
        }
    }

    /// Keeps `value` under `key`, evicting the least recently used entry if full.
    pub(crate) fn insert(&self, key: K, value: V) {
        let mut entries = self.lock();
        if entries.map.len() >= self.capacity && !entries.map.contains_key(&key) {
            let oldest = entries
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(key, _)| key.clone());
            if let Some(oldest) = oldest {
                entries.map.remove(&oldest);
            }
        }
        let now = entries.clock;
        entries.map.insert(key, (value, now));
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().map.len()
    }

    pub(crate) fn clear(&self) {
        self.lock().map.clear();
    }

    fn lock(&self) -> MutexGuard<'_, Entries<K, V>> {
        // A panic while holding the lock leaves a consistent map: take it anyway.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
