//! Answers in a form two engines' answers compare in, and whether two agree: up to a renaming of
//! blank nodes, in order only where the query fixes it, `GROUP_CONCAT` parts as a multiset.

use std::collections::HashSet;

use oxrdf::{Literal, Term};

use super::isomorphism::isomorphic;
use crate::w3c::engine::QueryOutcome;

/// One solution (a value per variable, `None` when unbound), or one triple (subject, predicate,
/// object), as the comparison sees it.
pub(super) type Row = Vec<Option<Term>>;

/// What the text of a query says about how its answer compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    /// The outer query orders its solutions totally (the generator's order keys), so their order
    /// counts.
    pub(super) ordered: bool,
    /// The outer query has `LIMIT` or `OFFSET`.
    pub(super) sliced: bool,
}

impl Shape {
    pub(super) fn of(query: &str) -> Self {
        // The outer query's modifiers follow its last closing brace; a sub-query's own `ORDER BY`
        // and `LIMIT` are inside it.
        let tail = query.rsplit_once('}').map_or(query, |(_, tail)| tail);
        Self {
            ordered: tail.contains("ORDER BY STR("),
            sliced: tail.contains("LIMIT") || tail.contains("OFFSET"),
        }
    }
}

/// An outcome in a form two engines' outcomes compare in: columns sorted by variable name, the
/// parts of each `GROUP_CONCAT` sorted, triples as a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Normal {
    Solutions {
        variables: Vec<String>,
        rows: Vec<Row>,
    },
    Boolean(bool),
    Graph(Vec<Row>),
}

pub(super) fn normalize(outcome: &QueryOutcome) -> Normal {
    match outcome {
        QueryOutcome::Boolean(value) => Normal::Boolean(*value),
        QueryOutcome::Graph(triples) => {
            let mut seen = HashSet::new();
            let rows = triples
                .iter()
                .filter(|t| seen.insert(*t))
                .map(|t| {
                    vec![
                        Some(t.subject.clone().into()),
                        Some(t.predicate.clone().into()),
                        Some(t.object.clone()),
                    ]
                })
                .collect();
            Normal::Graph(rows)
        }
        QueryOutcome::Solutions {
            variables,
            solutions,
        } => {
            let mut columns: Vec<(String, usize)> = variables
                .iter()
                .enumerate()
                .map(|(i, v)| (v.as_str().to_owned(), i))
                .collect();
            columns.sort();
            let rows = solutions
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .map(|(name, i)| {
                            let value = row.get(*i).cloned().flatten();
                            match concat_separator(name) {
                                Some(separator) => value.map(|v| sort_parts(v, separator)),
                                None => value,
                            }
                        })
                        .collect()
                })
                .collect();
            Normal::Solutions {
                variables: columns.into_iter().map(|(v, _)| v).collect(),
                rows,
            }
        }
    }
}

/// The separator of the `GROUP_CONCAT` a generated query binds to `variable`: `?catbarN` has
/// `separator="|"`, `?catN` the default, one space.
fn concat_separator(variable: &str) -> Option<char> {
    if variable.starts_with("catbar") {
        Some('|')
    } else if variable.starts_with("cat") {
        Some(' ')
    } else {
        None
    }
}

/// A `GROUP_CONCAT` result with its parts sorted: SPARQL leaves their order to the engine. A
/// missing or extra part, or another datatype or language, still shows.
fn sort_parts(value: Term, separator: char) -> Term {
    let Term::Literal(literal) = value else {
        return value;
    };
    let mut parts: Vec<&str> = literal.value().split(separator).collect();
    parts.sort_unstable();
    let joined = parts.join(&separator.to_string());
    match literal.language() {
        Some(language) => Literal::new_language_tagged_literal_unchecked(joined, language),
        None => Literal::new_typed_literal(joined, literal.datatype().into_owned()),
    }
    .into()
}

/// A cell as text, every blank node written `_:`: what a row is once blank-node labels, which
/// each engine picks, are forgotten.
pub(super) fn erased(cell: &Option<Term>) -> String {
    match cell {
        None => "UNDEF".to_owned(),
        Some(Term::BlankNode(_)) => "_:".to_owned(),
        Some(term) => term.to_string(),
    }
}

fn erased_row(row: &Row) -> Vec<String> {
    row.iter().map(erased).collect()
}

pub(super) fn has_blank(row: &Row) -> bool {
    row.iter()
        .any(|cell| matches!(cell, Some(Term::BlankNode(_))))
}

/// Whether two normalized outcomes are the same answer.
fn agree(expected: &Normal, actual: &Normal, shape: Shape) -> bool {
    match (expected, actual) {
        (Normal::Boolean(a), Normal::Boolean(b)) => a == b,
        (
            Normal::Solutions {
                variables: va,
                rows: a,
            },
            Normal::Solutions {
                variables: vb,
                rows: b,
            },
        ) => va == vb && rows_agree(a, b, shape),
        (Normal::Graph(a), Normal::Graph(b)) => rows_agree(
            a,
            b,
            Shape {
                ordered: false,
                sliced: false,
            },
        ),
        _ => false,
    }
}

/// Whether two lists of rows are the same up to a renaming of blank nodes: as sequences when
/// `shape` says the order counts, as multisets otherwise.
fn rows_agree(a: &[Row], b: &[Row], shape: Shape) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut erased_a: Vec<Vec<String>> = a.iter().map(erased_row).collect();
    let mut erased_b: Vec<Vec<String>> = b.iter().map(erased_row).collect();
    if !shape.ordered {
        erased_a.sort_unstable();
        erased_b.sort_unstable();
    }
    if erased_a != erased_b {
        return false;
    }
    if shape.ordered && shape.sliced {
        // The order keys cannot tell two blank nodes apart, so which of several tied rows that
        // differ only in their blank nodes a slice keeps is the engine's choice: past the rows'
        // order and their other values, which are compared, there is nothing both must agree on.
        return true;
    }
    isomorphic(a, b)
}

/// Whether `actual` is the same answer to `query` as `expected`, as [`run`](super::run()) compares
/// them: up to a renaming of blank nodes, in order only when the outer query orders its solutions
/// totally, the parts of each `GROUP_CONCAT` (bound to `?catN` or `?catbarN`) as a multiset.
pub fn same_answer(query: &str, expected: &QueryOutcome, actual: &QueryOutcome) -> bool {
    agree(&normalize(expected), &normalize(actual), Shape::of(query))
}
