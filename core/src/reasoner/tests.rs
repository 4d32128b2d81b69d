//! Reasoning over a memory store: materialization, maintenance and inconsistencies.

use oxrdf::{GraphNameRef, NamedNodeRef, QuadRef, vocab::rdf};

use super::{Profile, ReasonerOptions};
use crate::Store;
use crate::io::{LoadOptions, RdfFormat};
use crate::kv::{KvBackend, MemoryBackend};
use crate::storage::QuadRead;
use crate::update::UpdateOptions;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PREFIXES: &str = "PREFIX : <http://e/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX owl: <http://www.w3.org/2002/07/owl#>\n";

fn has<B: KvBackend>(
    store: &Store<B>,
    s: &str,
    p: NamedNodeRef<'_>,
    o: &str,
) -> Result<bool, Box<dyn std::error::Error>> {
    let s = NamedNodeRef::new(s)?;
    let o = NamedNodeRef::new(o)?;
    Ok(store.contains(QuadRef::new(s, p, o, GraphNameRef::DefaultGraph))?)
}

fn update<B: KvBackend>(store: &Store<B>, text: &str) -> TestResult {
    store.update(&format!("{PREFIXES}{text}"), &UpdateOptions::default())?;
    Ok(())
}

/// A sorted N-Quads dump with each line's flags, to compare a maintained closure with a fresh one.
fn flagged_dump<B: KvBackend>(store: &Store<B>) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let snapshot = store.snapshot()?;
    let mut lines = Vec::new();
    let pattern = crate::storage::QuadPattern::any(crate::storage::GraphScope::All);
    for item in snapshot.encoded_quads(&pattern).with_flags() {
        let (quad, flags) = item?;
        lines.push(format!("{} {flags:?}", snapshot.decode_quad(&quad)?));
    }
    lines.sort();
    Ok(lines)
}

#[test]
fn rdfs_subclass_and_maintenance() -> TestResult {
    let store = Store::open(MemoryBackend::new())?;
    update(
        &store,
        "INSERT DATA { :Cat rdfs:subClassOf :Animal . :Animal rdfs:subClassOf :Thing . :tom a :Cat }",
    )?;
    let report = store.set_reasoning(ReasonerOptions::new(Profile::Rdfs))?;
    assert!(report.full_recompute && report.inferred > 0, "{report:?}");
    assert!(has(&store, "http://e/tom", rdf::TYPE, "http://e/Thing")?);
    // Insert: the new instance gets its superclasses on commit.
    update(&store, "INSERT DATA { :felix a :Cat }")?;
    assert!(has(&store, "http://e/felix", rdf::TYPE, "http://e/Animal")?);
    // Delete: DRed removes what lost its support and keeps what is still derivable.
    update(&store, "INSERT DATA { :tom a :Animal }")?;
    update(&store, "DELETE DATA { :tom a :Cat }")?;
    assert!(!has(&store, "http://e/tom", rdf::TYPE, "http://e/Cat")?);
    assert!(has(&store, "http://e/tom", rdf::TYPE, "http://e/Thing")?);
    update(&store, "DELETE DATA { :Animal rdfs:subClassOf :Thing }")?;
    assert!(!has(&store, "http://e/felix", rdf::TYPE, "http://e/Thing")?);
    assert!(has(&store, "http://e/felix", rdf::TYPE, "http://e/Animal")?);
    let maintained = flagged_dump(&store)?;
    store.materialize()?;
    assert_eq!(maintained, flagged_dump(&store)?);
    assert!(store.validate()?.is_ok(), "{:?}", store.validate()?);
    Ok(())
}

#[test]
fn owl2rl_lists_sameas_and_inconsistencies() -> TestResult {
    let store = Store::open(MemoryBackend::new())?;
    let data = "@prefix : <http://e/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        :Parent owl:intersectionOf (:Person :HasChild) .
        :ann a :Person, :HasChild .
        :hasSpouse a owl:SymmetricProperty .
        :bob :hasSpouse :cid .
        :p1 owl:sameAs :p2 . :p1 :name :x .
        :Cat owl:disjointWith :Dog . :rex a :Cat, :Dog .";
    store.load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())?;
    let report = store.set_reasoning(ReasonerOptions::new(Profile::Owl2Rl))?;
    assert!(has(&store, "http://e/ann", rdf::TYPE, "http://e/Parent")?);
    let spouse = NamedNodeRef::new("http://e/hasSpouse")?;
    assert!(has(&store, "http://e/cid", spouse, "http://e/bob")?);
    let name = NamedNodeRef::new("http://e/name")?;
    assert!(has(&store, "http://e/p2", name, "http://e/x")?);
    assert_eq!(
        report.inconsistencies.len(),
        1,
        "{:?}",
        report.inconsistencies
    );
    assert_eq!(report.inconsistencies[0].rule, "cax-dw");
    assert_eq!(store.inconsistencies()?.len(), 1);
    // A change to a list recompiles and recomputes, and says so.
    let summary = store.update(
        &format!("{PREFIXES}DELETE DATA {{ :ann a :HasChild }}"),
        &UpdateOptions::default(),
    )?;
    assert!(summary.deleted > 0);
    assert!(!has(&store, "http://e/ann", rdf::TYPE, "http://e/Parent")?);
    let maintained = flagged_dump(&store)?;
    store.materialize()?;
    assert_eq!(maintained, flagged_dump(&store)?);
    Ok(())
}

#[test]
fn user_rules_and_reopen() -> TestResult {
    let backend = std::sync::Arc::new(MemoryBackend::new());
    let store = Store::open(backend.clone())?;
    update(
        &store,
        "INSERT DATA { :a :hasParent :b . :b :hasBrother :c }",
    )?;
    let options = ReasonerOptions::new(Profile::None)
        .with_rules("@prefix : <http://e/> .\nuncle: [?x :hasParent ?y], [?y :hasBrother ?z] => [?x :hasUncle ?z] .")?;
    store.set_reasoning(options)?;
    let uncle = NamedNodeRef::new("http://e/hasUncle")?;
    assert!(has(&store, "http://e/a", uncle, "http://e/c")?);
    drop(store);
    let store = Store::open(backend)?;
    assert!(store.reasoning().is_active());
    update(&store, "INSERT DATA { :d :hasParent :b }")?;
    assert!(has(&store, "http://e/d", uncle, "http://e/c")?);
    assert_eq!(store.reasoning_status()?.inferred, 2);
    assert!(
        ReasonerOptions::new(Profile::None)
            .with_rules("[?x :p ?y] => [?y :p ?x]")
            .is_err()
    );
    Ok(())
}

#[test]
fn limits_stop_with_an_error_and_change_nothing() -> TestResult {
    let store = Store::open(MemoryBackend::new())?;
    update(
        &store,
        "INSERT DATA { :p a owl:TransitiveProperty . :a :p :b . :b :p :c . :c :p :d . :d :p :e }",
    )?;
    let before = flagged_dump(&store)?;
    let mut options = ReasonerOptions::new(Profile::Owl2Rl);
    options.max_derived = 3;
    let outcome = store.set_reasoning(options.clone());
    assert!(
        matches!(outcome, Err(super::ReasonerError::LimitExceeded(_))),
        "{outcome:?}"
    );
    assert_eq!(before, flagged_dump(&store)?);
    assert!(!store.reasoning().is_active());
    options.max_derived = 100_000_000;
    options.cancellation.cancel();
    assert!(matches!(
        store.set_reasoning(options),
        Err(super::ReasonerError::Cancelled)
    ));
    assert_eq!(before, flagged_dump(&store)?);
    Ok(())
}

#[test]
fn builtin_tables_parse() -> TestResult {
    for (profile, reflexive) in [
        (Profile::Rdfs, false),
        (Profile::Owl2Rl, false),
        (Profile::Owl2Rl, true),
    ] {
        assert!(!super::tables::builtin_rules(profile, reflexive)?.is_empty());
    }
    assert!(super::tables::builtin_rules(Profile::None, false)?.is_empty());
    Ok(())
}
