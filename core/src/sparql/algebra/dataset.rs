//! The RDF dataset a query reads: FROM and FROM NAMED resolved to ids.

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
