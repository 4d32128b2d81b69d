//! What the planner may ask of storage: term ids and counts, nothing that evaluates.

use oxrdf::{NamedNode, Term};

use crate::encoding::TermId;
use crate::sparql::QueryError;
use crate::storage::{QuadPattern, Statistics};

/// The planner's view of the store and of the query's options.
///
/// The executor's context implements it over a snapshot or a transaction; the planner needs no
/// more, so plans can be built and explained without running anything.
pub(crate) trait Catalog {
    /// The id of `term`, if the store knows it.
    fn term_id(&self, term: &Term) -> Result<Option<TermId>, QueryError>;

    /// The id of `term`, giving a query-local id to a term the store has never seen (for values
    /// that must exist during the query, such as VALUES rows and the ends of paths).
    fn intern(&self, term: Term) -> Result<TermId, QueryError>;

    /// The term behind `id` (for EXPLAIN).
    fn term(&self, id: TermId) -> Result<Term, QueryError>;

    /// The index of the extension function registered under `name`.
    fn custom_function(&self, name: &NamedNode) -> Option<usize>;

    /// Quads in the store.
    fn quad_count(&self) -> Result<u64, QueryError>;

    /// Quads with `predicate`.
    fn predicate_count(&self, predicate: TermId) -> Result<u64, QueryError>;

    /// Named graphs in the query's dataset.
    fn named_graph_count(&self) -> Result<u64, QueryError>;

    /// The store's statistics, `None` where no analysis has run yet (read once per query).
    fn statistics(&self) -> Result<Option<&Statistics>, QueryError>;

    /// Quads matching `pattern`, counted up to `cap` (the graph scope and the explicit-only
    /// option of the query apply).
    fn count_matches(&self, pattern: &QuadPattern, cap: usize) -> Result<u64, QueryError>;
}
