//! Reasoning suites, run through a store with a reasoning profile: the OWL 2 RL/RDF rule tests and
//! the RDFS sub-suite of the "OWL 2 RDF-Based Semantics" test collection ([`owl2`]), and the W3C
//! RDF 1.1 Semantics entailment tests ([`rdf_mt`]).

pub mod entailment;
pub mod owl2;
pub mod rdf_mt;

pub use entailment::{entailed, materialized_store, materialized_store_in};
pub use owl2::{Owl2Report, Owl2Suite, run_owl2_suite};
pub use rdf_mt::{RdfMtReport, run_rdf_mt};
