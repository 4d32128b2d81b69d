//! From the SPARQL algebra to Trine's logical plan: variables become column slots, constants
//! become ids, and the dataset (FROM / FROM NAMED) becomes graph scopes.

mod explain;
mod node;
mod order;
mod scope;
mod translate;

pub use explain::ExplainNode;
pub(crate) use explain::explain;
pub use node::{
    GraphTarget, PatternTerm, PlanNode, QuadPatternNode, QueryForm, ServiceEndpoint, Slot,
    TemplateTerm, TemplateTriple,
};
pub(crate) use scope::check_service_endpoints;
pub(crate) use translate::Translator;

use crate::encoding::TermId;

/// The graphs that make the query's default graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultGraphs {
    /// The store's default graph.
    Store,
    /// The merge of these graphs (FROM).
    Graphs(Vec<TermId>),
}

/// The RDF dataset a query runs against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetView {
    /// The default graph.
    pub default: DefaultGraphs,
    /// The named graphs, or `None` for every named graph of the store.
    pub named: Option<Vec<TermId>>,
}

impl Default for DatasetView {
    fn default() -> Self {
        Self {
            default: DefaultGraphs::Store,
            named: None,
        }
    }
}
