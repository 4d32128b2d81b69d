//! Behaviour of Trine's SPARQL engine beyond the W3C suites: EXPLAIN, timeouts, cancellation.

use std::time::{Duration, Instant};

use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::MemoryBackend;
use trine_core::sparql::{
    CancellationToken, PreparedQuery, QueryError, QueryOptions, QueryResults,
};
use trine_core::storage::Snapshot;

fn store_with(triples: usize) -> Store<MemoryBackend> {
    let store = Store::open(MemoryBackend::new()).expect("store");
    let mut data = String::new();
    for i in 0..triples {
        data.push_str(&format!(
            "<http://e/s{}> <http://e/p{}> <http://e/o{}> .\n",
            i % 100,
            i % 4,
            i % 37
        ));
    }
    store
        .load_from_reader(RdfFormat::NTriples, data.as_bytes(), &LoadOptions::new())
        .expect("load");
    store
}

/// The `?s` values of a SELECT, each as its name under `http://e/`.
fn subject_names(snapshot: &Snapshot<'_, MemoryBackend>, text: &str) -> Vec<String> {
    let query = PreparedQuery::parse(text, None).expect("parse");
    let execution = query
        .bind(snapshot, &QueryOptions::default())
        .expect("plan");
    let QueryResults::Solutions(solutions) = execution.results().expect("run") else {
        panic!("not solutions");
    };
    solutions
        .map(|s| {
            s.expect("row")
                .get("s")
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .map(|s| {
            s.trim_start_matches("<http://e/")
                .trim_end_matches('>')
                .to_owned()
        })
        .collect()
}

fn drain(results: QueryResults<'_>) -> Result<usize, QueryError> {
    match results {
        QueryResults::Solutions(solutions) => {
            let mut count = 0;
            for solution in solutions {
                solution?;
                count += 1;
            }
            Ok(count)
        }
        QueryResults::Boolean(_) => Ok(1),
        QueryResults::Graph(triples) => triples.map(|t| t.map(|_| 1)).sum(),
    }
}

#[test]
fn explain_names_join_algorithms_and_estimates() {
    let store = store_with(400);
    let snapshot = store.snapshot().expect("snapshot");
    let query = PreparedQuery::parse(
        "SELECT * WHERE { ?a <http://e/p0> ?b . ?b <http://e/p1> ?c . ?c <http://e/p2> ?d . ?d <http://e/p3> ?e }",
        None,
    )
    .expect("parse");
    let execution = query
        .bind(&snapshot, &QueryOptions::default())
        .expect("plan");
    let plan = execution.explain().expect("explain");
    let text = plan.to_text();
    println!("{text}");
    assert_eq!(
        text.matches("Join [index nested-loop join").count(),
        3,
        "{text}"
    );
    assert_eq!(text.matches("QuadPattern").count(), 4, "{text}");
    assert!(
        text.contains("estimated rows: 100"),
        "the p0 pattern estimates its 100 quads: {text}"
    );
    let json = plan.to_json();
    assert!(
        json.starts_with("{\"operator\":\"Project\"") && json.contains("\"estimatedRows\":"),
        "{json}"
    );
}

#[test]
fn explain_analyze_measures_each_operator() {
    let store = Store::open(MemoryBackend::new()).expect("store");
    let data: String = (0..60)
        .map(|i| format!("<http://e/s{i}> <http://e/label> \"s{i}\" ; <http://e/num> {i} .\n"))
        .collect();
    store
        .load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())
        .expect("load");
    store.analyze().expect("analyze");
    let snapshot = store.snapshot().expect("snapshot");
    let text = "SELECT ?s ?l WHERE { ?s <http://e/label> ?l . ?s <http://e/num> ?n FILTER(?n < 3) } ORDER BY ?l";
    let query = PreparedQuery::parse(text, None).expect("parse");
    let execution = query
        .bind(&snapshot, &QueryOptions::default())
        .expect("plan");
    let plain = execution.explain().expect("explain").to_text();
    assert!(!plain.contains("actual rows"), "{plain}");
    let analyzed = execution.analyze().expect("analyze");
    let text = analyzed.to_text();
    let actual = analyzed.actual.expect("the root ran");
    assert_eq!((actual.rows, actual.loops), (3, 1), "{text}");
    // The filter sits on the numeric pattern: 60 rows in, 3 out, as estimated from the
    // statistics (60 quads) and a range's share (a third).
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(needle))
            .unwrap_or_else(|| panic!("no {needle} in {text}"))
            .to_owned()
    };
    let filter = line("Filter");
    assert!(
        filter.contains("estimated rows: 20, actual rows: 3, loops: 1"),
        "{text}"
    );
    // The range FILTER is a key range on the pattern's object: it reads the integers up to 3
    // (0 to 3: the end is inclusive, the FILTER drops 3), not all 60.
    let first = text
        .lines()
        .find(|l| l.contains("http://e/num"))
        .expect(&text);
    assert!(
        first.contains("(key range on the object)")
            && first.contains("estimated rows: 60, actual rows: 4, loops: 1"),
        "{text}"
    );
    assert!(line("Join").contains("actual rows: 3, loops: 1"), "{text}");
    let json = analyzed.to_json();
    assert!(
        json.starts_with("{\"operator\":\"Project\",\"detail\":\"?s ?l\",\"estimatedRows\":20,\"actualRows\":3,\"loops\":1,"),
        "{json}"
    );
    // Analyzing leaves the execution usable: the results are the same afterwards.
    let QueryResults::Solutions(solutions) = execution.results().expect("run") else {
        panic!("not solutions");
    };
    assert_eq!(solutions.count(), 3);
}

#[test]
fn timeout_stops_a_runaway_query_and_the_store_keeps_answering() {
    let store = store_with(3_000);
    let snapshot = store.snapshot().expect("snapshot");
    // A triple cross product: 2.7e10 rows, far beyond any timeout.
    let query = PreparedQuery::parse("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", None)
        .expect("parse");
    let timeout = Duration::from_millis(300);
    let options = QueryOptions {
        timeout: Some(timeout),
        ..QueryOptions::default()
    };
    let started = Instant::now();
    let execution = query.bind(&snapshot, &options).expect("plan");
    let outcome = execution.results().and_then(drain);
    let elapsed = started.elapsed();
    assert!(matches!(outcome, Err(QueryError::Timeout)), "{outcome:?}");
    // Without the timeout the query would run for hours; a busy machine may add seconds of
    // scheduling delay, never hours.
    assert!(
        elapsed < timeout + Duration::from_secs(30),
        "stopped after {elapsed:?}, long past the {timeout:?} timeout"
    );
    let count = PreparedQuery::parse("SELECT * WHERE { <http://e/s1> ?p ?o }", None)
        .expect("parse")
        .bind(&snapshot, &QueryOptions::default())
        .expect("plan")
        .results()
        .and_then(drain)
        .expect("the store still answers");
    assert_eq!(count, 30);
}

#[test]
fn cancellation_token_stops_a_query() {
    let store = store_with(1_000);
    let snapshot = store.snapshot().expect("snapshot");
    let token = CancellationToken::new();
    let options = QueryOptions {
        cancellation: token.clone(),
        ..QueryOptions::default()
    };
    let query =
        PreparedQuery::parse("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", None).expect("parse");
    let execution = query.bind(&snapshot, &options).expect("plan");
    token.cancel();
    let outcome = execution.results().and_then(drain);
    assert!(matches!(outcome, Err(QueryError::Cancelled)), "{outcome:?}");
}

#[test]
fn syntax_errors_name_the_position() {
    let error = PreparedQuery::parse("SELECT * WHERE { ?s ?p }", None).expect_err("invalid query");
    assert!(error.to_string().contains("1:"), "{error}");
}

#[test]
fn prepared_query_runs_with_bound_variables() {
    let store = store_with(400);
    let snapshot = store.snapshot().expect("snapshot");
    let query =
        PreparedQuery::parse("SELECT ?o WHERE { ?s <http://e/p0> ?o }", None).expect("parse");
    let subject = oxrdf::Variable::new_unchecked("s");
    for (value, expected) in [
        ("http://e/s0", 4),
        ("http://e/s1", 0),
        ("http://e/nobody", 0),
    ] {
        let bindings = [(
            subject.clone(),
            oxrdf::NamedNode::new_unchecked(value).into(),
        )];
        let count = query
            .bind_with(&snapshot, &QueryOptions::default(), &bindings)
            .expect("plan")
            .results()
            .and_then(drain)
            .expect("run");
        assert_eq!(count, expected, "?s = <{value}>");
    }
}

#[test]
fn custom_functions_are_called_by_iri() {
    let store = store_with(10);
    let snapshot = store.snapshot().expect("snapshot");
    let shout = oxrdf::NamedNode::new_unchecked("http://example.com/fn#shout");
    let options = QueryOptions::default().with_custom_function(shout, |args| match args {
        [oxrdf::Term::NamedNode(node)] => {
            Some(oxrdf::Literal::new_simple_literal(node.as_str().to_uppercase()).into())
        }
        _ => None,
    });
    let query = PreparedQuery::parse(
        "SELECT ?x WHERE { <http://e/s1> ?p ?o BIND(<http://example.com/fn#shout>(?o) AS ?x) }",
        None,
    )
    .expect("parse");
    let execution = query.bind(&snapshot, &options).expect("plan");
    let QueryResults::Solutions(solutions) = execution.results().expect("run") else {
        panic!("not solutions");
    };
    let values: Vec<String> = solutions
        .map(|s| {
            s.expect("solution")
                .get("x")
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(values, ["\"HTTP://E/O1\""]);
    let unknown = PreparedQuery::parse(
        "SELECT * WHERE { BIND(<http://example.com/nope>(1) AS ?x) }",
        None,
    )
    .expect("parse")
    .bind(&snapshot, &QueryOptions::default());
    assert!(matches!(unknown, Err(QueryError::Unsupported(_))));
}

#[test]
fn memory_hungry_operators_stop_at_the_row_limit() {
    let store = store_with(3_000);
    let snapshot = store.snapshot().expect("snapshot");
    let options = QueryOptions {
        max_rows_in_memory: Some(500),
        ..QueryOptions::default()
    };
    for text in [
        "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o",
        // Counting holds one counter per group, so it is the number of groups that hits the limit.
        "SELECT ?s ?o (COUNT(*) AS ?c) WHERE { ?s ?p ?o } GROUP BY ?s ?o",
        // Other aggregates hold the groups' rows.
        "SELECT ?s (SAMPLE(?o) AS ?c) WHERE { ?s ?p ?o } GROUP BY ?s",
        "SELECT DISTINCT ?s ?o WHERE { ?s ?p ?o . ?x ?y ?z }",
        "SELECT * WHERE { ?s ?p ?o MINUS { ?s ?q ?z FILTER(?z != <http://e/o1>) } }",
    ] {
        let outcome = PreparedQuery::parse(text, None)
            .expect("parse")
            .bind(&snapshot, &options)
            .expect("plan")
            .results()
            .and_then(drain);
        assert!(
            matches!(outcome, Err(QueryError::LimitExceeded { limit: 500, .. })),
            "{text}: {outcome:?}"
        );
    }
    let small = PreparedQuery::parse("SELECT * WHERE { <http://e/s1> ?p ?o } ORDER BY ?o", None)
        .expect("parse")
        .bind(&snapshot, &options)
        .expect("plan")
        .results()
        .and_then(drain)
        .expect("a small sort stays within the limit");
    assert_eq!(small, 30);
}

/// Filters decide comparisons of inline numbers on their ids; numbers kept in the dictionary
/// (non-canonical forms, doubles) take the general path. Mixed, they must agree by value.
#[test]
fn numeric_filters_agree_on_inline_and_dictionary_numbers() {
    let store = Store::open(MemoryBackend::new()).expect("store");
    let data = r#"
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <http://e/a> <http://e/v> 9 .
        <http://e/b> <http://e/v> "09"^^xsd:integer .
        <http://e/c> <http://e/v> "1e1"^^xsd:double .
        <http://e/d> <http://e/v> 10.5 .
        <http://e/e> <http://e/v> "x" .
        <http://e/f> <http://e/v> 9223372036854775807 .
        <http://e/g> <http://e/v> "2008-06-21T00:00:00Z"^^xsd:dateTime .
        <http://e/h> <http://e/v> "2008-06-19T00:00:00"^^xsd:dateTime .
        <http://e/i> <http://e/v> "2008-06-22T00:00:00.0Z"^^xsd:dateTime .
        <http://e/j> <http://e/v> "2008-06-23"^^xsd:date .
    "#;
    store
        .load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())
        .expect("load");
    let snapshot = store.snapshot().expect("snapshot");
    let subjects = |filter: &str| -> Vec<String> {
        let text = format!(
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> \
             SELECT ?s WHERE {{ ?s <http://e/v> ?v FILTER({filter}) }} ORDER BY ?s"
        );
        subject_names(&snapshot, &text)
    };
    assert_eq!(subjects("?v > 8 && ?v < 10.6"), ["a", "b", "c", "d"]);
    assert_eq!(subjects("?v + 1 = 10"), ["a", "b"]);
    assert_eq!(subjects("!(?v < 10)"), ["c", "d", "f"]);
    // Overflow is an error: `error || false` drops the row, `error || true` keeps it.
    assert_eq!(subjects("?v * 2 > 20 || ?v = \"x\""), ["d", "e"]);
    // Date-times compare by value, inline or not; a date is another type, an error here.
    assert_eq!(
        subjects("?v > \"2008-06-20T00:00:00Z\"^^xsd:dateTime"),
        ["g", "i"]
    );
    assert_eq!(subjects("?v <= \"2008-06-23\"^^xsd:date"), ["j"]);
    // Overflow is an error, so the row is dropped, never wrapped around.
    assert_eq!(subjects("?v + 1 > 0"), ["a", "b", "c", "d"]);
}

#[test]
fn filters_run_where_their_variables_are_bound() {
    let store = Store::open(MemoryBackend::new()).expect("store");
    let data = r#"
        <http://e/a> <http://e/p> 1 ; <http://e/q> 10 ; <http://e/r> "x" .
        <http://e/b> <http://e/p> 2 ; <http://e/q> 3 .
        <http://e/c> <http://e/p> "two" ; <http://e/q> 4 ; <http://e/r> "y" .
        <http://e/d> <http://e/p> 5 ; <http://e/q> 1 ; <http://e/r> "z" .
    "#;
    store
        .load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())
        .expect("load");
    store.analyze().expect("analyze");
    let snapshot = store.snapshot().expect("snapshot");
    // `?a > 1` errors on "two" and is false on 1; `?b < 5` reads the second pattern's variable;
    // EXISTS must see the whole row and stays on top.
    let text = "SELECT ?s WHERE { ?s <http://e/p> ?a . ?s <http://e/q> ?b \
                FILTER(?a > 1 && ?b < 5 && EXISTS { ?s <http://e/r> ?c }) }";
    let query = PreparedQuery::parse(text, None).expect("parse");
    let execution = query
        .bind(&snapshot, &QueryOptions::default())
        .expect("plan");
    let plan = execution.explain().expect("explain").to_text();
    let QueryResults::Solutions(solutions) = execution.results().expect("run") else {
        panic!("not solutions");
    };
    let subjects: Vec<String> = solutions
        .map(|s| {
            s.expect("row")
                .get("s")
                .map(ToString::to_string)
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(subjects, vec!["<http://e/d>".to_owned()], "{plan}");
    // One conjunct sits on a single pattern, below the join; the EXISTS one above it.
    let lines: Vec<&str> = plan.lines().collect();
    let join = lines
        .iter()
        .position(|l| l.trim_start().starts_with("Join"))
        .expect(&plan);
    let filters: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("Filter"))
        .map(|(i, _)| i)
        .collect();
    assert!(
        filters.iter().any(|i| *i < join) && filters.iter().any(|i| *i > join),
        "a filter above the join and one below it:\n{plan}"
    );
}

#[test]
fn selective_filters_pull_their_patterns_forward() {
    let store = Store::open(MemoryBackend::new()).expect("store");
    let data: String = (0..60)
        .map(|i| format!("<http://e/s{i}> <http://e/label> \"s{i}\" ; <http://e/num> {i} .\n"))
        .collect();
    store
        .load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())
        .expect("load");
    store.analyze().expect("analyze");
    let snapshot = store.snapshot().expect("snapshot");
    // Both patterns match once per subject; only the FILTER on ?n tells them apart, so the
    // pattern binding ?n goes first and the labels are looked up for the few rows left.
    let text =
        "SELECT ?s ?l WHERE { ?s <http://e/label> ?l . ?s <http://e/num> ?n FILTER(?n < 3) }";
    let query = PreparedQuery::parse(text, None).expect("parse");
    let execution = query
        .bind(&snapshot, &QueryOptions::default())
        .expect("plan");
    let plan = execution.explain().expect("explain").to_text();
    let line = |needle: &str| plan.lines().position(|l| l.contains(needle)).expect(&plan);
    assert!(line("http://e/num") < line("http://e/label"), "{plan}");
    let QueryResults::Solutions(solutions) = execution.results().expect("run") else {
        panic!("not solutions");
    };
    assert_eq!(solutions.count(), 3, "{plan}");
}

#[test]
fn order_by_on_inline_numbers_sorts_by_value() {
    let store = Store::open(MemoryBackend::new()).expect("store");
    let data = r#"
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <http://e/i1> <http://e/int> -5 . <http://e/i2> <http://e/int> 10 .
        <http://e/i3> <http://e/int> 0 . <http://e/i4> <http://e/int> -1 .
        <http://e/i5> <http://e/int> 1000000 . <http://e/i6> <http://e/int> 3 .
        <http://e/d1> <http://e/dec> 3.75 . <http://e/d2> <http://e/dec> -2.5 .
        <http://e/d3> <http://e/dec> 0.25 . <http://e/d4> <http://e/dec> -0.5 .
        <http://e/m1> <http://e/mix> 2 . <http://e/m2> <http://e/mix> 1.5 .
        <http://e/m3> <http://e/mix> "09"^^xsd:integer . <http://e/m4> <http://e/mix> -3 .
    "#;
    store
        .load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())
        .expect("load");
    let snapshot = store.snapshot().expect("snapshot");
    let sorted = |predicate: &str, order: &str, limit: &str| -> Vec<String> {
        let text = format!(
            "SELECT ?s WHERE {{ ?s <http://e/{predicate}> ?v }} ORDER BY {order}(?v) {limit}"
        );
        subject_names(&snapshot, &text)
    };
    assert_eq!(
        sorted("int", "ASC", ""),
        ["i1", "i4", "i3", "i6", "i2", "i5"]
    );
    assert_eq!(sorted("int", "DESC", "LIMIT 2"), ["i5", "i2"]);
    assert_eq!(sorted("dec", "ASC", ""), ["d2", "d4", "d3", "d1"]);
    assert_eq!(sorted("dec", "DESC", "LIMIT 3"), ["d1", "d3", "d4"]);
    // Integers, a decimal and a non-canonical integer kept in the dictionary: sorted by value.
    assert_eq!(sorted("mix", "ASC", ""), ["m4", "m2", "m1", "m3"]);
    assert_eq!(sorted("mix", "DESC", "LIMIT 1"), ["m3"]);
}

#[test]
fn the_query_cache_keeps_recent_texts_per_base() {
    let cache = trine_core::sparql::QueryCache::new(2);
    for text in ["ASK { ?a ?b ?c }", "ASK {}", "ASK { ?a ?b ?c }"] {
        cache.parse(text, None).expect("parse");
    }
    assert_eq!((cache.hits(), cache.misses()), (1, 2));
    // A third text evicts the least recently used ("ASK {}"); another base is another entry.
    cache.parse("SELECT * {}", None).expect("parse");
    cache.parse("ASK {}", None).expect("parse");
    cache
        .parse("ASK { ?a ?b ?c }", Some("http://e/"))
        .expect("parse");
    assert_eq!((cache.hits(), cache.misses()), (1, 5));
    // Errors are not kept.
    assert!(cache.parse("ASK {", None).is_err());
    assert!(cache.parse("ASK {", None).is_err());
    assert_eq!((cache.hits(), cache.misses()), (1, 7));
}
