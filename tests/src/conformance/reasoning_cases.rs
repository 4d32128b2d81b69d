//! Reasoning on each backend: a closure maintained write by write must equal a fresh
//! materialization of the final explicit data, flags included, and survive reopening.

use std::collections::BTreeSet;

use oxrdf::{GraphName, NamedNode, Quad, Term};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::{KvBackend, MemoryBackend};
use trine_core::reasoner::{Profile, ReasonerOptions};
use trine_core::storage::{GraphScope, QuadPattern, QuadRead};

use super::{Case, CaseResult, Context, Harness, ensure};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![
        (
            "reasoning: incremental inserts and deletes equal a fresh materialization (proptest)",
            maintained_equals_fresh,
        ),
        (
            "reasoning: reopen keeps the profile, the closure and its flags",
            reopen_keeps_closure,
        ),
        (
            "reasoning: a schema fact an ABox write derives or retracts re-specialises the rules",
            derived_schema_facts,
        ),
    ]
}

const OWL: &str = "http://www.w3.org/2002/07/owl#";
const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

fn ex(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("http://example.com/{name}"))
}

fn vocab(namespace: &str, name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{namespace}{name}"))
}

/// A triple over a small vocabulary, schema and data mixed, so that rules fire and interact.
fn triple() -> impl Strategy<Value = Quad> {
    let class = || (0_u8..4).prop_map(|i| ex(&format!("C{i}")));
    let property = || (0_u8..3).prop_map(|i| ex(&format!("p{i}")));
    let individual = || (0_u8..4).prop_map(|i| ex(&format!("i{i}")));
    let schema = prop_oneof![
        (class(), class()).prop_map(|(a, b)| (a, vocab(RDFS, "subClassOf"), Term::from(b))),
        (property(), property()).prop_map(|(a, b)| (a, vocab(RDFS, "subPropertyOf"), b.into())),
        (property(), class()).prop_map(|(p, c)| (p, vocab(RDFS, "domain"), c.into())),
        (property(), class()).prop_map(|(p, c)| (p, vocab(RDFS, "range"), c.into())),
        (property(), property()).prop_map(|(a, b)| (a, vocab(OWL, "inverseOf"), b.into())),
        (class(), class()).prop_map(|(a, b)| (a, vocab(OWL, "equivalentClass"), b.into())),
        property().prop_map(|p| (
            p,
            vocab(RDF, "type"),
            vocab(OWL, "TransitiveProperty").into()
        )),
        property().prop_map(|p| (
            p,
            vocab(RDF, "type"),
            vocab(OWL, "SymmetricProperty").into()
        )),
    ];
    let data = prop_oneof![
        (individual(), class()).prop_map(|(i, c)| (i, vocab(RDF, "type"), Term::from(c))),
        (individual(), property(), individual()).prop_map(|(a, p, b)| (a, p, b.into())),
        (individual(), individual()).prop_map(|(a, b)| (a, vocab(OWL, "sameAs"), b.into())),
        // `owl:sameAs` between classes derives schema facts (`eq-rep-s` on their axioms).
        (class(), class()).prop_map(|(a, b)| (a, vocab(OWL, "sameAs"), b.into())),
    ];
    prop_oneof![1 => schema, 3 => data]
        .prop_map(|(s, p, o)| Quad::new(s, p, o, GraphName::DefaultGraph))
}

#[derive(Debug, Clone)]
enum Op {
    Insert(Quad),
    Remove(Quad),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![3 => triple().prop_map(Op::Insert), 2 => triple().prop_map(Op::Remove)]
}

/// Every quad with its flags, sorted: two stores agree when these are equal.
pub(crate) fn flagged_dump<B: KvBackend>(store: &Store<B>) -> Result<Vec<String>, String> {
    let snapshot = store.snapshot().context("snapshot")?;
    let mut lines = Vec::new();
    for item in snapshot
        .encoded_quads(&QuadPattern::any(GraphScope::All))
        .with_flags()
    {
        let (quad, flags) = item.context("scan")?;
        let decoded = snapshot.decode_quad(&quad).context("decode")?;
        lines.push(format!("{decoded} {flags:?}"));
    }
    lines.sort();
    Ok(lines)
}

fn options() -> ReasonerOptions {
    ReasonerOptions::new(Profile::Owl2Rl)
}

fn maintained_equals_fresh<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(op(), 1..30), |ops| {
            let store = Store::open(h.create()).map_err(fail)?;
            store.set_reasoning(options()).map_err(fail)?;
            let mut explicit = BTreeSet::new();
            for op in &ops {
                match op {
                    Op::Insert(quad) => {
                        store.insert(quad).map_err(fail)?;
                        explicit.insert(quad.to_string());
                    }
                    Op::Remove(quad) => {
                        store.remove(quad).map_err(fail)?;
                        explicit.remove(&quad.to_string());
                    }
                }
            }
            let maintained = flagged_dump(&store).map_err(fail)?;
            // The same explicit data, materialized once in a fresh store.
            let fresh = Store::open(MemoryBackend::new()).map_err(fail)?;
            let text: String = explicit.iter().map(|line| format!("{line} .\n")).collect();
            fresh
                .load_from_reader(RdfFormat::NQuads, text.as_bytes(), &LoadOptions::new())
                .map_err(fail)?;
            fresh.set_reasoning(options()).map_err(fail)?;
            prop_assert_eq!(
                &maintained,
                &flagged_dump(&fresh).map_err(fail)?,
                "ops {:?}",
                ops
            );
            // And in place: recomputing changes nothing.
            store.materialize().map_err(fail)?;
            prop_assert_eq!(&maintained, &flagged_dump(&store).map_err(fail)?);
            let report = store.validate().map_err(fail)?;
            prop_assert!(report.is_ok(), "{:?}", report.problems);
            Ok(())
        })
        .map_err(|e| e.to_string())
}

fn reopen_keeps_closure<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open")?;
    let data =
        "@prefix : <http://example.com/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        :Cat rdfs:subClassOf :Animal . :tom a :Cat .";
    store
        .load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())
        .context("load")?;
    let report = store.set_reasoning(options()).context("materialize")?;
    ensure!(report.inferred > 0, "nothing inferred: {report:?}");
    let before = flagged_dump(&store)?;
    let store = Store::open(h.reopen(store.into_backend())).context("reopen")?;
    ensure!(
        store.reasoning().profile == Profile::Owl2Rl,
        "profile lost on reopen"
    );
    ensure!(flagged_dump(&store)? == before, "closure changed on reopen");
    let status = store.reasoning_status().context("status")?;
    ensure!(
        status.inferred == report.inferred,
        "{status:?} after {report:?}"
    );
    // Writes after reopening are still maintained.
    store
        .insert(&Quad::new(
            ex("felix"),
            vocab(RDF, "type"),
            ex("Cat"),
            GraphName::DefaultGraph,
        ))
        .context("insert")?;
    let animal = Quad::new(
        ex("felix"),
        vocab(RDF, "type"),
        ex("Animal"),
        GraphName::DefaultGraph,
    );
    ensure!(
        store.contains(&animal).context("contains")?,
        "felix is no animal after reopen"
    );
    Ok(())
}

/// `:C owl:sameAs :D` is data, yet through `eq-rep-s` it derives `:D rdfs:subClassOf :E`, a
/// schema fact the rules were not specialised on when the write came in.
fn derived_schema_facts<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open")?;
    let data =
        "@prefix : <http://example.com/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        :C rdfs:subClassOf :E . :d a :D .";
    store
        .load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())
        .context("load")?;
    store.set_reasoning(options()).context("materialize")?;
    let same = Quad::new(
        ex("C"),
        vocab(OWL, "sameAs"),
        ex("D"),
        GraphName::DefaultGraph,
    );
    let d_is_e = Quad::new(
        ex("d"),
        vocab(RDF, "type"),
        ex("E"),
        GraphName::DefaultGraph,
    );
    ensure!(
        !store.contains(&d_is_e).context("contains")?,
        "d is an E before the sameAs"
    );
    store.insert(&same).context("insert")?;
    ensure!(
        store.contains(&d_is_e).context("contains")?,
        "d is no E after C sameAs D"
    );
    let maintained = flagged_dump(&store)?;
    store.materialize().context("recompute")?;
    ensure!(
        flagged_dump(&store)? == maintained,
        "the maintained closure differs from a recomputation after the insert"
    );
    store.remove(&same).context("remove")?;
    ensure!(
        !store.contains(&d_is_e).context("contains")?,
        "d is still an E after the sameAs is gone"
    );
    let maintained = flagged_dump(&store)?;
    store.materialize().context("recompute")?;
    ensure!(
        flagged_dump(&store)? == maintained,
        "the maintained closure differs from a recomputation after the delete"
    );
    Ok(())
}

fn fail(error: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(error.to_string())
}
