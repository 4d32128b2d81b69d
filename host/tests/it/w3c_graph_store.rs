//! The W3C Graph Store Protocol tests, run as data from their manifests against the real
//! server on loopback (`graph_store.rs` has the behaviours the manifests leave open).
//!
//! The manifests (`rdf-tests/sparql/sparql11/graph-store-protocol/manifest.ttl` and the two it
//! includes, under `$TRINE_CONFORMANCE_DIR` or `../shared/conformance`) describe each test as a
//! sequence of HTTP requests on one connection, with expected statuses, `Location` templates
//! and response graphs compared up to blank-node renaming. Request paths start with `/gsp`,
//! which maps to `/store`. Each test gets a fresh in-memory server.

use std::path::PathBuf;

use trine_core::io::{RdfFormat, RdfParser};
use trine_core::oxrdf::dataset::CanonicalizationAlgorithm;
use trine_core::oxrdf::{Graph, Term, Triple};

use crate::support::{Response, TestServer, request};
use crate::w3c_manifest::{MF, Manifest, locate};

const HT: &str = "http://www.w3.org/2011/http#";
const HTS: &str = "http://www.w3.org/2011/http-statusCodes#";
const CNT: &str = "http://www.w3.org/2011/content#";

/// Tests not run, each with the reason. None at present.
const SKIPPED: &[(&str, &str)] = &[];

#[test]
fn w3c_graph_store_manifests() {
    let Some(dir) = locate("rdf-tests/sparql/sparql11/graph-store-protocol") else {
        return;
    };
    let top_path = dir
        .join("manifest.ttl")
        .canonicalize()
        .expect("manifest.ttl");
    let top = Manifest::load(&top_path);
    let includes = top.list(
        top.object(&top.root(), &format!("{MF}include"))
            .expect("mf:include"),
    );
    let (mut total, mut ran, mut failures) = (0, 0, Vec::new());
    for include in &includes {
        let Term::NamedNode(file) = include else {
            panic!("an included manifest is not an IRI: {include}");
        };
        let path = PathBuf::from(file.as_str().strip_prefix("file://").expect("a file IRI"));
        let manifest = Manifest::load(&path);
        let entries = manifest.list(
            manifest
                .object(&manifest.root(), &format!("{MF}entries"))
                .expect("mf:entries"),
        );
        for entry in &entries {
            total += 1;
            let name = manifest
                .text(entry, &format!("{MF}name"))
                .unwrap_or_default();
            if let Some((_, why)) = SKIPPED.iter().find(|(skipped, _)| *skipped == name) {
                println!("skipped {name}: {why}");
                continue;
            }
            ran += 1;
            match run_test(&manifest, entry) {
                Ok(()) => println!("passed: {name}"),
                Err(failure) => failures.push(format!("{name}: {failure}")),
            }
        }
    }
    println!(
        "W3C graph store protocol: ran {ran} of {total} tests, {} passed, {} failed",
        ran - failures.len(),
        failures.len()
    );
    // 4 direct and 9 indirect tests in the manifests at the time of writing.
    assert!(ran >= 13, "only {ran} graph store tests found");
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}

fn run_test(manifest: &Manifest, entry: &Term) -> Result<(), String> {
    let server = TestServer::start(|_, _| {});
    let action = manifest
        .object(entry, &format!("{MF}action"))
        .ok_or("no action")?;
    let requests = manifest.list(
        manifest
            .object(action, &format!("{HT}requests"))
            .ok_or("no requests")?,
    );
    let mut variables: Vec<(String, String)> = Vec::new();
    let substitute = |text: &str, variables: &[(String, String)]| {
        variables
            .iter()
            .fold(text.to_owned(), |text, (name, value)| {
                text.replace(name, value)
            })
    };
    for (i, http) in requests.iter().enumerate() {
        let method = manifest
            .text(http, &format!("{HT}methodName"))
            .ok_or("no method")?;
        let path = manifest
            .text(http, &format!("{HT}absolutePath"))
            .ok_or("no path")?;
        let path = substitute(&path, &variables);
        let path = match path.strip_prefix("/gsp") {
            Some(rest) => format!("/store{rest}"),
            None => path,
        };
        let headers = headers(manifest, http);
        let body = manifest
            .object(http, &format!("{HT}body"))
            .and_then(|body| manifest.text(body, &format!("{CNT}chars")))
            .map(|chars| substitute(&chars, &variables))
            .unwrap_or_default();
        let header_refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let response = request(server.addr, &method, &path, &header_refs, body.as_bytes());
        let expected = manifest
            .object(http, &format!("{HT}resp"))
            .ok_or("no response")?;
        check(manifest, expected, &method, &response)
            .map_err(|e| format!("request {} ({method} {path}): {e}", i + 1))?;
        if let Some(name) = manifest.text(expected, &format!("{MF}expectedLocation")) {
            let location = response
                .header("location")
                .ok_or_else(|| format!("request {}: no Location header", i + 1))?;
            variables.push((name, location.to_owned()));
        }
    }
    Ok(())
}

fn headers(manifest: &Manifest, message: &Term) -> Vec<(String, String)> {
    manifest
        .object(message, &format!("{HT}headers"))
        .map(|list| manifest.list(list))
        .unwrap_or_default()
        .iter()
        .filter_map(|header| {
            Some((
                manifest.text(header, &format!("{HT}fieldName"))?,
                manifest.text(header, &format!("{HT}fieldValue"))?,
            ))
        })
        .collect()
}

/// The statuses a `hts:` term allows: one code, or a class (`StatusCode2xx`).
fn allowed(term: &Term) -> Option<Box<dyn Fn(u16) -> bool>> {
    let Term::NamedNode(node) = term else {
        return None;
    };
    let name = node.as_str().strip_prefix(HTS)?;
    if let Some(class) = name
        .strip_prefix("StatusCode")
        .and_then(|c| c.strip_suffix("xx"))
        .and_then(|c| c.parse::<u16>().ok())
    {
        return Some(Box::new(move |status| status / 100 == class));
    }
    let code = match name {
        "OK" => 200,
        "Created" => 201,
        "NoContent" => 204,
        "BadRequest" => 400,
        "NotFound" => 404,
        "UnsupportedMediaType" => 415,
        _ => return None,
    };
    Some(Box::new(move |status| status == code))
}

fn check(
    manifest: &Manifest,
    expected: &Term,
    method: &str,
    response: &Response,
) -> Result<(), String> {
    let statuses: Vec<&Term> = manifest
        .objects(expected, &format!("{MF}expectedStatus"))
        .collect();
    if !statuses.is_empty() {
        let checks: Vec<_> = statuses
            .iter()
            .map(|term| allowed(term).ok_or_else(|| format!("unknown status term {term}")))
            .collect::<Result<_, _>>()?;
        if !checks.iter().any(|check| check(response.status)) {
            let names: Vec<String> = statuses.iter().map(ToString::to_string).collect();
            return Err(format!(
                "status {} is not one of {}: {}",
                response.status,
                names.join(", "),
                response.body
            ));
        }
    }
    let content_type = response.header("content-type").unwrap_or_default();
    for (name, value) in headers(manifest, expected) {
        if name.eq_ignore_ascii_case("content-type") && !same_media_type(&value, content_type) {
            return Err(format!("content type {content_type:?}, expected {value:?}"));
        }
    }
    if method == "HEAD" && !response.body.is_empty() {
        return Err("a HEAD response has a body".into());
    }
    if let Some(body) = manifest.object(expected, &format!("{HT}body")) {
        let chars = manifest
            .text(body, &format!("{CNT}chars"))
            .unwrap_or_default();
        let want = graph(RdfFormat::Turtle, &chars)?;
        let format = RdfFormat::from_media_type(content_type.split(';').next().unwrap_or_default())
            .ok_or_else(|| format!("the response is not RDF: {content_type}"))?;
        let got = graph(format, &response.body)?;
        if want != got {
            return Err(format!(
                "the graphs differ:\nexpected\n{want}\ngot\n{got}\n(body: {})",
                response.body
            ));
        }
    }
    Ok(())
}

/// Media types equal, and charsets too when both give one.
fn same_media_type(expected: &str, actual: &str) -> bool {
    let split = |value: &str| {
        let mut pieces = value.split(';');
        let media = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let charset = pieces.find_map(|p| {
            let (key, value) = p.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().to_ascii_lowercase())
        });
        (media, charset)
    };
    let (expected_media, expected_charset) = split(expected);
    let (actual_media, actual_charset) = split(actual);
    expected_media == actual_media
        && (expected_charset.is_none()
            || actual_charset.is_none()
            || expected_charset == actual_charset)
}

/// `text` parsed, its blank nodes canonicalized so equal graphs compare equal.
fn graph(format: RdfFormat, text: &str) -> Result<Graph, String> {
    let mut graph = Graph::new();
    for quad in RdfParser::from_format(format).for_reader(text.as_bytes()) {
        let quad = quad.map_err(|e| format!("{e} in {text}"))?;
        graph.insert(&Triple::from(quad));
    }
    graph.canonicalize(CanonicalizationAlgorithm::Unstable);
    Ok(graph)
}
