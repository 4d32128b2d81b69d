//! Checking an entailment against a materialized store: the conclusion graph becomes an `ASK`
//! whose blank nodes are variables, so they match any term (simple entailment of a graph).

use std::fmt::Write as _;

use oxrdf::{Graph, NamedOrBlankNodeRef, TermRef};
use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::MemoryBackend;
use trine_core::reasoner::{MaterializeReport, ReasonerOptions};
use trine_core::sparql::{PreparedQuery, QueryOptions, QueryResults};

/// A memory store holding `premise` (Turtle), materialized with `options`.
///
/// # Errors
/// The premise does not parse, or reasoning fails.
pub fn materialized_store(
    premise: &str,
    base_iri: Option<&str>,
    options: ReasonerOptions,
) -> Result<(Store<MemoryBackend>, MaterializeReport), String> {
    materialized_store_in(RdfFormat::Turtle, premise, base_iri, options)
}

/// A memory store holding `premise` written in `format` (N-Triples, Turtle, …), materialized
/// with `options`.
///
/// # Errors
/// The premise does not parse, or reasoning fails.
pub fn materialized_store_in(
    format: RdfFormat,
    premise: &str,
    base_iri: Option<&str>,
    options: ReasonerOptions,
) -> Result<(Store<MemoryBackend>, MaterializeReport), String> {
    let store = Store::open(MemoryBackend::new()).map_err(|e| e.to_string())?;
    let mut load = LoadOptions::new();
    if let Some(base) = base_iri {
        load = load.with_base_iri(base);
    }
    store
        .load_from_reader(format, premise.as_bytes(), &load)
        .map_err(|e| format!("premise: {e}"))?;
    let report = store
        .set_reasoning(options)
        .map_err(|e| format!("reasoning: {e}"))?;
    Ok((store, report))
}

fn write_term(query: &mut String, term: TermRef<'_>) {
    match term {
        TermRef::BlankNode(node) => {
            let _ = write!(query, "?b_{}", node.as_str());
        }
        other => {
            let _ = write!(query, "{other}");
        }
    }
}

/// Whether every triple of `conclusion` holds in the store's default graph, blank nodes matched
/// by any term (consistently across the graph).
///
/// # Errors
/// The query built from the conclusion fails.
pub fn entailed(store: &Store<MemoryBackend>, conclusion: &Graph) -> Result<bool, String> {
    let mut query = String::from("ASK {\n");
    for triple in conclusion {
        match triple.subject {
            NamedOrBlankNodeRef::BlankNode(node) => {
                let _ = write!(query, "?b_{}", node.as_str());
            }
            NamedOrBlankNodeRef::NamedNode(node) => {
                let _ = write!(query, "{node}");
            }
        }
        let _ = write!(query, " {} ", triple.predicate);
        write_term(&mut query, triple.object);
        query.push_str(" .\n");
    }
    query.push('}');
    let prepared = PreparedQuery::parse(&query, None).map_err(|e| format!("{e}: {query}"))?;
    let snapshot = store.snapshot().map_err(|e| e.to_string())?;
    let execution = prepared
        .bind(&snapshot, &QueryOptions::default())
        .map_err(|e| e.to_string())?;
    match execution.results().map_err(|e| e.to_string())? {
        QueryResults::Boolean(answer) => Ok(answer),
        _ => Err("ASK gave no boolean".into()),
    }
}
