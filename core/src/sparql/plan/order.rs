//! Join order inside a basic graph pattern, from the store's statistics.
//!
//! A BGP is a conjunction, so any order gives the same solutions; the order decides how much work
//! the index nested-loop joins do. The cost of an order is the rows it reads and produces, summed
//! over its steps ([`CostModel`] estimates each step). Up to [`EXACT_LIMIT`] patterns, dynamic
//! programming over the subsets finds the cheapest left-deep order that never takes a cross
//! product while a connected pattern is left; above that, a greedy pass takes the cheapest
//! connected pattern each time. Ties keep the written order.
//!
//! A left-deep chain probes its next pattern once per row so far. When the rows in the middle of
//! the chain far outnumber those of two halves of the BGP computed on their own (a cyclic join such
//! as two products sharing a producer and a feature), the halves are instead each ordered
//! left-deep, evaluated once and hash-joined ([`BgpPlan::Split`]); the subset costs come from the
//! same dynamic programming table.

use super::Catalog;
use super::cost::{CostModel, FilterHint, JoinState, MAX_SLOTS};
use crate::sparql::QueryError;
use crate::sparql::algebra::{PlanNode, QuadPatternNode};

/// Most patterns ordered exhaustively (2^n subsets).
const EXACT_LIMIT: usize = 10;

/// Most patterns ordered at all (a state keeps the placed ones as bits of a `u64`); a larger BGP
/// keeps its written order.
const ORDER_LIMIT: usize = 64;

/// How much cheaper in the cost model two hash-joined halves must be than the best chain: the
/// model counts a chain's probes as rows, where an intersection or a sought cursor makes them
/// cheaper, and a hash join holds its smaller half in memory.
const SPLIT_MARGIN: f64 = 4.0;

/// How a BGP's patterns are joined.
pub(crate) enum BgpPlan {
    /// One left-deep chain, in this order.
    Chain(Vec<PlanNode>),
    /// Two chains, each in its order, evaluated once each and hash-joined (the second is the
    /// one held in memory).
    Split(Vec<PlanNode>, Vec<PlanNode>),
}

/// The nodes of one BGP in the order to join them, given the FILTER conjuncts over it (which the
/// push-down then runs as soon as their variables are bound). Only plain quad patterns are
/// reordered; a BGP with anything else keeps its written order.
pub(crate) fn order_bgp(
    catalog: &dyn Catalog,
    nodes: Vec<PlanNode>,
    filters: &[FilterHint],
) -> Result<BgpPlan, QueryError> {
    if nodes.len() < 2 || nodes.len() > ORDER_LIMIT {
        return Ok(BgpPlan::Chain(nodes));
    }
    let mut patterns: Vec<QuadPatternNode> = Vec::with_capacity(nodes.len());
    for node in &nodes {
        match node {
            PlanNode::Pattern(pattern) => patterns.push(pattern.clone()),
            _ => return Ok(BgpPlan::Chain(nodes)),
        }
    }
    let model = CostModel::new(catalog, &patterns, filters)?;
    if model.slot_count() > MAX_SLOTS {
        return Ok(BgpPlan::Chain(nodes));
    }
    let mut nodes: Vec<Option<PlanNode>> = nodes.into_iter().map(Some).collect();
    let mut take = |order: Vec<usize>| -> Vec<PlanNode> {
        order
            .into_iter()
            .filter_map(|index| nodes.get_mut(index).and_then(Option::take))
            .collect()
    };
    // Patterns known to match at most one quad go first, as written: they never add rows, and
    // the enumeration below is left with fewer patterns.
    let mut start = JoinState::start();
    let mut order = Vec::with_capacity(patterns.len());
    for index in 0..patterns.len() {
        if model.at_most_one(index) {
            start = model.join(&start, index);
            order.push(index);
        }
    }
    let rest = patterns.len() - order.len();
    // The greedy order first: its cost bounds the exhaustive search, which then only explores
    // partial orders still cheaper than it.
    let (greedy_order, greedy_cost, greedy_state) = greedy(&model, patterns.len(), start);
    if rest > EXACT_LIMIT {
        order.extend(greedy_order);
        return Ok(BgpPlan::Chain(take(order)));
    }
    let table = Table::build(&model, patterns.len(), start, greedy_cost);
    // Patterns placed first bind variables both halves would need: only whole BGPs split.
    if order.is_empty()
        && let Some((first, second)) = table.split(&model, (greedy_cost, greedy_state))
    {
        return Ok(BgpPlan::Split(take(first), take(second)));
    }
    order.extend(table.order(table.full()).unwrap_or(greedy_order));
    Ok(BgpPlan::Chain(take(order)))
}

/// Bits of the patterns that may come after `state`: the connected ones, or every one left if
/// none is connected (a cross product only when nothing else is possible).
fn candidates(model: &CostModel<'_>, state: &JoinState, n: usize) -> u64 {
    let all = if n >= 64 { u64::MAX } else { (1 << n) - 1 };
    let left = all & !state.placed;
    if state.placed == 0 {
        return left;
    }
    let connected = (0..n)
        .filter(|i| left & (1 << i) != 0 && model.connected(state, *i))
        .fold(0, |bits, i| bits | (1 << i));
    if connected == 0 { left } else { connected }
}

fn bits(set: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |i| set & (1 << i) != 0)
}

/// The cheapest left-deep order of every subset of the patterns `start` left, by dynamic
/// programming: for each set of placed patterns the cheapest way to get there, its cost (rows
/// read and produced so far), its state and the pattern placed last. Sets are numbered over the
/// patterns `start` left, so the table has `2^left` entries however many patterns went first.
/// Partial orders that cost `bound` or more are not followed.
struct Table {
    left: Vec<usize>,
    best: Vec<Option<(f64, JoinState, usize)>>,
}

impl Table {
    fn build(model: &CostModel<'_>, n: usize, start: JoinState, bound: f64) -> Self {
        let left: Vec<usize> = bits(!start.placed).take_while(|i| *i < n).collect();
        let mut best: Vec<Option<(f64, JoinState, usize)>> = vec![None; 1 << left.len()];
        for set in 0..best.len() {
            let (cost, state) = if set == 0 {
                (0.0, start)
            } else {
                match &best[set] {
                    Some((cost, state, _)) => (*cost, *state),
                    None => continue,
                }
            };
            let open = candidates(model, &state, n);
            for (position, index) in left.iter().copied().enumerate() {
                if set & (1 << position) != 0 || open & (1 << index) == 0 {
                    continue;
                }
                let next = model.join(&state, index);
                let next_cost = cost + state.rows + next.rows;
                if next_cost >= bound {
                    continue;
                }
                let key = set | (1 << position);
                if best[key]
                    .as_ref()
                    .is_none_or(|(current, _, _)| next_cost < *current)
                {
                    best[key] = Some((next_cost, next, position));
                }
            }
        }
        Self { left, best }
    }

    /// The set of every pattern left.
    fn full(&self) -> usize {
        self.best.len() - 1
    }

    /// The cheapest order of `set`, walking back through each set's last pattern.
    fn order(&self, mut set: usize) -> Option<Vec<usize>> {
        let mut order = Vec::with_capacity(set.count_ones() as usize);
        while set != 0 {
            let (_, _, last) = self.best[set]?;
            order.push(self.left[last]);
            set &= !(1 << last);
        }
        order.reverse();
        Some(order)
    }

    /// Two halves whose chains, hash-joined, cost less than [`SPLIT_MARGIN`] times the best
    /// whole chain, `greedy` (its cost and final state) when the table holds none cheaper: the
    /// cheapest such split, the half with more rows first.
    fn split(
        &self,
        model: &CostModel<'_>,
        greedy: (f64, JoinState),
    ) -> Option<(Vec<usize>, Vec<usize>)> {
        let full = self.full();
        let (chain_cost, whole) = self.best[full].map_or(greedy, |(cost, state, _)| (cost, state));
        let mut found: Option<(f64, usize)> = None;
        // Halves containing the first pattern: each split once.
        for first in (1..full).filter(|set| set & 1 == 1) {
            let second = full & !first;
            let (Some((cost_a, a, _)), Some((cost_b, b, _))) =
                (self.best[first], self.best[second])
            else {
                continue;
            };
            // A cross product is no split worth making.
            if !bits(b.placed).any(|index| model.connected(&a, index)) {
                continue;
            }
            let cost = cost_a + cost_b + a.rows + b.rows + whole.rows;
            if found.is_none_or(|(best, _)| cost < best) {
                found = Some((cost, first));
            }
        }
        let (cost, first) = found?;
        if cost * SPLIT_MARGIN >= chain_cost {
            return None;
        }
        let second = full & !first;
        let (a, b) = (self.order(first)?, self.order(second)?);
        let rows = |set: usize| self.best[set].map_or(0.0, |(_, state, _)| state.rows);
        Some(if rows(first) >= rows(second) {
            (a, b)
        } else {
            (b, a)
        })
    }
}

/// The cheapest next pattern each time, after `start`, the order's cost and its final state.
fn greedy(model: &CostModel<'_>, n: usize, start: JoinState) -> (Vec<usize>, f64, JoinState) {
    let mut state = start;
    let mut order = Vec::with_capacity(n);
    let mut cost = 0.0;
    while state.placed.count_ones() < n as u32 {
        let chosen = bits(candidates(model, &state, n))
            .map(|index| (index, model.join(&state, index)))
            .min_by(|(_, a), (_, b)| a.rows.total_cmp(&b.rows));
        let Some((index, next)) = chosen else {
            break;
        };
        cost += state.rows + next.rows;
        order.push(index);
        state = next;
    }
    (order, cost, state)
}
