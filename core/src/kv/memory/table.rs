//! One keyspace of the memory backend: a small persistent memtable over a few immutable sorted
//! runs, newest last.
//!
//! Bulk loads and materializations hand over whole sorted runs, which become a run as they are
//! (no per-key insert); small writes go to the memtable, which becomes a run once it grows past
//! [`MEMTABLE_LIMIT`]. Runs are merged so that each is at least twice the size of the next newer
//! one, which keeps their number logarithmic in the table's size and each entry's merge cost
//! amortized to a logarithmic number of copies. A snapshot clones two reference-counted roots.

use std::sync::Arc;

use imbl::OrdMap;

use crate::kv::order::less;
use crate::kv::{KvError, SortedRun};

/// Entries the memtable holds before it is frozen into a run.
const MEMTABLE_LIMIT: usize = 8_192;

/// Pending small writes: `Some(value)` for a put, `None` for a delete that shadows older runs.
pub(super) type Memtable = OrdMap<Arc<[u8]>, Option<Arc<[u8]>>>;

/// Entries per fence: a search narrows to a block with integer compares over the fences, then
/// compares whole keys inside it.
const BLOCK: usize = 16;

/// An immutable sorted run whose entries may be deletions.
#[derive(Debug, Default)]
pub(super) struct Frozen {
    entries: SortedRun,
    /// One bit per entry, set for a deletion; empty when the run has none.
    deleted: Vec<u64>,
    /// The [`prefix`] of every [`BLOCK`]-th key: a small array that stays in cache, where a
    /// binary search over the keys themselves would miss it at nearly every probe.
    fences: Vec<Fence>,
}

/// The first index in `from..to` where `before` turns false (it must be true, then false):
/// probes at growing distances from `from`, then searches the last gap.
fn gallop(from: usize, to: usize, before: impl Fn(usize) -> bool) -> usize {
    let mut low = from;
    let mut step = 1;
    let high = loop {
        let probe = low.saturating_add(step - 1);
        if probe >= to {
            break to;
        }
        if !before(probe) {
            break probe;
        }
        low = probe + 1;
        step *= 2;
    };
    partition(low, high, before)
}

/// The first index in `from..to` where `before` turns false, by binary search.
fn partition(mut low: usize, mut high: usize, before: impl Fn(usize) -> bool) -> usize {
    while low < high {
        let middle = low + (high - low) / 2;
        if before(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// The first 32 bytes of a key, zero-padded, as two big-endian integers: ordering keys by it is
/// consistent with ordering them by bytes (padding with the smallest byte keeps `<=`). 32 bytes
/// tell index keys (four ids) apart completely, where the first 16 are often shared by thousands
/// of keys (the default graph and one predicate).
type Fence = (u128, u128);

fn prefix(key: &[u8]) -> Fence {
    let mut bytes = [0; 32];
    let length = key.len().min(32);
    bytes[..length].copy_from_slice(&key[..length]);
    let (halves, _) = bytes.as_chunks::<16>();
    (
        u128::from_be_bytes(halves[0]),
        u128::from_be_bytes(halves[1]),
    )
}

impl Frozen {
    fn new(entries: SortedRun, deleted: Vec<u64>) -> Self {
        let fences = (0..entries.len())
            .step_by(BLOCK)
            .map(|index| prefix(entries.key_at(index)))
            .collect();
        Self {
            entries,
            deleted,
            fences,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(super) fn key(&self, index: usize) -> &[u8] {
        self.entries.key_at(index)
    }

    /// The value of entry `index`, `None` for a deletion.
    pub(super) fn value(&self, index: usize) -> Option<&[u8]> {
        let deleted = self
            .deleted
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0);
        (!deleted).then(|| self.entries.value_at(index))
    }

    /// The first index whose key is `>= key` (`len` if none).
    pub(super) fn lower_bound(&self, key: &[u8]) -> usize {
        let wanted = prefix(key);
        // Blocks before `below` start with a smaller prefix, so the answer is at or after the
        // start of the block before it; blocks from `above` on start with a larger one, so every
        // key there is larger. Equal prefixes are usually few: gallop over them.
        let below = self.fences.partition_point(|&fence| fence < wanted);
        let above = gallop(below, self.fences.len(), |i| self.fences[i] <= wanted);
        let low = below.saturating_sub(1) * BLOCK;
        let high = (above * BLOCK).min(self.len());
        partition(low, high, |i| less(self.entries.key_at(i), key))
    }

    /// The first index in `from..to` whose key is `>= key` (`to` if none), searched outwards from
    /// `from`: cheap when the answer is near, as for the end of a short range or a forward seek.
    pub(super) fn gallop(&self, key: &[u8], from: usize, to: usize) -> usize {
        let before = |i| less(self.entries.key_at(i), key);
        if from >= to || !before(from) {
            return from;
        }
        // Past the next key (a join's next probe is usually several blocks on), gallop over the
        // fences, which stay in cache, as `lower_bound` does, then search one stretch of keys.
        let wanted = prefix(key);
        let blocks = to.div_ceil(BLOCK).min(self.fences.len());
        let first = from / BLOCK + 1;
        if first >= blocks {
            return partition(from + 1, to, before);
        }
        let below = gallop(first, blocks, |b| self.fences[b] < wanted);
        let above = gallop(below, blocks, |b| self.fences[b] <= wanted);
        let low = ((below - 1) * BLOCK).max(from + 1);
        let high = (above * BLOCK).min(to);
        partition(low, high, before)
    }

    fn byte_len(&self) -> usize {
        self.entries.byte_len()
    }

    /// `older` and `newer` merged, the newer value winning; deletions are dropped when nothing
    /// older remains for them to shadow.
    fn merge(older: &Self, newer: &Self, bottom: bool) -> Self {
        let mut merged = Builder::with_capacity(
            older.len() + newer.len(),
            older.byte_len() + newer.byte_len(),
        );
        let mut keep = |key: &[u8], value: Option<&[u8]>| {
            if value.is_some() || !bottom {
                merged.push(key, value);
            }
        };
        let (mut i, mut j) = (0, 0);
        while i < older.len() && j < newer.len() {
            let (a, b) = (older.key(i), newer.key(j));
            if less(a, b) {
                keep(a, older.value(i));
                i += 1;
            } else {
                keep(b, newer.value(j));
                j += 1;
                if a == b {
                    i += 1;
                }
            }
        }
        for index in i..older.len() {
            keep(older.key(index), older.value(index));
        }
        for index in j..newer.len() {
            keep(newer.key(index), newer.value(index));
        }
        merged.build()
    }
}

/// A [`Frozen`] run being written in key order.
#[derive(Default)]
struct Builder {
    entries: SortedRun,
    deleted: Vec<u64>,
}

impl Builder {
    fn with_capacity(entries: usize, bytes: usize) -> Self {
        Self {
            entries: SortedRun::with_capacity(entries, bytes),
            deleted: Vec::new(),
        }
    }

    fn push(&mut self, key: &[u8], value: Option<&[u8]>) {
        if value.is_none() {
            let index = self.entries.len();
            self.deleted.resize(index / 64 + 1, 0);
            self.deleted[index / 64] |= 1 << (index % 64);
        }
        self.entries.push(key, value.unwrap_or_default());
    }

    fn build(self) -> Frozen {
        Frozen::new(self.entries, self.deleted)
    }
}

/// One keyspace: runs oldest first, then the memtable over them.
#[derive(Debug, Clone, Default)]
pub(super) struct Table {
    pub(super) memtable: Memtable,
    pub(super) runs: Arc<[Arc<Frozen>]>,
}

impl Table {
    /// The value under `key`.
    pub(super) fn get(&self, key: &[u8]) -> Option<&[u8]> {
        if let Some(value) = self.memtable.get(key) {
            return value.as_deref();
        }
        for run in self.runs.iter().rev() {
            let index = run.lower_bound(key);
            if index < run.len() && run.key(index) == key {
                return run.value(index);
            }
        }
        None
    }

    pub(super) fn put(&mut self, key: &[u8], value: Arc<[u8]>) {
        self.memtable.insert(key.into(), Some(value));
        self.maybe_freeze();
    }

    pub(super) fn delete(&mut self, key: &[u8]) {
        if self.runs.is_empty() {
            self.memtable.remove(key);
        } else {
            self.memtable.insert(key.into(), None);
            self.maybe_freeze();
        }
    }

    /// Adds `run` as the newest run.
    ///
    /// # Errors
    /// [`KvError::Corruption`] if the keys of `run` are not strictly increasing (nothing changes).
    pub(super) fn ingest(&mut self, run: SortedRun) -> Result<(), KvError> {
        if run.is_empty() {
            return Ok(());
        }
        if !run.is_strictly_sorted() {
            return Err(KvError::Corruption(
                "a sorted run's keys are not strictly increasing".into(),
            ));
        }
        // The memtable holds older writes than the run: it must go below it.
        self.freeze();
        self.push_run(Frozen::new(run, Vec::new()));
        Ok(())
    }

    /// Key and value bytes held, counting shadowed versions.
    pub(super) fn approximate_size(&self) -> u64 {
        let runs: usize = self.runs.iter().map(|run| run.byte_len()).sum();
        let memtable: usize = self
            .memtable
            .iter()
            .map(|(key, value)| key.len() + value.as_ref().map_or(0, |v| v.len()))
            .sum();
        (runs + memtable) as u64
    }

    fn maybe_freeze(&mut self) {
        if self.memtable.len() >= MEMTABLE_LIMIT {
            self.freeze();
        }
    }

    /// Turns the memtable into the newest run.
    fn freeze(&mut self) {
        if self.memtable.is_empty() {
            return;
        }
        let bottom = self.runs.is_empty();
        let mut frozen = Builder::default();
        for (key, value) in self.memtable.iter() {
            if value.is_some() || !bottom {
                frozen.push(key, value.as_deref());
            }
        }
        self.memtable = Memtable::new();
        if !frozen.entries.is_empty() {
            self.push_run(frozen.build());
        }
    }

    /// Pushes `newest` and merges while a run is less than twice the size of the next newer one.
    fn push_run(&mut self, newest: Frozen) {
        let mut runs: Vec<Arc<Frozen>> = self.runs.iter().cloned().collect();
        let mut newest = Arc::new(newest);
        while let Some(older) = runs.last() {
            if older.len() >= 2 * newest.len() {
                break;
            }
            let bottom = runs.len() == 1;
            newest = Arc::new(Frozen::merge(older, &newest, bottom));
            runs.pop();
        }
        runs.push(newest);
        self.runs = runs.into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(entries: &[(&[u8], &[u8])]) -> SortedRun {
        entries.iter().copied().collect()
    }

    #[test]
    fn newer_runs_and_the_memtable_shadow_older_runs() -> Result<(), KvError> {
        let mut table = Table::default();
        table.ingest(run(&[(b"a", b"1"), (b"b", b"1"), (b"c", b"1")]))?;
        table.put(b"b", Arc::from(&b"2"[..]));
        table.delete(b"c");
        assert_eq!(table.get(b"a"), Some(&b"1"[..]));
        assert_eq!(table.get(b"b"), Some(&b"2"[..]));
        assert_eq!(table.get(b"c"), None);
        // The memtable goes below a later run.
        table.ingest(run(&[(b"b", b"3"), (b"c", b"3")]))?;
        assert_eq!(table.get(b"b"), Some(&b"3"[..]));
        assert_eq!(table.get(b"c"), Some(&b"3"[..]));
        assert!(
            table.runs.len() <= 2,
            "runs merge down: {}",
            table.runs.len()
        );
        Ok(())
    }

    #[test]
    fn unsorted_runs_are_refused() {
        let mut table = Table::default();
        assert!(table.ingest(run(&[(b"b", b""), (b"a", b"")])).is_err());
        assert!(table.runs.is_empty());
    }

    #[test]
    fn runs_stay_few_and_deletions_vanish_at_the_bottom() {
        let mut table = Table::default();
        for i in 0..100_000_u32 {
            table.put(&i.to_be_bytes(), Arc::from(&b""[..]));
        }
        for i in (0..100_000_u32).step_by(2) {
            table.delete(&i.to_be_bytes());
        }
        assert!(table.runs.len() <= 8, "{} runs", table.runs.len());
        table.freeze();
        let live: usize = (0..100_000_u32)
            .filter(|i| table.get(&i.to_be_bytes()).is_some())
            .count();
        assert_eq!(live, 50_000);
    }
}
