//! Runners for the W3C test suites, driven by their manifests.
//!
//! The suites are data outside the repository (see `../shared/conformance/README.md`):
//! [`material`] finds them, [`manifest`] reads a test manifest into entries, and each runner
//! ([`rdf11`] for the RDF 1.1 syntax suites through a [`Store`](trine_core::Store), [`sparql`] for
//! the SPARQL query suites through a [`QueryEngine`](engine::QueryEngine)) runs the entries and
//! returns a report that says what it ran, what failed and why, and what it skipped and why.

pub mod engine;
pub mod manifest;
pub mod material;
pub mod rdf11;
pub mod sparql;
pub mod trine_engine;
pub mod update;

pub use manifest::{Manifest, ManifestError, TestEntry, TestFile};
pub use material::{CONFORMANCE_DIR_VAR, conformance_root, locate};
pub use rdf11::{Failure, Rdf11Suite, Report, SKIPS, Skip, TestKind, run_rdf11_manifest};
