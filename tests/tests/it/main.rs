//! Integration tests of trine-tests: the cross-backend suite on every backend, the W3C suites.

mod cross_backend;
mod differential;
mod material;
mod rdf11;
mod reasoning;
mod sparql;
mod sparql_engine;
mod update;
