//! EXPLAIN: the chosen plan as text and JSON, with the join algorithm at each join and estimated
//! rows; EXPLAIN ANALYZE adds what a run measured at each operator.
//!
//! The patterns, joins and filters of a basic graph pattern are estimated by the same cost model
//! that ordered them (statistics, characteristic sets, filter shares). Other operators use the
//! store's O(1) counts and fixed selectivities.

use std::collections::HashMap;
use std::fmt::Write;

use super::cost::{BOUND_SELECTIVITY, CostModel, JoinState, MAX_SLOTS, selectivity};
use super::intersect::node_patterns;
use super::{Catalog, substitutable};
use crate::sparql::QueryError;
use crate::sparql::algebra::{Expr, PatternTerm, PlanNode, QuadPatternNode};

/// One node of an explained plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainNode {
    /// The operator, e.g. `Join` or `QuadPattern`.
    pub operator: String,
    /// Details: the join algorithm, the pattern, the expression.
    pub detail: String,
    /// Estimated rows out.
    pub estimated_rows: f64,
    /// What a run measured here (EXPLAIN ANALYZE); `None` for a plain EXPLAIN, or for an operator
    /// its parent evaluates inline (the right side of an index nested-loop join).
    pub actual: Option<Actual>,
    /// Inputs.
    pub children: Vec<ExplainNode>,
}

/// What EXPLAIN ANALYZE measured at one operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Actual {
    /// Rows the operator produced, over all its runs.
    pub rows: u64,
    /// Times it ran: an operator evaluated for each row of another runs once per row.
    pub loops: u64,
    /// Time spent pulling its rows (its inputs included), in milliseconds; `None` where there
    /// is no clock (WebAssembly in a browser).
    pub time_ms: Option<f64>,
}

impl ExplainNode {
    /// An indented text rendering.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write_text(&mut out, 0);
        out
    }

    fn write_text(&self, out: &mut String, depth: usize) {
        let _ = write!(
            out,
            "{}{} [{}] (estimated rows: {}",
            "  ".repeat(depth),
            self.operator,
            self.detail,
            rounded(self.estimated_rows)
        );
        if let Some(actual) = &self.actual {
            let _ = write!(
                out,
                ", actual rows: {}, loops: {}",
                actual.rows, actual.loops
            );
            if let Some(time) = actual.time_ms {
                let _ = write!(out, ", time: {time:.3} ms");
            }
        }
        out.push_str(")\n");
        for child in &self.children {
            child.write_text(out, depth + 1);
        }
    }

    /// A JSON rendering: `{"operator", "detail", "estimatedRows", "children"}`, with
    /// `"actualRows"`, `"loops"` and `"timeMs"` after a run.
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
            "{{\"operator\":\"{}\",\"detail\":\"{}\",\"estimatedRows\":{},",
            escape(&self.operator),
            escape(&self.detail),
            rounded(self.estimated_rows)
        );
        if let Some(actual) = &self.actual {
            let _ = write!(
                out,
                "\"actualRows\":{},\"loops\":{},",
                actual.rows, actual.loops
            );
            if let Some(time) = actual.time_ms {
                let _ = write!(out, "\"timeMs\":{time:.3},");
            }
        }
        out.push_str("\"children\":[");
        for (i, child) in self.children.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            child.write_json(out);
        }
        out.push_str("]}");
    }
}

/// Rows of a join of `left` and `right` rows outside a chain the cost model follows: as if the
/// shared variables were a key of one side (each row of the other matches at most one), the
/// usual shape of the joins queries write.
fn key_join(left: f64, right: f64) -> f64 {
    (left * right).min(left.max(right))
}

/// An estimate as printed: whole rows from 10 on, two decimals below (where a join's chance of
/// a match shows).
fn rounded(rows: f64) -> String {
    if rows >= 10.0 || rows == 0.0 {
        format!("{rows:.0}")
    } else {
        format!("{rows:.2}")
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

/// What a run measured, by plan node (EXPLAIN ANALYZE), or nothing (EXPLAIN).
pub(crate) type Actuals<'a> = &'a dyn Fn(&PlanNode) -> Option<Actual>;

/// The plan under `node` explained, with `actuals` where a run measured them.
pub(crate) fn explain(
    ctx: &dyn Catalog,
    node: &PlanNode,
    names: &dyn Fn(usize) -> String,
    actuals: Actuals<'_>,
) -> Result<ExplainNode, QueryError> {
    let mut estimates = HashMap::new();
    estimate_chains(ctx, node, &mut estimates)?;
    Explainer {
        ctx,
        names,
        actuals,
        estimates,
        total: ctx.quad_count()? as f64,
    }
    .node(node)
}

/// A node's address: the key of the estimates and measurements made for it.
fn key(node: &PlanNode) -> usize {
    std::ptr::from_ref(node) as usize
}

/// One step of a basic graph pattern's join chain, in join order.
enum Step<'n> {
    /// The first pattern or intersection, and its patterns.
    First(&'n PlanNode, &'n [QuadPatternNode]),
    /// A join with the next pattern or intersection (the join node, the right node, its
    /// patterns).
    Join(&'n PlanNode, &'n PlanNode, &'n [QuadPatternNode]),
    /// A FILTER conjunct placed there.
    Filter(&'n PlanNode, &'n Expr),
}

/// The steps of a left-deep chain of pattern joins and filters, or `false` if `node` is not one.
fn chain<'n>(node: &'n PlanNode, steps: &mut Vec<Step<'n>>) -> bool {
    match node {
        PlanNode::Pattern(_) | PlanNode::Intersect(..) => {
            steps.push(Step::First(node, node_patterns(node)));
            true
        }
        PlanNode::Join(left, right) => match right.as_ref() {
            PlanNode::Pattern(_) | PlanNode::Intersect(..) if chain(left, steps) => {
                steps.push(Step::Join(node, right, node_patterns(right)));
                true
            }
            _ => false,
        },
        PlanNode::Filter(expr, inner) if chain(inner, steps) => {
            steps.push(Step::Filter(node, expr));
            true
        }
        _ => false,
    }
}

/// Estimates from the cost model for every join chain in the plan, and for OPTIONALs whose two
/// sides are chains, by node.
fn estimate_chains(
    ctx: &dyn Catalog,
    node: &PlanNode,
    out: &mut HashMap<usize, f64>,
) -> Result<(), QueryError> {
    let mut steps = Vec::new();
    if chain(node, &mut steps) {
        if let Some((_, estimates)) = estimate_chain(ctx, &[], &steps)? {
            out.extend(estimates);
        }
        return Ok(());
    }
    if let PlanNode::LeftJoin(left, right, _) = node {
        estimate_chains(ctx, left, out)?;
        let (mut base, mut optional) = (Vec::new(), Vec::new());
        let left_rows = out.get(&key(left)).copied();
        if let Some(left_rows) = left_rows
            && chain(required(left), &mut base)
            && chain(right, &mut optional)
            && let Some((base_rows, estimates)) = estimate_chain(ctx, &base, &optional)?
        {
            // The right side runs once per left row with the shared variables bound: its rows
            // are the base chain joined with it, scaled to the rows the left side has (earlier
            // OPTIONALs may have added some).
            let scale = if base_rows > 0.0 {
                left_rows / base_rows
            } else {
                1.0
            };
            let joined = estimates.last().map_or(left_rows, |(_, rows)| rows * scale);
            out.extend(
                estimates
                    .into_iter()
                    .map(|(node, rows)| (node, rows * scale)),
            );
            out.insert(key(node), left_rows.max(joined));
        } else {
            estimate_chains(ctx, right, out)?;
        }
        return Ok(());
    }
    for child in node.children() {
        estimate_chains(ctx, child, out)?;
    }
    Ok(())
}

/// The required part under a left side: through OPTIONALs to what they extend.
fn required(node: &PlanNode) -> &PlanNode {
    match node {
        PlanNode::LeftJoin(left, ..) => required(left),
        other => other,
    }
}

/// The cost model's rows for each node of the chain `steps`, joined after the chain `prefix`
/// (whose rows come first in the result); `None` for a chain the model does not follow.
#[expect(clippy::type_complexity, reason = "a private helper's plain result")]
fn estimate_chain(
    ctx: &dyn Catalog,
    prefix: &[Step<'_>],
    steps: &[Step<'_>],
) -> Result<Option<(f64, Vec<(usize, f64)>)>, QueryError> {
    let all = || prefix.iter().chain(steps);
    let patterns: Vec<QuadPatternNode> = all()
        .flat_map(|step| match step {
            Step::First(_, patterns) | Step::Join(_, _, patterns) => patterns.to_vec(),
            Step::Filter(..) => Vec::new(),
        })
        .collect();
    let hints: Vec<_> = all()
        .filter_map(|step| match step {
            Step::Filter(_, expr) => Some(super::pushdown::hints(expr)),
            _ => None,
        })
        .flatten()
        .collect();
    let model = CostModel::new(ctx, &patterns, &hints)?;
    if model.slot_count() > MAX_SLOTS {
        return Ok(None);
    }
    let (mut state, mut rows, mut index) = (JoinState::start(), 1.0, 0);
    let (mut prefix_rows, mut out) = (1.0, Vec::new());
    for (position, step) in all().enumerate() {
        let mut record = |node: &PlanNode, rows: f64| {
            if position >= prefix.len() {
                out.push((key(node), rows));
            }
        };
        match step {
            Step::First(node, patterns) | Step::Join(node, _, patterns) => {
                if let Step::Join(_, right, _) = step {
                    // An intersection's side is as large as its smallest pattern.
                    let alone = (index..index + patterns.len())
                        .map(|i| model.pattern_rows(i))
                        .fold(f64::INFINITY, f64::min);
                    record(right, alone);
                }
                // After a prefix, the chain's first pattern runs once per prefix row: its rows
                // are the join's, like any later step's. An intersection's patterns are
                // joined one after another, without the rows in between.
                let mut kept = 1.0;
                for _ in 0..patterns.len() {
                    let (next, share) = model.step(&state, index);
                    kept *= share;
                    state = next;
                    index += 1;
                }
                // The filters this step lets run come next in the chain, each with its share.
                rows = if kept > 0.0 {
                    state.rows / kept
                } else {
                    state.rows
                };
                record(node, rows);
            }
            Step::Filter(node, expr) => {
                rows *= selectivity(expr);
                record(node, rows);
            }
        }
        if position + 1 == prefix.len() {
            prefix_rows = rows;
        }
    }
    Ok(Some((prefix_rows, out)))
}

struct Explainer<'a> {
    ctx: &'a dyn Catalog,
    names: &'a dyn Fn(usize) -> String,
    actuals: Actuals<'a>,
    estimates: HashMap<usize, f64>,
    total: f64,
}

impl Explainer<'_> {
    /// A pattern as EXPLAIN writes it.
    fn describe(&self, pattern: &QuadPatternNode) -> String {
        let (ctx, names) = (self.ctx, self.names);
        format!(
            "{} {} {}{}",
            term(ctx, pattern.subject, names),
            term(ctx, pattern.predicate, names),
            term(ctx, pattern.object, names),
            if pattern.object_range.is_some() {
                " (key range on the object)"
            } else {
                ""
            }
        )
    }

    /// The fixed-selectivity rows of a pattern alone.
    fn pattern_rows(&self, pattern: &QuadPatternNode) -> Result<f64, QueryError> {
        let mut rows = match pattern.predicate {
            PatternTerm::Const(p) => self.ctx.predicate_count(p)? as f64,
            PatternTerm::Absent => 0.0,
            PatternTerm::Slot(_) => self.total,
        };
        for position in [pattern.subject, pattern.object] {
            match position {
                PatternTerm::Const(_) => rows *= BOUND_SELECTIVITY,
                PatternTerm::Absent => rows = 0.0,
                PatternTerm::Slot(_) => {}
            }
        }
        Ok(rows)
    }

    fn node(&self, node: &PlanNode) -> Result<ExplainNode, QueryError> {
        let mut explained = self.heuristic(node)?;
        if let Some(estimate) = self.estimates.get(&key(node)) {
            explained.estimated_rows = *estimate;
        }
        explained.actual = (self.actuals)(node);
        Ok(explained)
    }

    /// The node with the fixed-selectivity estimates (replaced by the cost model's in chains).
    fn heuristic(&self, node: &PlanNode) -> Result<ExplainNode, QueryError> {
        let (ctx, names, total) = (self.ctx, self.names, self.total);
        let explain = |node: &PlanNode| self.node(node);
        let leaf = |operator: &str, detail: String, rows: f64| ExplainNode {
            operator: operator.into(),
            detail,
            estimated_rows: rows,
            actual: None,
            children: Vec::new(),
        };
        let with =
            |operator: &str, detail: String, rows: f64, children: Vec<ExplainNode>| ExplainNode {
                operator: operator.into(),
                detail,
                estimated_rows: rows,
                actual: None,
                children,
            };
        Ok(match node {
            PlanNode::Unit => leaf("Unit", String::new(), 1.0),
            PlanNode::Pattern(pattern) => leaf(
                "QuadPattern",
                self.describe(pattern),
                self.pattern_rows(pattern)?,
            ),
            PlanNode::Intersect(patterns, slot) => {
                let mut rows = f64::INFINITY;
                for pattern in patterns {
                    rows = rows.min(self.pattern_rows(pattern)?);
                }
                let described: Vec<String> = patterns.iter().map(|p| self.describe(p)).collect();
                leaf(
                    "Intersect",
                    format!("leapfrog on {}: {}", names(*slot), described.join(" . ")),
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
                    crate::sparql::algebra::ServiceEndpoint::Iri(iri) => {
                        format!("<{}>", iri.as_str())
                    }
                    crate::sparql::algebra::ServiceEndpoint::Slot(slot) => {
                        format!("?{}", names(*slot))
                    }
                };
                leaf("Service", target, 1.0)
            }
            PlanNode::Join(left, right) => {
                let (l, r) = (explain(left)?, explain(right)?);
                // Each left row binds the right side's shared variables: index nested-loop join.
                let algorithm = if substitutable(right) {
                    "index nested-loop join (bound scans)"
                } else {
                    "hash join on the variables the right side always binds"
                };
                let rows = key_join(l.estimated_rows, r.estimated_rows);
                with("Join", algorithm.into(), rows, vec![l, r])
            }
            PlanNode::HashJoin(left, right) => {
                let (l, r) = (explain(left)?, explain(right)?);
                let rows = key_join(l.estimated_rows, r.estimated_rows);
                with(
                    "Join",
                    "hash join of two chains, each evaluated once (the right one held)".into(),
                    rows,
                    vec![l, r],
                )
            }
            PlanNode::LeftJoin(left, right, _) => {
                let (l, r) = (explain(left)?, explain(right)?);
                let algorithm = if matches!(**right, PlanNode::Pattern(_)) {
                    "index nested-loop left join (one probe, sought per row)"
                } else if substitutable(right) {
                    "index nested-loop left join"
                } else {
                    "nested-loop left join over the materialized right side"
                };
                let rows = l
                    .estimated_rows
                    .max(key_join(l.estimated_rows, r.estimated_rows));
                with("LeftJoin", algorithm.into(), rows, vec![l, r])
            }
            PlanNode::Minus(left, right) => {
                let (l, r) = (explain(left)?, explain(right)?);
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
                    .map(explain)
                    .collect::<Result<Vec<_>, _>>()?;
                let rows = children.iter().map(|c| c.estimated_rows).sum();
                with("Union", String::new(), rows, children)
            }
            PlanNode::Filter(expr, inner) => {
                let inner = explain(inner)?;
                with(
                    "Filter",
                    format!("{expr:?}"),
                    inner.estimated_rows * 0.5,
                    vec![inner],
                )
            }
            PlanNode::Extend(inner, slot, _) => {
                let inner = explain(inner)?;
                with("Extend", names(*slot), inner.estimated_rows, vec![inner])
            }
            PlanNode::BindGraph(inner, slot, _) => {
                let inner = explain(inner)?;
                with("BindGraph", names(*slot), inner.estimated_rows, vec![inner])
            }
            PlanNode::OrderBy(inner, _, _) => {
                let inner = explain(inner)?;
                with("OrderBy", String::new(), inner.estimated_rows, vec![inner])
            }
            PlanNode::Project(inner, slots) => {
                let inner = explain(inner)?;
                let detail = slots
                    .iter()
                    .map(|s| names(*s))
                    .collect::<Vec<_>>()
                    .join(" ");
                with("Project", detail, inner.estimated_rows, vec![inner])
            }
            PlanNode::Distinct(inner) => {
                let inner = explain(inner)?;
                with(
                    "Distinct",
                    "hash set".into(),
                    inner.estimated_rows,
                    vec![inner],
                )
            }
            PlanNode::Group(inner, keys, _) => {
                let inner = explain(inner)?;
                let rows = if keys.is_empty() {
                    1.0
                } else {
                    (inner.estimated_rows * 0.1).max(1.0)
                };
                with("Group", "hash aggregation".into(), rows, vec![inner])
            }
            PlanNode::Slice(inner, start, length) => {
                let inner = explain(inner)?;
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
}
