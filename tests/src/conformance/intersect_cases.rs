//! Leapfrog intersections (patterns sharing one new variable, seeked against each other) give
//! the answers of joining the same patterns one by one, on every backend: in snapshots, in an
//! update's transaction, for explicit-only reads, and where a row makes them fall back.

use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::KvBackend;
use trine_core::reasoner::{Profile, ReasonerOptions};
use trine_core::sparql::{PreparedQuery, QueryOptions, QueryResults};

use super::sparql_cases::{forms_agree, sorted_rows};
use super::{Case, CaseResult, Context, Harness, ensure};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![
        (
            "sparql: leapfrog intersections answer like pattern-by-pattern joins",
            intersections_agree,
        ),
        (
            "sparql: leapfrog intersections read transactions and skip inferred quads",
            intersections_in_transactions_and_explicit_reads,
        ),
        (
            "sparql: a cyclic join hash-joins two halves of its BGP, with a chain's answers",
            split_cyclic_join_agrees,
        ),
        (
            "sparql: a long probe join that reads its pattern once keeps every answer",
            long_probe_joins_keep_their_answers,
        ),
        (
            "sparql: probe joins sharing one cursor each resume their own lookup",
            shared_cursors_resume_each_lookup,
        ),
    ]
}

/// The joins of a query look up through one cursor per index ordering. A lookup longer than a
/// batch hands rows up mid-way, the joins above move the same cursor, and the lookup must go on
/// where it stood: three subjects with 300 values each, every value looked up again.
fn shared_cursors_resume_each_lookup<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    let mut data = String::new();
    let mut expected = Vec::new();
    for s in 0..3 {
        data.push_str(&format!("<http://e/s{s}> <http://e/p> <http://e/a> .\n"));
        for m in 0..300 {
            data.push_str(&format!(
                "<http://e/s{s}> <http://e/many> <http://e/m{s}_{m}> .\n"
            ));
            for x in 0..(1 + m % 2) {
                data.push_str(&format!(
                    "<http://e/m{s}_{m}> <http://e/q> <http://e/x{x}> .\n"
                ));
                expected.push(format!(
                    "<http://e/s{s}> <http://e/m{s}_{m}> <http://e/x{x}>"
                ));
            }
        }
    }
    expected.sort();
    store
        .load_from_reader(RdfFormat::NTriples, data.as_bytes(), &LoadOptions::new())
        .context("load")?;
    let snapshot = store.snapshot().context("snapshot")?;
    rows_are(
        &snapshot,
        "SELECT ?s ?m ?x { ?s ex:p ex:a . ?s ex:many ?m . ?m ex:q ?x }",
        &expected,
    )
}

/// Fails unless `query` (under [`EX`]) answers exactly `expected`, sorted.
fn rows_are<B: KvBackend>(
    snapshot: &trine_core::storage::Snapshot<'_, B>,
    query: &str,
    expected: &[String],
) -> CaseResult {
    let rows = sorted_rows(snapshot, &format!("{EX} {query}"))?;
    ensure!(
        rows == expected,
        "{query}: {} rows, expected {}",
        rows.len(),
        expected.len()
    );
    Ok(())
}

/// Hundreds of rows probe a pattern with a few hundred quads: past a few dozen lookups the join
/// reads the pattern once and answers the rest from memory. Every answer must be the one a
/// lookup gives: several values per key, keys without any, a named graph, an OPTIONAL, and
/// lookups in an update's transaction that sees its own writes.
fn long_probe_joins_keep_their_answers<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    let mut data = String::new();
    // (subject, value) pairs of ex:q: two thirds of the subjects, every fifth of them twice.
    let mut q = Vec::new();
    for i in 0..600 {
        data.push_str(&format!(
            "<http://e/s{i}> <http://e/p> \"{i}\" <http://e/g> .\n"
        ));
        data.push_str(&format!("<http://e/s{i}> <http://e/p> \"{i}\" .\n"));
        if i % 3 != 0 {
            q.push((i, 2 * i));
            if i % 5 == 0 {
                q.push((i, 2 * i + 1));
            }
        }
    }
    let xsd_integer = "<http://www.w3.org/2001/XMLSchema#integer>";
    for (i, value) in &q {
        data.push_str(&format!(
            "<http://e/s{i}> <http://e/q> \"{value}\"^^{xsd_integer} .\n"
        ));
        data.push_str(&format!(
            "<http://e/s{i}> <http://e/q> \"{value}\"^^{xsd_integer} <http://e/g> .\n"
        ));
    }
    store
        .load_from_reader(RdfFormat::NQuads, data.as_bytes(), &LoadOptions::new())
        .context("load")?;
    let joined = |offset: usize| -> Vec<String> {
        let mut rows: Vec<String> = q
            .iter()
            .map(|(i, value)| format!("<http://e/s{i}> \"{}\"^^{xsd_integer}", value + offset))
            .collect();
        rows.sort();
        rows
    };
    let optional = {
        let mut rows: Vec<String> = (0..600)
            .filter(|i| i % 3 == 0)
            .map(|i| format!("<http://e/s{i}> -"))
            .chain(joined(0))
            .collect();
        rows.sort();
        rows
    };
    let snapshot = store.snapshot().context("snapshot")?;
    for (query, expected) in [
        ("SELECT ?s ?b { ?s ex:p ?a . ?s ex:q ?b }", joined(0)),
        (
            "SELECT ?s ?b { GRAPH ex:g { ?s ex:p ?a . ?s ex:q ?b } }",
            joined(0),
        ),
        (
            "SELECT ?s ?b { ?s ex:p ?a OPTIONAL { ?s ex:q ?b } }",
            optional.clone(),
        ),
    ] {
        rows_are(&snapshot, query, &expected)?;
    }
    drop(snapshot);
    // Inside an update, the join reads the transaction: its own deletions and insertions first.
    store
        .update(
            &format!(
                "{EX} DELETE {{ ?s ex:q ?b }} INSERT {{ ?s ex:r ?b }} WHERE {{ ?s ex:p ?a . ?s ex:q ?b }} ;
                 INSERT {{ ?s ex:moved ?c }} WHERE {{ ?s ex:p ?a . ?s ex:r ?b BIND(?b + 1 AS ?c) }}"
            ),
            &trine_core::update::UpdateOptions::default(),
        )
        .context("update")?;
    let snapshot = store.snapshot().context("snapshot")?;
    for (query, expected) in [
        ("SELECT ?s ?b { ?s ex:p ?a . ?s ex:q ?b }", Vec::new()),
        ("SELECT ?s ?c { ?s ex:p ?a . ?s ex:moved ?c }", joined(1)),
    ] {
        rows_are(&snapshot, query, &expected).map_err(|e| format!("after the update, {e}"))?;
    }
    Ok(())
}

/// Many products per producer and per feature: joining the pairs as one chain probes the second
/// product's lists once per (product, feature) row, which the planner prices above two halves
/// evaluated once and hash-joined.
fn split_cyclic_join_agrees<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    let mut data = String::new();
    for product in 0..1500 {
        data.push_str(&format!(
            "<http://e/p{product}> <http://e/producer> <http://e/r{}> .\n",
            product / 25
        ));
        for k in 0..6 {
            data.push_str(&format!(
                "<http://e/p{product}> <http://e/feature> <http://e/f{}> .\n",
                (product * 7 + k * 11) % 40
            ));
        }
    }
    store
        .load_from_reader(RdfFormat::NTriples, data.as_bytes(), &LoadOptions::new())
        .context("load")?;
    let snapshot = store.snapshot().context("snapshot")?;
    forms_agree(
        &snapshot,
        EX,
        &[
            (
                "SELECT ?a ?b ?r ?f { ?a ex:producer ?r ; ex:feature ?f . ?b ex:producer ?r ; ex:feature ?f FILTER(?a != ?b) }",
                // Two groups: the second runs once per row of the first, no split.
                "SELECT ?a ?b ?r ?f { { ?a ex:producer ?r ; ex:feature ?f } { ?b ex:producer ?r ; ex:feature ?f } FILTER(?a != ?b) }",
            ),
            (
                // Conjuncts over one half run inside it, the one over both on top.
                "SELECT ?a ?b { ?a ex:producer ?r ; ex:feature ?f . ?b ex:producer ?r ; ex:feature ?f FILTER(?a != ?b && ?f != ex:f3 && ?a != ex:p7) }",
                "SELECT ?a ?b { { ?a ex:producer ?r ; ex:feature ?f } { ?b ex:producer ?r ; ex:feature ?f } FILTER(?a != ?b && ?f != ex:f3 && ?a != ex:p7) }",
            ),
            (
                "SELECT (COUNT(*) AS ?n) { ?a ex:producer ?r ; ex:feature ?f . ?b ex:producer ?r ; ex:feature ?f }",
                "SELECT (COUNT(*) AS ?n) { { ?a ex:producer ?r ; ex:feature ?f } { ?b ex:producer ?r ; ex:feature ?f } }",
            ),
        ],
        "hash join of two halves",
        &|node| node.detail.starts_with("hash join of two chains"),
    )
}

const EX: &str = "PREFIX ex: <http://e/>";

/// Products in producers' blocks, features scattered over them, so the value lists interleave
/// (the pairs query is the benchmark's cyclic join), and a few graphs.
fn data() -> String {
    let mut data = String::new();
    for product in 0..120 {
        let producer = product / 10;
        data.push_str(&format!(
            "<http://e/p{product}> <http://e/producer> <http://e/r{producer}> .\n"
        ));
        for feature in 0..12 {
            if (product * 7 + feature * 5) % 11 < 4 {
                data.push_str(&format!(
                    "<http://e/p{product}> <http://e/feature> <http://e/f{feature}> .\n"
                ));
            }
        }
        if product % 3 == 0 {
            data.push_str(&format!("<http://e/p{product}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/Gadget> .\n"));
        }
        let graph = product % 4;
        data.push_str(&format!(
            "<http://e/p{product}> <http://e/tag> <http://e/t{}> <http://e/g{graph}> .\n",
            product % 5
        ));
        data.push_str(&format!(
            "<http://e/p{product}> <http://e/mark> <http://e/m{}> <http://e/g{graph}> .\n",
            product % 2
        ));
    }
    // Widgets in bins: every bin's intersection seeks the same long list of Widgets, which
    // is then read into memory a part at a time while the bins' seeks run past the part read.
    for item in 0..600 {
        let class = if item % 7 == 0 { "Gadget" } else { "Widget" };
        data.push_str(&format!(
            "<http://e/w{item}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/{class}> .\n"
        ));
    }
    for item in 0..600 {
        data.push_str(&format!(
            "<http://e/w{item}> <http://e/in> <http://e/bin{}> .\n",
            (item * 13) % 50
        ));
    }
    for bin in 0..50 {
        data.push_str(&format!(
            "<http://e/bin{bin}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/Bin> .\n"
        ));
    }
    data
}

/// Queries whose BGP fuses into an intersection, each with the same patterns split into groups
/// that are joined one by one.
const PAIRS: &[(&str, &str)] = &[
    (
        "SELECT ?a ?b ?r ?f { ?a ex:producer ?r ; ex:feature ?f . ?b ex:producer ?r ; ex:feature ?f FILTER(?a != ?b) }",
        "SELECT ?a ?b ?r ?f { ?a ex:producer ?r ; ex:feature ?f . ?b ex:producer ?r FILTER EXISTS { ?b ex:feature ?f } FILTER(?a != ?b) }",
    ),
    (
        "SELECT ?x { ?x a ex:Gadget ; ex:feature ex:f3 ; ex:producer ex:r4 }",
        "SELECT ?x { { ?x a ex:Gadget } { ?x ex:feature ex:f3 } { ?x ex:producer ex:r4 } }",
    ),
    (
        "SELECT ?g ?x { GRAPH ?g { ?x ex:tag ex:t1 ; ex:mark ex:m1 } }",
        "SELECT ?g ?x { GRAPH ?g { { ?x ex:tag ex:t1 } { ?x ex:mark ex:m1 } } }",
    ),
    (
        "SELECT ?x FROM ex:g1 FROM ex:g3 { ?x ex:tag ex:t2 ; ex:mark ex:m1 }",
        "SELECT ?x FROM ex:g1 FROM ex:g3 { { ?x ex:tag ex:t2 } { ?x ex:mark ex:m1 } }",
    ),
    (
        "SELECT ?b ?w { ?b a ex:Bin . ?w ex:in ?b ; a ex:Widget }",
        // The reference tests membership without any intersection (a fully bound pattern).
        "SELECT ?b ?w { ?b a ex:Bin . ?w ex:in ?b FILTER EXISTS { ?w a ex:Widget } }",
    ),
    (
        "SELECT ?b ?w ?x { ?b a ex:Bin . ?w ex:in ?b ; a ex:Widget . ?x ex:in ?b ; a ex:Gadget }",
        "SELECT ?b ?w ?x { ?b a ex:Bin . ?w ex:in ?b . ?x ex:in ?b FILTER EXISTS { ?w a ex:Widget } FILTER EXISTS { ?x a ex:Gadget } }",
    ),
    (
        // The outer pattern binds ?x before the group runs: the intersection falls back.
        "SELECT ?x ?f { ?x ex:feature ?f { ?x a ex:Gadget ; ex:producer ex:r2 } }",
        "SELECT ?x ?f { ?x ex:feature ?f { ?x a ex:Gadget } { ?x ex:producer ex:r2 } }",
    ),
];

fn intersections_agree<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    store
        .load_from_reader(RdfFormat::NQuads, data().as_bytes(), &LoadOptions::new())
        .context("load")?;
    let snapshot = store.snapshot().context("snapshot")?;
    forms_agree(&snapshot, EX, PAIRS, "intersection", &|node| {
        node.operator == "Intersect"
    })
}

fn intersections_in_transactions_and_explicit_reads<B: KvBackend>(
    h: &Harness<'_, B>,
) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    store
        .load_from_reader(RdfFormat::NQuads, data().as_bytes(), &LoadOptions::new())
        .context("load")?;
    // The WHERE reads the transaction: the first operation's writes are among the lists.
    let options = trine_core::update::UpdateOptions::default();
    let summary = store
        .update(
            &format!(
                "{EX} INSERT DATA {{ ex:p1 a ex:Gadget . ex:p2 a ex:Gadget . ex:p15 ex:producer ex:r0 }} ; \
                 DELETE DATA {{ ex:p3 a ex:Gadget }} ; \
                 INSERT {{ ?x ex:both true }} WHERE {{ ?x a ex:Gadget ; ex:producer ex:r0 }}"
            ),
            &options,
        )
        .context("update")?;
    // r0 makes p0-p9 and now p15; Gadgets among them: p0, p6, p9, p15, p1 and p2 (added),
    // not p3 (deleted).
    ensure!(
        summary.inserted == 3 + 6,
        "{} quads inserted, expected 9",
        summary.inserted
    );
    let snapshot = store.snapshot().context("snapshot")?;
    let both = sorted_rows(&snapshot, &format!("{EX} SELECT ?x {{ ?x ex:both true }}"))?;
    ensure!(both.len() == 6, "{} rows marked both: {both:?}", both.len());
    drop(snapshot);
    // Inferred types (every Gadget is a Device) are left out of an explicit-only read.
    store
        .update(
            &format!(
                "{EX} INSERT DATA {{ ex:Gadget <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:Device . ex:p5 a ex:Device }}"
            ),
            &options,
        )
        .context("update")?;
    store
        .set_reasoning(ReasonerOptions::new(Profile::Rdfs))
        .context("materialize")?;
    let snapshot = store.snapshot().context("snapshot")?;
    let text = format!("{EX} SELECT ?x {{ ?x a ex:Device ; ex:producer ex:r0 }}");
    let count = |explicit_only: bool| -> Result<usize, String> {
        let query = PreparedQuery::parse(&text, None).context("parse")?;
        let options = QueryOptions {
            explicit_only,
            ..QueryOptions::default()
        };
        let execution = query.bind(&snapshot, &options).context("bind")?;
        let QueryResults::Solutions(solutions) = execution.results().context("run")? else {
            return Err("not a SELECT".into());
        };
        Ok(solutions
            .collect::<Result<Vec<_>, _>>()
            .context("rows")?
            .len())
    };
    // The six Gadgets inferred Devices plus p5 asserted; explicitly only p5.
    let (all, explicit) = (count(false)?, count(true)?);
    ensure!(all == 7, "{all} Devices made by r0, expected 7");
    ensure!(
        explicit == 1,
        "{explicit} explicit Devices made by r0, expected 1"
    );
    Ok(())
}
