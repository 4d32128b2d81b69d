//! Quad pattern scans: bound positions become the key prefix of the index that answers them.

use std::collections::HashSet;

use super::ops::RowIter;
use super::{EvalContext, Row};
use crate::encoding::{EncodedQuad, TermId};
use crate::sparql::algebra::{DefaultGraphs, GraphTarget, PatternTerm, QuadPatternNode};
use crate::storage::{GraphScope, QuadPattern};

/// How often a scan checks for cancellation and timeouts, in rows read.
const CHECK_EVERY: usize = 1024;

enum Resolved {
    Bound(TermId),
    Free(usize),
    Impossible,
}

fn resolve(term: PatternTerm, row: &[Option<TermId>]) -> Resolved {
    match term {
        PatternTerm::Const(id) => Resolved::Bound(id),
        PatternTerm::Absent => Resolved::Impossible,
        PatternTerm::Slot(slot) => match row.get(slot).copied().flatten() {
            Some(id) => Resolved::Bound(id),
            None => Resolved::Free(slot),
        },
    }
}

pub(crate) fn scan_pattern<'c>(
    ctx: &'c EvalContext<'c>,
    pattern: &'c QuadPatternNode,
    input: Row,
) -> RowIter<'c> {
    let parts = [
        resolve(pattern.subject, &input),
        resolve(pattern.predicate, &input),
        resolve(pattern.object, &input),
    ];
    if parts.iter().any(|p| matches!(p, Resolved::Impossible)) {
        return Box::new(std::iter::empty());
    }
    let bound = |r: &Resolved| match r {
        Resolved::Bound(id) => Some(*id),
        _ => None,
    };
    let (graph_slot, scopes, dedupe): (Option<usize>, Vec<GraphScope>, bool) = match &pattern.graph
    {
        GraphTarget::DefaultGraph => match &ctx.dataset.default {
            DefaultGraphs::Store => (None, vec![GraphScope::Default], false),
            DefaultGraphs::Graphs(graphs) => (
                None,
                graphs.iter().map(|g| GraphScope::Graph(*g)).collect(),
                graphs.len() > 1,
            ),
        },
        GraphTarget::Named(term) => match resolve(*term, &input) {
            Resolved::Impossible => return Box::new(std::iter::empty()),
            Resolved::Bound(g) => {
                let allowed = g != TermId::DEFAULT_GRAPH
                    && ctx
                        .dataset
                        .named
                        .as_ref()
                        .is_none_or(|named| named.contains(&g));
                (
                    None,
                    if allowed {
                        vec![GraphScope::Graph(g)]
                    } else {
                        Vec::new()
                    },
                    false,
                )
            }
            Resolved::Free(slot) => match &ctx.dataset.named {
                None => (Some(slot), vec![GraphScope::AnyNamed], false),
                Some(named) => (
                    Some(slot),
                    named.iter().map(|g| GraphScope::Graph(*g)).collect(),
                    false,
                ),
            },
        },
    };
    let [s, p, o] = parts;
    let slots = [
        match s {
            Resolved::Free(slot) => Some(slot),
            _ => None,
        },
        match p {
            Resolved::Free(slot) => Some(slot),
            _ => None,
        },
        match o {
            Resolved::Free(slot) => Some(slot),
            _ => None,
        },
        graph_slot,
    ];
    let (subject, predicate, object) = (bound(&s), bound(&p), bound(&o));
    let mut seen = HashSet::new();
    let mut read = 0_usize;
    Box::new(
        scopes
            .into_iter()
            .flat_map(move |graph| {
                ctx.reader().scan(&QuadPattern {
                    subject,
                    predicate,
                    object,
                    graph,
                    explicit_only: ctx.explicit_only(),
                })
            })
            .filter_map(move |quad| {
                read += 1;
                if read.is_multiple_of(CHECK_EVERY)
                    && let Err(e) = ctx.check()
                {
                    return Some(Err(e));
                }
                let quad: EncodedQuad = match quad {
                    Ok(quad) => quad,
                    Err(e) => return Some(Err(e.into())),
                };
                if dedupe && !seen.insert((quad.subject, quad.predicate, quad.object)) {
                    return None;
                }
                let mut row = input.clone();
                let values = [quad.subject, quad.predicate, quad.object, quad.graph];
                for (slot, value) in slots.iter().zip(values) {
                    if let Some(slot) = slot {
                        match row[*slot] {
                            // A variable repeated in the pattern must take one value.
                            Some(existing) if existing != value => return None,
                            _ => row[*slot] = Some(value),
                        }
                    }
                }
                Some(Ok(row))
            }),
    )
}

/// The named graphs of the dataset as bindings of `term` (see `PlanNode::NamedGraph`).
pub(crate) fn named_graph<'c>(
    ctx: &'c EvalContext<'c>,
    term: PatternTerm,
    input: Row,
) -> RowIter<'c> {
    let named = match &ctx.dataset.named {
        Some(named) => Ok(named.clone()),
        None => ctx.reader().named_graphs(),
    };
    let named = match named {
        Ok(named) => named,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let rows: Vec<Row> = match resolve(term, &input) {
        Resolved::Impossible => Vec::new(),
        Resolved::Bound(g) => {
            if named.contains(&g) {
                vec![input]
            } else {
                Vec::new()
            }
        }
        Resolved::Free(slot) => named
            .into_iter()
            .map(|g| {
                let mut row = input.clone();
                row[slot] = Some(g);
                row
            })
            .collect(),
    };
    Box::new(rows.into_iter().map(Ok))
}
