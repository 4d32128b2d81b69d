//! A BSBM-shaped benchmark: a deterministic generator of the Berlin SPARQL Benchmark's
//! e-commerce data and the explore use case's queries.
//!
//! The data follows the BSBM dataset specification's model and ratios: a product type tree
//! that deepens with the scale, product features owned by types, about 50 products per
//! producer, products with labels, comments, features and numeric and textual properties,
//! 20 offers per product from vendors holding about 2000 offers each, and 10 reviews per
//! product by reviewers of rating sites, each reviewer writing about 20. It is written from
//! the specification, not from the original generator, so the shape matches, not the bytes.
//!
//! Every fact comes from one catalogue computed from the configuration, which both
//! [`generate`] and [`instantiate`] use, so instantiated queries name entities of the data.
//!
//! ```
//! use trine_benches::bsbm::{BsbmConfig, TEMPLATES, generate, instantiate};
//!
//! let config = BsbmConfig { products: 100, seed: 0 };
//! let triples = generate(&config, &mut std::io::sink())?;
//! assert!(triples > 30_000);
//! let mix = instantiate(&config, 42, 1);
//! assert_eq!(mix.len(), TEMPLATES.len());
//! # Ok::<(), std::io::Error>(())
//! ```

/// The BSBM vocabulary namespace (`bsbm:`).
pub const VOCABULARY: &str = "http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/";
/// The BSBM instance namespace (`bsbm-inst:`).
pub const INST: &str = "http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/instances/";

/// A BSBM vocabulary IRI as a `&'static str`, so the generator formats no vocabulary at run time.
macro_rules! voc {
    ($local:literal) => {
        concat!(
            "http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/",
            $local
        )
    };
}

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
const RDFS_COMMENT: &str = "http://www.w3.org/2000/01/rdf-schema#comment";
const DC_PUBLISHER: &str = "http://purl.org/dc/elements/1.1/publisher";
const DC_DATE: &str = "http://purl.org/dc/elements/1.1/date";

mod analytic;
mod catalogue;
mod generator;
mod iris;
mod queries;
mod words;

pub use analytic::ANALYTIC;
pub use catalogue::BsbmConfig;
pub use generator::generate;
pub use queries::{TEMPLATES, instantiate};

#[cfg(test)]
mod tests {
    #[test]
    fn macro_matches_namespace() {
        assert_eq!(voc!("Product"), format!("{}Product", super::VOCABULARY));
    }
}
