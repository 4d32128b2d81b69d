//! Quad pattern scans: bound positions become the key prefix of the index that answers them.

use std::collections::HashSet;

use super::lookup_cache::LookupCache;
use super::ops::{RowIter, stepping};
use super::{EvalContext, Row};
use crate::encoding::{EncodedQuad, TermId};
use crate::sparql::QueryError;
use crate::sparql::algebra::{DefaultGraphs, Expr, GraphTarget, PatternTerm, QuadPatternNode};
use crate::storage::QuadProbe;
use crate::storage::{GraphScope, QuadPattern};

/// How often a scan checks for cancellation and timeouts, in rows read.
const CHECK_EVERY: usize = 1024;

enum Resolved {
    Bound(TermId),
    Free(usize),
    Impossible,
}

fn resolve(term: PatternTerm, row: &[Option<TermId>]) -> Resolved {
    match term {
        PatternTerm::Const(id) => Resolved::Bound(id),
        PatternTerm::Absent => Resolved::Impossible,
        PatternTerm::Slot(slot) => match row.get(slot).copied().flatten() {
            Some(id) => Resolved::Bound(id),
            None => Resolved::Free(slot),
        },
    }
}

/// A pattern resolved against one input row: the storage lookups that answer it and where its
/// variables go in the output rows.
pub(crate) struct Lookup {
    pub(crate) patterns: Vec<QuadPattern>,
    /// Output slots of subject, predicate, object and graph (`None`: bound or constant).
    pub(crate) slots: [Option<usize>; 4],
    /// Whether several lookups may return the same triple (FROM with several graphs).
    dedupe: bool,
}

impl Lookup {
    /// `None` when the pattern cannot match for this row.
    pub(crate) fn new(
        ctx: &EvalContext<'_>,
        pattern: &QuadPatternNode,
        input: &[Option<TermId>],
    ) -> Option<Self> {
        let parts = [
            resolve(pattern.subject, input),
            resolve(pattern.predicate, input),
            resolve(pattern.object, input),
        ];
        if parts.iter().any(|p| matches!(p, Resolved::Impossible)) {
            return None;
        }
        let (graph_slot, scopes, dedupe): (Option<usize>, Vec<GraphScope>, bool) =
            match &pattern.graph {
                GraphTarget::DefaultGraph => match &ctx.dataset.default {
                    DefaultGraphs::Store => (None, vec![GraphScope::Default], false),
                    DefaultGraphs::Graphs(graphs) => (
                        None,
                        graphs.iter().map(|g| GraphScope::Graph(*g)).collect(),
                        graphs.len() > 1,
                    ),
                },
                GraphTarget::Named(term) => match resolve(*term, input) {
                    Resolved::Impossible => return None,
                    Resolved::Bound(g) => {
                        let allowed = g != TermId::DEFAULT_GRAPH
                            && ctx
                                .dataset
                                .named
                                .as_ref()
                                .is_none_or(|named| named.contains(&g));
                        (
                            None,
                            if allowed {
                                vec![GraphScope::Graph(g)]
                            } else {
                                Vec::new()
                            },
                            false,
                        )
                    }
                    Resolved::Free(slot) => match &ctx.dataset.named {
                        None => (Some(slot), vec![GraphScope::AnyNamed], false),
                        Some(named) => (
                            Some(slot),
                            named.iter().map(|g| GraphScope::Graph(*g)).collect(),
                            false,
                        ),
                    },
                },
            };
        let free = |r: &Resolved| match r {
            Resolved::Free(slot) => Some(*slot),
            _ => None,
        };
        let bound = |r: &Resolved| match r {
            Resolved::Bound(id) => Some(*id),
            _ => None,
        };
        let [s, p, o] = &parts;
        let slots = [free(s), free(p), free(o), graph_slot];
        let (subject, predicate, object) = (bound(s), bound(p), bound(o));
        let patterns = scopes
            .into_iter()
            .map(|graph| QuadPattern {
                subject,
                predicate,
                object,
                graph,
                explicit_only: ctx.explicit_only(),
            })
            .collect();
        Some(Self {
            patterns,
            slots,
            dedupe,
        })
    }

    /// `input` extended with `quad`'s values, unless a variable repeated in the pattern would
    /// take two values.
    fn row(&self, input: &[Option<TermId>], quad: &EncodedQuad) -> Option<Row> {
        let mut row = input.to_vec();
        let values = [quad.subject, quad.predicate, quad.object, quad.graph];
        for (slot, value) in self.slots.iter().zip(values) {
            if let Some(slot) = slot {
                match row[*slot] {
                    Some(existing) if existing != value => return None,
                    _ => row[*slot] = Some(value),
                }
            }
        }
        Some(row)
    }
}

/// Solutions of `pattern` with `input` substituted in: a probe join of that one row.
pub(crate) fn scan_pattern<'c>(
    ctx: &'c EvalContext<'c>,
    pattern: &'c QuadPatternNode,
    input: Row,
) -> RowIter<'c> {
    probe_join(ctx, Box::new(std::iter::once(Ok(input))), pattern)
}

/// Quads read per refill of a probe join's buffer.
const BATCH: usize = 256;

/// An index nested-loop join of `left`'s rows with a pattern, through one [`QuadProbe`] whose
/// cursors are reused from row to row.
pub(crate) fn probe_join<'c>(
    ctx: &'c EvalContext<'c>,
    left: RowIter<'c>,
    pattern: &'c QuadPatternNode,
) -> RowIter<'c> {
    let mut join = ProbeJoin::new(ctx, left, pattern, None);
    stepping(move || join.step())
}

/// The left outer join of `left`'s rows with a pattern (`OPTIONAL { pattern FILTER(filter) }`),
/// through one [`QuadProbe`] as [`probe_join`]: a left row that no quad extends past `filter`
/// comes out alone.
pub(crate) fn optional_probe_join<'c>(
    ctx: &'c EvalContext<'c>,
    left: RowIter<'c>,
    pattern: &'c QuadPatternNode,
    filter: Option<&'c Expr>,
) -> RowIter<'c> {
    let mut join = ProbeJoin::new(ctx, left, pattern, Some(filter));
    stepping(move || join.step())
}

struct ProbeJoin<'c> {
    ctx: &'c EvalContext<'c>,
    left: RowIter<'c>,
    pattern: &'c QuadPatternNode,
    probe: Box<dyn QuadProbe + 'c>,
    /// The left row being joined, its lookup, and the scans of that lookup not started yet.
    current: Option<(Row, Lookup, std::vec::IntoIter<QuadPattern>, bool)>,
    buffer: Vec<EncodedQuad>,
    position: usize,
    seen: HashSet<(TermId, TermId, TermId)>,
    read: usize,
    /// For a left outer join, its filter (`Some(None)` when it has none).
    optional: Option<Option<&'c Expr>>,
    /// Whether the current left row was extended (for a left outer join).
    extended: bool,
    /// Lookups started so far, and their answers kept once that pays (see [`LookupCache`]).
    lookups: usize,
    cache: LookupCache,
    /// The run of the cache answering the current lookup, instead of the probe.
    cached_run: Option<(usize, usize)>,
}

impl<'c> ProbeJoin<'c> {
    fn new(
        ctx: &'c EvalContext<'c>,
        left: RowIter<'c>,
        pattern: &'c QuadPatternNode,
        optional: Option<Option<&'c Expr>>,
    ) -> Self {
        Self {
            ctx,
            left,
            pattern,
            probe: ctx.probe(),
            current: None,
            buffer: Vec::with_capacity(BATCH),
            position: 0,
            seen: HashSet::new(),
            read: 0,
            optional,
            extended: false,
            lookups: 0,
            cache: LookupCache::default(),
            cached_run: None,
        }
    }

    fn step(&mut self) -> Result<Option<Row>, QueryError> {
        loop {
            if let Some((input, lookup, _, _)) = &self.current {
                while let Some(quad) = self.buffer.get(self.position) {
                    self.position += 1;
                    if lookup.dedupe
                        && !self
                            .seen
                            .insert((quad.subject, quad.predicate, quad.object))
                    {
                        continue;
                    }
                    let Some(row) = lookup.row(input, quad) else {
                        continue;
                    };
                    if let Some(Some(filter)) = self.optional
                        && !filter.test(&row, self.ctx)?.unwrap_or(false)
                    {
                        continue;
                    }
                    self.extended = true;
                    return Ok(Some(row));
                }
            }
            self.buffer.clear();
            self.position = 0;
            let Some((_, _, scans, more)) = &mut self.current else {
                let Some(row) = self.left.next().transpose()? else {
                    return Ok(None);
                };
                self.ctx.check()?;
                match Lookup::new(self.ctx, self.pattern, &row) {
                    Some(mut lookup) => {
                        let scans = std::mem::take(&mut lookup.patterns).into_iter();
                        self.seen.clear();
                        self.extended = false;
                        self.current = Some((row, lookup, scans, false));
                    }
                    None if self.optional.is_some() => return Ok(Some(row)),
                    None => {}
                }
                continue;
            };
            if !*more {
                match scans.next() {
                    Some(pattern) => {
                        self.lookups += 1;
                        self.cached_run =
                            self.cache
                                .answer(self.ctx, self.pattern, &pattern, self.lookups)?;
                        if self.cached_run.is_none() {
                            self.probe.start_within(&pattern, self.pattern.object_range);
                        }
                    }
                    None => {
                        let done = self.current.take();
                        if let Some((row, ..)) = done
                            && self.optional.is_some()
                            && !self.extended
                        {
                            return Ok(Some(row));
                        }
                        continue;
                    }
                }
            }
            *more = match &mut self.cached_run {
                Some(run) => self.cache.fill(run, &mut self.buffer, BATCH),
                None => self.probe.fill(&mut self.buffer, BATCH)?,
            };
            self.read += self.buffer.len();
            if self.read >= CHECK_EVERY {
                self.read = 0;
                self.ctx.check()?;
            }
        }
    }
}

/// The named graphs of the dataset as bindings of `term` (see `PlanNode::NamedGraph`).
pub(crate) fn named_graph<'c>(
    ctx: &'c EvalContext<'c>,
    term: PatternTerm,
    input: Row,
) -> RowIter<'c> {
    let named = match &ctx.dataset.named {
        Some(named) => Ok(named.clone()),
        None => ctx.reader().named_graphs(),
    };
    let named = match named {
        Ok(named) => named,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let rows: Vec<Row> = match resolve(term, &input) {
        Resolved::Impossible => Vec::new(),
        Resolved::Bound(g) => {
            if named.contains(&g) {
                vec![input]
            } else {
                Vec::new()
            }
        }
        Resolved::Free(slot) => named
            .into_iter()
            .map(|g| {
                let mut row = input.clone();
                row[slot] = Some(g);
                row
            })
            .collect(),
    };
    Box::new(rows.into_iter().map(Ok))
}
