//! The SPARQL 1.1 Service Description: what `GET /sparql` or `GET /query` without a query, and
//! `GET /` asking for RDF, answer.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use trine_core::io::{RdfFormat, RdfSerializer};
use trine_core::oxrdf::{BlankNode, NamedNode, NamedOrBlankNode, Term, Triple};

use super::negotiate::{accept_ranges, negotiate_rdf};
use super::protocol::{Endpoint, header_str};
use crate::HostError;

const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
const FORMATS: &str = "http://www.w3.org/ns/formats/";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// The formats query results are written in, by their `http://www.w3.org/ns/formats/` names.
const RESULT_FORMATS: [&str; 10] = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "N-Quads",
    "TriG",
    "RDF_XML",
    "JSON-LD",
];

/// The RDF syntaxes the store reads (Graph Store uploads, `LOAD`).
const INPUT_FORMATS: [&str; 6] = [
    "Turtle",
    "N-Triples",
    "N-Quads",
    "TriG",
    "RDF_XML",
    "JSON-LD",
];

/// What the description says about the endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Described {
    /// The endpoint's absolute URL.
    pub endpoint: String,
    /// Which operations it takes.
    pub kind: Endpoint,
    /// Whether writes are refused (then no update language is listed).
    pub read_only: bool,
}

/// Whether a request to `/` prefers RDF (a service description) to the HTML page: the first
/// media range of `Accept` that names either decides; wildcards mean HTML.
pub(crate) fn wants_rdf(headers: &HeaderMap) -> bool {
    let Some(accept) = header_str(headers, header::ACCEPT) else {
        return false;
    };
    for (media, _) in accept_ranges(accept) {
        let media = media.to_ascii_lowercase();
        if media == "text/html" || media == "application/xhtml+xml" || media.ends_with("/*") {
            return false;
        }
        if RdfFormat::from_media_type(&media).is_some() {
            return true;
        }
    }
    false
}

/// The description in the RDF syntax `headers` accept (Turtle by default).
///
/// # Errors
/// [`HostError::NotAcceptable`] when the client accepts no RDF syntax.
pub(crate) fn respond(described: &Described, headers: &HeaderMap) -> Result<Response, HostError> {
    let format = negotiate_rdf(
        header_str(headers, header::ACCEPT),
        RdfFormat::Turtle,
        false,
    )?;
    let body = serialize(&triples(described)?, format)?;
    let mut response = body.into_response();
    let media = format!("{}; charset=utf-8", format.media_type());
    if let Ok(value) = HeaderValue::from_str(&media) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    Ok(response)
}

fn iri(text: &str) -> Result<NamedNode, HostError> {
    NamedNode::new(text)
        .map_err(|e| HostError::BadRequest(format!("{text:?} is not a valid endpoint IRI: {e}")))
}

/// The description's triples.
fn triples(described: &Described) -> Result<Vec<Triple>, HostError> {
    let sd = |local: &str| NamedNode::new_unchecked(format!("{SD}{local}"));
    let a = NamedNode::new_unchecked(RDF_TYPE);
    let service = NamedOrBlankNode::from(BlankNode::new_unchecked("service"));
    let mut triples = vec![
        Triple::new(service.clone(), a.clone(), sd("Service")),
        Triple::new(service.clone(), sd("endpoint"), iri(&described.endpoint)?),
    ];
    let queries = described.kind != Endpoint::Update;
    let updates = described.kind != Endpoint::Query && !described.read_only;
    if queries {
        triples.push(Triple::new(
            service.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Query"),
        ));
    }
    if updates {
        triples.push(Triple::new(
            service.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Update"),
        ));
    }
    // Named graphs can exist empty (CREATE GRAPH, a Graph Store PUT of nothing).
    triples.push(Triple::new(
        service.clone(),
        sd("feature"),
        sd("EmptyGraphs"),
    ));
    triples.push(Triple::new(
        service.clone(),
        sd("defaultEntailmentRegime"),
        NamedNode::new_unchecked("http://www.w3.org/ns/entailment/Simple"),
    ));
    for format in RESULT_FORMATS {
        triples.push(Triple::new(
            service.clone(),
            sd("resultFormat"),
            NamedNode::new_unchecked(format!("{FORMATS}{format}")),
        ));
    }
    if updates {
        for format in INPUT_FORMATS {
            triples.push(Triple::new(
                service.clone(),
                sd("inputFormat"),
                NamedNode::new_unchecked(format!("{FORMATS}{format}")),
            ));
        }
    }
    // The default graph is its own graph, not the union of the named graphs.
    let dataset = BlankNode::new_unchecked("dataset");
    let default_graph = BlankNode::new_unchecked("defaultGraph");
    triples.push(Triple::new(
        service,
        sd("defaultDataset"),
        Term::from(dataset.clone()),
    ));
    triples.push(Triple::new(dataset.clone(), a.clone(), sd("Dataset")));
    triples.push(Triple::new(
        dataset,
        sd("defaultGraph"),
        Term::from(default_graph.clone()),
    ));
    triples.push(Triple::new(default_graph, a, sd("Graph")));
    Ok(triples)
}

fn serialize(triples: &[Triple], format: RdfFormat) -> Result<Vec<u8>, HostError> {
    let mut writer = RdfSerializer::from_format(format)
        .with_prefix("sd", SD)
        .and_then(|s| s.with_prefix("formats", FORMATS))
        .map_err(|e| HostError::Internal(format!("invalid prefix: {e}")))?
        .for_writer(Vec::new());
    for triple in triples {
        writer.serialize_triple(triple)?;
    }
    Ok(writer.finish()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_languages_by_endpoint() -> Result<(), HostError> {
        let mut described = Described {
            endpoint: "http://localhost:7878/sparql".into(),
            kind: Endpoint::Both,
            read_only: false,
        };
        let text = String::from_utf8(serialize(&triples(&described)?, RdfFormat::NTriples)?)
            .unwrap_or_default();
        assert!(text.contains("SPARQL11Query"));
        assert!(text.contains("SPARQL11Update"));
        assert!(text.contains("<http://localhost:7878/sparql>"));
        described.read_only = true;
        let text = String::from_utf8(serialize(&triples(&described)?, RdfFormat::NTriples)?)
            .unwrap_or_default();
        assert!(!text.contains("SPARQL11Update"));
        Ok(())
    }

    #[test]
    fn html_or_rdf_at_the_root() {
        let mut headers = HeaderMap::new();
        assert!(!wants_rdf(&headers));
        headers.insert(header::ACCEPT, HeaderValue::from_static("text/turtle"));
        assert!(wants_rdf(&headers));
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
        );
        assert!(!wants_rdf(&headers));
    }
}
