//! How the executor joins: the physical choice EXPLAIN reports.
//!
//! A right side made only of patterns, intersections, joins, unions, paths and inline values is
//! evaluated once per left row with that row's bindings substituted in as constants (an index
//! nested-loop join: each bound position becomes part of an index prefix; an intersection seeks
//! its patterns' sorted values against each other). Anything else is evaluated once,
//! bottom-up, and hash-joined, which keeps SPARQL's scoping of FILTER, OPTIONAL, BIND and
//! sub-queries exact.

use crate::sparql::algebra::{PlanNode, ServiceEndpoint};

/// Whether `plan` can be evaluated with its input substituted in.
pub(crate) fn substitutable(plan: &PlanNode) -> bool {
    match plan {
        PlanNode::Unit
        | PlanNode::Pattern(_)
        | PlanNode::Intersect(..)
        | PlanNode::Path(_)
        | PlanNode::NamedGraph(_)
        | PlanNode::Values(..)
        // A variable endpoint is called once per row that binds it.
        | PlanNode::Service(ServiceEndpoint::Slot(_), ..) => true,
        PlanNode::Join(left, right) => substitutable(left) && substitutable(right),
        PlanNode::BindGraph(inner, _, _) => substitutable(inner),
        PlanNode::Union(children) => children.iter().all(substitutable),
        _ => false,
    }
}
