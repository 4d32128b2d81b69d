//! The [`Database`] facade: a store on the backend a [`Location`] names, with a
//! [`Config`](crate::Config) applied, and what it reports about itself.

mod facade;
mod graph_store;
mod local_files;
mod location;
mod query;
mod report;
mod result_cache;
mod update;

pub use facade::Database;
pub use graph_store::{GraphDocument, GraphTarget, WriteMode};
pub use local_files::{LocalFileLoader, format_of_path};
pub use location::Location;
pub use query::{OutputFormat, OutputFormats, Query, QueryForm};
pub use report::{
    Health, HealthStatus, KeyspaceSize, PlannerReport, PredicateReport, ReasoningReport,
    ReasoningRuns, Stats,
};
pub use result_cache::{ResultCache, ResultKey};
pub use update::prepare_update;
