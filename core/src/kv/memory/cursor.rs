//! A cursor over one table of the memory backend: a merge of the memtable and the runs, the
//! newest version of each key winning and deletions hidden.

use std::sync::Arc;

use super::table::{Frozen, Table};
use crate::kv::order::less;
use crate::kv::{KeyRange, KvCursor, KvError};

type MemtableIter<'a> =
    imbl::ordmap::RangedIter<'a, Arc<[u8]>, Option<Arc<[u8]>>, imbl::shared_ptr::DefaultSharedPtr>;
type MemtableEntry<'a> = (&'a Arc<[u8]>, &'a Option<Arc<[u8]>>);

/// Where the cursor's current entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Exhausted,
    Memtable,
    /// An index into `runs` (newest first).
    Run(usize),
}

/// The part of one run inside the cursor's range, and the position in it.
struct RunCursor<'a> {
    run: &'a Frozen,
    /// The first index in the range.
    first: usize,
    position: usize,
    /// One past the last index in the range.
    end: usize,
}

impl<'a> RunCursor<'a> {
    fn head(&self) -> Option<&'a [u8]> {
        (self.position < self.end).then(|| self.run.key(self.position))
    }
}

/// A cursor over a [`MemorySnapshot`](super::MemorySnapshot).
pub struct MemoryCursor<'a> {
    table: &'a Table,
    range: KeyRange,
    memtable: MemtableIter<'a>,
    memtable_head: Option<MemtableEntry<'a>>,
    /// Newest first, so that among equal keys the first found wins.
    runs: Vec<RunCursor<'a>>,
    current: Source,
}

impl<'a> MemoryCursor<'a> {
    pub(super) fn new(table: &'a Table, range: KeyRange) -> Self {
        let runs = table
            .runs
            .iter()
            .rev()
            .map(|run| {
                let first = run.lower_bound(range.start());
                let end = match range.end() {
                    Some(end) => run.gallop(end, first, run.len()),
                    None => run.len(),
                };
                RunCursor {
                    run,
                    first,
                    position: first,
                    end,
                }
            })
            .collect();
        let mut memtable = table.memtable.range::<_, [u8]>(range.bounds());
        let memtable_head = memtable.next();
        let mut cursor = Self {
            table,
            range,
            memtable,
            memtable_head,
            runs,
            current: Source::Exhausted,
        };
        cursor.settle();
        cursor
    }

    /// Positions on the smallest head, moving the sources it shadows past it and skipping deleted
    /// keys.
    fn settle(&mut self) {
        loop {
            let mut best: Option<(&'a [u8], Source)> = self
                .memtable_head
                .map(|(key, _)| (&key[..], Source::Memtable));
            for (index, run) in self.runs.iter().enumerate() {
                if let Some(key) = run.head()
                    && best.is_none_or(|(best, _)| less(key, best))
                {
                    best = Some((key, Source::Run(index)));
                }
            }
            let Some((key, source)) = best else {
                self.current = Source::Exhausted;
                return;
            };
            // Older versions of the same key are shadowed: step past them.
            let first_older = match source {
                Source::Run(index) => index + 1,
                _ => 0,
            };
            for run in &mut self.runs[first_older..] {
                if run.head() == Some(key) {
                    run.position += 1;
                }
            }
            let live = match source {
                Source::Memtable => self.memtable_head.is_some_and(|(_, value)| value.is_some()),
                Source::Run(index) => {
                    let run = &self.runs[index];
                    run.run.value(run.position).is_some()
                }
                Source::Exhausted => false,
            };
            if live {
                self.current = source;
                return;
            }
            self.step(source);
        }
    }

    fn step(&mut self, source: Source) {
        match source {
            Source::Memtable => self.memtable_head = self.memtable.next(),
            Source::Run(index) => self.runs[index].position += 1,
            Source::Exhausted => {}
        }
    }
}

impl KvCursor for MemoryCursor<'_> {
    fn key(&self) -> Option<&[u8]> {
        match self.current {
            Source::Exhausted => None,
            Source::Memtable => self.memtable_head.map(|(key, _)| &key[..]),
            Source::Run(index) => self.runs[index].head(),
        }
    }

    fn value(&self) -> Option<&[u8]> {
        match self.current {
            Source::Exhausted => None,
            Source::Memtable => self.memtable_head.and_then(|(_, value)| value.as_deref()),
            Source::Run(index) => {
                let run = &self.runs[index];
                (run.position < run.end)
                    .then(|| run.run.value(run.position))
                    .flatten()
            }
        }
    }

    fn advance(&mut self) -> Result<(), KvError> {
        self.step(self.current);
        self.settle();
        Ok(())
    }

    fn seek(&mut self, key: &[u8]) -> Result<(), KvError> {
        for run in &mut self.runs {
            // Forward seeks gallop from where the cursor is; backward ones search the whole run.
            run.position = match run.head() {
                Some(head) if !less(key, head) => run.run.gallop(key, run.position, run.end),
                None if run.end == run.first || less(run.run.key(run.end - 1), key) => run.end,
                _ => run.run.lower_bound(key).clamp(run.first, run.end),
            };
        }
        self.memtable = self
            .table
            .memtable
            .range::<_, [u8]>(self.range.bounds_from(key));
        self.memtable_head = self.memtable.next();
        self.settle();
        Ok(())
    }
}
