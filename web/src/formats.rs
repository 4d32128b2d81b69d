//! Format names as JavaScript users write them: a media type, a file extension or a short name.

use trine_core::io::RdfFormat;
use trine_core::sparql::QueryResultsFormat;
use wasm_bindgen::JsValue;

use crate::error::js_error;

/// An RDF syntax by media type (`text/turtle`), extension (`ttl`) or name (`turtle`).
pub(crate) fn rdf_format(name: &str) -> Result<RdfFormat, JsValue> {
    let lower = name.trim().to_ascii_lowercase();
    let found = if lower.contains('/') {
        RdfFormat::from_media_type(&lower)
    } else {
        let extension = match lower.as_str() {
            "turtle" => "ttl",
            "ntriples" | "n-triples" => "nt",
            "nquads" | "n-quads" => "nq",
            "rdfxml" | "rdf/xml" | "xml" => "rdf",
            "json-ld" => "jsonld",
            other => other,
        };
        RdfFormat::from_extension(extension)
    };
    found.ok_or_else(|| {
        js_error(
            "unsupported_format",
            format!("unknown RDF format {name:?} (a media type, an extension or a name)"),
        )
    })
}

/// A SPARQL results format by media type or name (`json`, `xml`, `csv`, `tsv`).
pub(crate) fn results_format(name: &str) -> Result<QueryResultsFormat, JsValue> {
    let lower = name.trim().to_ascii_lowercase();
    let found = if lower.contains('/') {
        QueryResultsFormat::from_media_type(&lower)
    } else {
        QueryResultsFormat::from_extension(match lower.as_str() {
            "sparql-json" | "sparql-results+json" => "srj",
            "sparql-xml" | "sparql-results+xml" => "srx",
            other => other,
        })
    };
    found.ok_or_else(|| {
        js_error(
            "unsupported_format",
            format!("unknown SPARQL results format {name:?} (json, xml, csv, tsv or a media type)"),
        )
    })
}
