//! Evaluation of plans over a [`QuadRead`] view: rows of [`TermId`]s flow between operators, and
//! terms are decoded only where an expression needs a value and at the output.

mod aggregate;
mod catalog;
mod context;
mod expr;
mod functions;
mod hash_join;
mod intersect;
mod lookup_cache;
mod ops;
mod path;
mod pattern;
mod profile;

pub use context::CancellationToken;
pub(crate) use context::EvalContext;
pub(crate) use ops::RowIter;

/// Solutions of a whole plan.
pub(crate) fn ops_evaluate<'c>(
    ctx: &'c EvalContext<'c>,
    plan: &'c crate::sparql::algebra::PlanNode,
    input: Row,
) -> RowIter<'c> {
    ops::evaluate(ctx, plan, input)
}

/// A solution row: one optional id per slot.
pub type Row = Vec<Option<crate::encoding::TermId>>;
