//! Answers in a form two engines' results compare in, and the comparison itself.
//!
//! Terms compare as their N-Triples strings, except blank nodes: engines label them as they
//! like, so every blank node becomes `_:` and answers that differ only by labels agree (that
//! compares how many blank nodes sit where, a little weaker than isomorphism, which the queries
//! run here do not need: their answers hold no blank node).

use oxrdf::{Term, Triple, Variable};

use super::shape::QueryShape;

/// What an engine returned, before canonicalization: the clock stops once this is collected.
#[derive(Debug, Clone)]
pub enum RawAnswer {
    /// SELECT: the projected variables and one row of optional values per solution, in order.
    Solutions {
        /// The variables, in the engine's order.
        variables: Vec<Variable>,
        /// One value (or none) per variable, per solution.
        rows: Vec<Vec<Option<Term>>>,
    },
    /// ASK.
    Boolean(bool),
    /// CONSTRUCT and DESCRIBE.
    Graph(Vec<Triple>),
}

impl RawAnswer {
    /// The number of solutions or triples (1 for a boolean).
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Solutions { rows, .. } => rows.len(),
            Self::Boolean(_) => 1,
            Self::Graph(triples) => triples.len(),
        }
    }

    /// Whether there is no solution and no triple.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An answer with every term as a canonical string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// SELECT: variable names and rows of canonical values, in the engine's order.
    Solutions {
        /// The variable names, without `?`.
        variables: Vec<String>,
        /// The rows, values in the order of `variables`.
        rows: Vec<Vec<Option<String>>>,
    },
    /// ASK.
    Boolean(bool),
    /// CONSTRUCT and DESCRIBE: the triples, sorted and without duplicates (a graph is a set).
    Graph(Vec<String>),
}

impl From<&RawAnswer> for Answer {
    fn from(raw: &RawAnswer) -> Self {
        match raw {
            RawAnswer::Solutions { variables, rows } => Self::Solutions {
                variables: variables.iter().map(|v| v.as_str().to_owned()).collect(),
                rows: rows
                    .iter()
                    .map(|row| row.iter().map(|v| v.as_ref().map(canonical)).collect())
                    .collect(),
            },
            RawAnswer::Boolean(value) => Self::Boolean(*value),
            RawAnswer::Graph(triples) => {
                let mut lines: Vec<String> = triples
                    .iter()
                    .map(|t| {
                        format!(
                            "{} {} {}",
                            canonical(&t.subject.clone().into()),
                            t.predicate,
                            canonical(&t.object)
                        )
                    })
                    .collect();
                lines.sort_unstable();
                lines.dedup();
                Self::Graph(lines)
            }
        }
    }
}

/// The N-Triples form of a term, with blank node labels erased.
fn canonical(term: &Term) -> String {
    match term {
        Term::BlankNode(_) => "_:".to_owned(),
        other => other.to_string(),
    }
}

/// Checks that `other` is an answer to the query as valid as `reference`: the same solution
/// multiset (or graph, or boolean); for ORDER BY queries, also the same sequence of sort keys,
/// with rows free to differ in order only among equal keys and, where LIMIT or OFFSET may have
/// cut a run of equal keys, free to be different members of that run.
///
/// # Errors
/// A sentence saying how the answers differ.
pub fn check(shape: &QueryShape, reference: &Answer, other: &Answer) -> Result<(), String> {
    match (reference, other) {
        (Answer::Boolean(a), Answer::Boolean(b)) if a == b => Ok(()),
        (Answer::Graph(a), Answer::Graph(b)) => compare_sorted("triples", a, b),
        (
            Answer::Solutions { variables, rows },
            Answer::Solutions {
                variables: other_variables,
                rows: other_rows,
            },
        ) => {
            let other_rows = reorder(variables, other_variables, other_rows)?;
            check_solutions(shape, variables, rows, &other_rows)
        }
        _ => Err(format!("{} vs {}", kind(reference), kind(other))),
    }
}

fn kind(answer: &Answer) -> String {
    match answer {
        Answer::Solutions { rows, .. } => format!("{} solutions", rows.len()),
        Answer::Boolean(value) => format!("boolean {value}"),
        Answer::Graph(triples) => format!("{} triples", triples.len()),
    }
}

type Row = Vec<Option<String>>;

/// `rows` (over `from` variables) with columns in the order of `to`.
fn reorder(to: &[String], from: &[String], rows: &[Row]) -> Result<Vec<Row>, String> {
    let mut sorted_to = to.to_vec();
    let mut sorted_from = from.to_vec();
    sorted_to.sort();
    sorted_from.sort();
    if sorted_to != sorted_from {
        return Err(format!("different variables: {to:?} vs {from:?}"));
    }
    let positions: Vec<usize> = to
        .iter()
        .filter_map(|name| from.iter().position(|f| f == name))
        .collect();
    Ok(rows
        .iter()
        .map(|row| {
            positions
                .iter()
                .map(|&i| row.get(i).cloned().flatten())
                .collect()
        })
        .collect())
}

fn check_solutions(
    shape: &QueryShape,
    variables: &[String],
    rows: &[Row],
    other: &[Row],
) -> Result<(), String> {
    if rows.len() != other.len() {
        return Err(format!(
            "{} solutions vs {}{}",
            rows.len(),
            other.len(),
            first_difference(rows, other)
        ));
    }
    let Some(key_columns) = shape.order_key_columns(variables) else {
        return compare_multisets(rows, other);
    };
    let key = |row: &Row| -> Row {
        key_columns
            .iter()
            .map(|&i| row.get(i).cloned().flatten())
            .collect()
    };
    // The same keys in the same order: the order is checked, whatever ties there are.
    for (position, (a, b)) in rows.iter().zip(other).enumerate() {
        if key(a) != key(b) {
            return Err(format!(
                "sort keys differ at position {position}: {:?} vs {:?}",
                key(a),
                key(b)
            ));
        }
    }
    // Within each run of equal keys the rows may come in any order.
    let mut start = 0;
    while start < rows.len() {
        let run_key = key(&rows[start]);
        let end = rows[start..]
            .iter()
            .position(|row| key(row) != run_key)
            .map_or(rows.len(), |offset| start + offset);
        let cut_at_start = start == 0 && shape.offset > 0;
        let cut_at_end = end == rows.len() && shape.limit.is_some_and(|l| l == rows.len());
        // A run that LIMIT or OFFSET may have cut holds any members of the whole run, so only
        // its length (already equal) is checked.
        if !(cut_at_start || cut_at_end) {
            compare_multisets(&rows[start..end], &other[start..end])
                .map_err(|e| format!("among rows {start}..{end} with equal sort keys: {e}"))?;
        }
        start = end;
    }
    Ok(())
}

fn compare_multisets(a: &[Row], b: &[Row]) -> Result<(), String> {
    let mut a: Vec<String> = a.iter().map(render).collect();
    let mut b: Vec<String> = b.iter().map(render).collect();
    a.sort_unstable();
    b.sort_unstable();
    compare_sorted("solutions", &a, &b)
}

fn compare_sorted(what: &str, a: &[String], b: &[String]) -> Result<(), String> {
    if a == b {
        return Ok(());
    }
    let only_a = a.iter().find(|x| b.binary_search(x).is_err());
    let only_b = b.iter().find(|x| a.binary_search(x).is_err());
    Err(format!(
        "{} {what} vs {}; only in the first: {}; only in the second: {}",
        a.len(),
        b.len(),
        only_a.map_or("none", String::as_str),
        only_b.map_or("none", String::as_str),
    ))
}

/// A row as one string for sorting and messages.
fn render(row: &Row) -> String {
    row.iter()
        .map(|v| v.as_deref().unwrap_or("UNDEF"))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn first_difference(a: &[Row], b: &[Row]) -> String {
    match compare_multisets(a, b) {
        Ok(()) => String::new(),
        Err(e) => format!(" ({e})"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn shape(query: &str) -> QueryShape {
        QueryShape::parse(query).unwrap()
    }

    fn solutions(variables: &[&str], rows: &[&[&str]]) -> Answer {
        Answer::Solutions {
            variables: variables.iter().map(|v| (*v).to_owned()).collect(),
            rows: rows
                .iter()
                .map(|row| row.iter().map(|v| Some((*v).to_owned())).collect())
                .collect(),
        }
    }

    #[test]
    fn unordered_answers_compare_as_multisets() {
        let s = shape("SELECT ?a ?b WHERE { ?a ?p ?b }");
        let one = solutions(&["a", "b"], &[&["1", "2"], &["3", "4"]]);
        let swapped = solutions(&["b", "a"], &[&["4", "3"], &["2", "1"]]);
        assert_eq!(check(&s, &one, &swapped), Ok(()));
        let other = solutions(&["a", "b"], &[&["1", "2"], &["1", "2"]]);
        assert!(check(&s, &one, &other).is_err());
    }

    #[test]
    fn ordered_answers_compare_by_key_sequence() {
        let s = shape("SELECT ?k ?v WHERE { ?k ?p ?v } ORDER BY ?k");
        let one = solutions(&["k", "v"], &[&["1", "a"], &["1", "b"], &["2", "c"]]);
        let ties_swapped = solutions(&["k", "v"], &[&["1", "b"], &["1", "a"], &["2", "c"]]);
        assert_eq!(check(&s, &one, &ties_swapped), Ok(()));
        let misordered = solutions(&["k", "v"], &[&["2", "c"], &["1", "a"], &["1", "b"]]);
        assert!(check(&s, &one, &misordered).is_err());
        let wrong_member = solutions(&["k", "v"], &[&["1", "a"], &["1", "x"], &["2", "c"]]);
        assert!(check(&s, &one, &wrong_member).is_err());
    }

    #[test]
    fn a_run_cut_by_limit_may_hold_other_members() {
        let s = shape("SELECT ?k ?v WHERE { ?k ?p ?v } ORDER BY ?k LIMIT 2");
        let one = solutions(&["k", "v"], &[&["1", "a"], &["2", "b"]]);
        let other = solutions(&["k", "v"], &[&["1", "a"], &["2", "z"]]);
        assert_eq!(check(&s, &one, &other), Ok(()));
        let wrong_first = solutions(&["k", "v"], &[&["1", "y"], &["2", "z"]]);
        assert!(check(&s, &one, &wrong_first).is_err());
    }

    #[test]
    fn blank_node_labels_are_ignored() {
        let a = RawAnswer::Solutions {
            variables: vec![Variable::new_unchecked("x")],
            rows: vec![vec![Some(oxrdf::BlankNode::new_unchecked("b1").into())]],
        };
        let b = RawAnswer::Solutions {
            variables: vec![Variable::new_unchecked("x")],
            rows: vec![vec![Some(oxrdf::BlankNode::new_unchecked("zz").into())]],
        };
        let s = shape("SELECT ?x WHERE { ?x ?p ?o }");
        assert_eq!(check(&s, &Answer::from(&a), &Answer::from(&b)), Ok(()));
    }
}
