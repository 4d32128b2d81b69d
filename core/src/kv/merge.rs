use std::collections::BTreeMap;
use std::ops::Bound;

use super::{KvCursor, KvError};

/// A range of keys: from `start` (inclusive) to `end` (exclusive, or the end of the keyspace).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyRange {
    start: Vec<u8>,
    end: Option<Vec<u8>>,
}

impl KeyRange {
    /// Every key.
    pub fn all() -> Self {
        Self::default()
    }

    /// Keys in `[start, end)`; `end = None` runs to the end of the keyspace.
    pub fn new(start: impl Into<Vec<u8>>, end: Option<Vec<u8>>) -> Self {
        Self {
            start: start.into(),
            end,
        }
    }

    /// Keys that start with `prefix`.
    pub fn prefix(prefix: &[u8]) -> Self {
        Self {
            start: prefix.to_vec(),
            end: prefix_successor(prefix),
        }
    }

    /// The inclusive lower bound.
    pub fn start(&self) -> &[u8] {
        &self.start
    }

    /// The exclusive upper bound, if any.
    pub fn end(&self) -> Option<&[u8]> {
        self.end.as_deref()
    }

    /// Whether `key` lies in the range.
    pub fn contains(&self, key: &[u8]) -> bool {
        key >= self.start.as_slice() && self.end.as_deref().is_none_or(|end| key < end)
    }

    /// The range as standard bounds.
    pub fn bounds(&self) -> (Bound<&[u8]>, Bound<&[u8]>) {
        self.bounds_from(&self.start)
    }

    /// The part of the range at or after `key`, as standard bounds.
    pub fn bounds_from<'a>(&'a self, key: &'a [u8]) -> (Bound<&'a [u8]>, Bound<&'a [u8]>) {
        let start = if key > self.start.as_slice() {
            key
        } else {
            &self.start
        };
        match self.end.as_deref() {
            // `[end, end)` is a valid empty range; a start past the end would make maps panic.
            Some(end) if start >= end => (Bound::Included(end), Bound::Excluded(end)),
            Some(end) => (Bound::Included(start), Bound::Excluded(end)),
            None => (Bound::Included(start), Bound::Unbounded),
        }
    }
}

/// The smallest key greater than every key starting with `prefix`, or `None` if there is none.
pub(crate) fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// Pending writes of one keyspace: `Some(value)` for a put, `None` for a delete.
pub type Overlay = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// A cursor that shows uncommitted writes over a snapshot cursor, for read-your-writes transactions.
pub struct OverlayCursor<'a, C> {
    base: C,
    overlay: &'a Overlay,
    range: KeyRange,
    pending: Option<(&'a Vec<u8>, &'a Option<Vec<u8>>)>,
    overlay_iter: std::collections::btree_map::Range<'a, Vec<u8>, Option<Vec<u8>>>,
    from_overlay: bool,
}

impl<'a, C: KvCursor> OverlayCursor<'a, C> {
    /// Merges `overlay` (restricted to `range`) over `base`, a cursor on the same range.
    ///
    /// # Errors
    /// Fails if the base cursor fails.
    pub fn new(base: C, overlay: &'a Overlay, range: KeyRange) -> Result<Self, KvError> {
        let mut overlay_iter = overlay.range::<[u8], _>(range.bounds());
        let pending = overlay_iter.next();
        let mut cursor = Self {
            base,
            overlay,
            range,
            pending,
            overlay_iter,
            from_overlay: false,
        };
        cursor.settle()?;
        Ok(cursor)
    }

    /// Positions on the smaller of the two heads, skipping deleted keys.
    fn settle(&mut self) -> Result<(), KvError> {
        loop {
            let Some((pending_key, pending_value)) = self.pending else {
                self.from_overlay = false;
                return Ok(());
            };
            match self.base.key() {
                Some(base_key) if base_key < pending_key.as_slice() => {
                    self.from_overlay = false;
                    return Ok(());
                }
                Some(base_key) if base_key == pending_key.as_slice() => {
                    // The pending write shadows the stored value.
                    self.base.advance()?;
                }
                _ => {}
            }
            if pending_value.is_some() {
                self.from_overlay = true;
                return Ok(());
            }
            self.pending = self.overlay_iter.next();
        }
    }
}

impl<C: KvCursor> KvCursor for OverlayCursor<'_, C> {
    fn key(&self) -> Option<&[u8]> {
        if self.from_overlay {
            self.pending.map(|(k, _)| k.as_slice())
        } else {
            self.base.key()
        }
    }

    fn value(&self) -> Option<&[u8]> {
        if self.from_overlay {
            self.pending.and_then(|(_, v)| v.as_deref())
        } else {
            self.base.value()
        }
    }

    fn advance(&mut self) -> Result<(), KvError> {
        if self.from_overlay {
            self.pending = self.overlay_iter.next();
        } else {
            self.base.advance()?;
        }
        self.settle()
    }

    fn seek(&mut self, key: &[u8]) -> Result<(), KvError> {
        self.base.seek(key)?;
        self.overlay_iter = self.overlay.range::<[u8], _>(self.range.bounds_from(key));
        self.pending = self.overlay_iter.next();
        self.settle()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_successor_carries() {
        assert_eq!(prefix_successor(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_successor(&[1, 0xFF]), Some(vec![2]));
        assert_eq!(prefix_successor(&[0xFF, 0xFF]), None);
        assert!(KeyRange::prefix(&[1, 0xFF]).contains(&[1, 0xFF, 7]));
        assert!(!KeyRange::prefix(&[1, 0xFF]).contains(&[2]));
    }
}
