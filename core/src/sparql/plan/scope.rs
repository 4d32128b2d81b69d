//! Static checks on where variables can be bound.
//!
//! `SERVICE ?endpoint` calls the IRI the variable holds in each incoming row. When nothing that
//! can feed the SERVICE ever binds the variable, every call fails; found only at run time, that
//! failure would depend on evaluation order (`ASK { { SERVICE ?v {} } UNION {} }` would fail while
//! the mirrored query answered `true` without reaching the SERVICE). Deciding it before running
//! gives one outcome whatever the order.

use std::collections::HashSet;

use oxrdf::Variable;
use spargebra::algebra::GraphPattern;
use spargebra::term::NamedNodePattern;

use crate::sparql::QueryError;

/// Fails if a non-`SILENT` `SERVICE ?v` in `pattern` has `v` bound by nothing that can feed it:
/// not by `bound` (the caller's bindings), nor by the patterns it is joined with, nor by the left
/// side of an OPTIONAL or MINUS it is on the right of. The check over-approximates what is bound
/// (join operands feed each other whatever their written order), so it never rejects a query
/// that some evaluation order could answer.
///
/// # Errors
/// [`QueryError::Service`] naming the variable.
pub(crate) fn check_service_endpoints(
    pattern: &GraphPattern,
    bound: &HashSet<Variable>,
) -> Result<(), QueryError> {
    // Most queries have no such SERVICE: then no scope is gathered at all.
    if has_variable_service(pattern) {
        check(pattern, bound)
    } else {
        Ok(())
    }
}

fn check(pattern: &GraphPattern, bound: &HashSet<Variable>) -> Result<(), QueryError> {
    match pattern {
        GraphPattern::Service {
            name: NamedNodePattern::Variable(variable),
            silent: false,
            inner,
        } => {
            if !bound.contains(variable) {
                return Err(QueryError::Service(format!(
                    "the SERVICE variable ?{} is never bound where the SERVICE is evaluated",
                    variable.as_str()
                )));
            }
            check(inner, bound)
        }
        GraphPattern::Join { left, right } => {
            if has_variable_service(left) {
                check(left, &with_scope(bound, right))?;
            }
            if has_variable_service(right) {
                check(right, &with_scope(bound, left))?;
            }
            Ok(())
        }
        GraphPattern::LeftJoin { left, right, .. } | GraphPattern::Minus { left, right } => {
            check(left, bound)?;
            if has_variable_service(right) {
                check(right, &with_scope(bound, left))?;
            }
            Ok(())
        }
        GraphPattern::Union { left, right } => {
            check(left, bound)?;
            check(right, bound)
        }
        GraphPattern::Filter { inner, .. }
        | GraphPattern::Extend { inner, .. }
        | GraphPattern::Graph { inner, .. }
        | GraphPattern::Service { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Group { inner, .. } => check(inner, bound),
        // Triple patterns, paths and VALUES hold no SERVICE; patterns of optional spargebra
        // features are not parsed.
        _ => Ok(()),
    }
}

/// Whether `pattern` holds a non-`SILENT` `SERVICE ?v`.
fn has_variable_service(pattern: &GraphPattern) -> bool {
    match pattern {
        GraphPattern::Service {
            name: NamedNodePattern::Variable(_),
            silent: false,
            ..
        } => true,
        GraphPattern::Join { left, right }
        | GraphPattern::LeftJoin { left, right, .. }
        | GraphPattern::Minus { left, right }
        | GraphPattern::Union { left, right } => {
            has_variable_service(left) || has_variable_service(right)
        }
        GraphPattern::Filter { inner, .. }
        | GraphPattern::Extend { inner, .. }
        | GraphPattern::Graph { inner, .. }
        | GraphPattern::Service { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Group { inner, .. } => has_variable_service(inner),
        _ => false,
    }
}

/// `bound` and the variables `pattern` can bind.
fn with_scope(bound: &HashSet<Variable>, pattern: &GraphPattern) -> HashSet<Variable> {
    let mut scope = bound.clone();
    pattern.on_in_scope_variable(|variable| {
        scope.insert(variable.clone());
    });
    scope
}
