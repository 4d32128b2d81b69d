//! Trine's SPARQL 1.1 query engine.
//!
//! `spargebra` parses; `plan` turns its algebra into Trine's own (`algebra`: variables as column
//! slots, constants as ids) and orders joins from the store's statistics; `exec` runs the plan over
//! any [`QuadRead`] view (a snapshot or a transaction), decoding terms only for expressions and
//! output. The arrows point one way: `exec` → `plan` → `algebra`.
//!
//! ```
//! use trine_core::{Store, kv::MemoryBackend, io::{LoadOptions, RdfFormat}};
//! use trine_core::sparql::{PreparedQuery, QueryOptions, QueryResults};
//!
//! let store = Store::open(MemoryBackend::new())?;
//! store.load_from_reader(RdfFormat::Turtle, &b"<http://e/a> <http://e/p> 1, 2 ."[..], &LoadOptions::new())?;
//! let query = PreparedQuery::parse("SELECT ?o WHERE { ?s ?p ?o FILTER(?o > 1) }", None)?;
//! let snapshot = store.snapshot()?;
//! let execution = query.bind(&snapshot, &QueryOptions::default())?;
//! let QueryResults::Solutions(solutions) = execution.results()? else { unreachable!() };
//! assert_eq!(solutions.count(), 1);
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```
//!
//! The whole of SPARQL 1.1 Query is evaluated: every query form, datasets, every graph pattern,
//! aggregates, property paths, sub-queries and the function library; `SERVICE` goes through a
//! [`ServiceHandler`] the embedder installs. Each execution runs under [`QueryOptions`]: a
//! timeout, a cancellation token and a cap on rows held in memory.

mod algebra;
mod cache;
mod exec;
mod lru;
mod plan;
mod plan_cache;

pub(crate) mod depth;
mod error;
mod format;
pub(crate) mod lexical;
mod results;

pub use cache::QueryCache;
pub use depth::MAX_ALGEBRA_DEPTH;
pub use error::QueryError;
pub use exec::CancellationToken;
pub use format::{QueryResultsFormat, ResultsWriteError, results_format_by_name};
pub use lexical::{MAX_NEGATION_DEPTH, MAX_NESTING_DEPTH, MAX_OPERATORS};
pub use plan::{Actual, ExplainNode};
pub use plan_cache::PlanCache;
pub use results::{QueryResults, QuerySolution, SolutionIter};

use std::collections::HashMap;
use std::sync::Arc;

use oxrdf::{NamedNode, Term, Variable};
use spargebra::Query;
pub use spargebra::algebra::GraphPattern;

use crate::storage::QuadRead;
use algebra::{DatasetView, DefaultGraphs, GraphTarget, QueryForm, TemplateTerm};
use exec::EvalContext;
use plan::Translator;

/// A function an embedder adds to SPARQL, called by its IRI: it gets the evaluated arguments and
/// returns a value, or `None` for an expression error.
pub type CustomFunction = Arc<dyn Fn(&[Term]) -> Option<Term> + Send + Sync>;

/// Answers `SERVICE` calls. There is none by default, so `SERVICE` fails (or, with `SILENT`, gives
/// one empty solution) unless the embedder installs one; WebAssembly builds have no network and
/// ship none.
pub trait ServiceHandler: Send + Sync {
    /// Evaluates `pattern` at `endpoint`, returning the variables and the solutions.
    ///
    /// # Errors
    /// A message saying why the endpoint did not answer.
    fn handle(
        &self,
        endpoint: &NamedNode,
        pattern: &GraphPattern,
        base_iri: Option<&str>,
    ) -> Result<ServiceAnswer, String>;
}

/// What an endpoint answers: its variables, then one row of optional values per solution.
pub type ServiceAnswer = (Vec<Variable>, Vec<Vec<Option<Term>>>);

/// Limits and controls for one execution.
#[derive(Clone, Default)]
pub struct QueryOptions {
    /// Stop with [`QueryError::Timeout`] after this long (not on `wasm32`, which has no clock).
    pub timeout: Option<std::time::Duration>,
    /// Stop with [`QueryError::Cancelled`] once this token is cancelled.
    pub cancellation: CancellationToken,
    /// Extension functions by IRI.
    pub custom_functions: HashMap<NamedNode, CustomFunction>,
    /// Most rows one memory-hungry operator (ORDER BY, GROUP BY, DISTINCT, the stored side of a
    /// join, a path closure) may hold before the query ends with [`QueryError::LimitExceeded`];
    /// `None` for no limit.
    pub max_rows_in_memory: Option<usize>,
    /// Answers `SERVICE`; none by default.
    pub service_handler: Option<Arc<dyn ServiceHandler>>,
    /// Match explicit quads only, leaving out what the reasoner inferred.
    pub explicit_only: bool,
    /// Plans kept for queries sent again: the store's own
    /// ([`Store::plan_cache`](crate::Store::plan_cache)), used on its snapshots. Not used when
    /// extension functions are registered or variables are bound in advance.
    pub plan_cache: Option<Arc<PlanCache>>,
}

impl std::fmt::Debug for QueryOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryOptions")
            .field("timeout", &self.timeout)
            .field("cancellation", &self.cancellation)
            .field(
                "custom_functions",
                &self.custom_functions.keys().collect::<Vec<_>>(),
            )
            .field("max_rows_in_memory", &self.max_rows_in_memory)
            .field("explicit_only", &self.explicit_only)
            .field("plan_cache", &self.plan_cache.is_some())
            .finish()
    }
}

impl QueryOptions {
    /// Adds an extension function callable as `<iri>(args…)`.
    #[must_use]
    pub fn with_custom_function(
        mut self,
        iri: NamedNode,
        function: impl Fn(&[Term]) -> Option<Term> + Send + Sync + 'static,
    ) -> Self {
        self.custom_functions.insert(iri, Arc::new(function));
        self
    }
}

/// The four query forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryKind {
    /// `SELECT`: solutions.
    Select,
    /// `ASK`: a boolean.
    Ask,
    /// `CONSTRUCT`: a graph.
    Construct,
    /// `DESCRIBE`: a graph.
    Describe,
}

/// A parsed query, ready to run many times.
#[derive(Debug, Clone)]
pub struct PreparedQuery {
    /// Shared: a query cache hands out copies of one parse.
    query: Arc<Query>,
    /// Whether a dataset with no named graphs listed keeps every named graph of the store: true
    /// for the WHERE of an update with `WITH` and no `USING`, false for a query's `FROM`.
    all_named_when_unlisted: bool,
    /// A hash of the query's algebra, made on first use and shared by copies.
    algebra_hash: Arc<std::sync::OnceLock<u64>>,
}

impl PreparedQuery {
    /// Parses `query`, resolving relative IRIs against `base_iri`.
    ///
    /// # Errors
    /// [`QueryError::Syntax`] with the parser's message and position;
    /// [`QueryError::TooDeep`] past [`MAX_NESTING_DEPTH`] levels of brackets;
    /// [`QueryError::TooComplex`] past [`MAX_OPERATORS`] operators or [`MAX_ALGEBRA_DEPTH`]
    /// levels of algebra.
    pub fn parse(query: &str, base_iri: Option<&str>) -> Result<Self, QueryError> {
        lexical::check_limits(query, true)?;
        depth::on_large_stack(
            query,
            |query| Self::parse_unguarded(query, base_iri),
            QueryError::Syntax,
        )
    }

    fn parse_unguarded(query: &str, base_iri: Option<&str>) -> Result<Self, QueryError> {
        let mut parser = spargebra::SparqlParser::new();
        if let Some(base) = base_iri {
            parser = parser
                .with_base_iri(base)
                .map_err(|e| QueryError::Syntax(e.to_string()))?;
        }
        let parsed = parser
            .clone()
            .parse_query(query)
            .map_err(|e| QueryError::Syntax(e.to_string()))?;
        if !depth::query_within_limit(&parsed) {
            return Err(QueryError::TooComplex(format!(
                "the query's algebra nests deeper than {MAX_ALGEBRA_DEPTH} levels"
            )));
        }
        // Spans that SPARQL's tokenizer reads as IRIs must parse as IRIs.
        if let Some(tokenized) = lexical::with_iris_as_tokens(query)
            && parser.parse_query(&tokenized).is_err()
        {
            return Err(QueryError::Syntax(
                "a `<…>` span is an IRI by SPARQL's longest-token rule, not comparison operators"
                    .into(),
            ));
        }
        Ok(Self {
            query: Arc::new(parsed),
            all_named_when_unlisted: false,
            algebra_hash: Arc::default(),
        })
    }

    /// Whether the query has a `SERVICE` pattern, whose evaluation waits on another endpoint
    /// (so a caller may keep it off threads that must not block).
    ///
    /// ```
    /// use trine_core::sparql::PreparedQuery;
    ///
    /// let local = PreparedQuery::parse("SELECT * { ?s ?p ?o }", None)?;
    /// assert!(!local.calls_service());
    /// let remote = "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://e.com/q> { ?s ?p 1 } } }";
    /// assert!(PreparedQuery::parse(remote, None)?.calls_service());
    /// # Ok::<_, trine_core::sparql::QueryError>(())
    /// ```
    pub fn calls_service(&self) -> bool {
        // A walk over the algebra that stops at the first SERVICE: too cheap to be worth keeping.
        depth::query_calls_service(&self.query)
    }

    /// The query's form.
    pub fn kind(&self) -> QueryKind {
        match self.query.as_ref() {
            Query::Select { .. } => QueryKind::Select,
            Query::Ask { .. } => QueryKind::Ask,
            Query::Construct { .. } => QueryKind::Construct,
            Query::Describe { .. } => QueryKind::Describe,
        }
    }

    /// The query with its dataset (`FROM`, `FROM NAMED`) replaced: the default graph is the
    /// merge of `default_graphs` and the named graphs are exactly `named_graphs`, as the SPARQL
    /// protocol's `default-graph-uri` and `named-graph-uri` parameters say.
    #[must_use]
    pub fn with_dataset(
        mut self,
        default_graphs: Vec<NamedNode>,
        named_graphs: Vec<NamedNode>,
    ) -> Self {
        let dataset = spargebra::algebra::QueryDataset {
            default: default_graphs,
            named: Some(named_graphs),
        };
        match Arc::make_mut(&mut self.query) {
            Query::Select { dataset: d, .. }
            | Query::Construct { dataset: d, .. }
            | Query::Describe { dataset: d, .. }
            | Query::Ask { dataset: d, .. } => *d = Some(dataset),
        }
        self.algebra_hash = Arc::default();
        self
    }

    /// A SELECT of every in-scope variable of `pattern`: what a [`ServiceHandler`] that answers
    /// from a local store evaluates.
    pub fn select_all(pattern: GraphPattern) -> Self {
        Self::select_all_over(pattern, None, None)
    }

    /// A SELECT of every in-scope variable of `pattern` over `dataset` (an update's `USING`, or
    /// its `WITH` graph, in which case named graphs not listed are all the store's).
    pub(crate) fn select_all_over(
        pattern: GraphPattern,
        dataset: Option<spargebra::algebra::QueryDataset>,
        base_iri: Option<oxiri::Iri<String>>,
    ) -> Self {
        let mut variables = Vec::new();
        pattern.on_in_scope_variable(|variable| {
            if !variables.contains(variable) {
                variables.push(variable.clone());
            }
        });
        Self {
            query: Arc::new(Query::Select {
                dataset,
                pattern: GraphPattern::Project {
                    inner: Box::new(pattern),
                    variables,
                },
                base_iri,
            }),
            all_named_when_unlisted: true,
            algebra_hash: Arc::default(),
        }
    }

    /// Plans the query against `reader` (constants become its ids), ready to produce results.
    ///
    /// # Errors
    /// [`QueryError::Unsupported`] for features not evaluated yet, or a storage failure.
    pub fn bind<'r, R: QuadRead>(
        &self,
        reader: &'r R,
        options: &QueryOptions,
    ) -> Result<Execution<'r>, QueryError> {
        self.bind_with(reader, options, &[])
    }

    /// As [`bind`](Self::bind), with variables fixed to values before evaluation (a prepared
    /// query run with parameters): every occurrence of a bound variable, in sub-queries too, takes
    /// the value, as if the query text had it in place of the variable.
    ///
    /// # Errors
    /// As [`bind`](Self::bind).
    pub fn bind_with<'r, R: QuadRead>(
        &self,
        reader: &'r R,
        options: &QueryOptions,
        bindings: &[(Variable, Term)],
    ) -> Result<Execution<'r>, QueryError> {
        let (dataset, pattern) = match self.query.as_ref() {
            Query::Select {
                dataset, pattern, ..
            }
            | Query::Construct {
                dataset, pattern, ..
            }
            | Query::Describe {
                dataset, pattern, ..
            }
            | Query::Ask {
                dataset, pattern, ..
            } => (dataset, pattern),
        };
        let bound = bindings
            .iter()
            .map(|(variable, _)| variable.clone())
            .collect();
        plan::check_service_endpoints(pattern, &bound)?;
        let mut view = DatasetView::default();
        if let Some(dataset) = dataset {
            let ids = |nodes: &[oxrdf::NamedNode]| -> Result<Vec<_>, QueryError> {
                let mut ids = Vec::new();
                for node in nodes {
                    if let Some(id) = reader.term_id(node.as_ref().into())? {
                        ids.push(id);
                    }
                }
                Ok(ids)
            };
            view.default = DefaultGraphs::Graphs(ids(&dataset.default)?);
            view.named = match &dataset.named {
                Some(named) => Some(ids(named)?),
                None if self.all_named_when_unlisted => None,
                None => Some(Vec::new()),
            };
        }
        #[cfg(not(target_family = "wasm"))]
        let deadline = options
            .timeout
            .map(|timeout| std::time::Instant::now() + timeout);
        let mut ctx = EvalContext::new(
            reader,
            view,
            0,
            options.cancellation.clone(),
            #[cfg(not(target_family = "wasm"))]
            deadline,
        );
        ctx.set_base_iri(match self.query.as_ref() {
            Query::Select { base_iri, .. }
            | Query::Construct { base_iri, .. }
            | Query::Describe { base_iri, .. }
            | Query::Ask { base_iri, .. } => base_iri.clone(),
        });
        ctx.set_custom_functions(options.custom_functions.clone());
        ctx.set_row_limit(options.max_rows_in_memory);
        ctx.set_service_handler(options.service_handler.clone());
        ctx.set_explicit_only(options.explicit_only);
        let cache = self.cache_slot(reader, options, bindings);
        let cached = match &cache {
            Some((cache, key, version)) => cache.get(key, *version, || reader.len())?,
            None => None,
        };
        let (planned, bound_slots) = match cached {
            Some(planned) => {
                ctx.seed_local_terms(&planned.local_terms);
                (planned, Vec::new())
            }
            None => {
                let (planned, bound_slots) = self.plan(pattern, &ctx, bindings)?;
                let planned = Arc::new(planned);
                if let Some((cache, key, version)) = cache {
                    let exact = !ctx.missed_terms() && planned.local_terms.is_empty();
                    cache.insert(key, Arc::clone(&planned), version, reader.len()?, exact);
                }
                (planned, bound_slots)
            }
        };
        ctx.set_width(planned.width);
        for slot in &planned.graph_slots {
            ctx.add_graph_slot(*slot);
        }
        let mut input = ctx.empty_row();
        for (slot, value) in bound_slots {
            input[slot] = Some(ctx.intern(value)?);
            // Parameters bind every occurrence of the variable, under projections too.
            ctx.add_graph_slot(slot);
        }
        Ok(Execution {
            ctx,
            planned,
            input,
        })
    }

    /// The plan cache to use for this bind, the query's key in it and the view's version:
    /// `None` when there is no cache, the view is not one committed state of the store, or the
    /// plan would depend on more than the key says (extension functions, bound variables).
    fn cache_slot<'c, R: QuadRead>(
        &self,
        reader: &R,
        options: &'c QueryOptions,
        bindings: &[(Variable, Term)],
    ) -> Option<(
        &'c PlanCache,
        plan_cache::PlanKey,
        crate::storage::ReadVersion,
    )> {
        let cache = options.plan_cache.as_deref()?;
        let version = reader.read_version()?;
        if !cache.is_enabled() || !bindings.is_empty() || !options.custom_functions.is_empty() {
            return None;
        }
        let hash = *self.algebra_hash.get_or_init(|| {
            use std::hash::{BuildHasher, BuildHasherDefault};
            BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(self.query.as_ref())
        });
        let key = plan_cache::PlanKey {
            hash,
            query: Arc::clone(&self.query),
            all_named_when_unlisted: self.all_named_when_unlisted,
            explicit_only: options.explicit_only,
            service: options.service_handler.is_some(),
        };
        Some((cache, key, version))
    }

    /// Translates the query against `ctx`, with `bindings` fixed; gives the plan and the slots
    /// the bindings fill.
    fn plan(
        &self,
        pattern: &GraphPattern,
        ctx: &EvalContext<'_>,
        bindings: &[(Variable, Term)],
    ) -> Result<(plan_cache::Planned, Vec<(usize, Term)>), QueryError> {
        let mut translator = Translator::new();
        let bound_slots: Vec<(usize, Term)> = bindings
            .iter()
            .map(|(variable, value)| (translator.slot(variable), value.clone()))
            .collect();
        let root = translator.pattern(pattern, &GraphTarget::DefaultGraph, ctx)?;
        let form = match self.query.as_ref() {
            Query::Select { .. } => {
                let variables = projected(pattern);
                QueryForm::Select(
                    variables
                        .into_iter()
                        .map(|v: Variable| {
                            let slot = translator.slot(&v);
                            (v, slot)
                        })
                        .collect(),
                )
            }
            Query::Ask { .. } => QueryForm::Ask,
            Query::Construct { template, .. } => {
                QueryForm::Construct(translator.template(template))
            }
            Query::Describe { .. } => {
                let variables = projected(pattern);
                QueryForm::Describe(
                    variables
                        .iter()
                        .map(|v| TemplateTerm::Slot(translator.slot(v)))
                        .collect(),
                )
            }
        };
        let planned = plan_cache::Planned {
            root,
            form,
            names: translator.slot_names(),
            width: translator.width(),
            graph_slots: translator.graph_slots().to_vec(),
            local_terms: ctx.local_terms(),
        };
        Ok((planned, bound_slots))
    }
}

/// The variables a query projects: its outermost projection, under the solution modifiers.
fn projected(pattern: &GraphPattern) -> Vec<Variable> {
    match pattern {
        GraphPattern::Project { variables, .. } => variables.clone(),
        GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::OrderBy { inner, .. } => projected(inner),
        _ => Vec::new(),
    }
}

/// A query planned against one read view; [`results`](Self::results) streams its answers.
pub struct Execution<'r> {
    ctx: EvalContext<'r>,
    /// Shared with the plan cache when it came from there.
    planned: Arc<plan_cache::Planned>,
    input: exec::Row,
}

impl Execution<'_> {
    /// The results, pulled lazily.
    ///
    /// # Errors
    /// Evaluation failures surface here for ASK, and from the iterators otherwise.
    pub fn results(&self) -> Result<QueryResults<'_>, QueryError> {
        results::results(
            &self.ctx,
            &self.planned.root,
            &self.planned.form,
            self.input.clone(),
        )
    }

    /// EXPLAIN: the plan with the join algorithm at each join and estimated rows; render it with
    /// [`ExplainNode::to_text`] or [`ExplainNode::to_json`].
    ///
    /// # Errors
    /// Fails if the statistics cannot be read.
    pub fn explain(&self) -> Result<ExplainNode, QueryError> {
        plan::explain(&self.ctx, &self.planned.root, &self.slot_names(), &|_| None)
    }

    /// EXPLAIN ANALYZE: runs the query to the end (its results are read and dropped), then
    /// explains the plan with the rows, runs and time measured at each operator next to the
    /// estimates.
    ///
    /// # Errors
    /// Any error the query's evaluation raises.
    pub fn analyze(&self) -> Result<ExplainNode, QueryError> {
        self.ctx.profile.start();
        match self.results()? {
            QueryResults::Solutions(solutions) => {
                for solution in solutions {
                    solution?;
                }
            }
            QueryResults::Boolean(_) => {}
            QueryResults::Graph(triples) => {
                for triple in triples {
                    triple?;
                }
            }
        }
        plan::explain(&self.ctx, &self.planned.root, &self.slot_names(), &|node| {
            self.ctx.profile.actual(node)
        })
    }

    /// Variable names by slot, for EXPLAIN.
    fn slot_names(&self) -> impl Fn(usize) -> String + '_ {
        |slot| {
            self.planned
                .names
                .get(slot)
                .cloned()
                .unwrap_or_else(|| format!("_{slot}"))
        }
    }
}
