//! RDF syntaxes by the names people write.

use oxrdfio::RdfFormat;

/// The RDF syntax `name` stands for: a media type (`text/turtle`), a file extension (`ttl`,
/// `nt`, `nq`, `trig`, `rdf`, `jsonld`, `n3`) or a name (`turtle`, `ntriples`, `nquads`,
/// `rdfxml`, `json-ld`); case and surrounding blanks do not matter.
///
/// ```
/// use trine_core::io::{RdfFormat, rdf_format_by_name};
///
/// assert_eq!(rdf_format_by_name("Turtle"), Some(RdfFormat::Turtle));
/// assert_eq!(rdf_format_by_name("application/n-quads"), Some(RdfFormat::NQuads));
/// assert_eq!(rdf_format_by_name("csv"), None);
/// ```
pub fn rdf_format_by_name(name: &str) -> Option<RdfFormat> {
    let name = name.trim().to_ascii_lowercase();
    if name.contains('/') {
        return RdfFormat::from_media_type(&name);
    }
    match name.as_str() {
        "turtle" => Some(RdfFormat::Turtle),
        "ntriples" | "n-triples" => Some(RdfFormat::NTriples),
        "nquads" | "n-quads" => Some(RdfFormat::NQuads),
        "rdfxml" | "rdf-xml" => Some(RdfFormat::RdfXml),
        "json-ld" => RdfFormat::from_extension("jsonld"),
        other => RdfFormat::from_extension(other),
    }
}
