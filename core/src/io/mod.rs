//! Loading and dumping RDF in every syntax `oxrdfio` knows: N-Triples, N-Quads, Turtle, TriG,
//! RDF/XML and JSON-LD.

#[cfg(not(target_family = "wasm"))]
mod blocks;
mod document;
mod dump;
mod error;
mod format;
mod load;
mod slice;
mod term_check;

pub use document::Document;
pub use dump::DumpError;
pub use error::{LoadError, TextPosition};
pub use format::rdf_format_by_name;
pub use load::LoadOptions;
pub use oxrdfio::{RdfFormat, RdfParser, RdfSerializer};
pub use slice::parse_slice;
