use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use oxrdf::Term;

use super::Row;
use crate::encoding::{TermId, TermTag};
use crate::sparql::QueryError;
use crate::sparql::algebra::{DatasetView, PlanNode};
use crate::storage::QuadRead;

/// Stops a running query from another thread, or at a deadline.
#[derive(Debug, Clone, Default)]
pub struct CancellationToken {
    cancelled: Arc<AtomicBool>,
    #[cfg(not(target_family = "wasm"))]
    deadline: Option<std::time::Instant>,
}

impl CancellationToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// A token that also counts as cancelled from `deadline` on: for a caller that tries a query
    /// for a moment before handing it elsewhere. A query stopped by it fails with
    /// [`QueryError::Cancelled`], unlike one stopped by its own timeout.
    #[cfg(not(target_family = "wasm"))]
    pub fn with_deadline(deadline: std::time::Instant) -> Self {
        Self {
            cancelled: Arc::default(),
            deadline: Some(deadline),
        }
    }

    /// Asks the query to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether [`cancel`](Self::cancel) was called or the deadline has passed.
    pub fn is_cancelled(&self) -> bool {
        #[cfg(not(target_family = "wasm"))]
        if self
            .deadline
            .is_some_and(|deadline| std::time::Instant::now() >= deadline)
        {
            return true;
        }
        self.cancelled.load(Ordering::Relaxed)
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
    graph_slots: RefCell<Vec<usize>>,
    base_iri: Option<oxiri::Iri<String>>,
    regexes: RefCell<HashMap<(String, String), Option<regex::Regex>>>,
    fresh: Cell<u64>,
    nonce: u64,
    now: std::cell::OnceCell<Option<oxsdatatypes::DateTime>>,
    custom_functions: Vec<crate::sparql::CustomFunction>,
    custom_names: HashMap<oxrdf::NamedNode, usize>,
    row_limit: Option<usize>,
    explicit_only: bool,
    service_handler: Option<Arc<dyn crate::sparql::ServiceHandler>>,
    /// The planner's statistics, read on first use (see `Catalog::statistics`).
    pub(crate) statistics: std::cell::OnceCell<Option<crate::storage::Statistics>>,
    /// Rows, runs and time per operator, when EXPLAIN ANALYZE asks.
    pub(crate) profile: super::profile::Profile,
    /// The cursors every index nested-loop join of the query looks up through.
    probes: Box<dyn ProbeSource + 'a>,
    /// Whether the planner asked for a term the store does not have.
    missed_terms: Cell<bool>,
}

/// Makes probes that all look up through the same cursors.
pub(crate) trait ProbeSource {
    fn probe(&self) -> Box<dyn crate::storage::QuadProbe + '_>;
}

impl<'a, K: crate::kv::KvSnapshot + 'a> ProbeSource for crate::storage::ProbeCursors<'a, K> {
    fn probe(&self) -> Box<dyn crate::storage::QuadProbe + '_> {
        Box::new(crate::storage::ProbeCursors::probe(self))
    }
}

/// A query's [`ProbeSource`], made from its reader on first use. Behind a trait object so that
/// the context stays covariant in its lifetime (a cell in it would not be).
struct LazyProbes<'r> {
    reader: &'r dyn TermReader,
    source: std::cell::OnceCell<Box<dyn ProbeSource + 'r>>,
}

impl ProbeSource for LazyProbes<'_> {
    fn probe(&self) -> Box<dyn crate::storage::QuadProbe + '_> {
        self.source.get_or_init(|| self.reader.probes()).probe()
    }
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
    fn probes(&self) -> Box<dyn ProbeSource + '_>;
    fn values(&self) -> Box<dyn crate::storage::ValueSeek + '_>;
    fn count_matches(
        &self,
        pattern: &crate::storage::QuadPattern,
        cap: usize,
    ) -> Result<u64, QueryError>;
    fn named_graphs(&self) -> Result<Vec<TermId>, QueryError>;
    fn quad_count(&self) -> Result<u64, QueryError>;
    fn predicate_count(&self, predicate: TermId) -> Result<u64, QueryError>;
    fn statistics(&self) -> Result<crate::storage::Statistics, QueryError>;
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

    fn probes(&self) -> Box<dyn ProbeSource + '_> {
        Box::new(QuadRead::probe_cursors(self))
    }

    fn values(&self) -> Box<dyn crate::storage::ValueSeek + '_> {
        Box::new(QuadRead::values(self))
    }

    fn count_matches(
        &self,
        pattern: &crate::storage::QuadPattern,
        cap: usize,
    ) -> Result<u64, QueryError> {
        Ok(QuadRead::count_matches(self, pattern, cap)?)
    }

    fn named_graphs(&self) -> Result<Vec<TermId>, QueryError> {
        Ok(self.named_graph_ids()?)
    }

    fn quad_count(&self) -> Result<u64, QueryError> {
        Ok(self.len()?)
    }

    fn predicate_count(&self, predicate: TermId) -> Result<u64, QueryError> {
        Ok(QuadRead::predicate_count(self, predicate)?)
    }

    fn statistics(&self) -> Result<crate::storage::Statistics, QueryError> {
        Ok(QuadRead::statistics(self)?)
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
            graph_slots: RefCell::default(),
            base_iri: None,
            regexes: RefCell::default(),
            fresh: Cell::new(0),
            nonce: rand::random(),
            now: std::cell::OnceCell::new(),
            custom_functions: Vec::new(),
            custom_names: HashMap::new(),
            row_limit: None,
            explicit_only: false,
            service_handler: None,
            statistics: std::cell::OnceCell::new(),
            probes: Box::new(LazyProbes {
                reader,
                source: std::cell::OnceCell::new(),
            }),
            profile: super::profile::Profile::default(),
            missed_terms: Cell::new(false),
        }
    }

    /// Notes that the planner found a constant the store does not know: the plan then holds
    /// only for the data it was made on.
    pub(crate) fn note_missed_term(&self) {
        self.missed_terms.set(true);
    }

    /// Whether [`note_missed_term`](Self::note_missed_term) was called.
    pub(crate) fn missed_terms(&self) -> bool {
        self.missed_terms.get()
    }

    /// The query-local terms so far, in the order of their ids.
    pub(crate) fn local_terms(&self) -> Vec<Term> {
        self.local.borrow().terms.clone()
    }

    /// Numbers `terms` as the first local terms, as the context a cached plan was made in did.
    pub(crate) fn seed_local_terms(&self, terms: &[Term]) {
        for term in terms {
            let mut local = self.local.borrow_mut();
            let id = TermId::new(TermTag::Local, local.terms.len() as u64);
            local.terms.push(term.clone());
            local.ids.insert(term.clone(), id);
        }
    }

    pub(crate) fn set_custom_functions(
        &mut self,
        functions: HashMap<oxrdf::NamedNode, crate::sparql::CustomFunction>,
    ) {
        for (name, function) in functions {
            self.custom_names.insert(name, self.custom_functions.len());
            self.custom_functions.push(function);
        }
    }

    pub(crate) fn set_service_handler(
        &mut self,
        handler: Option<Arc<dyn crate::sparql::ServiceHandler>>,
    ) {
        self.service_handler = handler;
    }

    pub(crate) fn service_handler(&self) -> Option<&dyn crate::sparql::ServiceHandler> {
        self.service_handler.as_deref()
    }

    pub(crate) fn base_iri_str(&self) -> Option<&str> {
        self.base_iri.as_ref().map(oxiri::Iri::as_str)
    }

    pub(crate) fn set_explicit_only(&mut self, explicit_only: bool) {
        self.explicit_only = explicit_only;
    }

    /// Whether scans leave out quads that are only inferred.
    pub(crate) fn explicit_only(&self) -> bool {
        self.explicit_only
    }

    pub(crate) fn set_row_limit(&mut self, limit: Option<usize>) {
        self.row_limit = limit;
    }

    /// A probe for repeated pattern lookups, sharing the query's cursors with every other.
    pub(crate) fn probe(&self) -> Box<dyn crate::storage::QuadProbe + '_> {
        self.probes.probe()
    }

    /// Most rows one operator may hold, if limited.
    pub(crate) fn row_limit(&self) -> Option<usize> {
        self.row_limit
    }

    /// Fails once an operator holds more rows than allowed; checks time and cancellation too.
    pub(crate) fn check_rows(&self, rows: usize, operator: &'static str) -> Result<(), QueryError> {
        if let Some(limit) = self.row_limit
            && rows > limit
        {
            return Err(QueryError::LimitExceeded { operator, limit });
        }
        if rows.is_multiple_of(1024) {
            self.check()?;
        }
        Ok(())
    }

    /// The index of a registered extension function.
    pub(crate) fn custom_function(&self, name: &oxrdf::NamedNode) -> Option<usize> {
        self.custom_names.get(name).copied()
    }

    pub(crate) fn call_custom(&self, index: usize, args: &[Term]) -> Option<Term> {
        self.custom_functions
            .get(index)
            .and_then(|function| function(args))
    }

    /// Sets the base IRI that `IRI()` resolves against.
    pub(crate) fn set_base_iri(&mut self, base: Option<oxiri::Iri<String>>) {
        self.base_iri = base;
    }

    pub(crate) fn resolve_iri(&self, iri: &str) -> Option<oxrdf::NamedNode> {
        match &self.base_iri {
            Some(base) => base
                .resolve(iri)
                .ok()
                .map(|iri| oxrdf::NamedNode::new_unchecked(iri.into_inner())),
            None => oxrdf::NamedNode::new(iri).ok(),
        }
    }

    /// A compiled regular expression with XPath flags, cached per query; `None` if invalid.
    pub(crate) fn regex(&self, pattern: &str, flags: &str) -> Option<regex::Regex> {
        let key = (pattern.to_owned(), flags.to_owned());
        if let Some(cached) = self.regexes.borrow().get(&key) {
            return cached.clone();
        }
        let mut builder = regex::RegexBuilder::new(pattern);
        builder.size_limit(1 << 20);
        let mut valid = true;
        let mut literal = false;
        for flag in flags.chars() {
            match flag {
                's' => {
                    builder.dot_matches_new_line(true);
                }
                'm' => {
                    builder.multi_line(true);
                }
                'i' => {
                    builder.case_insensitive(true);
                }
                'x' => {
                    builder.ignore_whitespace(true);
                }
                'q' => literal = true,
                _ => valid = false,
            }
        }
        let compiled = if !valid {
            None
        } else if literal {
            let mut escaped = regex::RegexBuilder::new(&regex::escape(pattern));
            escaped.case_insensitive(flags.contains('i'));
            escaped.build().ok()
        } else {
            builder.build().ok()
        };
        self.regexes.borrow_mut().insert(key, compiled.clone());
        compiled
    }

    pub(crate) fn random_u128(&self) -> u128 {
        rand::random()
    }

    pub(crate) fn random_f64(&self) -> f64 {
        rand::random()
    }

    /// One instant for the whole query, as SPARQL requires, read from the clock the first time
    /// a query asks (most never do); none on wasm32, which has no clock.
    pub(crate) fn now(&self) -> Option<oxsdatatypes::DateTime> {
        *self.now.get_or_init(|| {
            #[cfg(not(target_family = "wasm"))]
            return Some(oxsdatatypes::DateTime::now());
            #[cfg(target_family = "wasm")]
            return None;
        })
    }

    /// A number unique within this query, for fresh blank nodes.
    pub(crate) fn fresh_id(&self) -> u64 {
        let id = self.fresh.get();
        self.fresh.set(id + 1);
        id ^ (self.nonce << 20)
    }

    /// A random number fixed for this query.
    pub(crate) fn query_nonce(&self) -> u64 {
        self.nonce
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

    /// Whether `plan` has a solution with `row` substituted in (EXISTS).
    ///
    /// SPARQL evaluates `EXISTS { P }` as `P` with each variable `row` binds replaced by its value
    /// (18.6, `substitute`), so a FILTER inside `P` sees the outer values even where `P`'s own
    /// patterns do not bind them. Those slots are context slots while `plan` is evaluated, as the
    /// parameters of a prepared query are; the evaluation completes within this call, after
    /// which they are ordinary slots again.
    pub(crate) fn exists(
        &self,
        plan: &PlanNode,
        row: &[Option<TermId>],
    ) -> Result<bool, QueryError> {
        let substituted: Vec<usize> = row
            .iter()
            .enumerate()
            .filter(|(slot, value)| value.is_some() && !self.is_context_slot(*slot))
            .map(|(slot, _)| slot)
            .collect();
        self.graph_slots
            .borrow_mut()
            .extend(substituted.iter().copied());
        // A solution that rebinds a substituted variable (a BIND or VALUES inside) still has to
        // agree with `row`, as it did before substitution.
        let found = super::ops::evaluate(self, plan, row.to_vec())
            .find_map(|solution| match solution {
                Ok(solution) => super::ops::merge(&solution, row).map(|_| Ok(true)),
                Err(e) => Some(Err(e)),
            })
            .unwrap_or(Ok(false));
        self.graph_slots
            .borrow_mut()
            .retain(|slot| !substituted.contains(slot));
        found
    }

    /// Declares a context slot (the graph `GRAPH ?g` reads, or a parameter of a prepared query):
    /// its value is seen by sub-plans evaluated on their own (sub-queries, groups, OPTIONAL sides).
    pub(crate) fn add_graph_slot(&self, slot: usize) {
        let mut slots = self.graph_slots.borrow_mut();
        if !slots.contains(&slot) {
            slots.push(slot);
        }
    }

    /// Whether `slot` is a context slot rather than a variable of the pattern.
    pub(crate) fn is_context_slot(&self, slot: usize) -> bool {
        self.graph_slots.borrow().contains(&slot)
    }

    /// Whether rows carry a graph context (the graph a `GRAPH ?g` around them reads).
    pub(crate) fn has_graph_context(&self) -> bool {
        !self.graph_slots.borrow().is_empty()
    }

    /// The part of `row` that is graph context.
    pub(crate) fn context_of(&self, row: &[Option<TermId>]) -> Row {
        let mut context = self.empty_row();
        for slot in self.graph_slots.borrow().iter() {
            if let Some(value) = row.get(*slot) {
                context[*slot] = *value;
            }
        }
        context
    }

    /// An empty row.
    pub(crate) fn empty_row(&self) -> Row {
        vec![None; self.width.get()]
    }
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::CancellationToken;
    use std::time::{Duration, Instant};

    #[test]
    fn a_deadline_cancels_once_passed_and_cancel_still_works() {
        let later = CancellationToken::with_deadline(Instant::now() + Duration::from_secs(3600));
        assert!(!later.is_cancelled());
        later.clone().cancel();
        assert!(later.is_cancelled(), "clones share the flag");
        let passed = CancellationToken::with_deadline(Instant::now());
        assert!(passed.is_cancelled());
        assert!(!CancellationToken::new().is_cancelled());
    }
}
