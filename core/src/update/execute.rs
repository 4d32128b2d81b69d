//! Parsing an update request and running its operations in one transaction.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use oxrdf::{GraphName, GraphNameRef, NamedNode, Quad, Term, Variable};
use oxrdfio::RdfParser;
use spargebra::algebra::{GraphPattern, GraphTarget, QueryDataset};
use spargebra::term::{GroundQuadPattern, GroundTerm, QuadPattern};
use spargebra::{GraphUpdateOperation, SparqlParser, Update};

use super::UpdateError;
use super::loader::LoadHandler;
use super::template::{Binding, delete_quad, insert_quad, with_fresh_blank_nodes};
use crate::io::LoadError;
use crate::kv::KvBackend;
use crate::sparql::{PreparedQuery, QueryError, QueryOptions, QueryResults};
use crate::storage::{QuadRead, Transaction};
use crate::store::Store;

/// Controls for one update request.
#[derive(Clone, Default)]
pub struct UpdateOptions {
    /// Limits for the `WHERE` clauses: timeout, cancellation, memory, extension functions.
    pub query: QueryOptions,
    /// Opens the documents `LOAD` names; with none, `LOAD` fails (or does nothing under `SILENT`).
    pub loader: Option<Arc<dyn LoadHandler>>,
}

impl std::fmt::Debug for UpdateOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateOptions")
            .field("query", &self.query)
            .field("loader", &self.loader.is_some())
            .finish()
    }
}

impl UpdateOptions {
    /// Installs the handler `LOAD` reads documents through.
    #[must_use]
    pub fn with_loader(mut self, loader: Arc<dyn LoadHandler>) -> Self {
        self.loader = Some(loader);
        self
    }
}

/// What a request changed: explicit quads added and removed, over all its operations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateSummary {
    /// Quads inserted that were not there before.
    pub inserted: u64,
    /// Quads removed that were there.
    pub deleted: u64,
}

/// A parsed update request, ready to run (many times, in different transactions).
#[derive(Debug, Clone)]
pub struct PreparedUpdate {
    update: Update,
}

impl PreparedUpdate {
    /// Parses `update`, resolving relative IRIs against `base_iri`.
    ///
    /// # Errors
    /// [`UpdateError::Syntax`] with the parser's message and position.
    pub fn parse(update: &str, base_iri: Option<&str>) -> Result<Self, UpdateError> {
        // Signed numbers are data here (bulk `INSERT DATA`), not subtractions.
        crate::sparql::lexical::check_limits(update, false)?;
        crate::sparql::depth::on_large_stack(
            update,
            |update| Self::parse_unguarded(update, base_iri),
            UpdateError::Syntax,
        )
    }

    fn parse_unguarded(update: &str, base_iri: Option<&str>) -> Result<Self, UpdateError> {
        let mut parser = SparqlParser::new();
        if let Some(base) = base_iri {
            parser = parser
                .with_base_iri(base)
                .map_err(|e| UpdateError::Syntax(e.to_string()))?;
        }
        let parsed = parser
            .clone()
            .parse_update(update)
            .map_err(|e| UpdateError::Syntax(e.to_string()))?;
        if !crate::sparql::depth::update_within_limit(&parsed) {
            return Err(UpdateError::TooComplex(format!(
                "a WHERE clause nests deeper than {} levels",
                crate::sparql::MAX_ALGEBRA_DEPTH
            )));
        }
        // As for queries: spans SPARQL's tokenizer reads as IRIs must parse as IRIs.
        if let Some(tokenized) = crate::sparql::lexical::with_iris_as_tokens(update)
            && parser.parse_update(&tokenized).is_err()
        {
            return Err(UpdateError::Syntax(
                "a `<…>` span is an IRI by SPARQL's longest-token rule, not comparison operators"
                    .into(),
            ));
        }
        Ok(Self { update: parsed })
    }

    /// The request with `USING` graphs for every `DELETE`/`INSERT … WHERE` operation, as the
    /// SPARQL protocol's `using-graph-uri` and `using-named-graph-uri` parameters say; `None`
    /// when an operation has `USING`, `USING NAMED` or `WITH` of its own (which the protocol
    /// makes a client error).
    #[must_use]
    pub fn with_using(
        mut self,
        default_graphs: Vec<oxrdf::NamedNode>,
        named_graphs: Vec<oxrdf::NamedNode>,
    ) -> Option<Self> {
        let dataset = spargebra::algebra::QueryDataset {
            default: default_graphs,
            named: Some(named_graphs),
        };
        for operation in &mut self.update.operations {
            if let GraphUpdateOperation::DeleteInsert { using, .. } = operation {
                if using.is_some() {
                    return None;
                }
                *using = Some(dataset.clone());
            }
        }
        Some(self)
    }

    /// Number of operations, after `ADD`, `MOVE` and `COPY` are rewritten into the operations the
    /// standard defines them by.
    pub fn len(&self) -> usize {
        self.update.operations.len()
    }

    /// Whether the request has no operation (an empty request, or `COPY` of a graph to itself).
    pub fn is_empty(&self) -> bool {
        self.update.operations.is_empty()
    }

    /// Runs every operation in `transaction`, in order; each sees what the previous ones did.
    /// Nothing is committed: on error, drop the transaction and nothing of the request is written.
    ///
    /// # Errors
    /// The first operation that fails stops the request (see [`UpdateError`]).
    pub fn execute<'t, B: KvBackend + 't>(
        &self,
        transaction: &mut Transaction<'t, B>,
        options: &UpdateOptions,
    ) -> Result<UpdateSummary, UpdateError> {
        let mut summary = UpdateSummary::default();
        for operation in &self.update.operations {
            let done = self.operation(transaction, operation, options)?;
            summary.inserted += done.inserted;
            summary.deleted += done.deleted;
        }
        Ok(summary)
    }

    fn operation<'t, B: KvBackend + 't>(
        &self,
        transaction: &mut Transaction<'t, B>,
        operation: &GraphUpdateOperation,
        options: &UpdateOptions,
    ) -> Result<UpdateSummary, UpdateError> {
        let mut summary = UpdateSummary::default();
        match operation {
            GraphUpdateOperation::InsertData { data } => {
                let mut fresh = HashMap::new();
                for quad in data {
                    let quad = Quad::new(
                        quad.subject.clone(),
                        quad.predicate.clone(),
                        quad.object.clone(),
                        graph_name(&quad.graph_name),
                    );
                    let quad = with_fresh_blank_nodes(quad, &mut fresh);
                    summary.inserted += u64::from(transaction.insert(quad.as_ref())?);
                }
            }
            GraphUpdateOperation::DeleteData { data } => {
                for quad in data {
                    if let Some(quad) = ground_quad(quad) {
                        summary.deleted += u64::from(transaction.remove(quad.as_ref())?);
                    }
                }
            }
            GraphUpdateOperation::DeleteInsert {
                delete,
                insert,
                using,
                pattern,
            } => {
                return self.delete_insert(transaction, delete, insert, using, pattern, options);
            }
            GraphUpdateOperation::Load {
                silent,
                source,
                destination,
            } => match load(transaction, source, &graph_name(destination), options) {
                Ok(inserted) => summary.inserted = inserted,
                Err(_) if *silent => {}
                Err(e) => return Err(e),
            },
            GraphUpdateOperation::Clear { silent, graph } => {
                summary.deleted = clear(transaction, graph, *silent, false)?;
            }
            GraphUpdateOperation::Drop { silent, graph } => {
                summary.deleted = clear(transaction, graph, *silent, true)?;
            }
            GraphUpdateOperation::Create { silent, graph } => {
                let name = GraphNameRef::NamedNode(graph.as_ref());
                if !transaction.create_named_graph(name)? && !*silent {
                    return Err(UpdateError::GraphExists(graph.as_str().to_owned()));
                }
            }
        }
        Ok(summary)
    }

    fn delete_insert<'t, B: KvBackend + 't>(
        &self,
        transaction: &mut Transaction<'t, B>,
        delete: &[GroundQuadPattern],
        insert: &[QuadPattern],
        using: &Option<QueryDataset>,
        pattern: &GraphPattern,
        options: &UpdateOptions,
    ) -> Result<UpdateSummary, UpdateError> {
        // Every solution is computed before anything changes: templates see the state before
        // this operation, whatever they delete or insert.
        let (variables, rows) = solutions(
            transaction,
            pattern,
            using.clone(),
            self.update.base_iri.clone(),
            &options.query,
        )?;
        let mut removals = Vec::new();
        let mut additions = Vec::new();
        for values in &rows {
            let binding = Binding::new(&variables, values);
            removals.extend(delete.iter().filter_map(|p| delete_quad(p, &binding)));
            let mut fresh = HashMap::new();
            additions.extend(
                insert
                    .iter()
                    .filter_map(|p| insert_quad(p, &binding, &mut fresh)),
            );
        }
        let mut summary = UpdateSummary::default();
        for quad in &removals {
            summary.deleted += u64::from(transaction.remove(quad.as_ref())?);
        }
        for quad in &additions {
            summary.inserted += u64::from(transaction.insert(quad.as_ref())?);
        }
        Ok(summary)
    }
}

/// The variables of a `WHERE` clause, and its solutions decoded, one value per variable.
type Solutions = (Vec<Variable>, Vec<Vec<Option<Term>>>);

/// The variables of `pattern` and its solutions over `transaction`, decoded.
fn solutions<'t, B: KvBackend + 't>(
    transaction: &Transaction<'t, B>,
    pattern: &GraphPattern,
    using: Option<QueryDataset>,
    base_iri: Option<oxiri::Iri<String>>,
    options: &QueryOptions,
) -> Result<Solutions, QueryError> {
    let query = PreparedQuery::select_all_over(pattern.clone(), using, base_iri);
    let execution = query.bind(transaction, options)?;
    let QueryResults::Solutions(solutions) = execution.results()? else {
        return Err(QueryError::Unsupported(
            "a WHERE clause that gives no solutions".into(),
        ));
    };
    let variables = solutions.variables().to_vec();
    let mut rows = Vec::new();
    for solution in solutions {
        rows.push(solution?.values().to_vec());
    }
    Ok((variables, rows))
}

fn ground_quad(quad: &spargebra::term::GroundQuad) -> Option<Quad> {
    let object = match &quad.object {
        GroundTerm::NamedNode(node) => Term::from(node.clone()),
        GroundTerm::Literal(literal) => Term::from(literal.clone()),
        #[allow(unreachable_patterns, reason = "RDF 1.2 triple terms, when enabled")]
        _ => return None,
    };
    Some(Quad::new(
        quad.subject.clone(),
        quad.predicate.clone(),
        object,
        graph_name(&quad.graph_name),
    ))
}

fn graph_name(name: &spargebra::term::GraphName) -> GraphName {
    match name {
        spargebra::term::GraphName::NamedNode(node) => node.clone().into(),
        spargebra::term::GraphName::DefaultGraph => GraphName::DefaultGraph,
    }
}

/// `CLEAR` (`drop` false) or `DROP` (`drop` true) of `target`; returns how many quads went.
fn clear<'t, B: KvBackend + 't>(
    transaction: &mut Transaction<'t, B>,
    target: &GraphTarget,
    silent: bool,
    drop: bool,
) -> Result<u64, UpdateError> {
    let before = transaction.len()?;
    match target {
        GraphTarget::NamedNode(graph) => {
            let name = GraphNameRef::NamedNode(graph.as_ref());
            if !transaction.contains_named_graph(name)? {
                return if silent {
                    Ok(0)
                } else {
                    Err(UpdateError::GraphMissing(graph.as_str().to_owned()))
                };
            }
            if drop {
                transaction.drop_named_graph(name)?;
            } else {
                transaction.clear_graph(name)?;
            }
        }
        GraphTarget::DefaultGraph => {
            transaction.clear_graph(GraphNameRef::DefaultGraph)?;
        }
        GraphTarget::NamedGraphs => {
            if drop {
                for graph in transaction.named_graphs()? {
                    transaction.drop_named_graph(graph.as_ref().into())?;
                }
            } else {
                transaction.clear_named_graphs()?;
            }
        }
        GraphTarget::AllGraphs => {
            if drop {
                transaction.clear()?;
            } else {
                transaction.clear_graph(GraphNameRef::DefaultGraph)?;
                transaction.clear_named_graphs()?;
            }
        }
    }
    Ok(before.saturating_sub(transaction.len()?))
}

/// `LOAD`: reads the whole document before inserting anything, so a syntax error (even under
/// `SILENT`) leaves the store as it was.
fn load<'t, B: KvBackend + 't>(
    transaction: &mut Transaction<'t, B>,
    source: &NamedNode,
    destination: &GraphName,
    options: &UpdateOptions,
) -> Result<u64, UpdateError> {
    let failed = |message: String| UpdateError::Load {
        source_iri: source.as_str().to_owned(),
        message,
    };
    let loader = options
        .loader
        .as_ref()
        .ok_or_else(|| failed("LOAD is not enabled: no document loader is installed".into()))?;
    let document = loader.open(source).map_err(failed)?;
    let base = document.base_iri.as_deref().unwrap_or(source.as_str());
    let syntax = |error: LoadError| UpdateError::LoadSyntax {
        source_iri: source.as_str().to_owned(),
        error,
    };
    let parser = RdfParser::from_format(document.format)
        .with_base_iri(base)
        .map_err(|e| syntax(LoadError::InvalidBaseIri(e.to_string())))?
        .with_default_graph(destination.clone())
        .rename_blank_nodes();
    // Read whole, then parsed from the slice: faster than through a reader, and the quads are
    // held until the end anyway.
    let mut bytes = Vec::new();
    let mut reader = document.reader;
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| syntax(LoadError::Io(e)))?;
    let mut quads = Vec::new();
    for quad in parser.for_slice(&bytes) {
        quads.push(quad.map_err(|e| syntax(e.into()))?);
    }
    let mut inserted = 0;
    for quad in &quads {
        inserted += u64::from(transaction.insert(quad.as_ref())?);
    }
    if let GraphName::NamedNode(graph) = destination {
        // LOAD INTO GRAPH creates the graph even from an empty document.
        transaction.create_named_graph(graph.as_ref().into())?;
    }
    Ok(inserted)
}

impl<B: KvBackend> Store<B> {
    /// Parses and runs a SPARQL update request in one transaction: every operation applies, or
    /// none does.
    ///
    /// # Errors
    /// A syntax error (nothing runs), or the first operation that fails (nothing is written).
    pub fn update(
        &self,
        update: &str,
        options: &UpdateOptions,
    ) -> Result<UpdateSummary, UpdateError> {
        let prepared = PreparedUpdate::parse(update, None)?;
        self.run_update(&prepared, options)
    }

    /// Runs a prepared update request in one transaction.
    ///
    /// # Errors
    /// As [`update`](Self::update).
    pub fn run_update(
        &self,
        update: &PreparedUpdate,
        options: &UpdateOptions,
    ) -> Result<UpdateSummary, UpdateError> {
        let mut transaction = self.transaction()?;
        let summary = update.execute(&mut transaction, options)?;
        transaction.commit()?;
        Ok(summary)
    }
}
