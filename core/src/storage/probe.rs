//! Repeated pattern lookups over one read view, keeping one cursor per index.
//!
//! An index nested-loop join looks a pattern up once per row of its left side. Opening a cursor
//! per lookup is cheap in memory but not on disk (RocksDB builds an iterator over every level
//! each time), so the probes of one query share one cursor per index ordering
//! ([`ProbeCursors`]) and `seek` it to each lookup's prefix.

use std::cell::RefCell;
use std::collections::VecDeque;

use super::pattern::decode_entry;
use super::{QuadPattern, StorageError};
use crate::encoding::{EncodedQuad, IndexFlags, QuadOrder, TermId};
use crate::kv::{KvCursor, KvSnapshot};

/// Lookups of quad patterns, one after another, over one read view.
pub trait QuadProbe {
    /// Starts the lookup of `pattern`, dropping what is left of the previous one.
    fn start(&mut self, pattern: &QuadPattern);

    /// [`start`](Self::start), allowed to leave out quads whose object has the tag of
    /// `object_range`'s ends and lies outside them (a FILTER above drops those anyway): the scan
    /// seeks past them where the object follows the index prefix.
    fn start_within(&mut self, pattern: &QuadPattern, object_range: Option<(TermId, TermId)>) {
        let _ = object_range;
        self.start(pattern);
    }

    /// Appends up to `max` further quads of the current lookup to `out`; returns whether the
    /// lookup may have more.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn fill(&mut self, out: &mut Vec<EncodedQuad>, max: usize) -> Result<bool, StorageError>;
}

/// The cursors the lookups of one read share, one per index ordering, and a count of the moves
/// made on them, so a lookup resumed after another one moved them seeks back first.
///
/// Every index nested-loop join of a query looks up through these: a query opens one cursor per
/// ordering instead of one per join (an iterator costs as much as a few seeks on RocksDB), and
/// lookups of consecutive joins on one subject land in the block the previous one read.
pub struct ProbeCursors<'a, K: KvSnapshot + 'a> {
    shared: RefCell<(OrderCursors<'a, K>, u64)>,
}

impl<'a, K: KvSnapshot + 'a> ProbeCursors<'a, K> {
    pub(crate) fn new(kv: &'a K) -> Self {
        Self {
            shared: RefCell::new((OrderCursors::new(kv), 0)),
        }
    }

    /// A probe looking up through these cursors.
    pub fn probe(&self) -> IndexProbe<'_, 'a, K> {
        IndexProbe {
            cursors: self,
            pending: VecDeque::new(),
            active: None,
            explicit_only: false,
            object_range: None,
            moves: 0,
        }
    }
}

/// The [`QuadProbe`] over a [`KvSnapshot`], through cursors it shares (see [`ProbeCursors`]).
pub struct IndexProbe<'p, 'a, K: KvSnapshot + 'a> {
    cursors: &'p ProbeCursors<'a, K>,
    /// Scans of the current lookup not started yet.
    pending: VecDeque<(QuadOrder, Vec<u8>)>,
    /// The scan in progress: its ordering and prefix, and the key its cursor stood on when this
    /// probe last left it (another probe may have moved the cursor since).
    active: Option<(QuadOrder, Vec<u8>, Option<Vec<u8>>)>,
    explicit_only: bool,
    /// Object ids that may be skipped: those of this range's tag outside it.
    object_range: Option<(TermId, TermId)>,
    /// The shared cursors' move count when this probe last left them.
    moves: u64,
}

impl<'p, 'a: 'p, K: KvSnapshot + 'a> QuadProbe for IndexProbe<'p, 'a, K> {
    fn start(&mut self, pattern: &QuadPattern) {
        self.start_within(pattern, None);
    }

    fn start_within(&mut self, pattern: &QuadPattern, object_range: Option<(TermId, TermId)>) {
        self.pending = pattern.scans().into();
        self.active = None;
        self.explicit_only = pattern.explicit_only;
        self.object_range = object_range.filter(|_| pattern.object.is_none());
    }

    fn fill(&mut self, out: &mut Vec<EncodedQuad>, max: usize) -> Result<bool, StorageError> {
        let mut shared = self
            .cursors
            .shared
            .try_borrow_mut()
            .map_err(|_| StorageError::Corruption("index cursors in use".into()))?;
        let (cursors, moves) = &mut *shared;
        if *moves != self.moves {
            // Back to where this lookup left its cursor; one left at the end is done.
            let resume = self
                .active
                .as_ref()
                .map(|(order, _, key)| (*order, key.clone()));
            match resume {
                Some((order, Some(key))) => cursors.get(order)?.seek(&key)?,
                Some((_, None)) => self.active = None,
                None => {}
            }
        }
        *moves += 1;
        self.moves = *moves;
        let mut added = 0;
        loop {
            if self.active.is_none() {
                let Some((order, prefix)) = self.pending.pop_front() else {
                    return Ok(false);
                };
                cursors.get(order)?.seek(&prefix)?;
                self.active = Some((order, prefix, None));
            }
            let Some((order, prefix, resume)) = &mut self.active else {
                continue;
            };
            let cursor = cursors.get(*order)?;
            // Keys outside the object range met in a row: the first is stepped over, as a
            // lookup bound up to its object mostly has one or two (a seek costs a dozen steps on
            // disk); only a second one in a row is sought past.
            let mut skipped = 0;
            loop {
                if added >= max {
                    *resume = cursor.key().map(<[u8]>::to_vec);
                    return Ok(true);
                }
                let Some(key) = cursor.key() else {
                    break;
                };
                if !key.starts_with(prefix) {
                    break;
                }
                if let Some(target) = skip_to(*order, prefix, key, self.object_range) {
                    skipped += 1;
                    if skipped == 1 {
                        cursor.advance()?;
                    } else {
                        cursor.seek(&target)?;
                    }
                    continue;
                }
                skipped = 0;
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

/// One cursor per index ordering over a snapshot, each opened on first use over the whole index
/// (unpositioned: every use seeks it first) and then sought from lookup to lookup (opening one per lookup is what costs on disk).
pub(crate) struct OrderCursors<'a, K: KvSnapshot + 'a> {
    kv: &'a K,
    cursors: [Option<K::Cursor<'a>>; 6],
}

impl<'a, K: KvSnapshot + 'a> OrderCursors<'a, K> {
    pub(crate) fn new(kv: &'a K) -> Self {
        Self {
            kv,
            cursors: Default::default(),
        }
    }

    /// The cursor of `order`, opened if this is its first use.
    pub(crate) fn get(&mut self, order: QuadOrder) -> Result<&mut K::Cursor<'a>, StorageError> {
        let slot = QuadOrder::ALL
            .iter()
            .position(|o| *o == order)
            .unwrap_or_default();
        let cursor = &mut self.cursors[slot];
        if cursor.is_none() {
            *cursor = Some(self.kv.seek_cursor(order.keyspace())?);
        }
        cursor
            .as_mut()
            .ok_or_else(|| StorageError::Corruption("index cursor missing".into()))
    }
}

/// Where to seek past `key` when its object lies outside `range` within the range's tag: the
/// range's start below it, the next tag above it. `None` to read the key (no range, the object is
/// not the component after `prefix`, another tag, or inside the range).
fn skip_to(
    order: QuadOrder,
    prefix: &[u8],
    key: &[u8],
    range: Option<(TermId, TermId)>,
) -> Option<Vec<u8>> {
    let (low, high) = range?;
    let at = prefix.len();
    if order.object_offset() != at {
        return None;
    }
    let mut bytes = [0; 8];
    bytes.copy_from_slice(key.get(at..at + 8)?);
    let object = u64::from_be_bytes(bytes);
    let tag = |id: u64| id >> TermId::PAYLOAD_BITS;
    let target = if tag(object) != tag(low.as_u64()) {
        return None;
    } else if object < low.as_u64() {
        low.as_u64()
    } else if object > high.as_u64() {
        // The first id of the next tag (ids of the last tag never reach here: no range has it).
        (tag(object) + 1).checked_shl(TermId::PAYLOAD_BITS)?
    } else {
        return None;
    };
    let mut seek = prefix.to_vec();
    seek.extend_from_slice(&target.to_be_bytes());
    Some(seek)
}
