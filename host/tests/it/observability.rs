//! `/health`, `/metrics` (parsed as Prometheus text) and the query page.

use std::collections::HashMap;

use crate::support::{DATA, TestServer, encode};

#[test]
fn health_reports_its_fields() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let location = dir.path().join("db").display().to_string();
    let server = TestServer::start_at(&location, |_, _| {});
    server.update(DATA);
    let response = server.get("/health", &[]);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let health = response.json();
    assert_eq!(health["status"], "healthy");
    assert_eq!(health["quads"], 3);
    assert_eq!(health["backend"], "rocksdb");
    assert_eq!(health["read_only"], false);
    assert!(health["reasons"].as_array().is_some_and(Vec::is_empty));
    assert!(health["approximate_size_bytes"].is_u64(), "{health}");
    assert!(health["pending_compaction_bytes"].is_u64(), "{health}");
    assert!(health["memory_estimate_bytes"].is_u64(), "{health}");
    let indexes = health["index_sizes"].as_array().expect("index sizes");
    assert!(
        indexes
            .iter()
            .any(|k| k["name"] == "gspo" && k["bytes"].is_u64()),
        "{health}"
    );
    // No server path leaks into the report.
    assert!(!response.body.contains(&location));

    assert_eq!(server.get("/health/live", &[]).status, 200);
    assert_eq!(server.get("/health/ready", &[]).status, 200);

    let memory = TestServer::start(|_, _| {});
    let health = memory.get("/health", &[]).json();
    assert_eq!(health["backend"], "memory");
    assert!(health["pending_compaction_bytes"].is_null());
}

/// One sample of the Prometheus text format.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: HashMap<String, String>,
    value: f64,
}

/// Parses the Prometheus text exposition format (0.0.4), checking what a scraper checks:
/// comment lines are HELP or TYPE, each family is typed before its samples, sample names
/// belong to their family, label sets are well formed and values are numbers.
fn parse_prometheus(text: &str) -> Vec<Sample> {
    let mut types: HashMap<String, String> = HashMap::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            let mut parts = comment.splitn(3, ' ');
            let keyword = parts.next().expect("a keyword");
            let name = parts.next().expect("a metric name");
            let rest = parts.next().expect("HELP text or a TYPE");
            match keyword {
                "HELP" => assert!(!rest.is_empty()),
                "TYPE" => {
                    assert!(
                        ["counter", "gauge", "histogram", "summary", "untyped"].contains(&rest),
                        "bad type in {line}"
                    );
                    assert!(types.insert(name.to_owned(), rest.to_owned()).is_none());
                }
                _ => panic!("unexpected comment {line}"),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a value");
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            other => other
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line}")),
        };
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').expect("closing brace");
                let labels = body
                    .split(',')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (key, quoted) = pair.split_once('=').expect("label=value");
                        let value = quoted
                            .strip_prefix('"')
                            .and_then(|v| v.strip_suffix('"'))
                            .expect("a quoted label value");
                        (key.to_owned(), value.to_owned())
                    })
                    .collect();
                (name, labels)
            }
            None => (series, HashMap::new()),
        };
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad name in {line}"
        );
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                let base = name.strip_suffix(suffix)?;
                (types.get(base).map(String::as_str) == Some("histogram")).then_some(base)
            })
            .unwrap_or(name);
        assert!(types.contains_key(family), "{name} has no TYPE line");
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    samples
}

#[test]
fn metrics_parse_as_prometheus_text() {
    let server = TestServer::start(|_, _| {});
    server.update(DATA);
    for _ in 0..3 {
        let ok = server.get(
            &format!("/query?query={}", encode("SELECT * WHERE { ?s ?p ?o }")),
            &[],
        );
        assert_eq!(ok.status, 200);
    }
    let bad = server.get(&format!("/query?query={}", encode("SELECT nonsense")), &[]);
    assert_eq!(bad.status, 400);

    let response = server.get("/metrics", &[]);
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4"))
    );
    let samples = parse_prometheus(&response.body);
    let find = |name: &str, label: Option<(&str, &str)>| {
        samples
            .iter()
            .find(|s| {
                s.name == name
                    && label.is_none_or(|(k, v)| s.labels.get(k).map(String::as_str) == Some(v))
            })
            .map(|s| s.value)
    };
    assert_eq!(
        find("trine_queries_total", Some(("form", "select"))),
        Some(3.0)
    );
    assert_eq!(find("trine_updates_total", None), Some(1.0));
    assert_eq!(
        find("trine_errors_total", Some(("code", "sparql_syntax"))),
        Some(1.0)
    );
    assert_eq!(find("trine_store_quads", None), Some(3.0));
    assert!(find("trine_memory_estimate_bytes", None).is_some_and(|b| b > 0.0));
    let hits = find(
        "trine_dictionary_cache_hits_total",
        Some(("direction", "id_to_term")),
    );
    let misses = find(
        "trine_dictionary_cache_misses_total",
        Some(("direction", "id_to_term")),
    );
    // Three queries decoded the same terms: the later ones from the cache.
    assert!(hits.is_some_and(|h| h > 0.0), "{hits:?}");
    assert!(misses.is_some(), "{misses:?}");
    // The same text three times: parsed once, then from the parsed-query cache; the syntax
    // error is parsed (and fails) without being kept.
    assert_eq!(find("trine_query_cache_hits_total", None), Some(2.0));
    assert_eq!(find("trine_query_cache_misses_total", None), Some(2.0));
    assert_eq!(
        find(
            "trine_query_duration_seconds_count",
            Some(("form", "select"))
        ),
        Some(3.0)
    );
    // Buckets are cumulative and end at +Inf with the count.
    let buckets: Vec<&Sample> = samples
        .iter()
        .filter(|s| {
            s.name == "trine_query_duration_seconds_bucket"
                && s.labels.get("form").map(String::as_str) == Some("select")
        })
        .collect();
    assert!(buckets.windows(2).all(|w| w[0].value <= w[1].value));
    let last = buckets.last().expect("buckets");
    assert_eq!(last.labels.get("le").map(String::as_str), Some("+Inf"));
    assert_eq!(last.value, 3.0);
    // No result cache unless configured.
    assert_eq!(find("trine_result_cache_hits_total", None), None);
    // The first query was tried on the connection's thread: answered there, or handed over (a
    // debug build may take longer than the moment it is given).
    let inline = find("trine_queries_inline_total", None);
    let handed_over = find("trine_queries_inline_handed_over_total", None);
    assert!(
        inline.zip(handed_over).is_some_and(|(a, b)| a + b >= 1.0),
        "{inline:?} {handed_over:?}"
    );
}

#[test]
fn the_result_cache_answers_repeats_until_a_write() {
    let server = TestServer::start(|config, _| config.result_cache_bytes = 1 << 20);
    server.update(DATA);
    let select = |format: &str| {
        let response = server.get(
            &format!(
                "/query?query={}",
                encode("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s")
            ),
            &[("Accept", format)],
        );
        assert_eq!(response.status, 200, "{}", response.body);
        response.body
    };
    let metric = |name: &str| {
        let samples = parse_prometheus(&server.get("/metrics", &[]).body);
        samples.iter().find(|s| s.name == name).map(|s| s.value)
    };
    let first = select("application/sparql-results+json");
    assert_eq!(select("application/sparql-results+json"), first);
    // Another format is another answer.
    let csv = select("text/csv");
    assert!(csv.starts_with("s\r\n"), "{csv}");
    assert_eq!(metric("trine_result_cache_hits_total"), Some(1.0));
    assert_eq!(metric("trine_result_cache_misses_total"), Some(2.0));
    assert!(metric("trine_result_cache_bytes").is_some_and(|b| b > 0.0));
    // A write makes every kept answer stale: the next one sees it.
    server.update("INSERT DATA { <http://example.com/zed> <http://example.com/p> 1 }");
    let after = select("application/sparql-results+json");
    assert!(after.contains("http://example.com/zed"), "{after}");
    assert_eq!(metric("trine_result_cache_misses_total"), Some(3.0));
    assert_eq!(select("application/sparql-results+json"), after);
    assert_eq!(metric("trine_result_cache_hits_total"), Some(2.0));
}

#[test]
fn the_query_page_is_html() {
    let server = TestServer::start(|_, _| {});
    let page = server.get("/", &[]);
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .is_some_and(|t| t.starts_with("text/html"))
    );
    assert!(page.body.contains("<form"));
}
