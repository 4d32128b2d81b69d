//! Leapfrog intersections inside a BGP's join order.
//!
//! When a pattern in the order binds exactly one new variable and later patterns bind nothing
//! else new, each of them is, per row, a sorted list of that variable's values: the index key
//! under the bound positions. Joining them one after another reads every value of the first and
//! probes the rest once per value; intersecting them seeks each list to the largest value the
//! others stand on, which reads about as many entries as the intersection has values when the
//! lists cluster. So such runs become one [`PlanNode::Intersect`], placed where the first of
//! them was (a BGP is a conjunction: moving a pattern earlier changes no answer). The cyclic
//! joins the order cannot make acyclic, such as two products sharing a producer and a feature,
//! are where this pays most.

use crate::sparql::algebra::{GraphTarget, PatternTerm, PlanNode, QuadPatternNode, Slot};

/// `nodes` (a BGP in join order) with each run of patterns that share one new variable fused
/// into an intersection; `context` is the graph slot bound before the BGP runs (`GRAPH ?g`).
pub(crate) fn fuse(nodes: Vec<PlanNode>, context: Option<Slot>) -> Vec<PlanNode> {
    if nodes.len() < 2 {
        return nodes;
    }
    let mut pending: Vec<Option<PlanNode>> = nodes.into_iter().map(Some).collect();
    // Few variables per BGP: a list is smaller code than a set, and as fast.
    let mut bound: Vec<Slot> = context.into_iter().collect();
    let mut out = Vec::with_capacity(pending.len());
    for index in 0..pending.len() {
        let Some(node) = pending[index].take() else {
            continue;
        };
        let PlanNode::Pattern(first) = &node else {
            out.push(node);
            continue;
        };
        let Some(slot) = single_new(first, &bound) else {
            bound.extend(first.slots());
            out.push(node);
            continue;
        };
        let mut group = vec![first.clone()];
        for later in pending.iter_mut().skip(index + 1) {
            if let Some(PlanNode::Pattern(pattern)) = later
                && single_new(pattern, &bound) == Some(slot)
                && let Some(PlanNode::Pattern(pattern)) = later.take()
            {
                group.push(pattern);
            }
        }
        bound.push(slot);
        out.push(if group.len() < 2 {
            node
        } else {
            PlanNode::Intersect(group, slot)
        });
    }
    out
}

/// The pattern's one variable not in `bound`, if it has exactly one, written once, in the
/// subject, predicate or object, over one graph known once the bound variables are.
fn single_new(pattern: &QuadPatternNode, bound: &[Slot]) -> Option<Slot> {
    match pattern.graph {
        GraphTarget::DefaultGraph | GraphTarget::Named(PatternTerm::Const(_)) => {}
        GraphTarget::Named(PatternTerm::Slot(graph)) if bound.contains(&graph) => {}
        GraphTarget::Named(_) => return None,
    }
    let mut new = None;
    for term in [pattern.subject, pattern.predicate, pattern.object] {
        match term {
            PatternTerm::Absent => return None,
            PatternTerm::Slot(slot) if !bound.contains(&slot) => {
                if new.is_some() {
                    return None;
                }
                new = Some(slot);
            }
            _ => {}
        }
    }
    new
}

/// The patterns of a pattern or intersection node (empty for other nodes).
pub(crate) fn node_patterns(node: &PlanNode) -> &[QuadPatternNode] {
    match node {
        PlanNode::Pattern(pattern) => std::slice::from_ref(pattern),
        PlanNode::Intersect(patterns, _) => patterns,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{TermId, TermTag};

    fn pattern(s: PatternTerm, p: PatternTerm, o: PatternTerm) -> PlanNode {
        PlanNode::Pattern(QuadPatternNode {
            subject: s,
            predicate: p,
            object: o,
            graph: GraphTarget::DefaultGraph,
            object_range: None,
        })
    }

    fn constant(n: u64) -> PatternTerm {
        PatternTerm::Const(TermId::new(TermTag::NamedNode, n))
    }

    fn shape(nodes: &[PlanNode]) -> Vec<String> {
        nodes
            .iter()
            .map(|node| match node {
                PlanNode::Pattern(_) => "pattern".to_owned(),
                PlanNode::Intersect(patterns, slot) => {
                    format!("intersect {} on {slot}", patterns.len())
                }
                _ => "other".to_owned(),
            })
            .collect()
    }

    #[test]
    fn the_cyclic_join_intersects_its_last_variable() {
        // ?p1 producer ?r . ?p1 feature ?f . ?p2 feature ?f . ?p2 producer ?r
        let (p1, r, f, p2) = (
            PatternTerm::Slot(0),
            PatternTerm::Slot(1),
            PatternTerm::Slot(2),
            PatternTerm::Slot(3),
        );
        let (producer, feature) = (constant(1), constant(2));
        let fused = fuse(
            vec![
                pattern(p1, producer, r),
                pattern(p1, feature, f),
                pattern(p2, feature, f),
                pattern(p2, producer, r),
            ],
            None,
        );
        assert_eq!(shape(&fused), ["pattern", "pattern", "intersect 2 on 3"]);
    }

    #[test]
    fn a_star_on_constants_intersects_from_the_start_and_pulls_later_patterns_forward() {
        // ?x a C . ?x p ?y . ?x q D: the first and the last share ?x alone.
        let (x, y) = (PatternTerm::Slot(0), PatternTerm::Slot(1));
        let fused = fuse(
            vec![
                pattern(x, constant(1), constant(2)),
                pattern(x, constant(3), y),
                pattern(x, constant(4), constant(5)),
            ],
            None,
        );
        assert_eq!(shape(&fused), ["intersect 2 on 0", "pattern"]);
    }

    #[test]
    fn patterns_with_two_new_variables_or_a_repeated_one_stay_apart() {
        let (x, y) = (PatternTerm::Slot(0), PatternTerm::Slot(1));
        let fused = fuse(
            vec![
                pattern(x, constant(1), y),
                pattern(x, constant(2), y),
                pattern(y, constant(3), y),
            ],
            None,
        );
        assert_eq!(shape(&fused), ["pattern", "pattern", "pattern"]);
        let graph_variable = PlanNode::Pattern(QuadPatternNode {
            subject: x,
            predicate: constant(1),
            object: constant(2),
            graph: GraphTarget::Named(PatternTerm::Slot(5)),
            object_range: None,
        });
        let fused = fuse(
            vec![graph_variable.clone(), pattern(x, constant(3), constant(4))],
            None,
        );
        assert_eq!(shape(&fused), ["pattern", "pattern"]);
        // Inside `GRAPH ?g` the graph slot is bound before the BGP.
        let fused = fuse(
            vec![graph_variable, pattern(x, constant(3), constant(4))],
            Some(5),
        );
        assert_eq!(shape(&fused), ["intersect 2 on 0"]);
    }
}
