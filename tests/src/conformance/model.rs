//! Property-based pattern queries checked against a naive in-memory model.

use std::collections::HashSet;

use oxrdf::{BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use trine_core::Store;
use trine_core::kv::KvBackend;
use trine_core::storage::QuadRead;

use super::{CaseResult, Harness};

fn iri(i: u8) -> NamedNode {
    NamedNode::new_unchecked(format!("http://example.com/{i}"))
}

fn subject() -> impl Strategy<Value = NamedOrBlankNode> {
    prop_oneof![
        (0_u8..4).prop_map(|i| iri(i).into()),
        (0_u8..2).prop_map(|i| BlankNode::new_unchecked(format!("b{i}")).into()),
    ]
}

fn object() -> impl Strategy<Value = Term> {
    prop_oneof![
        (0_u8..4).prop_map(|i| iri(i).into()),
        (0_u8..2).prop_map(|i| BlankNode::new_unchecked(format!("b{i}")).into()),
        (-2_i64..3).prop_map(|i| Literal::from(i).into()),
        prop_oneof![Just("a"), Just("a long string literal"), Just("")]
            .prop_map(|s| Literal::new_simple_literal(s).into()),
        Just(Literal::new_language_tagged_literal_unchecked("a", "en").into()),
    ]
}

fn graph() -> impl Strategy<Value = GraphName> {
    prop_oneof![
        Just(GraphName::DefaultGraph),
        (0_u8..2).prop_map(|i| iri(i + 10).into()),
        Just(BlankNode::new_unchecked("g").into()),
    ]
}

fn quad() -> impl Strategy<Value = Quad> {
    (
        subject(),
        (0_u8..3).prop_map(|i| iri(i + 20)),
        object(),
        graph(),
    )
        .prop_map(|(s, p, o, g)| Quad::new(s, p, o, g))
}

/// An operation of the generated scenario.
#[derive(Debug, Clone)]
enum Op {
    Insert(Quad),
    Remove(Quad),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![3 => quad().prop_map(Op::Insert), 1 => quad().prop_map(Op::Remove)]
}

/// The pattern components to bind, taken from one quad of the scenario.
fn mask() -> impl Strategy<Value = [bool; 4]> {
    any::<[bool; 4]>()
}

pub(crate) fn pattern_queries_match_model<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        proptest::collection::vec(op(), 1..40),
        proptest::collection::vec((quad(), mask()), 1..12),
    );
    runner
        .run(&strategy, |(ops, probes)| {
            let store = Store::open(h.create()).map_err(fail)?;
            let mut model = HashSet::new();
            for op in &ops {
                match op {
                    Op::Insert(quad) => {
                        let added = store.insert(quad).map_err(fail)?;
                        prop_assert_eq!(added, model.insert(quad.clone()));
                    }
                    Op::Remove(quad) => {
                        let removed = store.remove(quad).map_err(fail)?;
                        prop_assert_eq!(removed, model.remove(quad));
                    }
                }
            }
            prop_assert_eq!(store.len().map_err(fail)?, model.len() as u64);
            let snapshot = store.snapshot().map_err(fail)?;
            for (probe, [s, p, o, g]) in &probes {
                let found: HashSet<Quad> = snapshot
                    .quads_for_pattern(
                        s.then_some(probe.subject.as_ref()),
                        p.then_some(probe.predicate.as_ref()),
                        o.then_some(probe.object.as_ref()),
                        g.then_some(probe.graph_name.as_ref()),
                    )
                    .map_err(fail)?
                    .collect::<Result<_, _>>()
                    .map_err(fail)?;
                let expected: HashSet<Quad> = model
                    .iter()
                    .filter(|q| !*s || q.subject == probe.subject)
                    .filter(|q| !*p || q.predicate == probe.predicate)
                    .filter(|q| !*o || q.object == probe.object)
                    .filter(|q| !*g || q.graph_name == probe.graph_name)
                    .cloned()
                    .collect();
                prop_assert_eq!(
                    found,
                    expected,
                    "pattern {:?} bound {:?}",
                    probe,
                    [s, p, o, g]
                );
            }
            let report = store.validate().map_err(fail)?;
            prop_assert!(report.is_ok(), "{:?}", report.problems);
            Ok(())
        })
        .map_err(|e| e.to_string())
}

fn fail(error: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(error.to_string())
}
