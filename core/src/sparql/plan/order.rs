//! Join order inside a basic graph pattern, from the store's statistics.
//!
//! A BGP is a conjunction, so any order gives the same solutions; the order decides how much work
//! the index nested-loop joins do. The cost of an order is the rows it reads and produces, summed
//! over its steps ([`CostModel`] estimates each step). Up to [`EXACT_LIMIT`] patterns, dynamic
//! programming over the subsets finds the cheapest left-deep order that never takes a cross
//! product while a connected pattern is left; above that, a greedy pass takes the cheapest
//! connected pattern each time. Ties keep the written order.

use super::Catalog;
use super::cost::{CostModel, FilterHint, JoinState, MAX_SLOTS};
use crate::sparql::QueryError;
use crate::sparql::algebra::{PlanNode, QuadPatternNode};

/// Most patterns ordered exhaustively (2^n subsets).
const EXACT_LIMIT: usize = 10;

/// Most patterns ordered at all (a state keeps the placed ones as bits of a `u64`); a larger BGP
/// keeps its written order.
const ORDER_LIMIT: usize = 64;

/// The nodes of one BGP in the order to join them, given the FILTER conjuncts over it (which the
/// push-down then runs as soon as their variables are bound). Only plain quad patterns are
/// reordered; a BGP with anything else keeps its written order.
pub(crate) fn order_bgp(
    catalog: &dyn Catalog,
    nodes: Vec<PlanNode>,
    filters: &[FilterHint],
) -> Result<Vec<PlanNode>, QueryError> {
    if nodes.len() < 2 || nodes.len() > ORDER_LIMIT {
        return Ok(nodes);
    }
    let mut patterns: Vec<QuadPatternNode> = Vec::with_capacity(nodes.len());
    for node in &nodes {
        match node {
            PlanNode::Pattern(pattern) => patterns.push(pattern.clone()),
            _ => return Ok(nodes),
        }
    }
    let model = CostModel::new(catalog, &patterns, filters)?;
    if model.slot_count() > MAX_SLOTS {
        return Ok(nodes);
    }
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
    let (greedy_order, greedy_cost) = greedy(&model, patterns.len(), start);
    order.extend(if rest <= EXACT_LIMIT {
        exhaustive(&model, patterns.len(), start, greedy_cost).unwrap_or(greedy_order)
    } else {
        greedy_order
    });
    let mut nodes: Vec<Option<PlanNode>> = nodes.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|index| nodes.get_mut(index).and_then(Option::take))
        .collect())
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

/// The cheapest order after `start` by dynamic programming over subsets (left-deep): for each
/// set of placed patterns the cheapest way to get there, its cost (rows read and produced so
/// far) and the pattern placed last. Sets are numbered over the patterns `start` left, so the
/// table has `2^left` entries however many patterns went first.
fn exhaustive(model: &CostModel<'_>, n: usize, start: JoinState, bound: f64) -> Option<Vec<usize>> {
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
    // Walk back from the full set through each set's last pattern.
    let mut order = Vec::with_capacity(left.len());
    let mut set = best.len() - 1;
    while set != 0 {
        let (_, _, last) = best[set]?;
        order.push(left[last]);
        set &= !(1 << last);
    }
    order.reverse();
    Some(order)
}

/// The cheapest next pattern each time, after `start`, and the order's cost.
fn greedy(model: &CostModel<'_>, n: usize, start: JoinState) -> (Vec<usize>, f64) {
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
    (order, cost)
}
