//! Reasoning through the host: `trine materialize` then `trine query` on a RocksDB directory, and
//! a server with `--reasoning owl2rl` whose closure follows every update.

use std::path::Path;
use std::process::{Command, Output};

use trine_core::reasoner::Profile;

use crate::support::{TestServer, encode};

fn trine(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trine"))
        .args(args)
        .env_remove("TRINE_PRESET")
        .env_remove("TRINE_REASONING")
        .output()
        .expect("run trine")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

const SCHEMA: &str = "@prefix ex: <http://example.com/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:Cat rdfs:subClassOf ex:Animal .
ex:Animal rdfs:subClassOf ex:LivingThing .
ex:tom a ex:Cat .
";

#[test]
fn materialize_then_query_on_rocksdb() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let data = dir.path().join("data.ttl");
    std::fs::write(&data, SCHEMA).expect("write data");
    let loaded = trine(&["load", "--location", path(&db), "--file", path(&data)]);
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let ask = "ASK { <http://example.com/tom> a <http://example.com/LivingThing> }";
    let before = trine(&["query", "--location", path(&db), "--query", ask]);
    assert!(String::from_utf8_lossy(&before.stdout).contains("false"));

    let materialized = trine(&[
        "materialize",
        "--location",
        path(&db),
        "--profile",
        "owl2rl",
    ]);
    assert!(
        materialized.status.success(),
        "{}",
        String::from_utf8_lossy(&materialized.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&materialized.stdout).expect("a JSON report");
    assert_eq!(report["profile"], "owl2rl");
    assert!(
        report["inferred_quads"].as_u64().is_some_and(|n| n > 0),
        "{report}"
    );

    let after = trine(&["query", "--location", path(&db), "--query", ask]);
    assert!(String::from_utf8_lossy(&after.stdout).contains("true"));
    // Explicit triples only: the inferred type is left out.
    let explicit = trine(&[
        "query",
        "--location",
        path(&db),
        "--explicit-only",
        "--query",
        ask,
    ]);
    assert!(String::from_utf8_lossy(&explicit.stdout).contains("false"));
    // The profile is kept: an update through the CLI is maintained.
    let update = "INSERT DATA { <http://example.com/felix> a <http://example.com/Cat> }";
    assert!(
        trine(&["update", "--location", path(&db), "--update", update])
            .status
            .success()
    );
    let felix = "ASK { <http://example.com/felix> a <http://example.com/LivingThing> }";
    let answer = trine(&["query", "--location", path(&db), "--query", felix]);
    assert!(String::from_utf8_lossy(&answer.stdout).contains("true"));
    let all = trine(&["dump", "--location", path(&db), "--format", "nt"]);
    let explicit = trine(&[
        "dump",
        "--location",
        path(&db),
        "--format",
        "nt",
        "--explicit-only",
    ]);
    assert_eq!(String::from_utf8_lossy(&explicit.stdout).lines().count(), 4);
    assert!(String::from_utf8_lossy(&all.stdout).lines().count() > 4);
    let stats = trine(&["stats", "--location", path(&db)]);
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats JSON");
    assert_eq!(stats["reasoning"]["profile"], "owl2rl", "{stats}");

    // Inconsistent data: a non-zero exit naming the rule and the triples.
    let clash = "PREFIX ex: <http://example.com/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
        INSERT DATA { ex:Cat owl:disjointWith ex:Dog . ex:tom a ex:Dog }";
    assert!(
        trine(&["update", "--location", path(&db), "--update", clash])
            .status
            .success()
    );
    let checked = trine(&["materialize", "--location", path(&db)]);
    assert!(!checked.status.success());
    assert!(String::from_utf8_lossy(&checked.stdout).contains("cax-dw"));
    let verified = trine(&["verify", "--location", path(&db)]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
}

fn ask(server: &TestServer, query: &str) -> bool {
    let response = server.get(
        &format!("/query?query={}", encode(query)),
        &[("Accept", "application/sparql-results+json")],
    );
    assert_eq!(response.status, 200, "{}", response.body);
    response.json()["boolean"].as_bool().expect("a boolean")
}

#[test]
fn server_keeps_the_closure_on_every_update() {
    let server = TestServer::start(|config, _| config.reasoning = Some(Profile::Owl2Rl));
    server.update(
        "PREFIX ex: <http://example.com/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
         INSERT DATA { ex:Cat rdfs:subClassOf ex:Animal }",
    );
    let is_animal = "ASK { <http://example.com/tom> a <http://example.com/Animal> }";
    assert!(!ask(&server, is_animal));
    server.update("INSERT DATA { <http://example.com/tom> a <http://example.com/Cat> }");
    assert!(
        ask(&server, is_animal),
        "the superclass answer is visible to the next query"
    );
    let explicit = server.get(
        &format!("/query?explicit-only=true&query={}", encode(is_animal)),
        &[("Accept", "application/sparql-results+json")],
    );
    assert_eq!(explicit.json()["boolean"], false);
    server.update("DELETE DATA { <http://example.com/tom> a <http://example.com/Cat> }");
    assert!(
        !ask(&server, is_animal),
        "the deletion retracts the inferred type"
    );

    // Graph Store writes pass the same door.
    let response = server.post_with(
        "/store?default",
        &[("Content-Type", "application/n-triples")],
        b"<http://example.com/felix> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.com/Cat> .\n",
    );
    assert_eq!(response.status, 204, "{}", response.body);
    assert!(ask(
        &server,
        "ASK { <http://example.com/felix> a <http://example.com/Animal> }"
    ));
    let health = server.get("/health", &[]).json();
    assert_eq!(health["reasoning"]["profile"], "owl2rl", "{health}");
    assert_eq!(health["status"], "healthy");
    server.update(
        "PREFIX ex: <http://example.com/> PREFIX owl: <http://www.w3.org/2002/07/owl#>
         INSERT DATA { ex:Cat owl:disjointWith ex:Dog . ex:rex a ex:Cat , ex:Dog }",
    );
    let health = server.get("/health", &[]).json();
    assert_eq!(health["status"], "degraded", "{health}");
    let report = server.get("/reasoning/inconsistencies", &[]).json();
    assert_eq!(report[0]["rule"], "cax-dw", "{report}");
    let metrics = server.get("/metrics", &[]).body;
    assert!(
        metrics.contains("trine_reasoning_inconsistencies 1"),
        "{metrics}"
    );
    // The inserts, the delete and the Graph Store write were maintained, not recomputed; the
    // first schema insert and the disjointness axiom recomputed.
    let runs = &server.get("/health", &[]).json()["reasoning"]["runs"];
    assert!(runs["maintained"].as_u64() >= Some(3), "{runs}");
    assert!(runs["materializations"].as_u64() >= Some(2), "{runs}");
    assert!(
        metrics.contains("trine_reasoning_runs_total{kind=\"maintain\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("trine_reasoning_quads_total{change=\"added\"}"),
        "{metrics}"
    );
}

#[test]
fn hostile_nesting_is_a_client_error() {
    let server = TestServer::start(|_, _| {});
    let deep = format!(
        "SELECT * WHERE {}{}",
        "{ ".repeat(5_000),
        "} ".repeat(5_000)
    );
    let response = server.post("/query", "application/sparql-query", &deep);
    assert_eq!(response.status, 400, "{}", response.body);
    assert!(
        response.body.contains("sparql_too_deep"),
        "{}",
        response.body
    );
    let update = format!(
        "INSERT {{ <x:a> <x:b> 1 }} WHERE {}{}",
        "{".repeat(5_000),
        "}".repeat(5_000)
    );
    let response = server.post("/update", "application/sparql-update", &update);
    assert_eq!(response.status, 400, "{}", response.body);
    // Still serving.
    assert!(!ask(&server, "ASK { ?s ?p ?o }"));
    // The CLI exits with the error instead of aborting.
    let output = trine(&["query", "--location", "memory:", "--query", &deep]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("sparql_too_deep"));
}
