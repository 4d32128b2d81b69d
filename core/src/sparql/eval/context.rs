use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use oxrdf::Term;

use super::Row;
use crate::encoding::{TermId, TermTag};
use crate::sparql::QueryError;
use crate::sparql::plan::{DatasetView, PlanNode};
use crate::storage::QuadRead;

/// Stops a running query from another thread.
#[derive(Debug, Clone, Default)]
pub struct CancellationToken(Arc<AtomicBool>);

impl CancellationToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the query to stop at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Terms computed by the query that the store does not know, numbered in a local id space.
#[derive(Debug, Default)]
struct LocalTerms {
    terms: Vec<Term>,
    ids: HashMap<Term, TermId>,
}

/// Everything operators share while a query runs.
pub struct EvalContext<'a> {
    reader: &'a dyn TermReader,
    pub(crate) dataset: DatasetView,
    local: RefCell<LocalTerms>,
    cancellation: CancellationToken,
    #[cfg(not(target_family = "wasm"))]
    deadline: Option<std::time::Instant>,
    width: Cell<usize>,
}

/// The part of [`QuadRead`] the evaluator needs, object-safe so that plans are not generic.
pub(crate) trait TermReader {
    fn term(&self, id: TermId) -> Result<Term, QueryError>;
    fn term_id(&self, term: &Term) -> Result<Option<TermId>, QueryError>;
    fn scan(
        &self,
        pattern: &crate::storage::QuadPattern,
    ) -> Box<
        dyn Iterator<Item = Result<crate::encoding::EncodedQuad, crate::storage::StorageError>>
            + '_,
    >;
}

impl<R: QuadRead> TermReader for R {
    fn term(&self, id: TermId) -> Result<Term, QueryError> {
        Ok(QuadRead::term(self, id)?)
    }

    fn term_id(&self, term: &Term) -> Result<Option<TermId>, QueryError> {
        Ok(QuadRead::term_id(self, term.as_ref())?)
    }

    fn scan(
        &self,
        pattern: &crate::storage::QuadPattern,
    ) -> Box<
        dyn Iterator<Item = Result<crate::encoding::EncodedQuad, crate::storage::StorageError>>
            + '_,
    > {
        Box::new(self.encoded_quads(pattern))
    }
}

impl<'a> EvalContext<'a> {
    pub(crate) fn new(
        reader: &'a dyn TermReader,
        dataset: DatasetView,
        width: usize,
        cancellation: CancellationToken,
        #[cfg(not(target_family = "wasm"))] deadline: Option<std::time::Instant>,
    ) -> Self {
        Self {
            reader,
            dataset,
            local: RefCell::default(),
            cancellation,
            #[cfg(not(target_family = "wasm"))]
            deadline,
            width: Cell::new(width),
        }
    }

    /// Sets the row width once planning has numbered every variable.
    pub(crate) fn set_width(&self, width: usize) {
        self.width.set(width);
    }

    pub(crate) fn reader(&self) -> &'a dyn TermReader {
        self.reader
    }

    /// The term of an id, from the store or the query's own table.
    pub(crate) fn term(&self, id: TermId) -> Result<Term, QueryError> {
        if id.tag() == TermTag::Local {
            let local = self.local.borrow();
            let index = usize::try_from(id.payload()).unwrap_or(usize::MAX);
            return local.terms.get(index).cloned().ok_or_else(|| {
                QueryError::Storage(crate::storage::StorageError::Corruption(
                    "unknown local id".into(),
                ))
            });
        }
        self.reader.term(id)
    }

    /// The id of a computed term: the store's if it has the term (so equal terms get equal ids),
    /// a query-local one otherwise.
    pub(crate) fn intern(&self, term: Term) -> Result<TermId, QueryError> {
        if let Some(id) = self.reader.term_id(&term)? {
            return Ok(id);
        }
        let mut local = self.local.borrow_mut();
        if let Some(id) = local.ids.get(&term) {
            return Ok(*id);
        }
        let id = TermId::new(TermTag::Local, local.terms.len() as u64);
        local.terms.push(term.clone());
        local.ids.insert(term, id);
        Ok(id)
    }

    /// Fails if the query was cancelled or ran out of time; operators call it as they go.
    pub(crate) fn check(&self) -> Result<(), QueryError> {
        if self.cancellation.is_cancelled() {
            return Err(QueryError::Cancelled);
        }
        #[cfg(not(target_family = "wasm"))]
        if self
            .deadline
            .is_some_and(|deadline| std::time::Instant::now() >= deadline)
        {
            return Err(QueryError::Timeout);
        }
        Ok(())
    }

    /// Whether `plan` has a solution compatible with `row` (EXISTS).
    pub(crate) fn exists(
        &self,
        plan: &PlanNode,
        row: &[Option<TermId>],
    ) -> Result<bool, QueryError> {
        let mut solutions = super::ops::evaluate(self, plan, row.to_vec());
        solutions.next().transpose().map(|first| first.is_some())
    }

    /// An empty row.
    pub(crate) fn empty_row(&self) -> Row {
        vec![None; self.width.get()]
    }
}
