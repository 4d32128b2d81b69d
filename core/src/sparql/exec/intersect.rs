//! Leapfrog intersection of patterns that share one unbound variable (see `plan::intersect`).
//!
//! Per input row each pattern resolves to one index prefix whose keys end in the variable's
//! values, sorted. The sides take turns seeking to the largest value any of them stands on; a
//! value all of them reach is a match (Veldhuizen, "Leapfrog Triejoin", ICDT 2014). A row for
//! which a pattern does not take that form (the variable already bound by an outer row, several
//! FROM graphs) is joined pattern by pattern instead, with the same answers.

use super::ops::{RowIter, stepping};
use super::pattern::{Lookup, probe_join};
use super::{EvalContext, Row};
use crate::encoding::TermId;
use crate::sparql::QueryError;
use crate::sparql::algebra::{QuadPatternNode, Slot};
use crate::storage::ValueSeek;

/// Seeks between checks for cancellation and timeouts.
const CHECK_EVERY: usize = 1024;

/// `left`'s rows joined with the intersection of `patterns` on `slot`.
pub(crate) fn intersect_join<'c>(
    ctx: &'c EvalContext<'c>,
    left: RowIter<'c>,
    patterns: &'c [QuadPatternNode],
    slot: Slot,
) -> RowIter<'c> {
    let mut join = IntersectJoin {
        ctx,
        left,
        patterns,
        slot,
        sides: patterns.iter().map(|_| ctx.reader().values()).collect(),
        input: None,
        values: Vec::new(),
        position: 0,
        fallback: None,
        seeks: 0,
    };
    stepping(move || join.step())
}

struct IntersectJoin<'c> {
    ctx: &'c EvalContext<'c>,
    left: RowIter<'c>,
    patterns: &'c [QuadPatternNode],
    slot: Slot,
    /// One sorted value list per pattern, reused from row to row.
    sides: Vec<Box<dyn ValueSeek + 'c>>,
    /// The input row being joined and the values the intersection gave it.
    input: Option<Row>,
    values: Vec<TermId>,
    position: usize,
    /// The pattern-by-pattern join of a row the intersection does not apply to.
    fallback: Option<RowIter<'c>>,
    seeks: usize,
}

/// What one input row makes of the patterns.
enum Prepared {
    /// Every side started: intersect them.
    Sides,
    /// Some pattern cannot match this row.
    Empty,
    /// Not an intersection for this row: join pattern by pattern.
    Nested,
}

impl<'c> IntersectJoin<'c> {
    fn step(&mut self) -> Result<Option<Row>, QueryError> {
        loop {
            if let Some(rows) = &mut self.fallback {
                match rows.next() {
                    Some(row) => return row.map(Some),
                    None => self.fallback = None,
                }
            }
            if let Some(input) = &self.input {
                if let Some(value) = self.values.get(self.position) {
                    self.position += 1;
                    let mut row = input.clone();
                    row[self.slot] = Some(*value);
                    return Ok(Some(row));
                }
                self.input = None;
            }
            let Some(row) = self.left.next().transpose()? else {
                return Ok(None);
            };
            self.ctx.check()?;
            match self.prepare(&row) {
                Prepared::Sides => {
                    self.values.clear();
                    self.position = 0;
                    self.leapfrog()?;
                    self.input = Some(row);
                }
                Prepared::Empty => {}
                Prepared::Nested => {
                    let mut rows: RowIter<'c> = Box::new(std::iter::once(Ok(row)));
                    for pattern in self.patterns {
                        rows = probe_join(self.ctx, rows, pattern);
                    }
                    self.fallback = Some(rows);
                }
            }
        }
    }

    /// Starts each side on its pattern with `row` substituted in.
    fn prepare(&mut self, row: &[Option<TermId>]) -> Prepared {
        if row.get(self.slot).copied().flatten().is_some() {
            return Prepared::Nested;
        }
        for (pattern, side) in self.patterns.iter().zip(&mut self.sides) {
            let Some(lookup) = Lookup::new(self.ctx, pattern, row) else {
                return Prepared::Empty;
            };
            let [scan] = lookup.patterns.as_slice() else {
                return if lookup.patterns.is_empty() {
                    Prepared::Empty
                } else {
                    Prepared::Nested
                };
            };
            // The variable must be the one position the row leaves free.
            let only_slot = lookup.slots.iter().flatten().eq([&self.slot]);
            if !only_slot || !side.start(scan) {
                return Prepared::Nested;
            }
        }
        Prepared::Sides
    }

    /// Fills `values` with the values every side has, in order.
    fn leapfrog(&mut self) -> Result<(), QueryError> {
        let count = self.sides.len();
        let Some(first) = self.sides.first_mut() else {
            return Ok(());
        };
        let Some(mut target) = first.seek(TermId::DEFAULT_GRAPH)? else {
            return Ok(());
        };
        // Sides standing on `target`, counting the one that reached it last.
        let mut agreeing = 1;
        let mut index = 1 % count;
        loop {
            self.seeks += 1;
            if self.seeks >= CHECK_EVERY {
                self.seeks = 0;
                self.ctx.check()?;
            }
            let side = &mut self.sides[index];
            let reached = if agreeing == count {
                self.values.push(target);
                self.ctx.check_rows(self.values.len(), "intersection")?;
                agreeing = 0;
                side.next()?
            } else {
                side.seek(target)?
            };
            let Some(value) = reached else {
                return Ok(());
            };
            if value == target {
                agreeing += 1;
            } else {
                target = value;
                agreeing = 1;
            }
            index = (index + 1) % count;
        }
    }
}
