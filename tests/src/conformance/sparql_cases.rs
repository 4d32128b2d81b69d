//! SPARQL over each backend: the same queries must give the same answers everywhere.

use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::KvBackend;
use trine_core::sparql::{ExplainNode, PreparedQuery, QueryError, QueryOptions, QueryResults};
use trine_core::storage::Snapshot;

use super::{Case, CaseResult, Context, Harness, ensure};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![
        ("sparql: queries give the expected answers", queries),
        (
            "sparql: an unbindable SERVICE variable fails whatever the branch order",
            service_outcome_ignores_order,
        ),
        (
            "sparql: joins seek their cursors backwards, in snapshots and transactions",
            joins_seek_backwards,
        ),
        (
            "sparql: a failure among the rows OFFSET skips still fails the query",
            offset_keeps_failures,
        ),
    ]
}

const DATA: &str = r#"
@prefix ex: <http://example.com/> .
ex:alice ex:knows ex:bob, ex:carol ; ex:age 31 ; ex:name "Alice"@en .
ex:bob ex:knows ex:carol ; ex:age 25 ; ex:name "Bob" .
ex:carol ex:knows ex:alice ; ex:age 40 .
ex:g1 { ex:alice ex:likes ex:tea . }
ex:g2 { ex:bob ex:likes ex:coffee , ex:tea . }
"#;

/// (query, expected number of solutions, or the boolean for ASK as 0/1)
const QUERIES: &[(&str, usize)] = &[
    // Equality with an IRI is decided on ids: either side, `sameTerm`, literals and unbound
    // values, an IRI the store has never seen, and computed IRIs.
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:knows ?y FILTER(?y = ex:carol) }",
        2,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:knows ?y FILTER(ex:carol = ?y) }",
        2,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:knows ?y FILTER(?y != ex:carol) }",
        2,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:knows ?y FILTER(sameTerm(?y, ex:carol)) }",
        2,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:age ?a FILTER(?a = ex:alice) }",
        0,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:age ?a FILTER(?a != ex:alice) }",
        3,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:age ?a OPTIONAL { ?x ex:name ?n } FILTER(?n != ex:alice) }",
        2,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:knows ?y FILTER(?y != ex:nobody) }",
        4,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:knows ?y FILTER(?y = ex:nobody) }",
        0,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:knows ?y BIND(IRI(\"http://example.com/nobody\") AS ?z) FILTER(?z = ex:nobody) }",
        4,
    ),
    (
        "PREFIX ex: <http://example.com/> SELECT ?x { ?x ex:knows ?y FILTER(IRI(STR(?y)) = ex:carol) }",
        2,
    ),
    (
        "PREFIX ex: <http://example.com/> ASK { FILTER(ex:carol = ex:carol && ex:carol != ex:bob) }",
        1,
    ),
    ("SELECT * WHERE { ?s ?p ?o }", 9),
    (
        "SELECT ?x WHERE { ?x <http://example.com/knows> ?y . ?y <http://example.com/knows> ?x }",
        2,
    ),
    (
        "SELECT ?x ?n WHERE { ?x <http://example.com/age> ?a OPTIONAL { ?x <http://example.com/name> ?n } }",
        3,
    ),
    (
        "SELECT ?x WHERE { ?x <http://example.com/age> ?a FILTER(?a > 30) }",
        2,
    ),
    (
        "SELECT ?g ?s WHERE { GRAPH ?g { ?s <http://example.com/likes> ?o } }",
        3,
    ),
    ("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }", 2),
    (
        "SELECT ?y WHERE { <http://example.com/alice> <http://example.com/knows>+ ?y }",
        3,
    ),
    (
        "SELECT (COUNT(*) AS ?c) WHERE { ?s <http://example.com/knows> ?o } GROUP BY ?s",
        3,
    ),
    (
        "SELECT ?x WHERE { ?x <http://example.com/age> ?a } ORDER BY DESC(?a) LIMIT 2",
        2,
    ),
    (
        "SELECT ?x WHERE { { ?x <http://example.com/age> 25 } UNION { ?x <http://example.com/age> 40 } }",
        2,
    ),
    (
        "SELECT ?x WHERE { ?x <http://example.com/age> ?a MINUS { ?x <http://example.com/name> ?n } }",
        1,
    ),
    ("SELECT ?v WHERE { VALUES ?v { 1 2 3 } }", 3),
    (
        "ASK { <http://example.com/bob> <http://example.com/knows> <http://example.com/carol> }",
        1,
    ),
    (
        "ASK { <http://example.com/bob> <http://example.com/knows> <http://example.com/nobody> }",
        0,
    ),
    (
        "CONSTRUCT { ?y <http://example.com/knownBy> ?x } WHERE { ?x <http://example.com/knows> ?y }",
        4,
    ),
    // Casts to xsd:string give the canonical XPath form; STR keeps the lexical form.
    (
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ASK { FILTER(\
         xsd:string(\"1000000\"^^xsd:float) = \"1.0E6\" && \
         xsd:string(\"0.0000001\"^^xsd:double) = \"1.0E-7\" && \
         xsd:string(\"2009-12-31T24:00:00-00:00\"^^xsd:dateTime) = \"2010-01-01T00:00:00Z\" && \
         STR(\"1000000\"^^xsd:float) = \"1000000\") }",
        1,
    ),
];

/// How many solutions or triples the results hold, or the boolean as 0/1.
fn answers(results: QueryResults<'_>) -> Result<usize, QueryError> {
    Ok(match results {
        QueryResults::Solutions(solutions) => solutions.collect::<Result<Vec<_>, _>>()?.len(),
        QueryResults::Boolean(value) => usize::from(value),
        QueryResults::Graph(triples) => triples.collect::<Result<Vec<_>, _>>()?.len(),
    })
}

fn queries<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    store
        .load_from_reader(RdfFormat::TriG, DATA.as_bytes(), &LoadOptions::new())
        .context("load")?;
    let snapshot = store.snapshot().context("snapshot")?;
    for (text, expected) in QUERIES {
        let query = PreparedQuery::parse(text, None).context("parse")?;
        let execution = query
            .bind(&snapshot, &QueryOptions::default())
            .context(text)?;
        let found = answers(execution.results().context(text)?).context(text)?;
        ensure!(
            found == *expected,
            "{text}: {found} answers, expected {expected}"
        );
    }
    Ok(())
}

/// The outcome of running `text`: `Ok(answers)` or `Err(error code)`.
fn outcome<B: KvBackend>(store: &Store<B>, text: &str) -> Result<Result<usize, String>, String> {
    let snapshot = store.snapshot().context("snapshot")?;
    let query = PreparedQuery::parse(text, None).context("parse")?;
    let run = query
        .bind(&snapshot, &QueryOptions::default())
        .and_then(|execution| answers(execution.results()?));
    Ok(run.map_err(|e| e.code().to_owned()))
}

/// A regression: OFFSET dropped the first rows whatever they were, so an error among them (a
/// cancelled query, a row limit reached by the sort before it) ended the query as if it had no
/// more answers: an empty success instead of the error.
fn offset_keeps_failures<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    let mut data = String::from("@prefix ex: <http://example.com/> .\n");
    for i in 0..40 {
        data.push_str(&format!("ex:s{i} ex:n {i} .\n"));
    }
    store
        .load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())
        .context("load")?;
    let snapshot = store.snapshot().context("snapshot")?;
    let run = |text: &str, options: &QueryOptions| -> Result<usize, QueryError> {
        let query = PreparedQuery::parse(text, None)?;
        answers(query.bind(&snapshot, options)?.results()?)
    };
    let sorted =
        "PREFIX ex: <http://example.com/> SELECT ?s { ?s ex:n ?n } ORDER BY ?n OFFSET 5 LIMIT 10";
    let plain = "PREFIX ex: <http://example.com/> SELECT ?s { ?s ex:n ?n } OFFSET 5 LIMIT 10";
    for text in [sorted, plain] {
        let found = run(text, &QueryOptions::default()).context(text)?;
        ensure!(found == 10, "{text}: {found} answers, expected 10");
        let cancelled = QueryOptions::default();
        cancelled.cancellation.cancel();
        let outcome = run(text, &cancelled);
        ensure!(
            matches!(outcome, Err(QueryError::Cancelled)),
            "{text}, cancelled: {outcome:?}"
        );
    }
    let limited = QueryOptions {
        max_rows_in_memory: Some(20),
        ..QueryOptions::default()
    };
    let outcome = run(sorted, &limited);
    ensure!(
        outcome
            .as_ref()
            .is_err_and(|e| e.code() == "limit_exceeded"),
        "sorting 40 rows with room for 20: {outcome:?}"
    );
    Ok(())
}

/// A regression: `ASK { { SERVICE ?v {} } UNION {} }` failed while the mirrored query answered
/// `true` without reaching the SERVICE. Both must fail the same way; SILENT, or a variable some
/// joined pattern binds, keeps them answering.
fn service_outcome_ignores_order<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    store
        .load_from_reader(RdfFormat::TriG, DATA.as_bytes(), &LoadOptions::new())
        .context("load")?;
    let pairs = [
        (
            "ASK { { SERVICE ?unbound {} } UNION {} }",
            "ASK { {} UNION { SERVICE ?unbound {} } }",
        ),
        (
            "SELECT * { { SERVICE ?x {} } UNION { ?x ?p ?o } }",
            "SELECT * { { ?x ?p ?o } UNION { SERVICE ?x {} } }",
        ),
    ];
    for (first, mirrored) in pairs {
        let (a, b) = (outcome(&store, first)?, outcome(&store, mirrored)?);
        ensure!(a == b, "{first} gives {a:?}, {mirrored} gives {b:?}");
        ensure!(a == Err("service".into()), "{first} gives {a:?}");
    }
    let silent = outcome(&store, "ASK { { SERVICE SILENT ?unbound {} } UNION {} }")?;
    ensure!(silent == Ok(1), "SILENT: {silent:?}");
    // Bound by a joined pattern: no static error (the call itself fails without a handler).
    let joined = outcome(
        &store,
        "ASK { SERVICE SILENT ?who {} ?who <http://example.com/age> 25 }",
    )?;
    ensure!(joined == Ok(1), "joined: {joined:?}");
    Ok(())
}

/// Index nested-loop joins keep one cursor per index and seek it to each left row's prefix. Here
/// the left side comes in rank order, which is not the subjects' id order (ranks run against the
/// order subjects are written in), so lookups seek backwards as well as forwards: in a snapshot,
/// and in an update's transaction whose own writes lie over the backend's cursor.
fn joins_seek_backwards<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    const N: usize = 300;
    let store = Store::open(h.create()).context("open store")?;
    let mut data = String::new();
    for i in 0..N {
        data.push_str(&format!(
            "<http://e/s{i}> <http://e/rank> {} .\n<http://e/s{i}> <http://e/name> \"n{i}\" .\n",
            N - i
        ));
    }
    store
        .load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())
        .context("load")?;
    // Equal costs keep the written order: ranks first, then a name lookup per rank.
    let query = "SELECT ?s ?n WHERE { ?s <http://e/rank> ?r . ?s <http://e/name> ?n }";
    let found = outcome(&store, query)?.map_err(|code| format!("query failed: {code}"))?;
    ensure!(
        found == N,
        "{found} joined rows in a snapshot, expected {N}"
    );
    // The update's WHERE reads through its transaction after its first operation wrote a second
    // name for s250 (rank 50).
    let options = trine_core::update::UpdateOptions::default();
    let summary = store
        .update(
            "INSERT DATA { <http://e/s250> <http://e/name> \"other\" } ; \
             INSERT { ?s <http://e/seen> ?n } WHERE { ?s <http://e/rank> ?r . \
             ?s <http://e/name> ?n FILTER(?r <= 100) }",
            &options,
        )
        .context("update")?;
    ensure!(
        summary.inserted == 102,
        "{} quads inserted, expected 102 (a name, then 101 seen)",
        summary.inserted
    );
    let seen = outcome(&store, "SELECT * WHERE { ?s <http://e/seen> ?n }")?
        .map_err(|code| format!("query failed: {code}"))?;
    ensure!(seen == 101, "{seen} rows seen, expected 101");
    Ok(())
}

/// The solutions of a SELECT as sorted lines of terms, to compare two forms of one query.
pub(super) fn sorted_rows<B: KvBackend>(
    snapshot: &Snapshot<'_, B>,
    text: &str,
) -> Result<Vec<String>, String> {
    sorted_rows_with(snapshot, text, &QueryOptions::default())
}

/// As [`sorted_rows`], under `options`.
pub(super) fn sorted_rows_with<B: KvBackend>(
    snapshot: &Snapshot<'_, B>,
    text: &str,
    options: &QueryOptions,
) -> Result<Vec<String>, String> {
    let query = PreparedQuery::parse(text, None).context(text)?;
    let execution = query.bind(snapshot, options).context(text)?;
    let QueryResults::Solutions(solutions) = execution.results().context(text)? else {
        return Err(format!("{text}: not a SELECT"));
    };
    let mut out = Vec::new();
    for solution in solutions {
        let solution = solution.context(text)?;
        let values: Vec<String> = solution
            .values()
            .iter()
            .map(|value| value.as_ref().map_or("-".to_owned(), ToString::to_string))
            .collect();
        out.push(values.join(" "));
    }
    out.sort();
    Ok(out)
}

/// The plan of a query over `snapshot`.
pub(super) fn plan<B: KvBackend>(
    snapshot: &Snapshot<'_, B>,
    text: &str,
) -> Result<ExplainNode, String> {
    let query = PreparedQuery::parse(text, None).context(text)?;
    query
        .bind(snapshot, &QueryOptions::default())
        .context(text)?
        .explain()
        .context(text)
}

/// Whether `node` or an operator under it satisfies `test`.
pub(super) fn plan_has(node: &ExplainNode, test: &dyn Fn(&ExplainNode) -> bool) -> bool {
    test(node) || node.children.iter().any(|child| plan_has(child, test))
}

/// For each `(optimised, reference)` pair of query texts (after `prefixes`): the optimised
/// form's plan shows what `uses` looks for (`what` names it), it has answers, and they are the
/// reference form's.
pub(super) fn forms_agree<B: KvBackend>(
    snapshot: &Snapshot<'_, B>,
    prefixes: &str,
    pairs: &[(&str, &str)],
    what: &str,
    uses: &dyn Fn(&ExplainNode) -> bool,
) -> Result<(), String> {
    for (optimised, reference) in pairs {
        let (optimised, reference) = (
            format!("{prefixes} {optimised}"),
            format!("{prefixes} {reference}"),
        );
        ensure!(
            plan_has(&plan(snapshot, &optimised)?, uses),
            "{optimised}: no {what} in the plan"
        );
        let (a, b) = (
            sorted_rows(snapshot, &optimised)?,
            sorted_rows(snapshot, &reference)?,
        );
        ensure!(!a.is_empty(), "{optimised}: no answers");
        ensure!(
            a == b,
            "{optimised}: {} rows, without the {what} {} rows",
            a.len(),
            b.len()
        );
    }
    Ok(())
}
