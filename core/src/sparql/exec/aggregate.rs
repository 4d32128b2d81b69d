//! GROUP BY and the aggregate functions.

use std::collections::{HashMap, HashSet};

use oxrdf::{Literal, Term};

use super::expr::{arithmetic_terms, is_numeric, order_terms, simple_or_string};
use super::ops::{RowIter, evaluate};
use super::{EvalContext, Row};
use crate::encoding::TermId;
use crate::sparql::QueryError;
use crate::sparql::algebra::{Aggregate, AggregateFunction, ArithmeticOp, Expr, PlanNode, Slot};

/// A COUNT that needs no value of its argument: it counts rows, or rows where a variable is
/// bound, optionally distinct (on ids, which are equal exactly when the terms are).
#[derive(Debug, Clone, Copy)]
enum Count {
    Rows { distinct: bool },
    Bound { slot: Slot, distinct: bool },
}

impl Count {
    fn of(aggregate: &Aggregate) -> Option<Self> {
        let distinct = aggregate.distinct;
        match (&aggregate.function, &aggregate.expr) {
            (AggregateFunction::CountRows, _) => Some(Self::Rows { distinct }),
            (AggregateFunction::Count, Some(Expr::Slot(slot))) => Some(Self::Bound {
                slot: *slot,
                distinct,
            }),
            _ => None,
        }
    }
}

/// One group's running counts.
#[derive(Default)]
struct Counts {
    counts: Vec<u64>,
    rows: Vec<HashSet<Row>>,
    ids: Vec<HashSet<TermId>>,
}

/// GROUP BY whose aggregates are all counts: one pass, counters per group, no rows held.
fn group_counts<'c>(
    ctx: &'c EvalContext<'c>,
    inner: &'c PlanNode,
    keys: &'c [Slot],
    counts: Vec<(Slot, Count)>,
    input: Row,
) -> Result<RowIter<'c>, QueryError> {
    let mut groups: HashMap<Vec<Option<TermId>>, Counts> = HashMap::new();
    let mut order = Vec::new();
    let context = input.clone();
    let mut held = 0_usize;
    for row in evaluate(ctx, inner, input) {
        let row = row?;
        let key: Vec<Option<TermId>> = keys.iter().map(|slot| row[*slot]).collect();
        let state = match groups.get_mut(&key) {
            Some(state) => state,
            None => {
                order.push(key.clone());
                held += 1;
                groups.entry(key).or_insert_with(|| Counts {
                    counts: vec![0; counts.len()],
                    rows: vec![HashSet::new(); counts.len()],
                    ids: vec![HashSet::new(); counts.len()],
                })
            }
        };
        for (i, (_, count)) in counts.iter().enumerate() {
            match *count {
                Count::Rows { distinct: false } => state.counts[i] += 1,
                Count::Rows { distinct: true } => {
                    if state.rows[i].insert(row.clone()) {
                        held += 1;
                    }
                }
                Count::Bound {
                    slot,
                    distinct: false,
                } => state.counts[i] += u64::from(row[slot].is_some()),
                Count::Bound {
                    slot,
                    distinct: true,
                } => {
                    if let Some(id) = row[slot]
                        && state.ids[i].insert(id)
                    {
                        held += 1;
                    }
                }
            }
        }
        ctx.check_rows(held, "GROUP BY")?;
    }
    if keys.is_empty() && groups.is_empty() {
        groups.insert(
            Vec::new(),
            Counts {
                counts: vec![0; counts.len()],
                rows: vec![HashSet::new(); counts.len()],
                ids: vec![HashSet::new(); counts.len()],
            },
        );
        order.push(Vec::new());
    }
    let mut out = Vec::with_capacity(order.len());
    for key in order {
        let state = groups.remove(&key).unwrap_or_default();
        let mut row = context.clone();
        for (slot, value) in keys.iter().zip(&key) {
            row[*slot] = *value;
        }
        for (i, (slot, count)) in counts.iter().enumerate() {
            let value = match count {
                Count::Rows { distinct: true } => state.rows.get(i).map_or(0, HashSet::len) as u64,
                Count::Bound { distinct: true, .. } => {
                    state.ids.get(i).map_or(0, HashSet::len) as u64
                }
                _ => state.counts.get(i).copied().unwrap_or(0),
            };
            let value: Term = Literal::from(i64::try_from(value).unwrap_or(i64::MAX)).into();
            row[*slot] = Some(ctx.intern(value)?);
        }
        out.push(Ok(row));
    }
    Ok(Box::new(out.into_iter()))
}

pub(crate) fn group<'c>(
    ctx: &'c EvalContext<'c>,
    inner: &'c PlanNode,
    keys: &'c [Slot],
    aggregates: &'c [(Slot, Aggregate)],
    input: Row,
) -> Result<RowIter<'c>, QueryError> {
    let counts: Option<Vec<(Slot, Count)>> = aggregates
        .iter()
        .map(|(slot, aggregate)| Some((*slot, Count::of(aggregate)?)))
        .collect();
    if let Some(counts) = counts {
        return group_counts(ctx, inner, keys, counts, input);
    }
    let mut groups: HashMap<Vec<Option<TermId>>, Vec<Row>> = HashMap::new();
    let mut order = Vec::new();
    let context = input.clone();
    let mut rows_held = 0;
    for row in evaluate(ctx, inner, input) {
        let row = row?;
        let key: Vec<Option<TermId>> = keys.iter().map(|slot| row[*slot]).collect();
        let members = groups.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Vec::new()
        });
        members.push(row);
        rows_held += 1;
        ctx.check_rows(rows_held, "GROUP BY")?;
    }
    // Without GROUP BY, an empty input still makes one (empty) group.
    if keys.is_empty() && groups.is_empty() {
        groups.insert(Vec::new(), Vec::new());
        order.push(Vec::new());
    }
    let mut out = Vec::with_capacity(order.len());
    for key in order {
        let members = groups.remove(&key).unwrap_or_default();
        // Groups carry the context they were computed in (the graph `GRAPH ?g` reads).
        let mut row = context.clone();
        for (slot, value) in keys.iter().zip(&key) {
            row[*slot] = *value;
        }
        for (slot, aggregate) in aggregates {
            if let Some(value) = compute(ctx, aggregate, &members)? {
                row[*slot] = Some(ctx.intern(value)?);
            }
        }
        out.push(Ok(row));
    }
    Ok(Box::new(out.into_iter()))
}

fn compute(
    ctx: &EvalContext<'_>,
    aggregate: &Aggregate,
    members: &[Row],
) -> Result<Option<Term>, QueryError> {
    if aggregate.function == AggregateFunction::CountRows {
        let count = if aggregate.distinct {
            members.iter().collect::<HashSet<_>>().len()
        } else {
            members.len()
        };
        return Ok(Some(
            Literal::from(i64::try_from(count).unwrap_or(i64::MAX)).into(),
        ));
    }
    let Some(expr) = &aggregate.expr else {
        return Ok(None);
    };
    // Values of the argument; an error makes the value absent.
    let mut values = Vec::with_capacity(members.len());
    let mut errors = false;
    for row in members {
        match expr.eval(row, ctx)? {
            Some(value) => values.push(value),
            None => errors = true,
        }
    }
    if aggregate.distinct {
        let mut seen = HashSet::new();
        values.retain(|value| seen.insert(value.clone()));
    }
    Ok(match &aggregate.function {
        AggregateFunction::CountRows | AggregateFunction::Count => {
            Some(Literal::from(i64::try_from(values.len()).unwrap_or(i64::MAX)).into())
        }
        AggregateFunction::Sum => {
            if errors {
                return Ok(None);
            }
            sum(&values)
        }
        AggregateFunction::Avg => {
            if errors {
                return Ok(None);
            }
            if values.is_empty() {
                return Ok(Some(Literal::from(0).into()));
            }
            let Some(total) = sum(&values) else {
                return Ok(None);
            };
            let count: Term = Literal::from(i64::try_from(values.len()).unwrap_or(i64::MAX)).into();
            arithmetic_terms(&total, &count, ArithmeticOp::Divide)
        }
        AggregateFunction::Min => values
            .into_iter()
            .min_by(|a, b| order_terms(Some(a), Some(b))),
        AggregateFunction::Max => values
            .into_iter()
            .max_by(|a, b| order_terms(Some(a), Some(b))),
        AggregateFunction::Sample => values.into_iter().next(),
        AggregateFunction::GroupConcat(separator) => {
            if errors {
                return Ok(None);
            }
            // SPARQL defines GROUP_CONCAT by CONCAT (18.5.1.7), which takes string literals
            // only: a number, an IRI or a blank node is a type error.
            let mut parts = Vec::with_capacity(values.len());
            for value in &values {
                let Some(literal) = simple_or_string(value) else {
                    return Ok(None);
                };
                parts.push(literal.value());
            }
            // The result is a simple literal, whatever the language tags of the parts.
            Some(Literal::new_simple_literal(parts.join(separator)).into())
        }
    })
}

fn sum(values: &[Term]) -> Option<Term> {
    let mut total: Term = Literal::from(0).into();
    for value in values {
        if !is_numeric(value) {
            return None;
        }
        total = arithmetic_terms(&total, value, ArithmeticOp::Add)?;
    }
    Some(total)
}
