//! Small queries answered on the connection's own thread.
//!
//! A query handed to the blocking pool costs two thread hand-offs (to a pool thread and back),
//! which on a small machine are most of a small query's time. So a query is first tried where
//! the request arrived, for at most [`BUDGET`] and one chunk of answer; one that does not finish
//! within that is dropped and run on the pool as before, and its text is remembered so that the
//! next time it goes to the pool at once, until it runs there quickly enough again.

use std::collections::HashSet;
use std::hash::BuildHasher;
use std::io::{self, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long a query may run on the connection's thread, which serves other connections too.
pub(crate) const BUDGET: Duration = Duration::from_micros(500);

/// The largest answer given from the connection's thread: one chunk of a streamed answer, the
/// most the pool path also sends whole.
pub(crate) const MAX_BYTES: usize = super::stream::CHUNK;

/// Query texts remembered as too long or too large to answer inline, at most this many; the
/// set starts again when full, so a workload that changes is tried again.
const REMEMBERED: usize = 4096;

/// The texts of queries that did not finish inline, by hash, and counts for `/metrics`.
#[derive(Debug, Default)]
pub(crate) struct InlineHistory {
    declined: Mutex<HashSet<u64>>,
    hasher: std::hash::RandomState,
    answered: AtomicU64,
    handed_over: AtomicU64,
}

impl InlineHistory {
    /// Counts a query answered inline.
    pub(crate) fn count_answered(&self) {
        self.answered.fetch_add(1, Ordering::Relaxed);
    }

    /// Queries answered inline since the server started.
    pub(crate) fn answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }

    /// Queries tried inline that did not finish there, since the server started.
    pub(crate) fn handed_over(&self) -> u64 {
        self.handed_over.load(Ordering::Relaxed)
    }

    /// Whether `text` is worth trying inline: it has not failed to finish there before.
    pub(crate) fn should_try(&self, text: &str) -> bool {
        let hash = self.hash(text);
        self.with(|declined| !declined.contains(&hash))
    }

    /// Forgets that `text` did not finish inline: it ran quickly since (the first run of a query
    /// after a start or a write may be slow while caches fill).
    pub(crate) fn forget(&self, text: &str) {
        let hash = self.hash(text);
        self.with(|declined| declined.remove(&hash));
    }

    /// Remembers that `text` did not finish inline.
    pub(crate) fn decline(&self, text: &str) {
        self.handed_over.fetch_add(1, Ordering::Relaxed);
        let hash = self.hash(text);
        self.with(|declined| {
            if declined.len() >= REMEMBERED {
                declined.clear();
            }
            declined.insert(hash);
        });
    }

    fn hash(&self, text: &str) -> u64 {
        self.hasher.hash_one(text)
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashSet<u64>) -> T) -> T {
        // The set holds hashes only: one a panicking thread left half-updated is still usable.
        match self.declined.lock() {
            Ok(mut guard) => f(&mut guard),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

/// An answer gathered whole in memory, refusing to grow past [`MAX_BYTES`].
#[derive(Debug)]
pub(crate) struct InlineAnswer {
    pub(crate) bytes: Vec<u8>,
    pub(crate) media_type: &'static str,
    /// Set when a write would have gone past the limit (the write failed).
    pub(crate) overflowed: bool,
}

impl InlineAnswer {
    pub(crate) fn new() -> Self {
        Self {
            bytes: Vec::new(),
            media_type: "application/octet-stream",
            overflowed: false,
        }
    }
}

impl Write for InlineAnswer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.bytes.len() + bytes.len() > MAX_BYTES {
            self.overflowed = true;
            return Err(io::Error::other("too large to answer inline"));
        }
        self.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declined_texts_are_remembered_until_the_set_fills() {
        let history = InlineHistory::default();
        assert!(history.should_try("ASK {}"));
        history.decline("ASK {}");
        assert!(!history.should_try("ASK {}"));
        assert!(history.should_try("ASK { ?s ?p ?o }"));
        history.forget("ASK {}");
        assert!(history.should_try("ASK {}"));
        history.decline("ASK {}");
        for i in 0..REMEMBERED {
            history.decline(&format!("query {i}"));
        }
        // Full: the set started again, so the first text is tried again.
        assert!(history.should_try("ASK {}"));
    }

    #[test]
    fn an_answer_past_the_limit_fails_and_says_so() {
        let mut answer = InlineAnswer::new();
        assert!(answer.write_all(&[b'x'; MAX_BYTES]).is_ok());
        assert!(!answer.overflowed);
        assert!(answer.write_all(b"y").is_err());
        assert!(answer.overflowed);
        assert_eq!(answer.bytes.len(), MAX_BYTES);
    }
}
