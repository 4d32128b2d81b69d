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

/// A materialization large enough to share its rounds among threads gives the closure that
/// maintenance, which evaluates on one thread through the store, reaches from the same data.
#[test]
fn parallel_rounds_match_maintained_closure() -> TestResult {
    let mut schema = String::from(
        "@prefix : <http://e/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
         @prefix owl: <http://www.w3.org/2002/07/owl#> .
         :knows rdfs:domain :Agent ; rdfs:range :Agent ; owl:inverseOf :knownBy .
         :near a owl:SymmetricProperty .\n",
    );
    for class in 0..9 {
        schema.push_str(&format!(":C{class} rdfs:subClassOf :C{} .\n", class + 1));
    }
    let mut data = String::from("@prefix : <http://e/> .\n");
    for i in 0..20_000 {
        data.push_str(&format!(
            ":i{i} a :C{} ; :knows :i{} ; :near :i{} .\n",
            i % 10,
            (i * 7 + 1) % 20_000,
            i / 3
        ));
    }
    let options = ReasonerOptions::new(Profile::Owl2Rl);
    let whole = Store::open(MemoryBackend::new())?;
    for text in [&schema, &data] {
        whole.load_from_reader(RdfFormat::Turtle, text.as_bytes(), &LoadOptions::new())?;
    }
    let report = whole.set_reasoning(options.clone())?;
    assert!(report.inferred > 100_000, "{report:?}");

    let maintained = Store::open(MemoryBackend::new())?;
    maintained.load_from_reader(RdfFormat::Turtle, schema.as_bytes(), &LoadOptions::new())?;
    maintained.set_reasoning(options)?;
    for chunk in data.lines().skip(1).collect::<Vec<_>>().chunks(5_000) {
        let text = format!(
            "PREFIX : <http://e/>\nINSERT DATA {{ {} }}",
            chunk.join("\n")
        );
        maintained.update(&text, &UpdateOptions::default())?;
    }
    assert_eq!(flagged_dump(&whole)?, flagged_dump(&maintained)?);
    Ok(())
}

/// Maintenance reuses the program it compiled while the store still matches it, and compiles
/// again when what the program depends on changes: here a container membership property the
/// RDFS axioms are compiled for, which no schema fact names.
#[test]
fn maintenance_recompiles_for_new_container_properties() -> TestResult {
    let store = Store::open(MemoryBackend::new())?;
    update(&store, "INSERT DATA { :a :p :b }")?;
    store.set_reasoning(ReasonerOptions::new(Profile::Rdfs))?;
    update(&store, "INSERT DATA { :c :p :d }")?;
    let member = "http://www.w3.org/1999/02/22-rdf-syntax-ns#_7";
    let membership = NamedNodeRef::new("http://www.w3.org/2000/01/rdf-schema#member")?;
    let sub_property = NamedNodeRef::new("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")?;
    update(&store, &format!("INSERT DATA {{ :list <{member}> :item }}"))?;
    assert!(has(&store, member, sub_property, membership.as_str())?);
    assert!(has(&store, "http://e/list", membership, "http://e/item")?);
    let maintained = flagged_dump(&store)?;
    store.materialize()?;
    assert_eq!(maintained, flagged_dump(&store)?);
    Ok(())
}

#[test]
fn runs_are_counted() -> TestResult {
    let store = Store::open(MemoryBackend::new())?;
    update(
        &store,
        "INSERT DATA { :Cat rdfs:subClassOf :Animal . :tom a :Cat }",
    )?;
    assert_eq!(store.reasoning_stats(), super::ReasoningStats::default());
    store.set_reasoning(ReasonerOptions::new(Profile::Rdfs))?;
    update(&store, "INSERT DATA { :felix a :Cat }")?;
    update(&store, "DELETE DATA { :tom a :Cat }")?;
    let stats = store.reasoning_stats();
    assert_eq!(
        (stats.materializations, stats.maintained),
        (1, 2),
        "{stats:?}"
    );
    let last = stats.last.clone().ok_or("no last run")?;
    assert!(!last.full_recompute && last.removed > 0, "{last:?}");
    assert!(stats.added >= 2 && stats.rounds >= 2, "{stats:?}");
    // A schema change recomputes, and is counted as a materialization.
    update(&store, "INSERT DATA { :Animal rdfs:subClassOf :Being }")?;
    assert_eq!(store.reasoning_stats().materializations, 2);
    Ok(())
}
