//! The W3C SPARQL 1.1 Protocol tests, run as data from their manifest against the real server
//! on loopback.
//!
//! The manifest (`rdf-tests/sparql/sparql11/protocol/manifest.ttl` under the conformance
//! directory, `TRINE_CONFORMANCE_DIR` or `../shared/conformance`) describes each test as HTTP
//! requests with expected status classes, booleans and result kinds. Each test gets a fresh
//! in-memory server with its `ut:graphData` loaded into named graphs. Paths starting with
//! `/sparql/` go to the `/sparql` endpoint, which takes queries and updates.

use std::path::PathBuf;
use std::sync::Arc;

use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::oxrdf::{GraphName, NamedNode, Term};
use trine_host::server::ServerConfig;
use trine_host::{Config, Database};

use crate::support::{Response, TestServer, request};
use crate::w3c_manifest::{MF, Manifest, locate};

const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
const UT: &str = "http://www.w3.org/2009/sparql/tests/test-update#";
const HT: &str = "http://www.w3.org/2011/http#";
const HTS: &str = "http://www.w3.org/2011/http-statusCodes#";
const CNT: &str = "http://www.w3.org/2011/content#";

/// Tests not run, each with the reason. None at present.
const SKIPPED: &[(&str, &str)] = &[];

fn path_of_file_iri(iri: &str) -> PathBuf {
    PathBuf::from(iri.strip_prefix("file://").expect("a file IRI"))
}

#[test]
fn w3c_protocol_manifest() {
    let Some(dir) = locate("rdf-tests/sparql/sparql11/protocol") else {
        return;
    };
    let manifest = dir
        .join("manifest.ttl")
        .canonicalize()
        .expect("the protocol manifest");
    let graph = Manifest::load(&manifest);
    let root = graph.root();
    let entries = graph.list(
        graph
            .object(&root, &format!("{MF}entries"))
            .expect("entries"),
    );
    let mut failures = Vec::new();
    let mut ran = 0;
    for entry in &entries {
        let name = graph.text(entry, &format!("{MF}name")).unwrap_or_default();
        if let Some((_, why)) = SKIPPED.iter().find(|(skipped, _)| *skipped == name) {
            eprintln!("skipped {name}: {why}");
            continue;
        }
        ran += 1;
        if let Err(failure) = run_test(&graph, entry) {
            failures.push(format!("{name}: {failure}"));
        }
    }
    eprintln!(
        "W3C protocol: ran {ran} of {} tests, {} passed",
        entries.len(),
        ran - failures.len()
    );
    assert!(ran >= 30, "only {ran} protocol tests found");
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}

fn run_test(graph: &Manifest, entry: &Term) -> Result<(), String> {
    let db = Database::open_with("memory:", Config::default()).map_err(|e| e.to_string())?;
    for data in graph.objects(entry, &format!("{UT}graphData")) {
        let file = graph
            .text(data, &format!("{UT}graph"))
            .ok_or("graphData without a file")?;
        let label = graph
            .text(data, &format!("{RDFS}label"))
            .ok_or("graphData without a label")?;
        let options =
            LoadOptions::new().to_graph(GraphName::NamedNode(NamedNode::new_unchecked(label)));
        let reader = std::fs::File::open(path_of_file_iri(&file)).map_err(|e| e.to_string())?;
        db.load(RdfFormat::NTriples, reader, &options)
            .map_err(|e| e.to_string())?;
    }
    let mut server_config = ServerConfig::from_config(db.config());
    server_config.bind = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let server = TestServer::serve(Arc::new(db), server_config);
    let action = graph
        .object(entry, &format!("{MF}action"))
        .ok_or("no action")?;
    let requests = graph.list(
        graph
            .object(action, &format!("{HT}requests"))
            .ok_or("no requests")?,
    );
    for (i, http) in requests.iter().enumerate() {
        let method = graph
            .text(http, &format!("{HT}methodName"))
            .ok_or("no method")?;
        let path = graph
            .text(http, &format!("{HT}absolutePath"))
            .ok_or("no path")?;
        let path = match path.strip_prefix("/sparql/") {
            Some(rest) => format!("/sparql{rest}"),
            None => path,
        };
        let headers: Vec<(String, String)> = graph
            .object(http, &format!("{HT}headers"))
            .map(|list| graph.list(list))
            .unwrap_or_default()
            .iter()
            .filter_map(|header| {
                Some((
                    graph.text(header, &format!("{HT}fieldName"))?,
                    graph.text(header, &format!("{HT}fieldValue"))?,
                ))
            })
            .collect();
        let body = match graph.object(http, &format!("{HT}body")) {
            Some(body) => {
                let chars = graph.text(body, &format!("{CNT}chars")).unwrap_or_default();
                let encoding = graph.text(body, &format!("{CNT}characterEncoding"));
                if encoding.is_some_and(|e| e.eq_ignore_ascii_case("UTF-16")) {
                    let mut bytes = vec![0xFE, 0xFF];
                    bytes.extend(chars.encode_utf16().flat_map(u16::to_be_bytes));
                    bytes
                } else {
                    chars.into_bytes()
                }
            }
            None => Vec::new(),
        };
        let header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let response = request(server.addr, &method, &path, &header_refs, &body);
        let expected = graph
            .object(http, &format!("{HT}resp"))
            .ok_or("no response")?;
        check(graph, expected, &response).map_err(|e| format!("request {}: {e}", i + 1))?;
    }
    Ok(())
}

fn check(graph: &Manifest, expected: &Term, response: &Response) -> Result<(), String> {
    let classes: Vec<u16> = graph
        .objects(expected, &format!("{MF}expectedStatus"))
        .filter_map(|status| match status {
            Term::NamedNode(node) => node
                .as_str()
                .strip_prefix(&format!("{HTS}StatusCode"))?
                .strip_suffix("xx")?
                .parse()
                .ok(),
            _ => None,
        })
        .collect();
    if !classes.is_empty() && !classes.contains(&(response.status / 100)) {
        return Err(format!(
            "status {} not in {classes:?}xx: {}",
            response.status, response.body
        ));
    }
    let content_type = response
        .header("content-type")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if let Some(format) = graph.text(expected, &format!("{MF}expectedFormat")) {
        let accepted: &[&str] = match format.as_str() {
            "boolean" => &[
                "application/sparql-results+json",
                "application/sparql-results+xml",
            ],
            "tabular" => &[
                "application/sparql-results+json",
                "application/sparql-results+xml",
                "text/csv",
                "text/tab-separated-values",
            ],
            "RDF" => &[
                "text/turtle",
                "application/n-triples",
                "application/rdf+xml",
                "application/n-quads",
                "application/trig",
            ],
            other => return Err(format!("unknown expected format {other}")),
        };
        if !accepted.iter().any(|media| content_type.starts_with(media)) {
            return Err(format!("content type {content_type} is not {format}"));
        }
    }
    if let Some(Term::Literal(expected)) = graph.object(expected, &format!("{MF}expectedBoolean")) {
        let want = expected.value() == "true";
        let got = if content_type.contains("json") {
            serde_json::from_str::<serde_json::Value>(&response.body)
                .ok()
                .and_then(|v| v["boolean"].as_bool())
        } else {
            Some(response.body.contains("<boolean>true</boolean>"))
        };
        if got != Some(want) {
            return Err(format!("expected boolean {want}, got {}", response.body));
        }
    }
    Ok(())
}
