//! Body limits, read-only mode, bearer tokens, timeouts and CORS.

use crate::support::{DATA, TestServer, encode};

#[test]
fn oversized_bodies_are_413() {
    let server = TestServer::start(|_, server| server.max_body_bytes = 1024);
    let big = format!("ASK {{}} #{}", "x".repeat(4000));
    let response = server.post("/query", "application/sparql-query", &big);
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["code"], "body_too_large");
    let small = server.post("/query", "application/sparql-query", "ASK {}");
    assert_eq!(small.status, 200, "{}", small.body);
}

#[test]
fn read_only_refuses_writes_with_403() {
    let server = TestServer::start(|_, server| server.read_only = true);
    let response = server.post("/update", "application/sparql-update", DATA);
    assert_eq!(response.status, 403);
    assert_eq!(response.json()["code"], "read_only");
    let query = server.get(&format!("/query?query={}", encode("ASK {}")), &[]);
    assert_eq!(query.status, 200);
    let health = server.get("/health", &[]);
    assert_eq!(health.json()["read_only"], true);
}

#[test]
fn writes_need_the_token() {
    let server = TestServer::start(|_, server| server.token = Some("s3cret".into()));
    let anonymous = server.post("/update", "application/sparql-update", DATA);
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json()["code"], "unauthorized");
    assert!(
        anonymous
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer"))
    );
    let wrong = server.post_with(
        "/update",
        &[
            ("Content-Type", "application/sparql-update"),
            ("Authorization", "Bearer nope"),
        ],
        DATA.as_bytes(),
    );
    assert_eq!(wrong.status, 401);
    let right = server.post_with(
        "/update",
        &[
            ("Content-Type", "application/sparql-update"),
            ("Authorization", "Bearer s3cret"),
        ],
        DATA.as_bytes(),
    );
    assert_eq!(right.status, 200, "{}", right.body);
    // Reads stay open.
    let query = server.get(&format!("/query?query={}", encode("ASK { ?s ?p ?o }")), &[]);
    assert_eq!(query.json()["boolean"], true);
}

#[test]
fn slow_queries_time_out_with_503() {
    let server = TestServer::start(|config, server| {
        config.query_timeout = Some(std::time::Duration::from_secs(1));
        server.timeout = Some(std::time::Duration::from_secs(1));
    });
    let mut triples = String::from("INSERT DATA {");
    for i in 0..500 {
        triples.push_str(&format!(" <http://e/s{i}> <http://e/p> {i} ."));
    }
    triples.push('}');
    server.update(&triples);
    let query = "ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c + ?f + ?i < 0) }";
    let started = std::time::Instant::now();
    let response = server.get(&format!("/query?query={}", encode(query)), &[]);
    assert_eq!(response.status, 503, "{}", response.body);
    assert_eq!(response.json()["code"], "timeout");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn cors_when_enabled() {
    let server = TestServer::start(|_, server| server.cors = true);
    let preflight = crate::support::request(
        server.addr,
        "OPTIONS",
        "/query",
        &[
            ("Origin", "http://example.org"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    let query = server.get(&format!("/query?query={}", encode("ASK {}")), &[]);
    assert_eq!(query.header("access-control-allow-origin"), Some("*"));

    let closed = TestServer::start(|_, _| {});
    let query = closed.get(&format!("/query?query={}", encode("ASK {}")), &[]);
    assert_eq!(query.header("access-control-allow-origin"), None);
}
