//! Admission limits: concurrent queries beyond the maximum get 503 with `Retry-After`, clients
//! past their request rate get 429; neither waits in a queue.

use std::time::{Duration, Instant};

use crate::support::{TestServer, encode};

/// A query that runs until the engine's timeout stops it (a three-way cross product).
const SLOW: &str = "ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c + ?f + ?i < 0) }";

#[test]
fn queries_past_the_maximum_get_503() {
    let server = TestServer::start(|config, server| {
        config.query_timeout = Some(Duration::from_secs(3));
        server.timeout = Some(Duration::from_secs(3));
        server.limits.max_concurrent_queries = Some(1);
    });
    let mut triples = String::from("INSERT DATA {");
    for i in 0..500 {
        triples.push_str(&format!(" <http://e/s{i}> <http://e/p> {i} ."));
    }
    triples.push('}');
    server.update(&triples);
    let addr = server.addr;
    let slow = std::thread::spawn(move || {
        crate::support::request(
            addr,
            "GET",
            &format!("/query?query={}", encode(SLOW)),
            &[],
            b"",
        )
    });
    // Wait (bounded) until the slow query holds the only place.
    let mut running = false;
    for _ in 0..200 {
        if server
            .get("/metrics", &[])
            .body
            .contains("trine_queries_running 1\n")
        {
            running = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(running, "the slow query never started");
    let quick = format!("/query?query={}", encode("ASK {}"));
    let started = Instant::now();
    let response = server.get(&quick, &[]);
    let refused = (response.status == 503).then_some(response);
    let Some(refused) = refused else {
        let slow = slow.join().expect("the slow query's thread");
        panic!(
            "no query refused while the slow one ran ({:?}); the slow one got {}: {}",
            started.elapsed(),
            slow.status,
            slow.body
        )
    };
    assert_eq!(refused.json()["code"], "overloaded");
    assert_eq!(refused.header("retry-after"), Some("1"));
    // Refused at once, not queued behind the slow query.
    assert!(started.elapsed() < Duration::from_secs(3));
    let graph_read = server.get("/store?default", &[]);
    assert_eq!(graph_read.status, 503, "{}", graph_read.body);
    let metrics = server.get("/metrics", &[]);
    assert!(
        metrics.body.contains("trine_queries_running 1\n"),
        "{}",
        metrics.body
    );
    assert!(metrics.body.contains("trine_queries_max 1\n"));
    assert!(
        metrics
            .body
            .contains("trine_errors_total{code=\"overloaded\"}")
    );
    let slow = slow.join().expect("the slow query's thread");
    assert_eq!(slow.status, 503, "{}", slow.body);
    assert_eq!(slow.json()["code"], "timeout");
    // Once the worker has stopped, queries are admitted again.
    let mut admitted = false;
    for _ in 0..100 {
        if server.get(&quick, &[]).status == 200 {
            admitted = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(admitted, "no query admitted after the slow one stopped");
}

#[test]
fn clients_past_their_rate_get_429() {
    let server = TestServer::start(|_, server| {
        server.limits.requests_per_second_per_ip = Some(5);
    });
    let quick = format!("/query?query={}", encode("ASK {}"));
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..30 {
        let response = server.get(&quick, &[]);
        statuses.push(response.status);
        if response.status == 429 {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.unwrap_or_else(|| panic!("never limited: {statuses:?}"));
    assert!(statuses.len() > 5, "limited too early: {statuses:?}");
    assert!(statuses[..5].iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(limited.json()["code"], "rate_limited");
    let retry: u64 = limited
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=2).contains(&retry));
    // Probes and scrapes are never limited.
    assert_eq!(server.get("/health/live", &[]).status, 200);
    let metrics = server.get("/metrics", &[]);
    assert!(
        metrics
            .body
            .contains("trine_requests_rate_limited_total 1\n"),
        "{}",
        metrics.body
    );
    std::thread::sleep(Duration::from_secs(retry));
    assert_eq!(server.get(&quick, &[]).status, 200);
}

#[test]
fn no_limits_by_default() {
    let server = TestServer::start(|_, _| {});
    let quick = format!("/query?query={}", encode("ASK {}"));
    for _ in 0..50 {
        assert_eq!(server.get(&quick, &[]).status, 200);
    }
}
