//! Trine for browsers and Node: the wasm-bindgen bindings behind the `trine` npm package.
//!
//! The exports here are the low-level half. JavaScript users see the package's `index.js`, which
//! turns RDF/JS terms (`@rdfjs/types`, from any factory such as N3.js) into the flat form these
//! functions take and back: every term crosses as three strings, `[kind, value, extra]`, so a
//! quad is twelve and many quads are one flat array, with no object per term on the Rust side.
//!
//! | kind | term | value | extra |
//! |---|---|---|---|
//! | `N` | named node | IRI | |
//! | `B` | blank node | label | |
//! | `L` | literal | lexical form | datatype IRI |
//! | `G` | language-tagged literal | lexical form | language tag |
//! | `D` | default graph | | |
//! | (empty) | nothing: an unbound pattern position or variable | | |
//!
//! Errors are JavaScript `Error`s with a stable `code` property, the same codes as the native API
//! and the HTTP server (`sparql_syntax`, `rdf_syntax`, `invalid_term`, …).

mod error;
mod formats;
mod opfs;
mod store;
mod terms;

pub use store::{WasmPreparedQuery, WasmStore};
