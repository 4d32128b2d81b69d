//! OPTIONAL over one pattern runs as a left outer join through one probe sought per row; it
//! answers like the same OPTIONAL over a sub-select of the pattern, which is evaluated apart:
//! rows no quad extends, an OPTIONAL's FILTER rejecting every extension or some of them, a
//! constant the store does not know, and the same quad in two graphs of a FROM.

use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::KvBackend;

use super::sparql_cases::forms_agree;
use super::{Case, CaseResult, Context, Harness};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![(
        "sparql: OPTIONAL through one probe answers like a sub-select",
        optional_probes_agree,
    )]
}

const PREFIXES: &str = "PREFIX ex: <http://e/>";

const DATA: &str = "@prefix ex: <http://e/> .
ex:g1 { ex:a ex:p 1 . ex:b ex:p 2 . ex:c ex:p 3 . ex:d ex:p 4 .
        ex:a ex:q 10 . ex:a ex:q 20 . ex:c ex:q 3 . ex:d ex:q 1 . }
ex:g2 { ex:a ex:p 1 . ex:a ex:q 10 . ex:b ex:q 5 . }
";

/// Each query with its reference: the OPTIONAL's pattern behind a sub-select.
const PAIRS: &[(&str, &str)] = &[
    (
        "SELECT * FROM ex:g1 { ?s ex:p ?o OPTIONAL { ?s ex:q ?v } }",
        "SELECT * FROM ex:g1 { ?s ex:p ?o OPTIONAL { SELECT ?s ?v { ?s ex:q ?v } } }",
    ),
    (
        "SELECT * FROM ex:g1 { ?s ex:p ?o OPTIONAL { ?s ex:q ?v FILTER(?v > 5) } }",
        "SELECT * FROM ex:g1 { ?s ex:p ?o OPTIONAL { { SELECT ?s ?v { ?s ex:q ?v } } FILTER(?v > 5) } }",
    ),
    (
        "SELECT * FROM ex:g1 { ?s ex:p ?o OPTIONAL { ?s ex:q ?v FILTER(?v != ?o) } }",
        "SELECT * FROM ex:g1 { ?s ex:p ?o OPTIONAL { { SELECT ?s ?v { ?s ex:q ?v } } FILTER(?v != ?o) } }",
    ),
    (
        "SELECT * FROM ex:g1 { ?s ex:p ?o OPTIONAL { ?s ex:unknown ?v } }",
        "SELECT * FROM ex:g1 { ?s ex:p ?o OPTIONAL { SELECT ?s ?v { ?s ex:unknown ?v } } }",
    ),
    (
        "SELECT * FROM ex:g1 FROM ex:g2 { ?s ex:p ?o OPTIONAL { ?s ex:q ?v } }",
        "SELECT * FROM ex:g1 FROM ex:g2 { ?s ex:p ?o OPTIONAL { SELECT ?s ?v { ?s ex:q ?v } } }",
    ),
    (
        "SELECT * { GRAPH ?g { ?s ex:p ?o OPTIONAL { ?s ex:q ?v } } }",
        "SELECT * { GRAPH ?g { ?s ex:p ?o OPTIONAL { SELECT ?s ?v { ?s ex:q ?v } } } }",
    ),
];

fn optional_probes_agree<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    store
        .load_from_reader(RdfFormat::TriG, DATA.as_bytes(), &LoadOptions::new())
        .context("load")?;
    let snapshot = store.snapshot().context("snapshot")?;
    forms_agree(&snapshot, PREFIXES, PAIRS, "one-probe left join", &|node| {
        node.operator == "LeftJoin" && node.detail.contains("one probe")
    })
}
