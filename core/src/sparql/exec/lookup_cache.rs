//! A probe join that turns into a hash join once its left side proves large.
//!
//! An index nested-loop join seeks its pattern's index once per left row. That is the right plan
//! for a few rows, but when the left side turns out to hold thousands, reading the pattern's
//! quads once (those matching its constants) and grouping them by the values the rows bind costs
//! less than the seeks still to come, on disk above all, where a seek costs as much as reading a
//! dozen or more entries. The planner's estimates of the left side can be off by orders of
//! magnitude, so the switch is made at run time, from the lookups actually made: once they cost
//! as much as reading the pattern would ([`SCAN_ROWS_PER_LOOKUP`] entries a lookup), the pattern
//! is read, so the switch at most doubles the work of a join that ends right after it (the
//! classic rent-or-buy bound) and saves most of it on a long one.
//!
//! Answers keep the order the index would give: each key's quads are sorted as the ordering the
//! lookup would have sought, so nothing above can tell the difference.

use rustc_hash::FxHashMap;

use super::EvalContext;
use crate::encoding::{EncodedQuad, QuadOrder, TermId};
use crate::sparql::QueryError;
use crate::sparql::algebra::{GraphTarget, PatternTerm, QuadPatternNode};
use crate::storage::QuadPattern;

/// Index entries a lookup is worth: a seek and the cursor work around it, against stepping to the
/// next entry and decoding it. Measured on RocksDB (BSBM(10000), a product's property by
/// subject: about 1.4 µs a seek against 0.08 µs an entry); in memory a seek is cheaper but so is
/// an entry.
const SCAN_ROWS_PER_LOOKUP: usize = 16;

/// Lookups made before the first try: short joins never pay for reading a pattern.
const FIRST_TRY: usize = 64;

/// Most quads kept for one join, whatever the lookups made (32 bytes each: 32 MiB).
const MAX_QUADS: usize = 1 << 20;

/// The state of one probe join's cache.
pub(super) enum LookupCache {
    /// Not built yet: tried again once `next_try` lookups are made.
    Waiting { next_try: usize },
    /// Built: lookups of its shape are answered from it.
    Ready(Cached),
    /// Never worth it for this join (its pattern has too many quads, or its lookups vary in a
    /// way one table cannot answer).
    Off,
}

impl Default for LookupCache {
    fn default() -> Self {
        Self::Waiting {
            next_try: FIRST_TRY,
        }
    }
}

/// The quads of a pattern's constants, grouped by the values of the positions rows bind.
pub(super) struct Cached {
    /// Which of subject, predicate and object the rows bind.
    keyed: [bool; 3],
    /// The lookup every answered one must equal once its keyed positions are cleared.
    base: QuadPattern,
    quads: Vec<EncodedQuad>,
    /// Each key's run in `quads`.
    runs: FxHashMap<[TermId; 3], (usize, usize)>,
}

impl LookupCache {
    /// The run of quads answering `lookup`, the `lookups`-th made by a join on `node`, when the
    /// cache answers it (built first if it is time to).
    ///
    /// # Errors
    /// A storage failure or a cancelled query while the pattern is read.
    pub(super) fn answer(
        &mut self,
        ctx: &EvalContext<'_>,
        node: &QuadPatternNode,
        lookup: &QuadPattern,
        lookups: usize,
    ) -> Result<Option<(usize, usize)>, QueryError> {
        if let Self::Waiting { next_try } = self
            && lookups >= *next_try
        {
            *self = build(ctx, node, lookup, lookups)?;
        }
        Ok(match self {
            Self::Ready(cached) => cached.run(lookup),
            _ => None,
        })
    }

    /// Copies up to `max` quads of `run` into `out`; returns whether the run has more.
    pub(super) fn fill(
        &self,
        run: &mut (usize, usize),
        out: &mut Vec<EncodedQuad>,
        max: usize,
    ) -> bool {
        let Self::Ready(cached) = self else {
            return false;
        };
        let end = run.1.min(run.0 + max);
        out.extend_from_slice(cached.quads.get(run.0..end).unwrap_or_default());
        run.0 = end;
        run.0 < run.1
    }
}

impl Cached {
    fn run(&self, lookup: &QuadPattern) -> Option<(usize, usize)> {
        let (key, base) = split(lookup, self.keyed)?;
        if base != self.base {
            return None;
        }
        Some(self.runs.get(&key).copied().unwrap_or((0, 0)))
    }
}

/// The key of `lookup` (its keyed positions' values) and the lookup with them cleared; `None` if
/// a keyed position has no value in it (a row leaving that variable unbound).
fn split(lookup: &QuadPattern, keyed: [bool; 3]) -> Option<([TermId; 3], QuadPattern)> {
    let mut base = *lookup;
    let mut key = [TermId::default(); 3];
    for (position, slot) in [&mut base.subject, &mut base.predicate, &mut base.object]
        .into_iter()
        .enumerate()
    {
        if keyed[position] {
            key[position] = slot.take()?;
        }
    }
    Some((key, base))
}

/// The next state after a try at the `lookups`-th lookup, `lookup`.
fn build(
    ctx: &EvalContext<'_>,
    node: &QuadPatternNode,
    lookup: &QuadPattern,
    lookups: usize,
) -> Result<LookupCache, QueryError> {
    // The rows bind the pattern's variables that the lookup has values for; a graph taken from
    // the rows would make the table per graph.
    if matches!(node.graph, GraphTarget::Named(PatternTerm::Slot(_))) {
        return Ok(LookupCache::Off);
    }
    let terms = [node.subject, node.predicate, node.object];
    let values = [lookup.subject, lookup.predicate, lookup.object];
    let keyed: [bool; 3] = std::array::from_fn(|position| {
        matches!(terms[position], PatternTerm::Slot(_)) && values[position].is_some()
    });
    let Some((_, base)) = split(lookup, keyed) else {
        return Ok(LookupCache::Off);
    };
    let scans = lookup.scans();
    let [(order, _)] = scans.as_slice() else {
        return Ok(LookupCache::Off);
    };
    let order = *order;
    let limit = MAX_QUADS.min(ctx.row_limit().unwrap_or(usize::MAX));
    let budget = lookups.saturating_mul(SCAN_ROWS_PER_LOOKUP).min(limit);
    // A pattern of one constant predicate has an exact count: no read is wasted on finding out
    // that it is too large yet.
    if let (None, Some(predicate), None) = (base.subject, base.predicate, base.object) {
        let quads = usize::try_from(ctx.reader().predicate_count(predicate)?).unwrap_or(usize::MAX);
        if quads > limit {
            return Ok(LookupCache::Off);
        }
        if quads > budget {
            return Ok(LookupCache::Waiting {
                next_try: quads.div_ceil(SCAN_ROWS_PER_LOOKUP),
            });
        }
    }
    let mut quads = Vec::new();
    for quad in ctx.reader().scan(&base) {
        quads.push(quad?);
        if quads.len() > budget {
            return Ok(if budget == limit {
                LookupCache::Off
            } else {
                LookupCache::Waiting {
                    next_try: lookups.saturating_mul(4),
                }
            });
        }
        if quads.len().is_multiple_of(1024) {
            ctx.check()?;
        }
    }
    Ok(LookupCache::Ready(group(quads, order, keyed, base)))
}

/// `quads` grouped by key, each key's quads in the order `order` holds them, and each key's run.
fn group(quads: Vec<EncodedQuad>, order: QuadOrder, keyed: [bool; 3], base: QuadPattern) -> Cached {
    let key_of = |quad: &EncodedQuad| -> [TermId; 3] {
        let parts = [quad.subject, quad.predicate, quad.object];
        std::array::from_fn(|position| {
            if keyed[position] {
                parts[position]
            } else {
                TermId::default()
            }
        })
    };
    // Counted, then placed: a stable grouping in two passes, cheaper than sorting them all. Each
    // run's end serves as its next free place while the quads are placed, and ends at its end.
    let mut runs: FxHashMap<[TermId; 3], (usize, usize)> = FxHashMap::default();
    for quad in &quads {
        runs.entry(key_of(quad)).or_default().1 += 1;
    }
    let mut start = 0;
    for run in runs.values_mut() {
        let count = run.1;
        *run = (start, start);
        start += count;
    }
    let mut placed = quads.clone();
    for quad in quads {
        if let Some(run) = runs.get_mut(&key_of(&quad)) {
            placed[run.1] = quad;
            run.1 += 1;
        }
    }
    let mut quads = placed;
    // The ordering the lookups would seek starts with every bound position; within a key the
    // scan's own order mostly is that ordering's already.
    for &(start, end) in runs.values() {
        if let Some(run) = quads.get_mut(start..end)
            && !run.is_sorted_by_key(|quad| order.components(quad))
        {
            run.sort_unstable_by_key(|quad| order.components(quad));
        }
    }
    Cached {
        keyed,
        base,
        quads,
        runs,
    }
}
