//! The sorted values of a quad pattern's one unbound position, with seeks: one side of a
//! leapfrog intersection.
//!
//! With every position but one bound and one graph, a pattern is a key prefix of 24 bytes in a
//! graph-first ordering, and the unbound position is the last 8 bytes of each key under it, so
//! the index holds its values sorted and once each. Intersecting several such patterns on the
//! same variable then seeks each to the largest value the others stand on (Veldhuizen, "Leapfrog
//! Triejoin", ICDT 2014) instead of reading every match of each.

use super::probe::OrderCursors;
use super::{QuadPattern, StorageError};
use crate::encoding::{IndexFlags, QuadOrder, TermId};
use crate::kv::{KvCursor, KvSnapshot};

/// Bytes of the bound part of a key: graph and two bound positions.
const PREFIX: usize = 24;

/// The most entries stepped over before seeking instead: on disk a step is much cheaper than a
/// seek, and on one side of an intersection the value sought is often only a few entries ahead.
/// On the other side (the longer list) it is usually far ahead, and each failed step costs about
/// a fifth of a seek on RocksDB, so each side learns how far to step (see [`IndexValues::seek`]).
const STEPS_BEFORE_SEEK: u32 = 4;

/// Seeks made without stepping before one step is tried again.
const SEEKS_BEFORE_RETRY: u32 = 16;

/// Seeks into a prefix that comes back (the same list for the next input row) before more of
/// it is read into memory.
const SEEKS_BEFORE_READING: u32 = 8;

/// Values read into memory per seek made since the last read: reading costs about what those
/// seeks cost, and the next rows seek in memory instead, within the values read.
const READ_PER_SEEK: u32 = 8;

/// The most values of one list held in memory (512 KiB).
const MEMO_LIMIT: usize = 1 << 16;

/// The values of the unbound position of one pattern at a time, in id order.
pub trait ValueSeek {
    /// Starts on `pattern`; `false` (and nothing started) unless exactly one of its subject,
    /// predicate and object is unbound and it reads one graph.
    fn start(&mut self, pattern: &QuadPattern) -> bool;

    /// The first value at or after `target`, or `None` when there is none.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn seek(&mut self, target: TermId) -> Result<Option<TermId>, StorageError>;

    /// The value after the current one, or `None` when there is none.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn next(&mut self) -> Result<Option<TermId>, StorageError>;
}

/// The [`ValueSeek`] over a [`KvSnapshot`], its cursors sought from pattern to pattern.
///
/// A side of an intersection whose pattern does not depend on the input row (`?x a :Class`), or
/// depends on a value that repeats from row to row, starts on the same list again and again; its
/// values are then read into memory progressively ([`Memo`]), so later rows seek there.
pub struct IndexValues<'a, K: KvSnapshot + 'a> {
    cursors: OrderCursors<'a, K>,
    /// The ordering of the current pattern.
    order: QuadOrder,
    /// The current pattern's bound prefix, followed by the value last sought.
    key: [u8; 32],
    /// Where the side stands: `None` before the first seek or past the last value.
    current: Option<TermId>,
    explicit_only: bool,
    /// Entries the next seek steps over before seeking: halved when stepping fails, doubled
    /// when it succeeds, retried at one after [`SEEKS_BEFORE_RETRY`] seeks without it.
    steps: u32,
    /// Seeks made since `steps` dropped to zero.
    seeks_without_steps: u32,
    memo: Memo,
}

/// The first values of the current list, held in memory while the list comes back.
#[derive(Debug, Default)]
struct Memo {
    /// The values read so far, in order.
    values: Vec<TermId>,
    /// Whether `values` is the whole list.
    complete: bool,
    /// Seeks into the list since values were last read.
    seeks: u32,
    /// Where the side stands in `values`; `None` while it reads from its cursor instead.
    position: Option<usize>,
    /// Whether to read more before the next seek.
    pending: bool,
}

impl<'a, K: KvSnapshot + 'a> IndexValues<'a, K> {
    pub(crate) fn new(kv: &'a K) -> Self {
        Self {
            cursors: OrderCursors::new(kv),
            order: QuadOrder::Gspo,
            key: [0; 32],
            current: None,
            explicit_only: false,
            steps: STEPS_BEFORE_SEEK,
            seeks_without_steps: 0,
            memo: Memo::default(),
        }
    }

    /// The value under the cursor, stepping over entries an explicit-only read leaves out.
    fn settle(&mut self) -> Result<Option<TermId>, StorageError> {
        let value = self.cursor_value()?;
        self.current = value;
        Ok(value)
    }

    /// The value under the cursor (see [`settle`](Self::settle)), leaving `current` alone.
    fn cursor_value(&mut self) -> Result<Option<TermId>, StorageError> {
        let (order, prefix, explicit_only) = (self.order, self.key, self.explicit_only);
        let cursor = self.cursors.get(order)?;
        loop {
            let Some(key) = cursor.key() else {
                return Ok(None);
            };
            if !key.starts_with(&prefix[..PREFIX]) {
                return Ok(None);
            }
            // Only the flags are needed here, not the quad.
            if explicit_only
                && !IndexFlags::from_value(cursor.value().unwrap_or_default())
                    .contains(IndexFlags::EXPLICIT)
            {
                cursor.advance()?;
                continue;
            }
            let mut bytes = [0; 8];
            bytes.copy_from_slice(
                key.get(PREFIX..PREFIX + 8)
                    .ok_or_else(|| StorageError::Corruption(format!("short key in {order:?}")))?,
            );
            return Ok(Some(TermId::from_be_bytes(bytes).ok_or_else(|| {
                StorageError::Corruption(format!("malformed key in {order:?}"))
            })?));
        }
    }

    /// Positions the cursor on the first value at or after `target`.
    fn seek_cursor(&mut self, target: TermId) -> Result<Option<TermId>, StorageError> {
        self.key[PREFIX..].copy_from_slice(&target.to_be_bytes());
        let key = self.key;
        self.cursors.get(self.order)?.seek(&key)?;
        self.settle()
    }

    /// Positions the cursor on the first value after `value`.
    fn seek_cursor_after(&mut self, value: TermId) -> Result<Option<TermId>, StorageError> {
        if self.seek_cursor(value)? == Some(value) {
            self.cursors.get(self.order)?.advance()?;
            return self.settle();
        }
        Ok(self.current)
    }

    /// Reads more of the list into memory: [`READ_PER_SEEK`] values per seek made since the
    /// last read, after the values already held.
    fn read_more(&mut self) -> Result<(), StorageError> {
        self.memo.pending = false;
        let budget = (self.memo.seeks * READ_PER_SEEK) as usize;
        let budget = budget.min(MEMO_LIMIT.saturating_sub(self.memo.values.len()));
        self.memo.seeks = 0;
        let mut value = match self.memo.values.last() {
            Some(&last) => self.seek_cursor_after(last)?,
            None => self.seek_cursor(TermId::DEFAULT_GRAPH)?,
        };
        for _ in 0..budget {
            let Some(found) = value else {
                break;
            };
            self.memo.values.push(found);
            self.cursors.get(self.order)?.advance()?;
            value = self.cursor_value()?;
        }
        self.memo.complete = value.is_none();
        self.current = None;
        Ok(())
    }

    /// A seek within the values held in memory, or `None` when `target` lies past them (the
    /// side then continues on its cursor).
    fn seek_memo(&mut self, position: usize, target: TermId) -> Option<Option<TermId>> {
        let values = &self.memo.values;
        if !self.memo.complete && values.last().is_none_or(|&last| last < target) {
            self.memo.position = None;
            return None;
        }
        let rest = values.get(position..).unwrap_or_default();
        // Gallop: the value sought is usually near.
        let mut bound = 1;
        while bound < rest.len() && rest[bound] < target {
            bound *= 2;
        }
        let found = position + rest[..bound.min(rest.len())].partition_point(|&v| v < target);
        self.memo.position = Some(found);
        self.current = values.get(found).copied();
        Some(self.current)
    }
}

impl<'a, K: KvSnapshot + 'a> ValueSeek for IndexValues<'a, K> {
    fn start(&mut self, pattern: &QuadPattern) -> bool {
        let unbound = [pattern.subject, pattern.predicate, pattern.object]
            .iter()
            .filter(|p| p.is_none())
            .count();
        if unbound != 1 {
            return false;
        }
        let scans = pattern.scans();
        let [(order, prefix)] = scans.as_slice() else {
            return false;
        };
        if !QuadOrder::GRAPH_FIRST.contains(order) || prefix.len() != PREFIX {
            return false;
        }
        let same = *order == self.order
            && prefix.as_slice() == &self.key[..PREFIX]
            && pattern.explicit_only == self.explicit_only
            && (self.memo.seeks > 0 || !self.memo.values.is_empty());
        if same {
            self.memo.pending = !self.memo.complete
                && self.memo.values.len() < MEMO_LIMIT
                && self.memo.seeks >= SEEKS_BEFORE_READING;
        } else {
            self.memo.values.clear();
            self.memo.complete = false;
            self.memo.seeks = 0;
            self.memo.pending = false;
        }
        self.memo.position = Some(0);
        self.order = *order;
        self.key = [0; 32];
        self.key[..PREFIX].copy_from_slice(prefix);
        self.current = None;
        self.explicit_only = pattern.explicit_only;
        true
    }

    fn seek(&mut self, target: TermId) -> Result<Option<TermId>, StorageError> {
        if let Some(current) = self.current
            && current >= target
        {
            return Ok(Some(current));
        }
        self.memo.seeks = self.memo.seeks.saturating_add(1);
        if self.memo.pending {
            self.read_more()?;
        }
        if let Some(position) = self.memo.position {
            if let Some(found) = self.seek_memo(position, target) {
                return Ok(found);
            }
            // Past the values in memory: the cursor stands elsewhere, so seek it.
            return self.seek_cursor(target);
        }
        if self.current.is_some() {
            if self.steps == 0 {
                self.seeks_without_steps += 1;
                if self.seeks_without_steps >= SEEKS_BEFORE_RETRY {
                    self.steps = 1;
                    self.seeks_without_steps = 0;
                }
            } else {
                for _ in 0..self.steps {
                    match self.next()? {
                        Some(value) if value < target => {}
                        other => {
                            self.steps = (self.steps * 2).min(STEPS_BEFORE_SEEK);
                            return Ok(other);
                        }
                    }
                }
                self.steps /= 2;
            }
        }
        self.seek_cursor(target)
    }

    fn next(&mut self) -> Result<Option<TermId>, StorageError> {
        let Some(current) = self.current else {
            return Ok(None);
        };
        if let Some(position) = self.memo.position {
            let next = position + 1;
            if next < self.memo.values.len() || self.memo.complete {
                self.memo.position = Some(next);
                self.current = self.memo.values.get(next).copied();
                return Ok(self.current);
            }
            // Past the values in memory: continue on the cursor after the last of them.
            self.memo.position = None;
            return self.seek_cursor_after(current);
        }
        self.cursors.get(self.order)?.advance()?;
        self.settle()
    }
}

#[cfg(test)]
mod tests {
    use oxrdf::{GraphName, NamedNode, Quad};

    use super::*;
    use crate::Store;
    use crate::kv::MemoryBackend;
    use crate::storage::{GraphScope, QuadRead};

    /// A list sought row after row answers from memory as from the index, while it is read a
    /// part at a time: seeks inside, at the end of and past the part read, and steps across it.
    #[test]
    fn a_list_that_comes_back_answers_from_memory_as_from_the_index()
    -> Result<(), Box<dyn std::error::Error>> {
        let store = Store::open(MemoryBackend::new())?;
        let iri = |name: String| NamedNode::new(format!("http://e/{name}"));
        let (member, other) = (iri("member".into())?, iri("other".into())?);
        let class = iri("c".into())?;
        // Subjects interleave in id order: two of three are members, the rest only other.
        let mut quads = Vec::new();
        for i in 0..3000 {
            let predicate = if i % 3 == 1 { &other } else { &member };
            quads.push(Quad::new(
                iri(format!("s{i}"))?,
                predicate.clone(),
                class.clone(),
                GraphName::DefaultGraph,
            ));
        }
        store.bulk_load_quads(quads)?;
        let snapshot = store.snapshot()?;
        let pattern = QuadPattern {
            subject: None,
            predicate: snapshot.term_id(member.as_ref().into())?,
            object: snapshot.term_id(class.as_ref().into())?,
            graph: GraphScope::Default,
            explicit_only: false,
        };
        let mut subjects = Vec::new();
        for i in 0..3000 {
            subjects.extend(snapshot.term_id(iri(format!("s{i}"))?.as_ref().into())?);
        }
        subjects.sort_unstable();
        let mut fresh = snapshot.values();
        assert!(fresh.start(&pattern));
        let mut list = Vec::new();
        let mut value = fresh.seek(TermId::DEFAULT_GRAPH)?;
        while let Some(found) = value {
            list.push(found);
            value = fresh.next()?;
        }
        assert_eq!(list.len(), 2000);

        let mut side = snapshot.values();
        let mut random = 0x2545_f491_4f6c_dd1d_u64;
        let mut next_random = |bound: usize| {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            usize::try_from(random % bound as u64).unwrap_or_default()
        };
        for row in 0..300 {
            assert!(side.start(&pattern));
            // Where the side stands in `list`: `None` before its first seek.
            let mut at: Option<usize> = None;
            // Runs of steps: some of them cross the end of the part read.
            let mut steps = 0;
            for _ in 0..1 + next_random(40) {
                if at.is_some() && steps == 0 && next_random(3) == 0 {
                    steps = 1 + next_random(100);
                }
                let expected = if steps > 0 {
                    steps -= 1;
                    at = at.map(|i| i + 1);
                    (side.next()?, at.and_then(|i| list.get(i).copied()))
                } else {
                    // Forward, as an intersection seeks, by up to a tenth of the subjects.
                    let last = at.and_then(|i| list.get(i)).copied();
                    let from = last.map_or(0, |v| subjects.partition_point(|&s| s < v));
                    let Some(&target) = subjects.get(from + next_random(300)) else {
                        break;
                    };
                    let from = at.unwrap_or(0);
                    let found = from + list[from..].partition_point(|&v| v < target);
                    at = Some(found);
                    (side.seek(target)?, list.get(found).copied())
                };
                assert_eq!(expected.0, expected.1, "row {row}");
                if expected.0.is_none() {
                    break;
                }
            }
        }
        Ok(())
    }
}
