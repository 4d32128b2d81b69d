//! EXPLAIN: the chosen plan as text and JSON, with the join algorithm at each join and estimated
//! rows from the maintained statistics.
//!
//! Estimates use the store's O(1) counts (quads, quads per predicate) and a fixed selectivity
//! for each further bound position; the cost-based optimizer will refine both.

use std::fmt::Write;

use super::{Catalog, substitutable};
use crate::sparql::QueryError;
use crate::sparql::algebra::{PatternTerm, PlanNode};

use super::cost::BOUND_SELECTIVITY;

/// One node of an explained plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainNode {
    /// The operator, e.g. `Join` or `QuadPattern`.
    pub operator: String,
    /// Details: the join algorithm, the pattern, the expression.
    pub detail: String,
    /// Estimated rows out.
    pub estimated_rows: f64,
    /// Inputs.
    pub children: Vec<ExplainNode>,
}

impl ExplainNode {
    /// An indented text rendering.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_text(&mut out, 0);
        out
    }

    fn write_text(&self, out: &mut String, depth: usize) {
        let _ = writeln!(
            out,
            "{}{} [{}] (estimated rows: {:.0})",
            "  ".repeat(depth),
            self.operator,
            self.detail,
            self.estimated_rows
        );
        for child in &self.children {
            child.write_text(out, depth + 1);
        }
    }

    /// A JSON rendering: `{"operator", "detail", "estimatedRows", "children"}`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        let escape = |s: &str| {
            s.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        };
        let _ = write!(
            out,
            "{{\"operator\":\"{}\",\"detail\":\"{}\",\"estimatedRows\":{:.0},\"children\":[",
            escape(&self.operator),
            escape(&self.detail),
            self.estimated_rows
        );
        for (i, child) in self.children.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            child.write_json(out);
        }
        out.push_str("]}");
    }
}

fn term(ctx: &dyn Catalog, term: PatternTerm, names: &dyn Fn(usize) -> String) -> String {
    match term {
        PatternTerm::Const(id) => ctx
            .term(id)
            .map_or_else(|_| format!("{id:?}"), |t| t.to_string()),
        PatternTerm::Absent => "(absent)".into(),
        PatternTerm::Slot(slot) => names(slot),
    }
}

pub(crate) fn explain(
    ctx: &dyn Catalog,
    node: &PlanNode,
    names: &dyn Fn(usize) -> String,
) -> Result<ExplainNode, QueryError> {
    let total = ctx.quad_count()? as f64;
    let leaf = |operator: &str, detail: String, rows: f64| ExplainNode {
        operator: operator.into(),
        detail,
        estimated_rows: rows,
        children: Vec::new(),
    };
    let with =
        |operator: &str, detail: String, rows: f64, children: Vec<ExplainNode>| ExplainNode {
            operator: operator.into(),
            detail,
            estimated_rows: rows,
            children,
        };
    Ok(match node {
        PlanNode::Unit => leaf("Unit", String::new(), 1.0),
        PlanNode::Pattern(pattern) => {
            let mut rows = match pattern.predicate {
                PatternTerm::Const(p) => ctx.predicate_count(p)? as f64,
                PatternTerm::Absent => 0.0,
                PatternTerm::Slot(_) => total,
            };
            for position in [pattern.subject, pattern.object] {
                match position {
                    PatternTerm::Const(_) => rows *= BOUND_SELECTIVITY,
                    PatternTerm::Absent => rows = 0.0,
                    PatternTerm::Slot(_) => {}
                }
            }
            leaf(
                "QuadPattern",
                format!(
                    "{} {} {}",
                    term(ctx, pattern.subject, names),
                    term(ctx, pattern.predicate, names),
                    term(ctx, pattern.object, names)
                ),
                rows,
            )
        }
        PlanNode::Path(path) => leaf("PropertyPath", format!("{:?}", path.path), total),
        PlanNode::NamedGraph(_) => leaf(
            "NamedGraphs",
            String::new(),
            ctx.named_graph_count()? as f64,
        ),
        PlanNode::Values(rows, _) => leaf("Values", String::new(), rows.len() as f64),
        PlanNode::Service(endpoint, ..) => {
            let target = match endpoint {
                crate::sparql::algebra::ServiceEndpoint::Iri(iri) => format!("<{}>", iri.as_str()),
                crate::sparql::algebra::ServiceEndpoint::Slot(slot) => format!("?{}", names(*slot)),
            };
            leaf("Service", target, 1.0)
        }
        PlanNode::Join(left, right) => {
            let (l, r) = (explain(ctx, left, names)?, explain(ctx, right, names)?);
            let (algorithm, rows) = if substitutable(right) {
                // Each left row binds the right side's shared variables: index nested-loop join.
                (
                    "index nested-loop join (bound scans)",
                    l.estimated_rows * (r.estimated_rows * BOUND_SELECTIVITY).max(1.0),
                )
            } else {
                (
                    "hash join on the variables the right side always binds",
                    l.estimated_rows * r.estimated_rows * BOUND_SELECTIVITY,
                )
            };
            with("Join", algorithm.into(), rows, vec![l, r])
        }
        PlanNode::LeftJoin(left, right, _) => {
            let (l, r) = (explain(ctx, left, names)?, explain(ctx, right, names)?);
            let algorithm = if substitutable(right) {
                "index nested-loop left join"
            } else {
                "nested-loop left join over the materialized right side"
            };
            let rows = l
                .estimated_rows
                .max(l.estimated_rows * r.estimated_rows * BOUND_SELECTIVITY);
            with("LeftJoin", algorithm.into(), rows, vec![l, r])
        }
        PlanNode::Minus(left, right) => {
            let (l, r) = (explain(ctx, left, names)?, explain(ctx, right, names)?);
            with(
                "Minus",
                "anti-join over the materialized right side".into(),
                l.estimated_rows,
                vec![l, r],
            )
        }
        PlanNode::Union(children) => {
            let children = children
                .iter()
                .map(|c| explain(ctx, c, names))
                .collect::<Result<Vec<_>, _>>()?;
            let rows = children.iter().map(|c| c.estimated_rows).sum();
            with("Union", String::new(), rows, children)
        }
        PlanNode::Filter(expr, inner) => {
            let inner = explain(ctx, inner, names)?;
            with(
                "Filter",
                format!("{expr:?}"),
                inner.estimated_rows * 0.5,
                vec![inner],
            )
        }
        PlanNode::Extend(inner, slot, _) => {
            let inner = explain(ctx, inner, names)?;
            with("Extend", names(*slot), inner.estimated_rows, vec![inner])
        }
        PlanNode::BindGraph(inner, slot, _) => {
            let inner = explain(ctx, inner, names)?;
            with("BindGraph", names(*slot), inner.estimated_rows, vec![inner])
        }
        PlanNode::OrderBy(inner, _, _) => {
            let inner = explain(ctx, inner, names)?;
            with("OrderBy", String::new(), inner.estimated_rows, vec![inner])
        }
        PlanNode::Project(inner, slots) => {
            let inner = explain(ctx, inner, names)?;
            let detail = slots
                .iter()
                .map(|s| names(*s))
                .collect::<Vec<_>>()
                .join(" ");
            with("Project", detail, inner.estimated_rows, vec![inner])
        }
        PlanNode::Distinct(inner) => {
            let inner = explain(ctx, inner, names)?;
            with(
                "Distinct",
                "hash set".into(),
                inner.estimated_rows,
                vec![inner],
            )
        }
        PlanNode::Group(inner, keys, _) => {
            let inner = explain(ctx, inner, names)?;
            let rows = if keys.is_empty() {
                1.0
            } else {
                (inner.estimated_rows * 0.1).max(1.0)
            };
            with("Group", "hash aggregation".into(), rows, vec![inner])
        }
        PlanNode::Slice(inner, start, length) => {
            let inner = explain(ctx, inner, names)?;
            let rows = (inner.estimated_rows - *start as f64).max(0.0);
            let rows = length.map_or(rows, |l| rows.min(l as f64));
            with(
                "Slice",
                format!("offset {start} limit {length:?}"),
                rows,
                vec![inner],
            )
        }
    })
}
