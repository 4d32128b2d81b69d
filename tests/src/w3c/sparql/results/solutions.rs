//! Comparing solutions: as multisets up to one renaming of blank nodes, then in order on what
//! the `ORDER BY` reads.

use std::collections::{BTreeSet, HashMap, HashSet};

use oxrdf::{BlankNode, Term, Variable};

use super::{Order, Row, SHOWN, Solutions};

/// How many candidate pairings the blank-node matcher tries before giving up: far above what the
/// suites need (a few dozen solutions with blank nodes), and a bound on a pathological answer.
const MATCH_BUDGET: usize = 1_000_000;

pub(super) fn compare_solutions(
    expected: &Solutions,
    actual: Solutions,
    order: &Order,
    lax: bool,
) -> Result<(), String> {
    let expected_variables: BTreeSet<&Variable> = expected.variables.iter().collect();
    let actual_variables: BTreeSet<&Variable> = actual.variables.iter().collect();
    if expected_variables != actual_variables {
        let show = |vars: &BTreeSet<&Variable>| {
            vars.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        };
        return Err(format!(
            "the variables differ: expected [{}], got [{}]",
            show(&expected_variables),
            show(&actual_variables)
        ));
    }
    let mut expected_rows = expected.rows.clone();
    let mut actual_rows = actual.rows;
    if lax {
        dedup(&mut expected_rows);
        dedup(&mut actual_rows);
    }
    let mismatch = if expected_rows.len() == actual_rows.len() {
        isomorphic(&expected_rows, &actual_rows).err()
    } else {
        Some(format!(
            "expected {} solutions, got {}",
            expected_rows.len(),
            actual_rows.len()
        ))
    };
    if let Some(reason) = mismatch {
        let mut diff = rows_diff(&expected_rows, &actual_rows);
        if diff.is_empty() {
            // Equal but for blank nodes: show them.
            for (label, rows) in [("expected", &expected_rows), ("engine", &actual_rows)] {
                for row in rows.iter().filter(|r| has_blank_node(r)).take(SHOWN) {
                    diff.push_str(&format!("\n  {label}: {}", show_row(row)));
                }
            }
        }
        return Err(format!("{reason}{diff}"));
    }
    if !expected.ordered {
        return Ok(());
    }
    let Some(keys) = order.keys(&expected_variables) else {
        return Ok(());
    };
    for (position, (e, a)) in expected_rows.iter().zip(&actual_rows).enumerate() {
        if !keys
            .iter()
            .all(|key| same_key(value(e, key), value(a, key)))
        {
            return Err(format!(
                "the solutions are right but not in ORDER BY order: at position {position}, \
                 expected {}, got {}",
                show_row(e),
                show_row(a)
            ));
        }
    }
    Ok(())
}

fn dedup(rows: &mut Vec<Row>) {
    let mut seen = HashSet::new();
    rows.retain(|row| seen.insert(row.clone()));
}

fn value<'a>(row: &'a Row, variable: &Variable) -> Option<&'a Term> {
    row.iter().find(|(v, _)| v == variable).map(|(_, t)| t)
}

/// Whether two values of an ordering variable sort the same: equal, or both blank nodes (whose
/// order SPARQL leaves to the engine), or both unbound.
fn same_key(expected: Option<&Term>, actual: Option<&Term>) -> bool {
    match (expected, actual) {
        (Some(Term::BlankNode(_)), Some(Term::BlankNode(_))) | (None, None) => true,
        (Some(e), Some(a)) => e == a,
        _ => false,
    }
}

fn has_blank_node(row: &Row) -> bool {
    row.iter().any(|(_, t)| t.is_blank_node())
}

/// `row` with every blank node replaced by one placeholder: rows that can match under some
/// renaming of blank nodes have the same signature.
fn signature(row: &Row) -> Row {
    row.iter()
        .map(|(v, t)| {
            let t = if t.is_blank_node() {
                Term::BlankNode(BlankNode::new_unchecked("_"))
            } else {
                t.clone()
            };
            (v.clone(), t)
        })
        .collect()
}

/// Whether some one-to-one renaming of blank nodes maps the multiset `expected` onto `actual`
/// (of the same length); if not, why.
fn isomorphic(expected: &[Row], actual: &[Row]) -> Result<(), String> {
    let differ = || "the solutions differ".to_owned();
    let mut ground: HashMap<&Row, isize> = HashMap::new();
    for row in expected.iter().filter(|r| !has_blank_node(r)) {
        *ground.entry(row).or_default() += 1;
    }
    for row in actual.iter().filter(|r| !has_blank_node(r)) {
        *ground.entry(row).or_default() -= 1;
    }
    if ground.values().any(|count| *count != 0) {
        return Err(differ());
    }

    let mut groups: HashMap<Row, Vec<usize>> = HashMap::new();
    for (index, row) in actual.iter().enumerate().filter(|(_, r)| has_blank_node(r)) {
        groups.entry(signature(row)).or_default().push(index);
    }
    let mut pending = Vec::new();
    for row in expected.iter().filter(|r| has_blank_node(r)) {
        let candidates = groups.get(&signature(row)).ok_or_else(differ)?;
        pending.push((row, candidates.as_slice()));
    }
    if pending.len() != groups.values().map(Vec::len).sum::<usize>() {
        return Err(differ());
    }
    // The most constrained rows first: fewer candidates, less backtracking.
    pending.sort_by_key(|(_, candidates)| candidates.len());
    let mut matcher = Matcher {
        actual,
        pending,
        used: vec![false; actual.len()],
        forward: HashMap::new(),
        backward: HashMap::new(),
        budget: MATCH_BUDGET,
    };
    match matcher.search(0) {
        Some(true) => Ok(()),
        Some(false) => Err(
            "the solutions agree up to blank-node labels, but no one-to-one renaming of blank \
             nodes maps the expected ones onto the engine's"
                .into(),
        ),
        None => Err(format!(
            "could not decide within {MATCH_BUDGET} steps whether the solutions agree up to \
             blank-node renaming"
        )),
    }
}

/// A backtracking search for a pairing of expected and actual solutions with blank nodes, and a
/// one-to-one renaming of blank nodes under which each pair is equal.
struct Matcher<'a> {
    /// The actual solutions.
    actual: &'a [Row],
    /// Each expected solution with blank nodes, and the indexes of the actual solutions of its
    /// signature.
    pending: Vec<(&'a Row, &'a [usize])>,
    /// Which actual solutions are already paired.
    used: Vec<bool>,
    forward: HashMap<&'a BlankNode, &'a BlankNode>,
    backward: HashMap<&'a BlankNode, &'a BlankNode>,
    budget: usize,
}

impl<'a> Matcher<'a> {
    /// `Some(found)`, or `None` when the budget ran out.
    fn search(&mut self, depth: usize) -> Option<bool> {
        let Some(&(expected, candidates)) = self.pending.get(depth) else {
            return Some(true);
        };
        for &candidate in candidates {
            if self.used[candidate] {
                continue;
            }
            self.budget = self.budget.checked_sub(1)?;
            let mut added = Vec::new();
            if self.bind(expected, &self.actual[candidate], &mut added) {
                self.used[candidate] = true;
                if self.search(depth + 1)? {
                    return Some(true);
                }
                self.used[candidate] = false;
            }
            for (e, a) in added {
                self.forward.remove(e);
                self.backward.remove(a);
            }
        }
        Some(false)
    }

    /// Extends the renaming so `expected` maps onto `actual` (of the same signature), recording
    /// the pairs it adds; `false` if the renaming cannot be extended.
    fn bind(
        &mut self,
        expected: &'a Row,
        actual: &'a Row,
        added: &mut Vec<(&'a BlankNode, &'a BlankNode)>,
    ) -> bool {
        for ((_, e), (_, a)) in expected.iter().zip(actual) {
            let (Term::BlankNode(e), Term::BlankNode(a)) = (e, a) else {
                continue;
            };
            match (self.forward.get(e), self.backward.get(a)) {
                (Some(mapped), _) if *mapped != a => return false,
                (_, Some(mapped)) if *mapped != e => return false,
                (Some(_), Some(_)) => {}
                _ => {
                    self.forward.insert(e, a);
                    self.backward.insert(a, e);
                    added.push((e, a));
                }
            }
        }
        true
    }
}

/// The solutions one side has more of than the other, comparing blank nodes as equal.
fn rows_diff(expected: &[Row], actual: &[Row]) -> String {
    let mut counts: HashMap<Row, isize> = HashMap::new();
    for row in expected {
        *counts.entry(signature(row)).or_default() += 1;
    }
    for row in actual {
        *counts.entry(signature(row)).or_default() -= 1;
    }
    let mut message = String::new();
    for (label, rows, sign) in [("missing", expected, 1), ("unexpected", actual, -1)] {
        let mut left = counts.clone();
        let diff: Vec<&Row> = rows
            .iter()
            .filter(|row| {
                let count = left.entry(signature(row)).or_default();
                if *count * sign > 0 {
                    *count -= sign;
                    true
                } else {
                    false
                }
            })
            .collect();
        for row in diff.iter().take(SHOWN) {
            message.push_str(&format!("\n  {label}: {}", show_row(row)));
        }
        if diff.len() > SHOWN {
            message.push_str(&format!("\n  … and {} more {label}", diff.len() - SHOWN));
        }
    }
    message
}

fn show_row(row: &Row) -> String {
    let bindings: Vec<String> = row.iter().map(|(v, t)| format!("{v}={t}")).collect();
    format!("{{{}}}", bindings.join(" "))
}

#[cfg(test)]
mod tests {
    use super::super::row;
    use super::*;
    use oxrdf::NamedNode;

    fn var(name: &str) -> Variable {
        Variable::new_unchecked(name)
    }

    fn iri(name: &str) -> Term {
        NamedNode::new_unchecked(format!("http://example.com/{name}")).into()
    }

    fn bnode(id: &str) -> Term {
        BlankNode::new_unchecked(id).into()
    }

    #[test]
    fn blank_nodes_match_up_to_one_consistent_renaming() {
        let expected = vec![
            row([(var("x"), bnode("a")), (var("y"), iri("1"))]),
            row([(var("x"), bnode("a")), (var("y"), iri("2"))]),
            row([(var("x"), iri("3"))]),
        ];
        let renamed = vec![
            row([(var("x"), iri("3"))]),
            row([(var("x"), bnode("z")), (var("y"), iri("2"))]),
            row([(var("x"), bnode("z")), (var("y"), iri("1"))]),
        ];
        assert_eq!(isomorphic(&expected, &renamed), Ok(()));
        let split = vec![
            row([(var("x"), iri("3"))]),
            row([(var("x"), bnode("z")), (var("y"), iri("2"))]),
            row([(var("x"), bnode("w")), (var("y"), iri("1"))]),
        ];
        assert!(isomorphic(&expected, &split).is_err());
        let other = vec![
            row([(var("x"), iri("4"))]),
            row([(var("x"), bnode("z")), (var("y"), iri("2"))]),
            row([(var("x"), bnode("z")), (var("y"), iri("1"))]),
        ];
        assert!(isomorphic(&expected, &other).is_err());
    }

    #[test]
    fn ordered_solutions_are_checked_on_order_keys_only() {
        let solutions = |rows: Vec<Row>| Solutions {
            variables: vec![var("k"), var("v")],
            rows,
            ordered: true,
            csv: false,
        };
        let a = row([(var("k"), iri("1")), (var("v"), iri("a"))]);
        let b = row([(var("k"), iri("1")), (var("v"), iri("b"))]);
        let c = row([(var("k"), iri("2")), (var("v"), iri("c"))]);
        let expected = solutions(vec![a.clone(), b.clone(), c.clone()]);
        let order = Order::By(vec![var("k")]);
        let tie_swapped = solutions(vec![b.clone(), a.clone(), c.clone()]);
        assert_eq!(
            compare_solutions(&expected, tie_swapped, &order, false),
            Ok(())
        );
        let out_of_order = solutions(vec![c, a, b]);
        assert!(compare_solutions(&expected, out_of_order.clone(), &order, false).is_err());
        assert_eq!(
            compare_solutions(&expected, out_of_order, &Order::Unordered, false),
            Ok(())
        );
    }
}
