//! The result cache: serialized answers by request and store generation, within a byte budget.
//!
//! Off unless configured ([`Config::result_cache_bytes`](crate::Config::result_cache_bytes)):
//! the engine has to be fast without it. An answer is kept only when the store's write
//! generation was the same even number before the query's snapshot and after its results (no
//! write in between), and it is served only at that generation, so a write anywhere makes every
//! entry stale; stale and least recently used entries go first when room is needed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::OutputFormat;

/// What makes two requests the same: the text and everything that changes its answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResultKey {
    /// The query text.
    pub text: String,
    /// Its base IRI.
    pub base: Option<String>,
    /// `default-graph-uri` parameters.
    pub default_graphs: Vec<String>,
    /// `named-graph-uri` parameters.
    pub named_graphs: Vec<String>,
    /// Whether inferred quads are left out.
    pub explicit_only: bool,
    /// The media type the answer is written in.
    pub media_type: &'static str,
}

struct Entry {
    generation: u64,
    body: Vec<u8>,
    format: OutputFormat,
    used: u64,
}

#[derive(Default)]
struct Entries {
    map: HashMap<ResultKey, Entry>,
    bytes: usize,
    clock: u64,
}

/// Answers by request, for one store.
pub struct ResultCache {
    budget: usize,
    entries: Mutex<Entries>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ResultCache {
    /// A cache holding at most `budget` bytes of answers; an answer larger than a quarter of it
    /// is not kept.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            entries: Mutex::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // Entries are replaced whole: a panic cannot leave one half-written.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The answer kept for `key` at store generation `generation`, counted as a hit or a miss.
    pub fn get(&self, key: &ResultKey, generation: u64) -> Option<(Vec<u8>, OutputFormat)> {
        let mut entries = self.lock();
        entries.clock += 1;
        let clock = entries.clock;
        let found = match entries.map.get_mut(key) {
            Some(entry) if entry.generation == generation => {
                entry.used = clock;
                Some((entry.body.clone(), entry.format))
            }
            _ => None,
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// The largest answer (with its query text) the cache keeps: a quarter of its budget.
    pub fn max_entry_bytes(&self) -> usize {
        self.budget / 4
    }

    /// Keeps `body` for `key` at `generation`, making room by dropping stale entries, then the
    /// least recently used.
    pub fn insert(&self, key: ResultKey, generation: u64, body: &[u8], format: OutputFormat) {
        let size = body.len() + key.text.len();
        if size > self.max_entry_bytes() {
            return;
        }
        let mut entries = self.lock();
        if let Some(old) = entries.map.remove(&key) {
            entries.bytes -= old.body.len() + key.text.len();
        }
        if entries.bytes + size > self.budget {
            entries
                .map
                .retain(|_, entry| entry.generation == generation);
            entries.bytes = entries
                .map
                .iter()
                .map(|(key, entry)| entry.body.len() + key.text.len())
                .sum();
        }
        while entries.bytes + size > self.budget {
            let Some(oldest) = entries
                .map
                .iter()
                .min_by_key(|(_, entry)| entry.used)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            if let Some(entry) = entries.map.remove(&oldest) {
                entries.bytes -= entry.body.len() + oldest.text.len();
            }
        }
        entries.clock += 1;
        let used = entries.clock;
        entries.bytes += size;
        entries.map.insert(
            key,
            Entry {
                generation,
                body: body.to_vec(),
                format,
                used,
            },
        );
    }

    /// Requests answered from the cache.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Requests the cache could not answer.
    pub fn misses(&self) -> u64 {
        self.misses.load(Ordering::Relaxed)
    }

    /// Bytes of answers held now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }
}

#[cfg(test)]
mod tests {
    use trine_core::sparql::QueryResultsFormat;

    use super::*;

    fn key(text: &str) -> ResultKey {
        ResultKey {
            text: text.into(),
            base: None,
            default_graphs: Vec::new(),
            named_graphs: Vec::new(),
            explicit_only: false,
            media_type: "application/sparql-results+json",
        }
    }

    const JSON: OutputFormat = OutputFormat::Results(QueryResultsFormat::Json);

    #[test]
    fn answers_only_at_the_generation_they_were_made() {
        let cache = ResultCache::new(1000);
        cache.insert(key("q"), 2, b"answer", JSON);
        assert_eq!(
            cache.get(&key("q"), 2).map(|(b, _)| b),
            Some(b"answer".to_vec())
        );
        assert!(cache.get(&key("q"), 4).is_none(), "a write made it stale");
        assert!(cache.get(&key("other"), 2).is_none());
        assert_eq!((cache.hits(), cache.misses()), (1, 2));
    }

    #[test]
    fn stays_within_its_budget() {
        let cache = ResultCache::new(400);
        cache.insert(key("too big"), 2, &[0; 200], JSON);
        assert_eq!(
            cache.bytes(),
            0,
            "more than a quarter of the budget is not kept"
        );
        for i in 0..10 {
            cache.insert(key(&format!("q{i}")), 2, &[0; 90], JSON);
            assert!(cache.bytes() <= 400);
        }
        // The least recently used went first: the last ones are still there.
        assert!(cache.get(&key("q9"), 2).is_some());
        assert!(cache.get(&key("q0"), 2).is_none());
        // A newer generation drops the stale entries before any fresh one.
        cache.get(&key("q8"), 2);
        cache.insert(key("new"), 4, &[0; 90], JSON);
        assert!(cache.get(&key("new"), 4).is_some());
        assert_eq!(cache.bytes(), 93, "only the new answer is left");
    }
}
