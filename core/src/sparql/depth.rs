//! Bounds on how deep a parsed query's algebra may nest.
//!
//! Brackets are bounded before parsing ([`super::lexical::check_nesting`]), but long flat chains
//! (`{…} UNION {…} UNION …`, `1 + 1 + …`, `BIND`s one after another) nest the algebra as deeply
//! as they are long, and translation and evaluation recurse once per level. So the parsed
//! algebra is measured (with a recursion that stops at the limit, so the measure itself stays
//! shallow) and a query deeper than [`MAX_ALGEBRA_DEPTH`] is refused. Measured on a 2 MiB thread
//! stack: 1,000 levels of every kind of chain still parse, plan and run; 1,200 UNIONs do not.

use spargebra::algebra::{
    AggregateExpression, Expression, GraphPattern, OrderExpression, PropertyPathExpression,
};
use spargebra::{GraphUpdateOperation, Query, Update};

/// How deeply the algebra of a query (patterns, expressions and paths together) may nest.
pub const MAX_ALGEBRA_DEPTH: usize = 256;

/// Whether the query's algebra nests at most [`MAX_ALGEBRA_DEPTH`] deep.
pub(crate) fn query_within_limit(query: &Query) -> bool {
    match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern_within(pattern, MAX_ALGEBRA_DEPTH),
    }
}

/// Whether every `WHERE` of the update nests at most [`MAX_ALGEBRA_DEPTH`] deep.
pub(crate) fn update_within_limit(update: &Update) -> bool {
    update.operations.iter().all(|operation| match operation {
        GraphUpdateOperation::DeleteInsert { pattern, .. } => {
            pattern_within(pattern, MAX_ALGEBRA_DEPTH)
        }
        _ => true,
    })
}

fn pattern_within(pattern: &GraphPattern, budget: usize) -> bool {
    let Some(left) = budget.checked_sub(1) else {
        return false;
    };
    match pattern {
        GraphPattern::Bgp { .. } | GraphPattern::Values { .. } => true,
        GraphPattern::Path { path, .. } => path_within(path, left),
        GraphPattern::Join { left: a, right: b }
        | GraphPattern::Union { left: a, right: b }
        | GraphPattern::Minus { left: a, right: b } => {
            pattern_within(a, left) && pattern_within(b, left)
        }
        GraphPattern::LeftJoin {
            left: a,
            right: b,
            expression,
        } => {
            pattern_within(a, left)
                && pattern_within(b, left)
                && expression
                    .as_ref()
                    .is_none_or(|e| expression_within(e, left))
        }
        GraphPattern::Filter { expr, inner } => {
            expression_within(expr, left) && pattern_within(inner, left)
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => pattern_within(inner, left) && expression_within(expression, left),
        GraphPattern::OrderBy { inner, expression } => {
            pattern_within(inner, left)
                && expression.iter().all(|order| match order {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => {
                        expression_within(e, left)
                    }
                })
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            pattern_within(inner, left)
                && aggregates.iter().all(|(_, aggregate)| match aggregate {
                    AggregateExpression::CountSolutions { .. } => true,
                    AggregateExpression::FunctionCall { expr, .. } => expression_within(expr, left),
                })
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => pattern_within(inner, left),
        // Patterns of optional spargebra features Trine does not parse.
        #[allow(unreachable_patterns)]
        _ => true,
    }
}

fn expression_within(expression: &Expression, budget: usize) -> bool {
    let Some(left) = budget.checked_sub(1) else {
        return false;
    };
    match expression {
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => true,
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => expression_within(a, left) && expression_within(b, left),
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            expression_within(a, left)
        }
        Expression::In(a, list) => {
            expression_within(a, left) && list.iter().all(|e| expression_within(e, left))
        }
        Expression::Exists(pattern) => pattern_within(pattern, left),
        Expression::If(a, b, c) => {
            expression_within(a, left) && expression_within(b, left) && expression_within(c, left)
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            list.iter().all(|e| expression_within(e, left))
        }
        #[allow(unreachable_patterns)]
        _ => true,
    }
}

fn path_within(path: &PropertyPathExpression, budget: usize) -> bool {
    let Some(left) = budget.checked_sub(1) else {
        return false;
    };
    match path {
        PropertyPathExpression::NamedNode(_) | PropertyPathExpression::NegatedPropertySet(_) => {
            true
        }
        PropertyPathExpression::Reverse(p)
        | PropertyPathExpression::ZeroOrMore(p)
        | PropertyPathExpression::OneOrMore(p)
        | PropertyPathExpression::ZeroOrOne(p) => path_within(p, left),
        PropertyPathExpression::Sequence(a, b) | PropertyPathExpression::Alternative(a, b) => {
            path_within(a, left) && path_within(b, left)
        }
    }
}

/// Runs `parse` where a long text cannot overflow the caller's stack: on native targets a text
/// past a few KiB is parsed, measured and (when refused) dropped on a thread with a large stack,
/// since `spargebra`'s parser and the drop of a deep tree both recurse once per level.
pub(crate) fn on_large_stack<T: Send, E: Send>(
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, E> + Send,
    spawn_failed: impl FnOnce(String) -> E,
) -> Result<T, E> {
    /// Texts up to this size nest at most a few thousand levels: safe on any thread.
    const INLINE_BYTES: usize = 4096;
    /// Virtual size of the parsing thread's stack; pages are only committed as they are used.
    const STACK_BYTES: usize = 512 << 20;
    #[cfg(not(target_family = "wasm"))]
    if text.len() > INLINE_BYTES {
        return std::thread::scope(|scope| {
            match std::thread::Builder::new()
                .name("trine-sparql-parse".into())
                .stack_size(STACK_BYTES)
                .spawn_scoped(scope, || parse(text))
            {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|_| Err(spawn_failed("the parser thread panicked".into()))),
                Err(error) => Err(spawn_failed(format!(
                    "cannot start a parser thread: {error}"
                ))),
            }
        });
    }
    // Used on native targets only.
    let _ = (INLINE_BYTES, STACK_BYTES, &spawn_failed);
    parse(text)
}
