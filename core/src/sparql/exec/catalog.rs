//! The executor's context as the planner's [`Catalog`].

use oxrdf::{NamedNode, Term};

use super::EvalContext;
use crate::encoding::TermId;
use crate::sparql::QueryError;
use crate::sparql::plan::Catalog;
use crate::storage::{QuadPattern, Statistics};

impl Catalog for EvalContext<'_> {
    fn term_id(&self, term: &Term) -> Result<Option<TermId>, QueryError> {
        let id = self.reader().term_id(term)?;
        if id.is_none() {
            self.note_missed_term();
        }
        Ok(id)
    }

    fn intern(&self, term: Term) -> Result<TermId, QueryError> {
        EvalContext::intern(self, term)
    }

    fn term(&self, id: TermId) -> Result<Term, QueryError> {
        EvalContext::term(self, id)
    }

    fn custom_function(&self, name: &NamedNode) -> Option<usize> {
        EvalContext::custom_function(self, name)
    }

    fn quad_count(&self) -> Result<u64, QueryError> {
        self.reader().quad_count()
    }

    fn predicate_count(&self, predicate: TermId) -> Result<u64, QueryError> {
        self.reader().predicate_count(predicate)
    }

    fn named_graph_count(&self) -> Result<u64, QueryError> {
        Ok(match &self.dataset.named {
            Some(named) => named.len() as u64,
            None => self.reader().named_graphs()?.len() as u64,
        })
    }

    fn statistics(&self) -> Result<Option<&Statistics>, QueryError> {
        if let Some(statistics) = self.statistics.get() {
            return Ok(statistics.as_ref());
        }
        let statistics = self.reader().statistics()?;
        let analyzed = statistics.analyzed_quads > 0 || !statistics.predicates.is_empty();
        Ok(self
            .statistics
            .get_or_init(|| analyzed.then_some(statistics))
            .as_ref())
    }

    fn count_matches(&self, pattern: &QuadPattern, cap: usize) -> Result<u64, QueryError> {
        let pattern = QuadPattern {
            explicit_only: self.explicit_only(),
            ..*pattern
        };
        self.reader().count_matches(&pattern, cap)
    }
}
