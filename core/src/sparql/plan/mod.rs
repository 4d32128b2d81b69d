//! From the SPARQL algebra to Trine's plan: variables become column slots, constants become ids,
//! each BGP is put in join order from the store's statistics (with runs of patterns that share one
//! new variable fused into leapfrog intersections), and EXPLAIN renders the result.
//!
//! The planner asks storage only through [`Catalog`] (term ids and counts), so it knows nothing
//! of the executor.

mod catalog;
mod cost;
mod explain;
mod intersect;
mod order;
mod physical;
mod pushdown;
mod range;
mod scope;
mod translate;

pub(crate) use catalog::Catalog;
pub(crate) use explain::explain;
pub use explain::{Actual, ExplainNode};
pub(crate) use physical::substitutable;
pub(crate) use scope::check_service_endpoints;
pub(crate) use translate::Translator;
