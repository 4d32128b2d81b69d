//! The targets over the core: SPARQL queries, SPARQL updates and RDF documents in every syntax,
//! each run against a small store. A target returns whether the input was accepted, or a
//! failure other than a panic (the driver catches those): a hang past the limit, or a rejected
//! input that changed the store.

use std::time::{Duration, Instant};

use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::{KvBackend, MemoryBackend};
use trine_core::sparql::{PreparedQuery, QueryOptions, QueryResults};
use trine_core::update::UpdateOptions;

/// Longest one case may take; past it the case is a hang.
pub const HANG: Duration = Duration::from_secs(20);
const QUERY_TIMEOUT: Duration = Duration::from_secs(2);
/// Rows or triples read from one result at most.
const READ_LIMIT: usize = 10_000;

/// Data of many kinds for the queries and updates to meet: graphs, blank nodes, lists, literals
/// of every inlined and dictionary kind.
pub const DATA: &str = r#"
@prefix ex: <http://e/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p ex:b , ex:c ; ex:q 1 , "01"^^xsd:integer , 2.5 , 1e3 , "x" , "x"@en , "true"^^xsd:boolean .
ex:b ex:p ex:c ; ex:q "2020-01-01T00:00:00Z"^^xsd:dateTime , "2020-01-01"^^xsd:date , -7 .
ex:c ex:p ex:a ; ex:r ( 1 2 [ ex:p "nested" ] ) .
_:x ex:p ex:a ; ex:q "blank" .
ex:g { ex:a ex:p ex:d . ex:d ex:q 42 . }
ex:h { _:y ex:p ex:a . }
"#;

pub fn store() -> Store<MemoryBackend> {
    let store = Store::open(MemoryBackend::new()).expect("a memory store opens");
    store
        .load_from_reader(RdfFormat::TriG, DATA.as_bytes(), &LoadOptions::new())
        .expect("the base data loads");
    store
}

/// Every quad, as sorted N-Quads lines: what must not change when an input is rejected.
pub fn fingerprint<B: KvBackend>(store: &Store<B>) -> Vec<String> {
    let mut lines: Vec<String> = match store.quads_for_pattern(None, None, None, None) {
        Ok(quads) => quads.iter().map(ToString::to_string).collect(),
        Err(e) => vec![format!("error: {e}")],
    };
    lines.sort_unstable();
    lines
}

fn options() -> QueryOptions {
    QueryOptions {
        timeout: Some(QUERY_TIMEOUT),
        max_rows_in_memory: Some(100_000),
        ..QueryOptions::default()
    }
}

fn within_limit(started: Instant) -> Result<(), String> {
    let elapsed = started.elapsed();
    if elapsed > HANG {
        return Err(format!("took {elapsed:?}, past the {HANG:?} limit"));
    }
    Ok(())
}

/// Parses and runs a query (reading part of its results).
pub fn query(store: &Store<MemoryBackend>, input: &[u8]) -> Result<bool, String> {
    let Ok(text) = std::str::from_utf8(input) else {
        return Ok(false);
    };
    let started = Instant::now();
    let accepted = (|| {
        let prepared = PreparedQuery::parse(text, Some("http://e/")).ok()?;
        let snapshot = store.snapshot().ok()?;
        let execution = prepared.bind(&snapshot, &options()).ok()?;
        let read = match execution.results().ok()? {
            QueryResults::Solutions(solutions) => {
                solutions.take(READ_LIMIT).all(|solution| solution.is_ok())
            }
            QueryResults::Boolean(_) => true,
            QueryResults::Graph(triples) => triples.take(READ_LIMIT).all(|triple| triple.is_ok()),
        };
        Some(read)
    })()
    .unwrap_or(false);
    within_limit(started)?;
    Ok(accepted)
}

/// Runs an update on a fresh store; a rejected one must leave it as it was.
pub fn update(input: &[u8]) -> Result<bool, String> {
    let Ok(text) = std::str::from_utf8(input) else {
        return Ok(false);
    };
    let store = store();
    let before = fingerprint(&store);
    let options = UpdateOptions {
        query: options(),
        ..UpdateOptions::default()
    };
    let started = Instant::now();
    let outcome = store.update(text, &options);
    within_limit(started)?;
    match outcome {
        Ok(_) => Ok(true),
        Err(_) if fingerprint(&store) == before => Ok(false),
        Err(e) => Err(format!("a rejected update ({e}) changed the store")),
    }
}

/// The syntaxes the RDF target loads, by extension (also how seed files are sorted).
pub const EXTENSIONS: &[&str] = &["ttl", "nt", "nq", "trig", "n3", "rdf", "jsonld"];

/// Loads a document on a fresh store; a rejected one must leave it as it was.
pub fn rdf(format: RdfFormat, input: &[u8]) -> Result<bool, String> {
    let store = store();
    let before = fingerprint(&store);
    let started = Instant::now();
    let outcome = store.load_from_reader(
        format,
        input,
        &LoadOptions::new().with_base_iri("http://e/base/"),
    );
    within_limit(started)?;
    match outcome {
        Ok(_) => Ok(true),
        Err(_) if fingerprint(&store) == before => Ok(false),
        Err(e) => Err(format!(
            "a rejected {format} document ({e}) changed the store"
        )),
    }
}
