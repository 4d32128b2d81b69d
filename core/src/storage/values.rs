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

/// Entries stepped over before seeking instead: on disk a step is much cheaper than a seek, and
/// the value sought is often only a few entries ahead.
const STEPS_BEFORE_SEEK: usize = 4;

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
pub struct IndexValues<'a, K: KvSnapshot + 'a> {
    cursors: OrderCursors<'a, K>,
    /// The ordering of the current pattern.
    order: QuadOrder,
    /// The current pattern's bound prefix, followed by the value last sought.
    key: [u8; 32],
    /// Where the cursor stands: `None` before the first seek or past the last value.
    current: Option<TermId>,
    explicit_only: bool,
}

impl<'a, K: KvSnapshot + 'a> IndexValues<'a, K> {
    pub(crate) fn new(kv: &'a K) -> Self {
        Self {
            cursors: OrderCursors::new(kv),
            order: QuadOrder::Gspo,
            key: [0; 32],
            current: None,
            explicit_only: false,
        }
    }

    /// The value under the cursor, stepping over entries an explicit-only read leaves out.
    fn settle(&mut self) -> Result<Option<TermId>, StorageError> {
        let (order, prefix, explicit_only) = (self.order, self.key, self.explicit_only);
        let cursor = self.cursors.get(order)?;
        let value = loop {
            let Some(key) = cursor.key() else {
                break None;
            };
            if !key.starts_with(&prefix[..PREFIX]) {
                break None;
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
            break Some(
                TermId::from_be_bytes(bytes).ok_or_else(|| {
                    StorageError::Corruption(format!("malformed key in {order:?}"))
                })?,
            );
        };
        self.current = value;
        Ok(value)
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
        self.order = *order;
        self.key = [0; 32];
        self.key[..PREFIX].copy_from_slice(prefix);
        self.current = None;
        self.explicit_only = pattern.explicit_only;
        true
    }

    fn seek(&mut self, target: TermId) -> Result<Option<TermId>, StorageError> {
        if let Some(current) = self.current {
            if current >= target {
                return Ok(Some(current));
            }
            for _ in 0..STEPS_BEFORE_SEEK {
                match self.next()? {
                    Some(value) if value < target => {}
                    other => return Ok(other),
                }
            }
        }
        self.key[PREFIX..].copy_from_slice(&target.to_be_bytes());
        let key = self.key;
        self.cursors.get(self.order)?.seek(&key)?;
        self.settle()
    }

    fn next(&mut self) -> Result<Option<TermId>, StorageError> {
        if self.current.is_none() {
            return Ok(None);
        }
        self.cursors.get(self.order)?.advance()?;
        self.settle()
    }
}
