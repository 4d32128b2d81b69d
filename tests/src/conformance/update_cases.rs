//! SPARQL Update over each backend: the same requests must leave every backend in the same state,
//! apply whole or not at all, and never show a reader a partial request.

use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use oxrdf::NamedNode;
use trine_core::Store;
use trine_core::io::RdfFormat;
use trine_core::kv::KvBackend;
use trine_core::sparql::{PreparedQuery, QueryOptions, QueryResults};
use trine_core::storage::QuadRead;
use trine_core::update::{LoadHandler, LoadedDocument, UpdateError, UpdateOptions};

use super::{Case, CaseResult, Context, Harness, Task, ensure, in_parallel};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![
        ("update: every operation kind", operations),
        (
            "update: a failing operation leaves the store as it was",
            failed_request_changes_nothing,
        ),
        (
            "update: readers never see a partial or later state",
            readers_keep_their_snapshot,
        ),
        ("update: changes survive reopen", updates_survive_reopen),
        (
            "update: hostile nesting is an error, not a crash, and changes nothing",
            hostile_nesting,
        ),
        (
            "sparql: negations nested past the limit are refused before parsing",
            nested_negations,
        ),
    ]
}

const PREFIX: &str = "PREFIX : <http://example.com/>\n";

/// Serves `LOAD <http://example.com/doc.ttl>` from memory; every other IRI is missing.
struct OneDocument;

impl LoadHandler for OneDocument {
    fn open(&self, source: &NamedNode) -> Result<LoadedDocument, String> {
        if source.as_str() != "http://example.com/doc.ttl" {
            return Err(format!("no document at <{}>", source.as_str()));
        }
        Ok(LoadedDocument {
            format: RdfFormat::Turtle,
            reader: Box::new(Cursor::new(
                b"<s> <p> 1, 2 . <s> <q> [ <r> \"x\" ] .".to_vec(),
            )),
            base_iri: None,
        })
    }
}

fn options() -> UpdateOptions {
    UpdateOptions::default().with_loader(Arc::new(OneDocument))
}

fn update<B: KvBackend>(store: &Store<B>, request: &str) -> Result<(u64, u64), String> {
    let summary = store
        .update(&format!("{PREFIX}{request}"), &options())
        .context(request)?;
    Ok((summary.inserted, summary.deleted))
}

fn count<B: KvBackend>(store: &Store<B>, pattern: &str) -> Result<usize, String> {
    let text = format!("{PREFIX}SELECT * WHERE {{ {pattern} }}");
    let query = PreparedQuery::parse(&text, None).context(&text)?;
    let snapshot = store.snapshot().context("snapshot")?;
    let execution = query
        .bind(&snapshot, &QueryOptions::default())
        .context(&text)?;
    match execution.results().context(&text)? {
        QueryResults::Solutions(solutions) => Ok(solutions.count()),
        _ => Err(format!("{text}: not solutions")),
    }
}

/// A sorted N-Quads dump: two stores hold the same quads exactly when their dumps are equal
/// (no blank nodes are involved where this is used).
fn dump<B: KvBackend>(store: &Store<B>) -> Result<String, String> {
    let bytes = store
        .dump_to_writer(RdfFormat::NQuads, Vec::new(), None)
        .context("dump")?;
    let text = String::from_utf8(bytes).context("dump is UTF-8")?;
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    let graphs = store.named_graphs().context("named graphs")?;
    Ok(format!("{}\ngraphs: {graphs:?}", lines.join("\n")))
}

fn operations<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    let inserted = update(
        &store,
        "INSERT DATA { :a :knows :b . :b :knows :c . GRAPH :g1 { :a :age 30 } }",
    )?;
    ensure!(inserted == (3, 0), "INSERT DATA reported {inserted:?}");
    ensure!(store.len().context("len")? == 3, "INSERT DATA: wrong count");

    let derived = update(
        &store,
        "INSERT { ?x :reaches ?z } WHERE { ?x :knows/:knows ?z }",
    )?;
    ensure!(derived == (1, 0), "INSERT WHERE reported {derived:?}");
    ensure!(
        count(&store, ":a :reaches :c")? == 1,
        "INSERT WHERE: no :a :reaches :c"
    );

    let moved = update(
        &store,
        "DELETE { ?x :knows ?y } INSERT { ?y :knownBy ?x } WHERE { ?x :knows ?y }",
    )?;
    ensure!(moved == (2, 2), "DELETE/INSERT reported {moved:?}");
    ensure!(
        count(&store, "?x :knows ?y")? == 0,
        "DELETE/INSERT kept :knows"
    );
    ensure!(
        count(&store, "?x :knownBy ?y")? == 2,
        "DELETE/INSERT: no :knownBy"
    );

    // Fresh blank nodes per solution: two solutions, two nodes.
    update(
        &store,
        "INSERT { ?x :tag [ :of ?x ] } WHERE { ?x :knownBy ?y }",
    )?;
    ensure!(count(&store, "?t :of ?x")? == 2, "template blank nodes");
    ensure!(
        count(&store, "SELECT DISTINCT ?t WHERE { ?x :tag ?t }")? == 2,
        "one blank node per solution"
    );

    let with = update(
        &store,
        "WITH :g1 DELETE { ?s :age ?a } INSERT { ?s :age ?b } WHERE { ?s :age ?a BIND(?a + 1 AS ?b) }",
    )?;
    ensure!(with == (1, 1), "WITH reported {with:?}");
    ensure!(
        count(&store, "GRAPH :g1 { :a :age 31 }")? == 1,
        "WITH: no new age"
    );

    let using = update(
        &store,
        "INSERT { GRAPH :g2 { ?s :copied ?a } } USING :g1 WHERE { ?s :age ?a }",
    )?;
    ensure!(using == (1, 0), "USING reported {using:?}");

    update(&store, "DELETE WHERE { GRAPH :g2 { ?s :copied ?a } }")?;
    ensure!(
        count(&store, "GRAPH :g2 { ?s ?p ?o }")? == 0,
        "DELETE WHERE"
    );
    ensure!(
        store.named_graphs().context("graphs")?.len() == 2,
        "an emptied graph still exists"
    );

    update(&store, "LOAD <http://example.com/doc.ttl> INTO GRAPH :g3")?;
    ensure!(
        count(&store, "GRAPH :g3 { ?s ?p ?o }")? == 4,
        "LOAD INTO GRAPH"
    );
    ensure!(
        count(&store, "GRAPH :g3 { <http://example.com/s> :p 2 }")? == 1,
        "LOAD resolves against the source IRI"
    );

    update(
        &store,
        "COPY :g3 TO :g4 ; MOVE :g1 TO :g5 ; ADD :g5 TO DEFAULT",
    )?;
    ensure!(count(&store, "GRAPH :g4 { ?s ?p ?o }")? == 4, "COPY");
    ensure!(
        count(&store, "GRAPH :g1 { ?s ?p ?o }")? == 0,
        "MOVE left the source"
    );
    ensure!(count(&store, ":a :age 31")? == 1, "ADD to default");

    update(&store, "CREATE GRAPH :empty")?;
    ensure!(
        store
            .update(&format!("{PREFIX}CREATE GRAPH :empty"), &options())
            .is_err_and(|e| matches!(e, UpdateError::GraphExists(_))),
        "CREATE of an existing graph must fail"
    );
    update(&store, "CREATE SILENT GRAPH :empty ; DROP GRAPH :empty")?;
    ensure!(
        store
            .update(&format!("{PREFIX}DROP GRAPH :empty"), &options())
            .is_err_and(|e| matches!(e, UpdateError::GraphMissing(_))),
        "DROP of a missing graph must fail"
    );
    update(
        &store,
        "DROP SILENT GRAPH :empty ; CLEAR SILENT GRAPH :nothing",
    )?;

    update(&store, "CLEAR NAMED")?;
    ensure!(count(&store, "GRAPH ?g { ?s ?p ?o }")? == 0, "CLEAR NAMED");
    ensure!(
        !store.named_graphs().context("graphs")?.is_empty(),
        "CLEAR keeps the graphs"
    );
    update(&store, "DROP NAMED")?;
    ensure!(
        store.named_graphs().context("graphs")?.is_empty(),
        "DROP NAMED"
    );
    let dropped = update(&store, "DROP ALL")?;
    ensure!(dropped.1 > 0, "DROP ALL reported {dropped:?}");
    ensure!(store.is_empty().context("is_empty")?, "DROP ALL left quads");
    let report = store.validate().context("validate")?;
    ensure!(report.is_ok(), "invariants broken: {:?}", report.problems);
    Ok(())
}

fn failed_request_changes_nothing<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    update(
        &store,
        "INSERT DATA { :a :p 1 . :b :p 2 . GRAPH :g { :a :q :b } }",
    )?;
    let before = dump(&store)?;
    // The third operation fails: neither the first two nor anything after may stay.
    let failing = [
        "INSERT DATA { :c :p 3 } ; DELETE WHERE { :a :p ?x } ; LOAD <http://example.com/missing.ttl> ; INSERT DATA { :d :p 4 }",
        "DROP GRAPH :g ; CREATE GRAPH :h ; CREATE GRAPH :h",
        "CLEAR ALL ; INSERT DATA { :z :z :z } ; DROP GRAPH :nowhere",
        "INSERT DATA { :c :p 3 } ; INSERT DATA { :c :p 4 } ; INSERT DATA { :c :p 5 ",
    ];
    for request in failing {
        let outcome = store.update(&format!("{PREFIX}{request}"), &options());
        ensure!(outcome.is_err(), "{request}: should have failed");
        ensure!(dump(&store)? == before, "{request}: the store changed");
    }
    // Without a loader, LOAD fails too, and SILENT turns that into nothing.
    let no_loader = UpdateOptions::default();
    let load = format!("{PREFIX}INSERT DATA {{ :c :p 3 }} ; LOAD <http://example.com/doc.ttl>");
    ensure!(
        store.update(&load, &no_loader).is_err(),
        "LOAD without a loader"
    );
    ensure!(
        dump(&store)? == before,
        "LOAD without a loader changed the store"
    );
    store
        .update(
            &format!("{PREFIX}LOAD SILENT <http://example.com/missing.ttl> INTO GRAPH :new"),
            &options(),
        )
        .context("LOAD SILENT")?;
    ensure!(
        dump(&store)? == before,
        "LOAD SILENT of a missing document changed the store"
    );
    Ok(())
}

/// A writer moves value between two accounts in each request (one DELETE/INSERT); readers take
/// snapshots at any moment and must always see the same total, and a held snapshot must never
/// change.
fn readers_keep_their_snapshot<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    update(&store, "INSERT DATA { :a :balance 100 . :b :balance 0 }")?;
    let total_query = PreparedQuery::parse(
        &format!("{PREFIX}SELECT (SUM(?v) AS ?t) (COUNT(*) AS ?n) WHERE {{ ?x :balance ?v }}"),
        None,
    )
    .context("parse")?;
    let read_total = |snapshot: &trine_core::storage::Snapshot<'_, B>| -> Result<String, String> {
        let execution = total_query
            .bind(snapshot, &QueryOptions::default())
            .context("bind")?;
        let QueryResults::Solutions(mut solutions) = execution.results().context("results")? else {
            return Err("not solutions".into());
        };
        let solution = solutions.next().ok_or("no solution")?.context("solution")?;
        Ok(format!("{:?} {:?}", solution.get("t"), solution.get("n")))
    };
    let initial = {
        let snapshot = store.snapshot().context("snapshot")?;
        read_total(&snapshot)?
    };
    let held = store.snapshot().context("snapshot")?;
    let held_dump = held.iter().collect::<Result<Vec<_>, _>>().context("iter")?;
    let done = AtomicBool::new(false);
    let writer: Task<'_, CaseResult> = Box::new(|| {
        let written = (0..40).try_for_each(|_| {
            update(
                &store,
                "DELETE { :a :balance ?x . :b :balance ?y } \
                 INSERT { :a :balance ?x2 . :b :balance ?y2 } \
                 WHERE { :a :balance ?x . :b :balance ?y BIND(?x - 1 AS ?x2) BIND(?y + 1 AS ?y2) }",
            )
            .map(|_| ())
        });
        // Set even on failure, so the reader stops.
        done.store(true, Ordering::SeqCst);
        written
    });
    let reader: Task<'_, CaseResult> = Box::new(|| {
        let mut reads = 0;
        while !done.load(Ordering::SeqCst) || reads < 5 {
            let snapshot = store.snapshot().context("snapshot")?;
            let total = read_total(&snapshot)?;
            ensure!(total == initial, "a reader saw {total}, not {initial}");
            reads += 1;
        }
        Ok(())
    });
    let outcome = in_parallel(vec![writer, reader])
        .into_iter()
        .try_for_each(|outcome| outcome.and_then(|result| result));
    outcome?;
    let after = held.iter().collect::<Result<Vec<_>, _>>().context("iter")?;
    ensure!(after == held_dump, "a held snapshot saw later writes");
    drop(held);
    ensure!(
        count(&store, ":a :balance 60")? == 1,
        "the writer's updates are all there"
    );
    Ok(())
}

fn updates_survive_reopen<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    update(
        &store,
        "INSERT DATA { :a :p 1 . GRAPH :g { :a :p 2 } } ; CREATE GRAPH :empty ; DELETE DATA { :a :p 1 }",
    )?;
    let before = dump(&store)?;
    let store = Store::open(h.reopen(store.into_backend())).context("reopen")?;
    ensure!(dump(&store)? == before, "the store changed across reopen");
    Ok(())
}

/// The parser's time doubles with each `!` before nested brackets (`!(!( … ))`): 30 levels, a
/// 100-byte text, once held a thread for hours, out of reach of any timeout. Past the limit a
/// query or update is refused before parsing and changes nothing; at the limit it runs.
fn nested_negations<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    update(&store, "INSERT DATA { :a :p 1 }")?;
    let before = dump(&store)?;
    let nested = |levels: usize| format!("{}true{}", "!(".repeat(levels), ")".repeat(levels));
    let deep = nested(30);
    // Without the limit this parse would not end for hours.
    let query = format!("{PREFIX}SELECT * WHERE {{ :a :p ?o FILTER({deep}) }}");
    match PreparedQuery::parse(&query, None) {
        Err(error) if error.code() == "sparql_too_deep" => {}
        other => return Err(format!("30 nested negations: {other:?}")),
    }
    let request = format!("DELETE {{ :a :p ?o }} WHERE {{ :a :p ?o FILTER({deep}) }}");
    let outcome = store.update(&format!("{PREFIX}{request}"), &options());
    ensure!(
        matches!(outcome, Err(UpdateError::TooComplex(_))),
        "an update with 30 nested negations: {outcome:?}"
    );
    ensure!(
        dump(&store)? == before,
        "the refused update changed the store"
    );
    // At the limit (an even count: the filter is true) the query runs.
    let limit = trine_core::sparql::MAX_NEGATION_DEPTH;
    let at_limit = nested(limit - limit % 2);
    ensure!(
        count(&store, &format!(":a :p ?o FILTER({at_limit})"))? == 1,
        "{limit} nested negations"
    );
    Ok(())
}

/// Thousands of nested groups, parentheses or blank-node brackets once overflowed the stack and
/// aborted the process; they must end in an error with a position and leave the store as it was.
/// Long flat chains (UNION, OPTIONAL, `+`, `/`) of the same size must still work or fail cleanly.
fn hostile_nesting<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    update(&store, "INSERT DATA { :a :p 1 . :b :p 2 }")?;
    let before = dump(&store)?;
    let deep = 5_000;
    let queries = [
        format!("SELECT * WHERE {}{}", "{ ".repeat(deep), "} ".repeat(deep)),
        format!(
            "SELECT * WHERE {{ FILTER({}1{}) }}",
            "(".repeat(deep),
            ")".repeat(deep)
        ),
        format!(
            "SELECT * WHERE {{ ?s :p {} :x {} }}",
            "[ :q ".repeat(deep),
            "]".repeat(deep)
        ),
    ];
    for query in &queries {
        match PreparedQuery::parse(&format!("{PREFIX}{query}"), None) {
            Err(trine_core::sparql::QueryError::TooDeep {
                line,
                column,
                limit,
            }) => {
                ensure!(
                    line == 2 && column > limit && limit == trine_core::sparql::MAX_NESTING_DEPTH,
                    "position {line}:{column} for {}",
                    &query[..40]
                );
            }
            other => return Err(format!("{}…: {other:?}", &query[..40])),
        }
    }
    let updates = [
        format!(
            "INSERT {{ :c :p 3 }} WHERE {}{}",
            "{ ".repeat(deep),
            "} ".repeat(deep)
        ),
        format!(
            "INSERT DATA {{ :c :p 3 }} ; DELETE WHERE {{ :a :p ?x FILTER({}1{}) }}",
            "(".repeat(deep),
            ")".repeat(deep)
        ),
    ];
    for request in &updates {
        let outcome = store.update(&format!("{PREFIX}{request}"), &options());
        ensure!(
            matches!(outcome, Err(UpdateError::TooDeep { .. })),
            "{}…: {outcome:?}",
            &request[..40]
        );
        ensure!(
            dump(&store)? == before,
            "{}…: the store changed",
            &request[..40]
        );
    }
    // Exactly at the limit still runs (`count` adds the outermost group).
    let limit = trine_core::sparql::MAX_NESTING_DEPTH;
    let at_limit = format!(
        "{}:a :p ?o {}",
        "{ ".repeat(limit - 1),
        "} ".repeat(limit - 1)
    );
    ensure!(
        count(&store, &at_limit)? == 1,
        "a query at the nesting limit"
    );
    // Long flat chains nest the algebra without nesting brackets: up to the algebra limit they
    // run, past it they are refused with a clear error, and in neither case does the stack
    // overflow (this runs on a test thread's 2 MiB stack).
    let fits = trine_core::sparql::MAX_ALGEBRA_DEPTH / 2;
    let unions = vec!["{ :a :p ?o }"; fits].join(" UNION ");
    ensure!(count(&store, &unions)? == fits, "a chain of {fits} UNIONs");
    // An alternative path is a union: each branch gives its own solution.
    let path = vec![":p"; fits].join("|");
    let found = count(&store, &format!(":a {path} ?o"))?;
    ensure!(
        found == fits,
        "a path of {fits} alternatives: {found} solutions"
    );
    let sequence = vec![":p/^:p"; fits / 2].join("/");
    let found = count(&store, &format!(":a {sequence} ?o"))?;
    ensure!(
        found == 1,
        "a path sequence of {fits} steps: {found} solutions"
    );
    for long in [2_000, 20_000] {
        let chains = [
            format!(
                "SELECT * WHERE {{ {} }}",
                vec!["{ :a :p ?o }"; long].join(" UNION ")
            ),
            format!(
                "SELECT * WHERE {{ :a :p ?o FILTER(?o < {}) }}",
                vec!["1"; long].join(" + ")
            ),
            // `:p?` steps: a sequence of plain IRIs would be flattened into one BGP.
            format!("SELECT * WHERE {{ :a {} ?o }}", vec![":p?"; long].join("/")),
            format!(
                "SELECT * WHERE {{ :a :p ?o {} }}",
                vec!["OPTIONAL { :a :p ?o }"; long].join(" ")
            ),
            format!(
                "SELECT * WHERE {{ {} }}",
                (0..long)
                    .map(|i| format!("BIND({i} AS ?v{i})"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ];
        for query in &chains {
            match PreparedQuery::parse(&format!("{PREFIX}{query}"), None) {
                Err(trine_core::sparql::QueryError::TooComplex(_)) => {}
                other => return Err(format!("{}… ({long}): {other:?}", &query[..40])),
            }
        }
    }
    let many = format!(
        "SELECT * WHERE {{ FILTER({}) }}",
        vec!["1"; 60_000].join("+ ?x -")
    );
    ensure!(
        matches!(
            PreparedQuery::parse(&many, None),
            Err(trine_core::sparql::QueryError::TooComplex(_))
        ),
        "more operators than the limit"
    );
    // Bulk data with signed numbers is not an expression: it loads.
    let data: String = (0..3_000).map(|i| format!(":n :v -{i} . ")).collect();
    update(&store, &format!("INSERT DATA {{ {data} }}"))?;
    ensure!(
        count(&store, ":n :v ?v")? == 3_000,
        "bulk INSERT DATA with signed numbers"
    );
    Ok(())
}
