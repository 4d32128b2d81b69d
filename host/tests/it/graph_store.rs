//! The Graph Store Protocol on `/store`: what the W3C manifests (`w3c_graph_store.rs`) leave
//! open: errors and their statuses, atomic writes, the dataset as a whole, the write guards.

use crate::support::{Response, TestServer, encode, request};

const TURTLE: &str = "text/turtle";
const PERSON: &str = "@prefix ex: <http://example.com/> . ex:alice ex:name \"Alice\" ; ex:age 42 .";

fn store_path(graph: &str) -> String {
    format!("/store?graph={}", encode(graph))
}

fn send(
    server: &TestServer,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    request(server.addr, method, path, headers, body.as_bytes())
}

#[test]
fn put_creates_then_replaces() {
    let server = TestServer::start(|_, _| {});
    let path = store_path("http://example.com/g");
    let created = send(&server, "PUT", &path, &[("Content-Type", TURTLE)], PERSON);
    assert_eq!(created.status, 201, "{}", created.body);
    let replaced = send(
        &server,
        "PUT",
        &path,
        &[("Content-Type", "application/n-triples")],
        "<http://example.com/bob> <http://example.com/name> \"Bob\" .\n",
    );
    assert_eq!(replaced.status, 204, "{}", replaced.body);
    let got = server.get(&path, &[("Accept", "application/n-triples")]);
    assert_eq!(got.status, 200);
    assert!(
        got.header("content-type")
            .is_some_and(|v| v.starts_with("application/n-triples"))
    );
    assert!(
        got.body.contains("bob") && !got.body.contains("alice"),
        "{}",
        got.body
    );
    let merged = send(&server, "POST", &path, &[("Content-Type", TURTLE)], PERSON);
    assert_eq!(merged.status, 204, "{}", merged.body);
    let got = server.get(&path, &[]);
    assert!(
        got.header("content-type")
            .is_some_and(|v| v.starts_with("text/turtle"))
    );
    assert!(
        got.body.contains("bob") && got.body.contains("alice"),
        "{}",
        got.body
    );
    let dataset = server.get("/store", &[]);
    assert!(
        dataset
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/n-quads"))
    );
    assert_eq!(dataset.body.lines().count(), 3, "{}", dataset.body);
    assert!(dataset.body.contains("<http://example.com/g> ."));
    let metrics = server.get("/metrics", &[]);
    // Two quads in the first PUT, one in the second, two in the POST.
    assert!(
        metrics.body.contains("trine_graph_store_quads_total 5\n"),
        "{}",
        metrics.body
    );
    assert!(
        metrics
            .body
            .contains("trine_graph_store_duration_seconds_count{method=\"PUT\"} 2\n")
    );
}

#[test]
fn bad_rdf_is_400_with_its_position_and_changes_nothing() {
    let server = TestServer::start(|_, _| {});
    let path = store_path("http://example.com/g");
    let created = send(&server, "PUT", &path, &[("Content-Type", TURTLE)], PERSON);
    assert_eq!(created.status, 201);
    let bad = "<http://example.com/s> <http://example.com/p> <http://example.com/o> .\n<http://e/s> <http://e/p> .\n";
    for method in ["PUT", "POST"] {
        let response = send(&server, method, &path, &[("Content-Type", TURTLE)], bad);
        assert_eq!(response.status, 400, "{}", response.body);
        let json = response.json();
        assert_eq!(json["code"], "rdf_syntax");
        assert!(
            json["message"]
                .as_str()
                .is_some_and(|m| m.contains("line 2")),
            "{json}"
        );
    }
    let got = server.get(&path, &[("Accept", "application/n-triples")]);
    assert_eq!(got.body.lines().count(), 2, "{}", got.body);
    assert!(!got.body.contains("http://example.com/o"));
    // A failed PUT of a new graph does not create it either.
    let missing = store_path("http://example.com/new");
    let response = send(&server, "PUT", &missing, &[("Content-Type", TURTLE)], bad);
    assert_eq!(response.status, 400);
    assert_eq!(server.get(&missing, &[]).status, 404);
}

#[test]
fn media_types_and_missing_graphs() {
    let server = TestServer::start(|_, _| {});
    let path = store_path("http://example.com/g");
    let unknown = send(&server, "PUT", &path, &[("Content-Type", "image/png")], "x");
    assert_eq!(unknown.status, 415);
    assert_eq!(unknown.json()["code"], "unsupported_media_type");
    let none = send(&server, "PUT", &path, &[], PERSON);
    assert_eq!(none.status, 415);
    assert_eq!(server.get(&path, &[]).status, 404);
    assert_eq!(send(&server, "HEAD", &path, &[], "").status, 404);
    assert_eq!(send(&server, "DELETE", &path, &[], "").status, 404);
    let both = server.get("/store?default&graph=http%3A%2F%2Fe%2Fg", &[]);
    assert_eq!(both.status, 400);
    let relative = server.get("/store?graph=g", &[]);
    assert_eq!(relative.status, 400);
    // The default graph always exists.
    assert_eq!(server.get("/store?default", &[]).status, 200);
    assert_eq!(
        send(&server, "DELETE", "/store?default", &[], "").status,
        204
    );
    let not_acceptable = server.get("/store", &[("Accept", "text/turtle")]);
    assert_eq!(not_acceptable.status, 406);
    let wrong_graph = send(
        &server,
        "PUT",
        &path,
        &[("Content-Type", "application/n-quads")],
        "<http://e/s> <http://e/p> <http://e/o> <http://e/other> .\n",
    );
    assert_eq!(wrong_graph.status, 400, "{}", wrong_graph.body);
    let patch = send(&server, "PATCH", &path, &[], "");
    assert_eq!(patch.status, 405);
}

#[test]
fn the_dataset_can_be_replaced_and_added_to() {
    let server = TestServer::start(|_, _| {});
    server.update(crate::support::DATA);
    let nquads = "<http://e/s> <http://e/p> <http://e/o> <http://e/g1> .\n<http://e/s> <http://e/p> <http://e/o> .\n";
    let put = send(
        &server,
        "PUT",
        "/store",
        &[("Content-Type", "application/n-quads")],
        nquads,
    );
    assert_eq!(put.status, 204, "{}", put.body);
    let dataset = server.get("/store", &[("Accept", "application/n-quads")]);
    assert_eq!(dataset.body.lines().count(), 2, "{}", dataset.body);
    let trig = "<http://e/g2> { <http://e/s> <http://e/p> 1 }";
    let post = send(
        &server,
        "POST",
        "/store",
        &[("Content-Type", "application/trig")],
        trig,
    );
    assert_eq!(post.status, 204, "{}", post.body);
    let dataset = server.get("/store", &[("Accept", "application/trig")]);
    assert!(
        dataset
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/trig"))
    );
    assert!(dataset.body.contains("http://e/g2"), "{}", dataset.body);
    let put_graph_syntax = send(
        &server,
        "PUT",
        "/store",
        &[("Content-Type", TURTLE)],
        PERSON,
    );
    assert_eq!(put_graph_syntax.status, 400);
    assert_eq!(send(&server, "DELETE", "/store", &[], "").status, 400);
}

#[test]
fn writes_are_guarded() {
    let server = TestServer::start(|_, server| server.token = Some("s3cret".into()));
    let path = store_path("http://example.com/g");
    let anonymous = send(&server, "PUT", &path, &[("Content-Type", TURTLE)], PERSON);
    assert_eq!(anonymous.status, 401);
    let delete = send(&server, "DELETE", "/store?default", &[], "");
    assert_eq!(delete.status, 401);
    let allowed = send(
        &server,
        "PUT",
        &path,
        &[("Content-Type", TURTLE), ("Authorization", "Bearer s3cret")],
        PERSON,
    );
    assert_eq!(allowed.status, 201, "{}", allowed.body);
    assert_eq!(server.get(&path, &[]).status, 200);

    let read_only = TestServer::start(|_, server| server.read_only = true);
    let refused = send(
        &read_only,
        "POST",
        &path,
        &[("Content-Type", TURTLE)],
        PERSON,
    );
    assert_eq!(refused.status, 403);
    assert_eq!(refused.json()["code"], "read_only");
    assert_eq!(read_only.get("/store?default", &[]).status, 200);
}

#[test]
fn oversized_uploads_are_413() {
    let server = TestServer::start(|_, server| server.max_body_bytes = 256);
    let big = format!("{PERSON} # {}", "x".repeat(1000));
    let response = send(
        &server,
        "PUT",
        "/store?default",
        &[("Content-Type", TURTLE)],
        &big,
    );
    assert_eq!(response.status, 413);
}

#[test]
fn large_reads_stream() {
    let server = TestServer::start(|_, _| {});
    let mut nquads = String::new();
    for i in 0..20_000 {
        nquads.push_str(&format!(
            "<http://e/s{i}> <http://e/p> \"{i}\" <http://e/g{}> .\n",
            i % 3
        ));
    }
    let put = send(
        &server,
        "PUT",
        "/store",
        &[("Content-Type", "application/n-quads")],
        &nquads,
    );
    assert_eq!(put.status, 204, "{}", put.body);
    let dataset = server.get("/store", &[]);
    assert_eq!(dataset.status, 200);
    assert_eq!(dataset.header("transfer-encoding"), Some("chunked"));
    assert_eq!(dataset.body.lines().count(), 20_000);
    let graph = server.get(
        &store_path("http://e/g1"),
        &[("Accept", "application/n-triples")],
    );
    assert_eq!(graph.body.lines().count(), 6_667);
    let head = send(&server, "HEAD", &store_path("http://e/g1"), &[], "");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}
