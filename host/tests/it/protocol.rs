//! The SPARQL 1.1 Protocol: queries by GET, POST direct and POST form; updates; negotiation;
//! dataset parameters; malformed requests.

use crate::support::{DATA, TestServer, encode};

const SELECT: &str = "SELECT ?who WHERE { ?who <http://example.com/knows> ?x } ORDER BY ?who";

fn server_with_data() -> TestServer {
    let server = TestServer::start(|_, _| {});
    server.update(DATA);
    server
}

fn bindings(response: &crate::support::Response) -> Vec<String> {
    response.json()["results"]["bindings"]
        .as_array()
        .expect("bindings")
        .iter()
        .map(|b| b["who"]["value"].as_str().expect("a value").to_owned())
        .collect()
}

#[test]
fn query_by_get_post_and_form() {
    let server = server_with_data();
    let expected = ["http://example.com/alice", "http://example.com/bob"];

    let get = server.get(&format!("/query?query={}", encode(SELECT)), &[]);
    assert_eq!(get.status, 200, "{}", get.body);
    assert_eq!(
        get.header("content-type"),
        Some("application/sparql-results+json")
    );
    assert_eq!(bindings(&get), expected);

    let direct = server.post("/query", "application/sparql-query", SELECT);
    assert_eq!(direct.status, 200, "{}", direct.body);
    assert_eq!(bindings(&direct), expected);

    let form = server.post(
        "/sparql",
        "application/x-www-form-urlencoded",
        &format!("query={}", encode(SELECT)),
    );
    assert_eq!(form.status, 200, "{}", form.body);
    assert_eq!(bindings(&form), expected);

    let sparql_get = server.get(&format!("/sparql?query={}", encode(SELECT)), &[]);
    assert_eq!(bindings(&sparql_get), expected);

    // Trine's `explain` parameter answers with the plan as JSON; `analyze` runs it first.
    let plan = server.get(
        &format!("/query?query={}&explain=plan", encode(SELECT)),
        &[],
    );
    assert_eq!(plan.status, 200, "{}", plan.body);
    assert_eq!(plan.header("content-type"), Some("application/json"));
    assert!(plan.json()["estimatedRows"].is_number(), "{}", plan.body);
    assert!(plan.json().get("actualRows").is_none(), "{}", plan.body);
    let analyzed = server.post(
        "/query",
        "application/x-www-form-urlencoded",
        &format!("query={}&explain=analyze", encode(SELECT)),
    );
    assert_eq!(analyzed.status, 200, "{}", analyzed.body);
    assert_eq!(analyzed.json()["actualRows"], 2, "{}", analyzed.body);
    assert_eq!(analyzed.json()["loops"], 1, "{}", analyzed.body);
    let bad = server.get(&format!("/query?query={}&explain=all", encode(SELECT)), &[]);
    assert_eq!(bad.status, 400, "{}", bad.body);
}

#[test]
fn results_formats_are_negotiated() {
    let server = server_with_data();
    let path = format!("/query?query={}", encode(SELECT));

    let csv = server.get(&path, &[("Accept", "text/csv")]);
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-type")
            .is_some_and(|t| t.starts_with("text/csv"))
    );
    assert!(csv.body.starts_with("who\r\n"), "{}", csv.body);

    let xml = server.get(&path, &[("Accept", "application/sparql-results+xml")]);
    assert!(xml.body.contains("<sparql"), "{}", xml.body);

    let tsv = server.get(&format!("{path}&format=tsv"), &[("Accept", "text/csv")]);
    assert!(tsv.body.starts_with("?who\n"), "{}", tsv.body);

    let ask = server.get(&format!("/query?query={}", encode("ASK { ?s ?p ?o }")), &[]);
    assert_eq!(ask.json()["boolean"], serde_json::Value::Bool(true));

    let construct = encode("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }");
    let turtle = server.get(
        &format!("/query?query={construct}"),
        &[("Accept", "text/turtle")],
    );
    assert_eq!(turtle.status, 200, "{}", turtle.body);
    assert!(
        turtle
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/turtle"))
    );
    assert!(turtle.body.contains("example.com/bob"));
    let ntriples = server.get(&format!("/query?query={construct}&format=nt"), &[]);
    assert_eq!(ntriples.body.lines().count(), 2, "{}", ntriples.body);

    let refused = server.get(&path, &[("Accept", "text/turtle")]);
    assert_eq!(refused.status, 406);
    assert_eq!(refused.json()["code"], "not_acceptable");
}

#[test]
fn updates_by_direct_post_and_form() {
    let server = TestServer::start(|_, _| {});
    let direct = server.post("/update", "application/sparql-update", DATA);
    assert_eq!(direct.status, 200, "{}", direct.body);
    assert_eq!(direct.json()["inserted"], 3);

    let form = server.post(
        "/sparql",
        "application/x-www-form-urlencoded",
        &format!(
            "update={}",
            encode("DELETE DATA { <http://example.com/alice> <http://example.com/knows> <http://example.com/bob> }")
        ),
    );
    assert_eq!(form.status, 200, "{}", form.body);
    assert_eq!(form.json()["deleted"], 1);

    let ask = server.get(
        &format!(
            "/query?query={}",
            encode("ASK { <http://example.com/alice> ?p ?o }")
        ),
        &[],
    );
    assert_eq!(ask.json()["boolean"], serde_json::Value::Bool(false));
}

#[test]
fn dataset_parameters_replace_the_dataset() {
    let server = server_with_data();
    let query = encode("SELECT ?o WHERE { ?s <http://example.com/age> ?o }");
    let default_only = server.get(&format!("/query?query={query}"), &[]);
    assert!(
        default_only.json()["results"]["bindings"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    let with_graph = server.get(
        &format!(
            "/query?query={query}&default-graph-uri={}",
            encode("http://example.com/g")
        ),
        &[],
    );
    assert_eq!(with_graph.status, 200, "{}", with_graph.body);
    assert_eq!(
        with_graph.json()["results"]["bindings"][0]["o"]["value"],
        "42"
    );
}

#[test]
fn syntax_errors_are_400_with_a_position() {
    let server = TestServer::start(|_, _| {});
    let response = server.get(
        &format!("/query?query={}", encode("SELECT * WHERE { ?s ?p }")),
        &[],
    );
    assert_eq!(response.status, 400);
    let json = response.json();
    assert_eq!(json["code"], "sparql_syntax");
    let message = json["message"].as_str().expect("a message");
    assert!(message.contains("1:"), "no position in {message}");

    let update = server.post(
        "/update",
        "application/sparql-update",
        "INSERT DATA { <a> }",
    );
    assert_eq!(update.status, 400);
    assert_eq!(update.json()["code"], "sparql_syntax");
}

/// Texts past 16 KiB are parsed on the blocking pool instead of the connection's thread: the
/// answers and the errors are the same.
#[test]
fn long_queries_parse_off_the_connection_thread() {
    let server = server_with_data();
    let rows: String = (0..4000)
        .map(|i| format!("<http://example.com/p{i}> "))
        .collect();
    let long = format!(
        "SELECT ?who WHERE {{ ?who <http://example.com/knows> ?x \
         VALUES ?unused {{ {rows} }} FILTER(?who != <http://example.com/p0>) }} ORDER BY ?who"
    );
    assert!(long.len() > 64 * 1024, "{} bytes", long.len());
    let response = server.post("/query", "application/sparql-query", &long);
    assert_eq!(response.status, 200, "{}", response.body);
    let mut expected = Vec::new();
    for who in ["http://example.com/alice", "http://example.com/bob"] {
        expected.extend(std::iter::repeat_n(who.to_owned(), 4000));
    }
    assert_eq!(bindings(&response), expected);

    let broken = format!("{} ?oops", long.trim_end_matches("ORDER BY ?who"));
    let response = server.post("/query", "application/sparql-query", &broken);
    assert_eq!(response.status, 400, "{}", response.body);
    let json = response.json();
    assert_eq!(json["code"], "sparql_syntax");
    let message = json["message"].as_str().expect("a message");
    assert!(message.contains("1:"), "no position in {message}");
}

#[test]
fn malformed_requests_are_refused() {
    let server = TestServer::start(|_, _| {});
    let q = encode("ASK {}");
    // Without any parameter a GET is a service description request; with only dataset
    // parameters it lacks its query.
    let none = server.get(
        &format!("/query?default-graph-uri={}", encode("http://e/g")),
        &[],
    );
    assert_eq!(none.status, 400);
    let two = server.get(&format!("/query?query={q}&query={q}"), &[]);
    assert_eq!(two.status, 400);
    let update_by_get = server.get(&format!("/sparql?update={}", encode(DATA)), &[]);
    assert_eq!(update_by_get.status, 400);
    let query_to_update = server.post("/update", "application/sparql-query", "ASK {}");
    assert_eq!(query_to_update.status, 400);
    let media = server.post("/query", "text/plain", "ASK {}");
    assert_eq!(media.status, 415);
    assert_eq!(media.json()["code"], "unsupported_media_type");
    let format = server.get(&format!("/query?query={q}&format=bogus"), &[]);
    assert_eq!(format.status, 400);
    let missing = server.get("/nothing-here", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["code"], "not_found");
    let put = crate::support::request(server.addr, "PUT", "/query", &[], b"");
    assert_eq!(put.status, 405);
    assert_eq!(put.json()["code"], "method_not_allowed");
}

#[test]
fn using_graph_parameters_set_the_update_dataset() {
    let server = server_with_data();
    let update =
        "INSERT { ?s <http://example.com/seen> true } WHERE { ?s <http://example.com/age> ?o }";
    let path = format!("/update?using-graph-uri={}", encode("http://example.com/g"));
    let response = server.post(&path, "application/sparql-update", update);
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.json()["inserted"], 1);
    let with = "WITH <http://example.com/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }";
    let refused = server.post(&path, "application/sparql-update", with);
    assert_eq!(refused.status, 400, "{}", refused.body);
}

/// Answers stream: a large one comes in chunks as it is produced (no `Content-Length`, which
/// would need the whole answer first), complete in every results format; an error found before
/// the first chunk still gets its own status and code.
#[test]
fn large_answers_stream_complete() {
    let server = TestServer::start(|config, _| config.max_rows_in_memory = Some(1000));
    let mut data = String::from("INSERT DATA {");
    for i in 0..3000 {
        data.push_str(&format!(
            " <http://e/s{i}> <http://e/p> \"a value long enough to add up {i}\" ."
        ));
    }
    data.push('}');
    server.update(&data);
    let query = encode("SELECT ?s ?o WHERE { ?s <http://e/p> ?o }");
    let json = server.get(
        &format!("/query?query={query}"),
        &[("Accept", "application/sparql-results+json")],
    );
    assert_eq!(json.status, 200, "{}", json.body);
    assert!(json.body.len() > 200_000, "{} bytes", json.body.len());
    assert_eq!(json.header("content-length"), None);
    assert_eq!(json.header("transfer-encoding"), Some("chunked"));
    assert_eq!(
        json.json()["results"]["bindings"].as_array().map(Vec::len),
        Some(3000)
    );
    for (accept, rows) in [("text/csv", 3001), ("text/tab-separated-values", 3001)] {
        let answer = server.get(&format!("/query?query={query}"), &[("Accept", accept)]);
        assert_eq!(answer.status, 200, "{accept}");
        assert_eq!(answer.body.lines().count(), rows, "{accept}");
    }
    let xml = server.get(
        &format!("/query?query={query}"),
        &[("Accept", "application/sparql-results+xml")],
    );
    assert_eq!(xml.body.matches("<result>").count(), 3000);
    assert!(xml.body.trim_end().ends_with("</sparql>"));
    let construct = encode("CONSTRUCT WHERE { ?s <http://e/p> ?o }");
    let triples = server.get(
        &format!("/query?query={construct}"),
        &[("Accept", "application/n-triples")],
    );
    assert_eq!(triples.body.lines().count(), 3000);
    // Sorting 3000 rows is over the budget of 1000: the error comes before any result.
    let sorted = encode("SELECT ?s WHERE { ?s <http://e/p> ?o } ORDER BY ?o");
    let refused = server.get(&format!("/query?query={sorted}"), &[]);
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(refused.json()["code"], "limit_exceeded");
    let alive = server.get(&format!("/query?query={}", encode("ASK {}")), &[]);
    assert_eq!(alive.status, 200);
    // A small answer that takes longer than a query may run on the connection's thread: the
    // try there is dropped and the query runs again on the pool, with the same answer, the
    // first time and the next (when it goes to the pool at once).
    let slow =
        encode("SELECT (COUNT(*) AS ?n) WHERE { ?s <http://e/p> ?o FILTER(REGEX(?o, \"up 2\")) }");
    for _ in 0..2 {
        let counted = server.get(&format!("/query?query={slow}"), &[("Accept", "text/csv")]);
        assert_eq!(counted.status, 200, "{}", counted.body);
        assert_eq!(counted.body, "n\r\n1111\r\n");
    }
}

/// A SERVICE endpoint that cannot be reached is the gateway's failure: 502 with code `service`
/// and a message that says so, not a 500 that hides it.
#[test]
fn a_failing_service_is_a_bad_gateway() {
    let server = server_with_data();
    let query = encode("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }");
    let response = server.get(&format!("/query?query={query}"), &[]);
    assert_eq!(response.status, 502, "{}", response.body);
    assert_eq!(response.json()["code"], "service");
    assert!(
        response.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("SERVICE")),
        "{}",
        response.body
    );
    let silent = encode("ASK { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }");
    assert_eq!(
        server.get(&format!("/query?query={silent}"), &[]).status,
        200
    );
}
