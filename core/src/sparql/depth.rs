//! Bounds on how deep a parsed query's algebra may nest, and the walk that measures it (which
//! also finds `SERVICE` patterns).
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
    every_pattern(query, &mut accept)
}

/// Whether the query has a `SERVICE` pattern anywhere, `EXISTS` filters included. An algebra
/// too deep to walk (which parsing refuses anyway) counts as having one.
pub(crate) fn query_calls_service(query: &Query) -> bool {
    !every_pattern(query, &mut |pattern| {
        !matches!(pattern, GraphPattern::Service { .. })
    })
}

/// The visitor of a depth check alone: one function, so the walk is compiled once for both
/// queries and updates.
fn accept(_: &GraphPattern) -> bool {
    true
}

/// Whether `visit` holds for every graph pattern of the query (those inside expressions too)
/// and the algebra nests at most [`MAX_ALGEBRA_DEPTH`] deep; stops at the first that fails.
fn every_pattern(query: &Query, visit: &mut impl FnMut(&GraphPattern) -> bool) -> bool {
    match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern_within(pattern, MAX_ALGEBRA_DEPTH, visit),
    }
}

/// Whether every `WHERE` of the update nests at most [`MAX_ALGEBRA_DEPTH`] deep.
pub(crate) fn update_within_limit(update: &Update) -> bool {
    update.operations.iter().all(|operation| match operation {
        GraphUpdateOperation::DeleteInsert { pattern, .. } => {
            pattern_within(pattern, MAX_ALGEBRA_DEPTH, &mut accept)
        }
        _ => true,
    })
}

fn pattern_within<F: FnMut(&GraphPattern) -> bool>(
    pattern: &GraphPattern,
    budget: usize,
    visit: &mut F,
) -> bool {
    let Some(left) = budget.checked_sub(1) else {
        return false;
    };
    if !visit(pattern) {
        return false;
    }
    match pattern {
        GraphPattern::Bgp { .. } | GraphPattern::Values { .. } => true,
        GraphPattern::Path { path, .. } => path_within(path, left),
        GraphPattern::Join { left: a, right: b }
        | GraphPattern::Union { left: a, right: b }
        | GraphPattern::Minus { left: a, right: b } => {
            pattern_within(a, left, visit) && pattern_within(b, left, visit)
        }
        GraphPattern::LeftJoin {
            left: a,
            right: b,
            expression,
        } => {
            pattern_within(a, left, visit)
                && pattern_within(b, left, visit)
                && expression
                    .as_ref()
                    .is_none_or(|e| expression_within(e, left, visit))
        }
        GraphPattern::Filter { expr, inner } => {
            expression_within(expr, left, visit) && pattern_within(inner, left, visit)
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => pattern_within(inner, left, visit) && expression_within(expression, left, visit),
        GraphPattern::OrderBy { inner, expression } => {
            pattern_within(inner, left, visit)
                && expression.iter().all(|order| match order {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => {
                        expression_within(e, left, visit)
                    }
                })
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            pattern_within(inner, left, visit)
                && aggregates.iter().all(|(_, aggregate)| match aggregate {
                    AggregateExpression::CountSolutions { .. } => true,
                    AggregateExpression::FunctionCall { expr, .. } => {
                        expression_within(expr, left, visit)
                    }
                })
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => pattern_within(inner, left, visit),
        // Patterns of optional spargebra features Trine does not parse.
        #[allow(unreachable_patterns)]
        _ => true,
    }
}

fn expression_within<F: FnMut(&GraphPattern) -> bool>(
    expression: &Expression,
    budget: usize,
    visit: &mut F,
) -> bool {
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
        | Expression::Divide(a, b) => {
            expression_within(a, left, visit) && expression_within(b, left, visit)
        }
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            expression_within(a, left, visit)
        }
        Expression::In(a, list) => {
            expression_within(a, left, visit)
                && list.iter().all(|e| expression_within(e, left, visit))
        }
        Expression::Exists(pattern) => pattern_within(pattern, left, visit),
        Expression::If(a, b, c) => {
            expression_within(a, left, visit)
                && expression_within(b, left, visit)
                && expression_within(c, left, visit)
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            list.iter().all(|e| expression_within(e, left, visit))
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

#[cfg(test)]
mod tests {
    use super::query_calls_service;

    fn calls_service(query: &str) -> bool {
        let parsed = spargebra::SparqlParser::new()
            .parse_query(query)
            .expect("a valid query");
        query_calls_service(&parsed)
    }

    #[test]
    fn finds_service_patterns_wherever_they_nest() {
        let service = "SERVICE <http://example.com/sparql> { ?s ?p ?o }";
        for query in [
            format!("SELECT * {{ {service} }}"),
            format!("SELECT * {{ ?s ?p ?o OPTIONAL {{ ?o ?q ?r {{ {service} }} UNION {{}} }} }}"),
            format!("SELECT * {{ ?s ?p ?o FILTER NOT EXISTS {{ {service} }} }}"),
            format!("SELECT * {{ {{ SELECT ?s {{ GRAPH ?g {{ {service} }} }} LIMIT 1 }} }}"),
            format!("ASK {{ ?s ?p ?o BIND(EXISTS {{ {service} }} AS ?b) }}"),
        ] {
            assert!(calls_service(&query), "{query}");
        }
    }

    #[test]
    fn text_that_only_looks_like_service_is_not_one() {
        for query in [
            "SELECT * { ?s ?p ?o }",
            r#"SELECT * { ?s ?p "(service <http://example.com/sparql>)" }"#,
            "SELECT * { ?s <http://example.com/service> ?o FILTER EXISTS { ?o ?p ?s } }",
        ] {
            assert!(!calls_service(query), "{query}");
        }
    }
}
