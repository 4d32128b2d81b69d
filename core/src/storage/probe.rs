//! Repeated pattern lookups over one read view, keeping one cursor per index.
//!
//! An index nested-loop join looks a pattern up once per row of its left side. Opening a cursor
//! per lookup is cheap in memory but not on disk (RocksDB builds an iterator over every level
//! each time), so a probe opens at most one cursor per index ordering and `seek`s it to each
//! lookup's prefix.

use std::collections::VecDeque;

use super::pattern::decode_entry;
use super::{QuadPattern, StorageError};
use crate::encoding::{EncodedQuad, IndexFlags, QuadOrder};
use crate::kv::{KeyRange, KvCursor, KvSnapshot};

/// Lookups of quad patterns, one after another, over one read view.
pub trait QuadProbe {
    /// Starts the lookup of `pattern`, dropping what is left of the previous one.
    fn start(&mut self, pattern: &QuadPattern);

    /// Appends up to `max` further quads of the current lookup to `out`; returns whether the
    /// lookup may have more.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn fill(&mut self, out: &mut Vec<EncodedQuad>, max: usize) -> Result<bool, StorageError>;
}

/// The [`QuadProbe`] over a [`KvSnapshot`].
pub struct IndexProbe<'a, K: KvSnapshot + 'a> {
    kv: &'a K,
    /// One cursor per ordering, opened on first use over the whole index.
    cursors: [Option<K::Cursor<'a>>; 6],
    /// Scans of the current lookup not started yet.
    pending: VecDeque<(QuadOrder, Vec<u8>)>,
    /// The scan in progress: its ordering and prefix (its cursor stands inside it).
    active: Option<(QuadOrder, Vec<u8>)>,
    explicit_only: bool,
}

impl<'a, K: KvSnapshot + 'a> IndexProbe<'a, K> {
    pub(crate) fn new(kv: &'a K) -> Self {
        Self {
            kv,
            cursors: Default::default(),
            pending: VecDeque::new(),
            active: None,
            explicit_only: false,
        }
    }

    fn slot(order: QuadOrder) -> usize {
        QuadOrder::ALL
            .iter()
            .position(|o| *o == order)
            .unwrap_or_default()
    }
}

impl<'a, K: KvSnapshot + 'a> QuadProbe for IndexProbe<'a, K> {
    fn start(&mut self, pattern: &QuadPattern) {
        self.pending = pattern.scans().into();
        self.active = None;
        self.explicit_only = pattern.explicit_only;
    }

    fn fill(&mut self, out: &mut Vec<EncodedQuad>, max: usize) -> Result<bool, StorageError> {
        let mut added = 0;
        loop {
            if self.active.is_none() {
                let Some((order, prefix)) = self.pending.pop_front() else {
                    return Ok(false);
                };
                let slot = Self::slot(order);
                if self.cursors[slot].is_none() {
                    self.cursors[slot] = Some(self.kv.cursor(order.keyspace(), KeyRange::all())?);
                }
                if let Some(cursor) = &mut self.cursors[slot] {
                    cursor.seek(&prefix)?;
                }
                self.active = Some((order, prefix));
            }
            let Some((order, prefix)) = &self.active else {
                continue;
            };
            let Some(cursor) = &mut self.cursors[Self::slot(*order)] else {
                self.active = None;
                continue;
            };
            loop {
                if added >= max {
                    return Ok(true);
                }
                let Some(key) = cursor.key() else {
                    break;
                };
                if !key.starts_with(prefix) {
                    break;
                }
                let (quad, flags) = decode_entry(*order, key, cursor.value())?;
                cursor.advance()?;
                if self.explicit_only && !flags.contains(IndexFlags::EXPLICIT) {
                    continue;
                }
                out.push(quad);
                added += 1;
            }
            self.active = None;
        }
    }
}
