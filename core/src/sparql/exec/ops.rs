//! The operators, as pull iterators over rows.
//!
//! `evaluate(ctx, plan, input)` yields the solutions of `plan` joined with the one row `input`.
//! Plans made only of patterns, joins, unions and inline values are evaluated by substitution
//! (the input's bindings become constants of the index scans: an index nested-loop join); any other
//! plan is evaluated bottom-up once and then joined, which keeps SPARQL's scoping of FILTER,
//! OPTIONAL, BIND and sub-queries exact.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::expr::order_terms;
use super::hash_join::hash_join;
use super::pattern::scan_pattern;
use super::{EvalContext, Row};
use crate::encoding::{TermId, TermTag};
use crate::sparql::QueryError;
use crate::sparql::algebra::{Expr, PlanNode, ServiceEndpoint};
use crate::sparql::plan::substitutable;

/// A stream of solution rows.
pub(crate) type RowIter<'c> = Box<dyn Iterator<Item = Result<Row, QueryError>> + 'c>;

fn once(row: Row) -> RowIter<'static> {
    Box::new(std::iter::once(Ok(row)))
}

fn failed(error: QueryError) -> RowIter<'static> {
    Box::new(std::iter::once(Err(error)))
}

/// The rows an operator's `step` gives until it gives none; an error is the last row.
pub(crate) fn stepping<'c>(
    mut step: impl FnMut() -> Result<Option<Row>, QueryError> + 'c,
) -> RowIter<'c> {
    let mut failed = false;
    Box::new(std::iter::from_fn(move || {
        if failed {
            return None;
        }
        let result = step().transpose();
        failed = matches!(result, Some(Err(_)));
        result
    }))
}

/// `a` and `b` merged, if they agree where both are bound.
pub(crate) fn merge(a: &[Option<TermId>], b: &[Option<TermId>]) -> Option<Row> {
    a.iter()
        .zip(b)
        .map(|(x, y)| match (x, y) {
            (Some(x), Some(y)) if x != y => Err(()),
            (x, y) => Ok(x.or(*y)),
        })
        .collect::<Result<Row, ()>>()
        .ok()
}

/// Solutions of `plan` joined with `input`.
pub(crate) fn evaluate<'c>(
    ctx: &'c EvalContext<'c>,
    plan: &'c PlanNode,
    input: Row,
) -> RowIter<'c> {
    let rows = evaluate_unmeasured(ctx, plan, input);
    if ctx.profile.is_on() {
        ctx.profile.measure(plan, rows)
    } else {
        rows
    }
}

fn evaluate_unmeasured<'c>(
    ctx: &'c EvalContext<'c>,
    plan: &'c PlanNode,
    input: Row,
) -> RowIter<'c> {
    if !substitutable(plan) {
        let context = ctx.context_of(&input);
        if context == input {
            return evaluate_node(ctx, plan, input);
        }
        let inner = evaluate(ctx, plan, context);
        return Box::new(inner.filter_map(move |row| match row {
            Ok(row) => merge(&row, &input).map(Ok),
            Err(e) => Some(Err(e)),
        }));
    }
    evaluate_node(ctx, plan, input)
}

/// One node, with `input` either substituted in (substitutable plans) or graph context only.
fn evaluate_node<'c>(ctx: &'c EvalContext<'c>, plan: &'c PlanNode, input: Row) -> RowIter<'c> {
    match plan {
        PlanNode::Unit => once(input),
        PlanNode::Pattern(pattern) => scan_pattern(ctx, pattern, input),
        PlanNode::Intersect(patterns, slot) => {
            super::intersect::intersect_join(ctx, once(input), patterns, *slot)
        }
        PlanNode::Path(path) => super::path::scan_path(ctx, path, input),
        PlanNode::Values(rows, slots) => {
            let rows = rows.iter().filter_map(move |values| {
                let mut row = ctx.empty_row();
                for (slot, value) in slots.iter().zip(values) {
                    row[*slot] = *value;
                }
                merge(&row, &input).map(Ok)
            });
            Box::new(rows)
        }
        PlanNode::Join(left, right) => join(ctx, left, right, input),
        PlanNode::HashJoin(left, right) => hash_join(ctx, left, evaluate(ctx, left, input), right),
        PlanNode::Union(children) => Box::new(
            children
                .iter()
                .flat_map(move |child| evaluate(ctx, child, input.clone())),
        ),
        PlanNode::LeftJoin(left, right, filter) => {
            left_join(ctx, left, right, filter.as_ref(), input)
        }
        PlanNode::Filter(expr, inner) => Box::new(evaluate(ctx, inner, input).filter_map(
            move |row| match row {
                Ok(row) => match expr.test(&row, ctx) {
                    Ok(value) => value.unwrap_or(false).then_some(Ok(row)),
                    Err(e) => Some(Err(e)),
                },
                Err(e) => Some(Err(e)),
            },
        )),
        PlanNode::Extend(inner, slot, expr) => {
            let slot = *slot;
            Box::new(evaluate(ctx, inner, input).map(move |row| {
                let mut row = row?;
                if let Some(value) = expr.eval(&row, ctx)? {
                    row[slot] = Some(ctx.intern(value)?);
                }
                Ok(row)
            }))
        }
        PlanNode::Minus(left, right) => {
            let right_rows =
                match collect_in(ctx, evaluate(ctx, right, ctx.context_of(&input)), "MINUS") {
                    Ok(rows) => rows,
                    Err(e) => return failed(e),
                };
            Box::new(evaluate(ctx, left, input).filter(move |row| match row {
                Ok(row) => !right_rows.iter().any(|other| {
                    // Context slots (the graph being read) are not variables the sides share.
                    let shares = row.iter().zip(other).enumerate().any(|(slot, (a, b))| {
                        a.is_some() && b.is_some() && !ctx.is_context_slot(slot)
                    });
                    shares && merge(row, other).is_some()
                }),
                Err(_) => true,
            }))
        }
        PlanNode::OrderBy(inner, keys, limit) => match order_by(ctx, inner, keys, *limit, input) {
            Ok(rows) => Box::new(rows.into_iter().map(Ok)),
            Err(e) => failed(e),
        },
        PlanNode::Project(inner, slots) => {
            Box::new(evaluate(ctx, inner, input.clone()).map(move |row| {
                let row = row?;
                // Projection keeps the context it ran in (the graph `GRAPH ?g` reads).
                let mut projected = ctx.context_of(&input);
                for slot in slots {
                    projected[*slot] = row[*slot];
                }
                Ok(projected)
            }))
        }
        PlanNode::Distinct(inner) => {
            let mut seen = HashSet::new();
            Box::new(
                evaluate(ctx, inner, input).filter_map(move |row| match row {
                    Ok(row) => {
                        if !seen.insert(row.clone()) {
                            return None;
                        }
                        match ctx.check_rows(seen.len(), "DISTINCT") {
                            Ok(()) => Some(Ok(row)),
                            Err(e) => Some(Err(e)),
                        }
                    }
                    Err(e) => Some(Err(e)),
                }),
            )
        }
        PlanNode::Group(inner, keys, aggregates) => {
            match super::aggregate::group(ctx, inner, keys, aggregates, input) {
                Ok(rows) => rows,
                Err(e) => failed(e),
            }
        }
        PlanNode::NamedGraph(term) => super::pattern::named_graph(ctx, *term, input),
        PlanNode::Service(endpoint, pattern, slots, silent) => {
            match service(ctx, endpoint, pattern, slots, *silent, &input) {
                Ok(rows) => Box::new(rows.into_iter().map(Ok)),
                Err(e) => failed(e),
            }
        }
        PlanNode::BindGraph(inner, variable, current) => {
            let (variable, current) = (*variable, *current);
            Box::new(evaluate(ctx, inner, input).filter_map(move |row| {
                let mut row = match row {
                    Ok(row) => row,
                    Err(e) => return Some(Err(e)),
                };
                match (row[variable], row[current]) {
                    (Some(bound), Some(graph)) if bound != graph => return None,
                    (None, graph) => row[variable] = graph,
                    _ => {}
                }
                Some(Ok(row))
            }))
        }
        PlanNode::Slice(inner, start, length) => {
            // OFFSET skips solutions, never a failure: `Iterator::skip` would drop an error
            // among the first rows (a timeout, a row limit) and end the query as if it had
            // no more answers.
            let mut to_skip = *start;
            let rows = evaluate(ctx, inner, input).filter(move |row| {
                if to_skip > 0 && row.is_ok() {
                    to_skip -= 1;
                    return false;
                }
                true
            });
            match length {
                Some(length) => Box::new(rows.take(*length)),
                None => Box::new(rows),
            }
        }
    }
}

/// Materializes rows (a join's stored side, MINUS's right side) within the row limit.
pub(crate) fn collect_in(
    ctx: &EvalContext<'_>,
    rows: RowIter<'_>,
    operator: &'static str,
) -> Result<Vec<Row>, QueryError> {
    let mut out = Vec::new();
    for row in rows {
        out.push(row?);
        ctx.check_rows(out.len(), operator)?;
    }
    Ok(out)
}

/// Index nested-loop join when the right side takes substitution, otherwise a nested loop over
/// the right side's solutions computed once.
fn join<'c>(
    ctx: &'c EvalContext<'c>,
    left: &'c PlanNode,
    right: &'c PlanNode,
    input: Row,
) -> RowIter<'c> {
    let left_rows = evaluate(ctx, left, input);
    match right {
        // One probe for every left row: its cursors are sought, not reopened.
        PlanNode::Pattern(pattern) => return super::pattern::probe_join(ctx, left_rows, pattern),
        PlanNode::Intersect(patterns, slot) => {
            return super::intersect::intersect_join(ctx, left_rows, patterns, *slot);
        }
        _ => {}
    }
    if substitutable(right) {
        return Box::new(left_rows.flat_map(move |row| match row {
            Ok(row) => {
                if let Err(e) = ctx.check() {
                    return failed(e);
                }
                evaluate(ctx, right, row)
            }
            Err(e) => failed(e),
        }));
    }
    hash_join(ctx, left, left_rows, right)
}

fn left_join<'c>(
    ctx: &'c EvalContext<'c>,
    left: &'c PlanNode,
    right: &'c PlanNode,
    filter: Option<&'c Expr>,
    input: Row,
) -> RowIter<'c> {
    let context = ctx.context_of(&input);
    if let PlanNode::Pattern(pattern) = right {
        // One probe for every left row, as for an inner join.
        let left_rows = evaluate(ctx, left, context);
        return super::pattern::optional_probe_join(ctx, left_rows, pattern, filter);
    }
    let right_rows = if substitutable(right) {
        None
    } else {
        match collect_in(ctx, evaluate(ctx, right, context.clone()), "OPTIONAL") {
            Ok(rows) => Some(rows),
            Err(e) => return failed(e),
        }
    };
    Box::new(
        evaluate(ctx, left, context).flat_map(move |row| -> RowIter<'c> {
            let row = match row {
                Ok(row) => row,
                Err(e) => return failed(e),
            };
            let candidates: Result<Vec<Row>, QueryError> = match &right_rows {
                Some(rows) => Ok(rows.iter().filter_map(|other| merge(&row, other)).collect()),
                None => collect_in(ctx, evaluate(ctx, right, row.clone()), "OPTIONAL"),
            };
            let mut extended = Vec::new();
            for candidate in match candidates {
                Ok(candidates) => candidates,
                Err(e) => return failed(e),
            } {
                let keep = match filter {
                    None => true,
                    Some(expr) => match expr.test(&candidate, ctx) {
                        Ok(value) => value.unwrap_or(false),
                        Err(e) => return failed(e),
                    },
                };
                if keep {
                    extended.push(Ok(candidate));
                }
            }
            if extended.is_empty() {
                once(row)
            } else {
                Box::new(extended.into_iter())
            }
        }),
    )
}

fn order_by<'c>(
    ctx: &'c EvalContext<'c>,
    inner: &'c PlanNode,
    keys: &'c [(Expr, bool)],
    limit: Option<usize>,
    input: Row,
) -> Result<Vec<Row>, QueryError> {
    let slots: Option<Vec<(usize, bool)>> = keys
        .iter()
        .map(|(expr, descending)| match expr {
            Expr::Slot(slot) => Some((*slot, *descending)),
            _ => None,
        })
        .collect();
    if let Some(slots) = slots {
        return order_by_ids(ctx, evaluate(ctx, inner, input), keys, &slots, limit);
    }
    order_by_terms(ctx, evaluate(ctx, inner, input), keys, limit)
}

/// Inline numbers of one tag: their ids sort in value order.
fn id_ordered(id: TermId) -> bool {
    matches!(id.tag(), TermTag::Integer | TermTag::Decimal)
}

/// Rows with their sort keys' values (empty when the rows' ids are the keys).
type Keyed = (Vec<Option<oxrdf::Term>>, Row);

/// Sorts stably with one comparator type, so both ORDER BY paths share one sort's code (the
/// WebAssembly package counts its bytes); past `limit` rows only the first are kept.
fn sort_keyed(
    keyed: &mut Vec<Keyed>,
    limit: Option<usize>,
    compare: &mut dyn FnMut(&Keyed, &Keyed) -> Ordering,
) {
    keyed.sort_by(compare);
    if let Some(k) = limit {
        keyed.truncate(k);
    }
}

/// Applies `descending` to an ascending ordering.
fn directed(ordering: Ordering, descending: bool) -> Ordering {
    if descending {
        ordering.reverse()
    } else {
        ordering
    }
}

/// ORDER BY on variables: while every key column holds inline numbers of one tag (or nothing),
/// rows sort on their ids without decoding a term; otherwise on terms.
fn order_by_ids<'c>(
    ctx: &'c EvalContext<'c>,
    rows: RowIter<'c>,
    keys: &'c [(Expr, bool)],
    slots: &[(usize, bool)],
    limit: Option<usize>,
) -> Result<Vec<Row>, QueryError> {
    // Per column: the one tag seen so far, `None` before any value; `mixed` once two differ.
    let mut tags: Vec<Option<TermTag>> = vec![None; slots.len()];
    let mut mixed = false;
    let mut compare = |(_, a): &Keyed, (_, b): &Keyed| {
        slots
            .iter()
            .map(|(slot, descending)| directed(a[*slot].cmp(&b[*slot]), *descending))
            .find(|ordering| *ordering != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    };
    let bound = limit.map(|k| k.saturating_mul(2).max(1024));
    let mut held: Vec<Keyed> = Vec::new();
    for row in rows {
        let row = row?;
        for ((slot, _), tag) in slots.iter().zip(&mut tags) {
            if let Some(id) = row[*slot] {
                mixed |= !id_ordered(id) || tag.is_some_and(|t| t != id.tag());
                *tag = Some(id.tag());
            }
        }
        held.push((Vec::new(), row));
        if !mixed && bound.is_some_and(|bound| held.len() >= bound) {
            sort_keyed(&mut held, limit, &mut compare);
        }
        ctx.check_rows(held.len(), "ORDER BY")?;
    }
    if mixed {
        // Rows dropped above were behind k others in value order already; sort the rest on terms.
        let rows = held.into_iter().map(|(_, row)| Ok(row));
        return order_by_terms(ctx, Box::new(rows), keys, limit);
    }
    sort_keyed(&mut held, limit, &mut compare);
    Ok(held.into_iter().map(|(_, row)| row).collect())
}

/// ORDER BY on the keys' values.
fn order_by_terms<'c>(
    ctx: &'c EvalContext<'c>,
    rows: RowIter<'c>,
    keys: &'c [(Expr, bool)],
    limit: Option<usize>,
) -> Result<Vec<Row>, QueryError> {
    // Stable: rows with equal keys keep their order, as a full sort would give them.
    let mut compare = |(a, _): &Keyed, (b, _): &Keyed| {
        a.iter()
            .zip(b)
            .zip(keys)
            .map(|((x, y), (_, descending))| {
                directed(order_terms(x.as_ref(), y.as_ref()), *descending)
            })
            .find(|ordering| *ordering != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    };
    // Top-k: past twice the rows needed, sort and keep the first; amortized n log k.
    let bound = limit.map(|k| k.saturating_mul(2).max(1024));
    let mut keyed: Vec<Keyed> = Vec::new();
    for row in rows {
        let row = row?;
        let mut values = Vec::with_capacity(keys.len());
        for (expr, _) in keys {
            values.push(expr.eval(&row, ctx)?);
        }
        keyed.push((values, row));
        if bound.is_some_and(|bound| keyed.len() >= bound) {
            sort_keyed(&mut keyed, limit, &mut compare);
        }
        ctx.check_rows(keyed.len(), "ORDER BY")?;
    }
    sort_keyed(&mut keyed, limit, &mut compare);
    Ok(keyed.into_iter().map(|(_, row)| row).collect())
}

fn service(
    ctx: &EvalContext<'_>,
    endpoint: &ServiceEndpoint,
    pattern: &spargebra::algebra::GraphPattern,
    slots: &[(oxrdf::Variable, usize)],
    silent: bool,
    input: &[Option<TermId>],
) -> Result<Vec<Row>, QueryError> {
    let endpoint = match endpoint {
        ServiceEndpoint::Iri(iri) => iri.clone(),
        ServiceEndpoint::Slot(slot) => {
            match input.get(*slot).copied().flatten().map(|id| ctx.term(id)) {
                Some(Ok(oxrdf::Term::NamedNode(iri))) => iri,
                Some(Err(e)) => return Err(e),
                _ if silent => return Ok(vec![input.to_vec()]),
                _ => {
                    return Err(QueryError::Service(
                        "the SERVICE variable is not bound to an IRI".into(),
                    ));
                }
            }
        }
    };
    let endpoint = &endpoint;
    let answer = match ctx.service_handler() {
        Some(handler) => handler.handle(endpoint, pattern, ctx.base_iri_str()),
        None => Err("no SERVICE handler is installed".into()),
    };
    let (variables, solutions) = match answer {
        Ok(answer) => answer,
        // SILENT turns a failed call into one empty solution.
        Err(_) if silent => return Ok(vec![input.to_vec()]),
        Err(message) => {
            return Err(QueryError::Service(format!(
                "<{}>: {message}",
                endpoint.as_str()
            )));
        }
    };
    let mut rows = Vec::with_capacity(solutions.len());
    for solution in solutions {
        let mut row = input.to_vec();
        let mut compatible = true;
        for (variable, value) in variables.iter().zip(solution) {
            let (Some(slot), Some(value)) = (
                slots.iter().find(|(v, _)| v == variable).map(|(_, s)| *s),
                value,
            ) else {
                continue;
            };
            let id = ctx.intern(value)?;
            match row[slot] {
                Some(existing) if existing != id => compatible = false,
                _ => row[slot] = Some(id),
            }
        }
        if compatible {
            rows.push(row);
            ctx.check_rows(rows.len(), "SERVICE")?;
        }
    }
    Ok(rows)
}
