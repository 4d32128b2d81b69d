//! The hash join: the right side evaluated once (per graph context), its rows indexed by a hash
//! of the slots both sides bind, and each left row merged with the right rows under its hash.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use rustc_hash::{FxHashMap, FxHasher};

use super::ops::{RowIter, collect_in, evaluate, merge};
use super::{EvalContext, Row};
use crate::encoding::TermId;
use crate::sparql::QueryError;
use crate::sparql::algebra::PlanNode;

/// `left_rows` (the rows of `left`) joined by compatibility with `right`, which is evaluated on
/// its own, once per graph context the left rows bring (the graph `GRAPH ?g` reads), and hashed
/// on the slots every right row binds that every left row binds too, when `left` is a join chain
/// (see [`PlanNode::chain_slots`]); otherwise on all the slots every right row binds.
pub(super) fn hash_join<'c>(
    ctx: &'c EvalContext<'c>,
    left: &'c PlanNode,
    left_rows: RowIter<'c>,
    right: &'c PlanNode,
) -> RowIter<'c> {
    let left_slots = Some(left.chain_slots()).filter(|slots| !slots.is_empty());
    let build = move |context: Row| -> Result<Rc<HashedRows>, QueryError> {
        let rows = collect_in(ctx, evaluate(ctx, right, context), "hash join")?;
        Ok(Rc::new(HashedRows::new(ctx, rows, left_slots.as_deref())))
    };
    // Without a graph context (the usual case) there is one table, found without a lookup.
    let mut only: Option<Rc<HashedRows>> = None;
    let mut by_context: HashMap<Row, Rc<HashedRows>> = HashMap::new();
    Box::new(left_rows.flat_map(move |row| {
        let row = match row {
            Ok(row) => row,
            Err(e) => return Probe::Failed(Some(e)),
        };
        let table = if ctx.has_graph_context() {
            let context = ctx.context_of(&row);
            match by_context.get(&context) {
                Some(table) => Ok(Rc::clone(table)),
                None => build(context.clone()).inspect(|table| {
                    by_context.insert(context, Rc::clone(table));
                }),
            }
        } else {
            match &only {
                Some(table) => Ok(Rc::clone(table)),
                None => build(ctx.empty_row()).inspect(|table| only = Some(Rc::clone(table))),
            }
        };
        match table {
            Ok(table) => Probe::Matches(Matches::new(table, row)),
            Err(e) => Probe::Failed(Some(e)),
        }
    }))
}

/// The right side of a hash join: its rows, and their indexes grouped by the hash of their key
/// (the values of the key slots, which every one of them binds).
struct HashedRows {
    rows: Vec<Row>,
    key_slots: Vec<usize>,
    /// Indexes into `rows`, ordered by key hash.
    order: Vec<usize>,
    /// Each key hash's run in `order`: start and end.
    runs: FxHashMap<u64, (usize, usize)>,
}

impl HashedRows {
    fn new(ctx: &EvalContext<'_>, rows: Vec<Row>, left_slots: Option<&[usize]>) -> Self {
        let width = rows.first().map_or(0, Vec::len);
        let key_slots: Vec<usize> = (0..width)
            .filter(|slot| {
                !ctx.is_context_slot(*slot)
                    && left_slots.is_none_or(|left| left.contains(slot))
                    && rows.iter().all(|row| row[*slot].is_some())
            })
            .collect();
        let mut hashed: Vec<(u64, usize)> = Vec::new();
        if !key_slots.is_empty() {
            hashed = rows
                .iter()
                .enumerate()
                .filter_map(|(index, row)| Some((key_hash(row, &key_slots)?, index)))
                .collect();
            hashed.sort_unstable();
        }
        let mut runs = FxHashMap::default();
        let mut start = 0;
        for run in hashed.chunk_by(|a, b| a.0 == b.0) {
            runs.insert(run[0].0, (start, start + run.len()));
            start += run.len();
        }
        Self {
            rows,
            key_slots,
            order: hashed.into_iter().map(|(_, index)| index).collect(),
            runs,
        }
    }
}

/// The hash of `row`'s values in `slots`, or `None` when it leaves one unbound.
///
/// Rows under one hash may still differ on the key (a collision): the merge of each candidate
/// compares every slot, so it drops those.
fn key_hash(row: &[Option<TermId>], slots: &[usize]) -> Option<u64> {
    // Keys are store ids, not chosen by users: a fast hash is safe here.
    let mut hasher = FxHasher::default();
    for slot in slots {
        row.get(*slot).copied().flatten()?.hash(&mut hasher);
    }
    Some(hasher.finish())
}

/// What one left row of a hash join yields.
enum Probe {
    Matches(Matches),
    Failed(Option<QueryError>),
}

impl Iterator for Probe {
    type Item = Result<Row, QueryError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Self::Matches(matches) => matches.next().map(Ok),
            Self::Failed(error) => error.take().map(Err),
        }
    }
}

/// A left row merged with the right rows it is compatible with: those under its key's hash, or
/// every right row when it leaves a key slot unbound (or there is no key).
struct Matches {
    table: Rc<HashedRows>,
    row: Row,
    /// Position in `table.order` (or in `table.rows` when `scan`), and where to stop.
    next: usize,
    end: usize,
    scan: bool,
}

impl Matches {
    fn new(table: Rc<HashedRows>, row: Row) -> Self {
        let (next, end, scan) = match key_hash(&row, &table.key_slots) {
            Some(hash) if !table.key_slots.is_empty() => {
                let (start, end) = table.runs.get(&hash).copied().unwrap_or((0, 0));
                (start, end, false)
            }
            _ => (0, table.rows.len(), true),
        };
        Self {
            table,
            row,
            next,
            end,
            scan,
        }
    }
}

impl Iterator for Matches {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        while self.next < self.end {
            let position = self.next;
            self.next += 1;
            let index = if self.scan {
                position
            } else {
                *self.table.order.get(position)?
            };
            if let Some(merged) = merge(&self.row, self.table.rows.get(index)?) {
                return Some(merged);
            }
        }
        None
    }
}
