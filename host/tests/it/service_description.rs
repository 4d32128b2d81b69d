//! The service description: `GET /sparql` or `GET /query` without a query, and `GET /` asking
//! for RDF.

use trine_core::io::{RdfFormat, RdfParser};
use trine_core::oxrdf::Triple;

use crate::support::TestServer;

const SD: &str = "http://www.w3.org/ns/sparql-service-description#";

fn triples(body: &str, format: RdfFormat) -> Vec<Triple> {
    RdfParser::from_format(format)
        .for_reader(body.as_bytes())
        .map(|quad| Triple::from(quad.expect("a valid description")))
        .collect()
}

fn objects(triples: &[Triple], predicate: &str) -> Vec<String> {
    triples
        .iter()
        .filter(|t| t.predicate.as_str() == format!("{SD}{predicate}"))
        .map(|t| t.object.to_string())
        .collect()
}

#[test]
fn sparql_endpoint_describes_itself() {
    let server = TestServer::start(|_, _| {});
    let response = server.get("/sparql", &[]);
    assert_eq!(response.status, 200, "{}", response.body);
    assert!(
        response
            .header("content-type")
            .is_some_and(|v| v.starts_with("text/turtle"))
    );
    let triples = triples(&response.body, RdfFormat::Turtle);
    assert!(
        triples
            .iter()
            .any(|t| t.object.to_string() == format!("<{SD}Service>"))
    );
    assert_eq!(
        objects(&triples, "endpoint"),
        [format!("<http://{}/sparql>", server.addr)]
    );
    let languages = objects(&triples, "supportedLanguage");
    assert!(languages.contains(&format!("<{SD}SPARQL11Query>")));
    assert!(languages.contains(&format!("<{SD}SPARQL11Update>")));
    let formats = objects(&triples, "resultFormat");
    assert!(formats.contains(&"<http://www.w3.org/ns/formats/SPARQL_Results_JSON>".to_owned()));
    assert!(formats.contains(&"<http://www.w3.org/ns/formats/Turtle>".to_owned()));
    assert!(objects(&triples, "feature").contains(&format!("<{SD}EmptyGraphs>")));
    assert_eq!(objects(&triples, "defaultDataset").len(), 1);
}

#[test]
fn query_endpoint_lists_only_queries_and_negotiates() {
    let server = TestServer::start(|_, _| {});
    let response = server.get("/query", &[("Accept", "application/n-triples")]);
    assert_eq!(response.status, 200, "{}", response.body);
    assert!(
        response
            .header("content-type")
            .is_some_and(|v| v.starts_with("application/n-triples"))
    );
    let triples = triples(&response.body, RdfFormat::NTriples);
    assert_eq!(
        objects(&triples, "supportedLanguage"),
        [format!("<{SD}SPARQL11Query>")]
    );
    let refused = server.get("/query", &[("Accept", "image/png")]);
    assert_eq!(refused.status, 406);
}

#[test]
fn read_only_servers_list_no_update() {
    let server = TestServer::start(|_, server| server.read_only = true);
    let response = server.get("/sparql", &[]);
    let triples = triples(&response.body, RdfFormat::Turtle);
    assert_eq!(
        objects(&triples, "supportedLanguage"),
        [format!("<{SD}SPARQL11Query>")]
    );
}

#[test]
fn the_root_answers_rdf_clients_with_the_description() {
    let server = TestServer::start(|_, _| {});
    let page = server.get("/", &[("Accept", "text/html,*/*;q=0.8")]);
    assert!(
        page.header("content-type")
            .is_some_and(|v| v.starts_with("text/html"))
    );
    let description = server.get("/", &[("Accept", "text/turtle")]);
    assert_eq!(description.status, 200);
    assert!(
        description
            .header("content-type")
            .is_some_and(|v| v.starts_with("text/turtle"))
    );
    let triples = triples(&description.body, RdfFormat::Turtle);
    assert_eq!(
        objects(&triples, "endpoint"),
        [format!("<http://{}/sparql>", server.addr)]
    );
}
