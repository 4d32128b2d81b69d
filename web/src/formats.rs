//! Format names as JavaScript users write them: a media type, a file extension or a short name
//! (core's [`rdf_format_by_name`] and [`results_format_by_name`]), with the package's errors.

use trine_core::io::{RdfFormat, rdf_format_by_name};
use trine_core::sparql::{QueryResultsFormat, results_format_by_name};
use wasm_bindgen::JsValue;

use crate::error::js_error;

/// An RDF syntax by media type (`text/turtle`), extension (`ttl`) or name (`turtle`).
pub(crate) fn rdf_format(name: &str) -> Result<RdfFormat, JsValue> {
    rdf_format_by_name(name).ok_or_else(|| {
        js_error(
            "unsupported_format",
            format!("unknown RDF format {name:?} (a media type, an extension or a name)"),
        )
    })
}

/// A SPARQL results format by media type or name (`json`, `xml`, `csv`, `tsv`).
pub(crate) fn results_format(name: &str) -> Result<QueryResultsFormat, JsValue> {
    results_format_by_name(name).ok_or_else(|| {
        js_error(
            "unsupported_format",
            format!("unknown SPARQL results format {name:?} (json, xml, csv, tsv or a media type)"),
        )
    })
}
