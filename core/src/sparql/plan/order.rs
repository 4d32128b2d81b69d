//! Join order inside a basic graph pattern, from the maintained statistics.
//!
//! A BGP is a conjunction, so any order gives the same solutions; the order decides how much work
//! the index nested-loop joins do. Greedy: start from the pattern expected to match fewest quads,
//! then repeatedly take the cheapest pattern that shares a variable with those already placed
//! (a bound variable makes a pattern a prefix lookup), so no cross product appears while a
//! connected pattern is left. Ties keep the written order.

use std::collections::HashSet;

use super::Catalog;
use crate::sparql::QueryError;
use crate::sparql::algebra::{PatternTerm, PlanNode, QuadPatternNode, Slot};
use crate::storage::{GraphScope, QuadPattern};

/// The share of a pattern's quads one bound position keeps (the same guess EXPLAIN uses).
pub(crate) const BOUND_SELECTIVITY: f64 = 0.05;

/// Most index entries read to count a pattern with a constant subject or object exactly.
const COUNT_CAP: usize = 1024;

/// Rows `pattern` alone is expected to give. A constant subject or object makes it a prefix scan:
/// count it (up to [`COUNT_CAP`] entries, over every graph) instead of guessing.
fn base_estimate(
    ctx: &dyn Catalog,
    pattern: &QuadPatternNode,
    total: f64,
) -> Result<f64, QueryError> {
    let constant = |term: PatternTerm| match term {
        PatternTerm::Const(id) => Ok(Some(id)),
        PatternTerm::Absent => Err(()),
        PatternTerm::Slot(_) => Ok(None),
    };
    let (Ok(subject), Ok(predicate), Ok(object)) = (
        constant(pattern.subject),
        constant(pattern.predicate),
        constant(pattern.object),
    ) else {
        return Ok(0.0);
    };
    if subject.is_some() || object.is_some() {
        let pattern = QuadPattern {
            subject,
            predicate,
            object,
            ..QuadPattern::any(GraphScope::All)
        };
        return Ok(ctx.count_matches(&pattern, COUNT_CAP)? as f64);
    }
    Ok(match predicate {
        Some(p) => ctx.predicate_count(p)? as f64,
        None => total,
    })
}

/// `rows` with each position bound by `bound` keeping [`BOUND_SELECTIVITY`] of them.
fn narrowed(mut rows: f64, pattern: &QuadPatternNode, bound: &HashSet<Slot>) -> f64 {
    for position in [pattern.subject, pattern.predicate, pattern.object] {
        if let PatternTerm::Slot(slot) = position
            && bound.contains(&slot)
        {
            rows *= BOUND_SELECTIVITY;
        }
    }
    rows
}

fn slots(pattern: &QuadPatternNode) -> impl Iterator<Item = Slot> + '_ {
    [pattern.subject, pattern.predicate, pattern.object]
        .into_iter()
        .filter_map(|term| match term {
            PatternTerm::Slot(slot) => Some(slot),
            _ => None,
        })
}

/// The nodes of one BGP in the order to join them. Only plain quad patterns are reordered; a BGP
/// with anything else keeps its written order.
pub(crate) fn order_bgp(
    ctx: &dyn Catalog,
    nodes: Vec<PlanNode>,
) -> Result<Vec<PlanNode>, QueryError> {
    if nodes.len() < 2 || !nodes.iter().all(|n| matches!(n, PlanNode::Pattern(_))) {
        return Ok(nodes);
    }
    let total = ctx.quad_count()? as f64;
    let mut left: Vec<(PlanNode, f64)> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let base = match &node {
            PlanNode::Pattern(pattern) => base_estimate(ctx, pattern, total)?,
            _ => total,
        };
        left.push((node, base));
    }
    let mut ordered = Vec::with_capacity(left.len());
    let mut bound: HashSet<Slot> = HashSet::new();
    while !left.is_empty() {
        let mut best: Option<(usize, bool, f64)> = None;
        for (index, (node, base)) in left.iter().enumerate() {
            let PlanNode::Pattern(pattern) = node else {
                continue;
            };
            let connected = bound.is_empty() || slots(pattern).any(|s| bound.contains(&s));
            let cost = narrowed(*base, pattern, &bound);
            let better = match best {
                None => true,
                // Connected patterns first, then the cheapest; `<` keeps the written order on ties.
                Some((_, best_connected, best_cost)) => {
                    (connected && !best_connected)
                        || (connected == best_connected && cost < best_cost)
                }
            };
            if better {
                best = Some((index, connected, cost));
            }
        }
        let Some((index, _, _)) = best else {
            break;
        };
        let (node, _) = left.remove(index);
        if let PlanNode::Pattern(pattern) = &node {
            bound.extend(slots(pattern));
        }
        ordered.push(node);
    }
    Ok(ordered)
}
