//! Trine's SPARQL engine against spareval on the fixed corpus and 10,000 generated queries (see
//! `trine_tests::differential`); run with `--nocapture` to see the report.

use std::time::Instant;

use oxrdf::{BlankNode, GraphName, Literal, NamedNode, Term, Triple, Variable};
use trine_tests::differential::{self, same_answer};
use trine_tests::w3c::engine::QueryOutcome;

/// How many random queries the test generates, from a fixed seed so a failure reproduces.
const GENERATED: usize = 10_000;
const SEED: u64 = 0x5EED_D1FF;
/// The most queries, in a hundred, that both engines may reject: more means the generator writes
/// queries that are not valid SPARQL, and tests less than it seems to.
const BOTH_REJECTED_PERCENT: usize = 2;

#[test]
fn trine_agrees_with_spareval() {
    let start = Instant::now();
    let report = differential::run(GENERATED, SEED).expect("the store loads");
    print!("{report}");
    println!("differential: took {:.1?}", start.elapsed());
    assert!(
        report.oracle_rejected.len() * 100 <= report.queries,
        "spareval rejected {} queries: the generator makes too many it cannot answer",
        report.oracle_rejected.len()
    );
    assert!(
        report.both_rejected_within(BOTH_REJECTED_PERCENT),
        "both engines rejected {} of {} queries: the generator writes too many invalid ones",
        report.both_rejected,
        report.queries
    );
    for construct in &report.constructs {
        assert!(
            construct.agree_nonempty > 0,
            "no agreeing non-empty answer to a query with {} ({} generated)",
            construct.name,
            construct.queries
        );
    }
    assert!(
        report.agree_with_blanks > 0,
        "no agreeing answer holds a blank node"
    );
    assert_eq!(
        report.differences.len(),
        0,
        "Trine differs from spareval on {} queries",
        report.differences.len()
    );
}

fn blank(label: &str) -> Option<Term> {
    Some(BlankNode::new_unchecked(label).into())
}

fn iri(name: &str) -> Option<Term> {
    Some(NamedNode::new_unchecked(format!("http://example.com/{name}")).into())
}

fn solutions(variables: &[&str], rows: Vec<Vec<Option<Term>>>) -> QueryOutcome {
    QueryOutcome::Solutions {
        variables: variables
            .iter()
            .map(|v| Variable::new_unchecked(*v))
            .collect(),
        solutions: rows,
    }
}

const UNORDERED: &str = "SELECT * WHERE { ?a ?b ?c }";

#[test]
fn answers_compare_up_to_blank_node_renaming() {
    let vars = ["a", "b", "c"];
    let a = solutions(
        &vars,
        vec![
            vec![blank("x"), iri("p"), blank("y")],
            vec![blank("y"), iri("p"), iri("i1")],
            vec![iri("i2"), iri("p"), None],
        ],
    );
    let renamed = solutions(
        &vars,
        vec![
            vec![iri("i2"), iri("p"), None],
            vec![blank("m"), iri("p"), iri("i1")],
            vec![blank("n"), iri("p"), blank("m")],
        ],
    );
    assert!(same_answer(UNORDERED, &a, &renamed));
    // The same shapes with the edge between the blank nodes reversed: no renaming makes them equal.
    let reversed = solutions(
        &vars,
        vec![
            vec![iri("i2"), iri("p"), None],
            vec![blank("m"), iri("p"), iri("i1")],
            vec![blank("m"), iri("p"), blank("n")],
        ],
    );
    assert!(!same_answer(UNORDERED, &a, &reversed));
    // One blank node twice is not two blank nodes.
    let merged = solutions(&["a", "b"], vec![vec![blank("x"), blank("x")]]);
    let apart = solutions(&["a", "b"], vec![vec![blank("x"), blank("y")]]);
    assert!(!same_answer(UNORDERED, &merged, &apart));
    // Multisets: one row twice is not two rows.
    let twice = solutions(&["a"], vec![vec![blank("x")], vec![blank("x")]]);
    let two = solutions(&["a"], vec![vec![blank("x")], vec![blank("y")]]);
    let two_renamed = solutions(&["a"], vec![vec![blank("b")], vec![blank("a")]]);
    assert!(!same_answer(UNORDERED, &twice, &two));
    assert!(same_answer(UNORDERED, &two, &two_renamed));
}

#[test]
fn graphs_compare_as_sets_up_to_blank_node_renaming() {
    let triple = |s: &str, o: Option<Term>| {
        let p = NamedNode::new_unchecked("http://example.com/t0");
        Triple::new(BlankNode::new_unchecked(s), p, o.expect("an object"))
    };
    let a = QueryOutcome::Graph(vec![
        triple("x", iri("i1")),
        triple("y", iri("i1")),
        triple("y", iri("i1")),
    ]);
    let b = QueryOutcome::Graph(vec![triple("u", iri("i1")), triple("v", iri("i1"))]);
    assert!(same_answer(
        "CONSTRUCT { _:x :t0 ?a } WHERE { ?a ?b ?c }",
        &a,
        &b
    ));
    let one = QueryOutcome::Graph(vec![triple("u", iri("i1"))]);
    assert!(!same_answer(
        "CONSTRUCT { _:x :t0 ?a } WHERE { ?a ?b ?c }",
        &a,
        &one
    ));
    let other = QueryOutcome::Graph(vec![triple("u", iri("i1")), triple("v", iri("i2"))]);
    assert!(!same_answer(
        "CONSTRUCT { _:x :t0 ?a } WHERE { ?a ?b ?c }",
        &a,
        &other
    ));
}

#[test]
fn order_counts_only_when_the_outer_query_fixes_it() {
    let a = solutions(&["a"], vec![vec![iri("i1")], vec![iri("i2")]]);
    let b = solutions(&["a"], vec![vec![iri("i2")], vec![iri("i1")]]);
    let ordered = "SELECT * WHERE { ?a :p0 ?b } ORDER BY STR(?a)";
    assert!(!same_answer(ordered, &a, &b));
    assert!(same_answer(UNORDERED, &a, &b));
    // A sub-query's order is not the outer query's.
    let inner = "SELECT * WHERE { { SELECT ?a WHERE { ?a :p0 ?b } ORDER BY STR(?a) LIMIT 2 } }";
    assert!(same_answer(inner, &a, &b));
}

#[test]
fn group_concat_parts_compare_as_multisets() {
    let concat = |text: &str| vec![Some(Literal::new_simple_literal(text).into())];
    let query = "SELECT (GROUP_CONCAT(?n; separator=\"|\") AS ?catbar0) WHERE { ?a :p2 ?n }";
    let a = solutions(&["catbar0"], vec![concat("2|1|1")]);
    let permuted = solutions(&["catbar0"], vec![concat("1|2|1")]);
    let fewer = solutions(&["catbar0"], vec![concat("1|2")]);
    assert!(same_answer(query, &a, &permuted));
    assert!(!same_answer(query, &a, &fewer));
    // Not a GROUP_CONCAT column: the text compares whole.
    let plain = "SELECT ?x0 WHERE { ?a :p2 ?x0 }";
    let a = solutions(&["x0"], vec![concat("2|1")]);
    let b = solutions(&["x0"], vec![concat("1|2")]);
    assert!(!same_answer(plain, &a, &b));
}

#[test]
fn dataset_has_blank_nodes_in_every_graph() {
    let data = differential::dataset();
    println!("differential: dataset of {} quads", data.len());
    let graphs = [
        GraphName::DefaultGraph,
        NamedNode::new_unchecked("http://example.com/g0").into(),
        NamedNode::new_unchecked("http://example.com/g1").into(),
    ];
    for graph in graphs {
        let blanks = data
            .iter()
            .filter(|q| q.graph_name == graph.as_ref())
            .filter(|q| q.subject.is_blank_node() || q.object.is_blank_node())
            .count();
        assert!(blanks >= 5, "{blanks} quads with blank nodes in {graph}");
    }
}
