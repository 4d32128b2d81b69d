//! Join order inside a basic graph pattern, from the store's statistics.
//!
//! A BGP is a conjunction, so any order gives the same solutions; the order decides how much work
//! the index nested-loop joins do. The cost of an order is the rows it reads and produces, summed
//! over its steps ([`CostModel`] estimates each step). Up to [`EXACT_LIMIT`] patterns, dynamic
//! programming over the subsets finds the cheapest left-deep order that never takes a cross
//! product while a connected pattern is left; above that, a greedy pass takes the cheapest
//! connected pattern each time. Ties keep the written order.

use super::Catalog;
use super::cost::{CostModel, JoinState};
use crate::sparql::QueryError;
use crate::sparql::algebra::{PlanNode, QuadPatternNode};

/// Most patterns ordered exhaustively (2^n subsets).
const EXACT_LIMIT: usize = 10;

/// A partial order: its patterns, cost so far and state.
#[derive(Clone)]
struct Partial {
    order: Vec<usize>,
    cost: f64,
    state: JoinState,
}

/// The nodes of one BGP in the order to join them. Only plain quad patterns are reordered; a BGP
/// with anything else keeps its written order.
pub(crate) fn order_bgp(
    catalog: &dyn Catalog,
    nodes: Vec<PlanNode>,
) -> Result<Vec<PlanNode>, QueryError> {
    if nodes.len() < 2 {
        return Ok(nodes);
    }
    let mut patterns: Vec<QuadPatternNode> = Vec::with_capacity(nodes.len());
    for node in &nodes {
        match node {
            PlanNode::Pattern(pattern) => patterns.push(pattern.clone()),
            _ => return Ok(nodes),
        }
    }
    let model = CostModel::new(catalog, &patterns)?;
    let order = if patterns.len() <= EXACT_LIMIT {
        exhaustive(&model, patterns.len())
    } else {
        greedy(&model, patterns.len())
    };
    let mut nodes: Vec<Option<PlanNode>> = nodes.into_iter().map(Some).collect();
    Ok(order
        .into_iter()
        .filter_map(|index| nodes.get_mut(index).and_then(Option::take))
        .collect())
}

/// The patterns that may come next: the connected ones, or every one if none is connected.
fn candidates(model: &CostModel<'_>, partial: &Partial, n: usize) -> Vec<usize> {
    let left: Vec<usize> = (0..n).filter(|i| !partial.order.contains(i)).collect();
    if partial.order.is_empty() {
        return left;
    }
    let connected: Vec<usize> = left
        .iter()
        .copied()
        .filter(|i| model.connected(&partial.state, *i))
        .collect();
    if connected.is_empty() {
        left
    } else {
        connected
    }
}

fn step(model: &CostModel<'_>, partial: &Partial, index: usize) -> Partial {
    let state = model.join(&partial.state, index);
    let mut order = partial.order.clone();
    order.push(index);
    Partial {
        cost: partial.cost + partial.state.rows + state.rows,
        order,
        state,
    }
}

fn start() -> Partial {
    Partial {
        order: Vec::new(),
        cost: 0.0,
        state: JoinState::start(),
    }
}

/// The cheapest order by dynamic programming over subsets (left-deep).
fn exhaustive(model: &CostModel<'_>, n: usize) -> Vec<usize> {
    let mut best: Vec<Option<Partial>> = vec![None; 1 << n];
    best[0] = Some(start());
    for set in 0..(1_usize << n) {
        let Some(partial) = best[set].clone() else {
            continue;
        };
        for index in candidates(model, &partial, n) {
            let next = step(model, &partial, index);
            let key = set | (1 << index);
            let better = match &best[key] {
                None => true,
                Some(current) => next.cost < current.cost,
            };
            if better {
                best[key] = Some(next);
            }
        }
    }
    best[(1 << n) - 1]
        .take()
        .map_or_else(|| (0..n).collect(), |p| p.order)
}

/// The cheapest next pattern each time.
fn greedy(model: &CostModel<'_>, n: usize) -> Vec<usize> {
    let mut partial = start();
    while partial.order.len() < n {
        let mut chosen: Option<Partial> = None;
        for index in candidates(model, &partial, n) {
            let next = step(model, &partial, index);
            if chosen
                .as_ref()
                .is_none_or(|c| next.state.rows < c.state.rows)
            {
                chosen = Some(next);
            }
        }
        match chosen {
            Some(next) => partial = next,
            None => break,
        }
    }
    partial.order
}
