//! [`QueryEngine`] on Trine's own SPARQL engine, over a store on the in-memory backend.

use std::sync::Arc;

use oxrdf::{Dataset, NamedNode};
use trine_core::Store;
use trine_core::kv::MemoryBackend;
use trine_core::sparql::{
    GraphPattern, PreparedQuery, QueryOptions, QueryResults, ServiceAnswer, ServiceHandler,
};
use trine_core::storage::QuadRead;
use trine_core::update::{PreparedUpdate, UpdateOptions};

use super::engine::{LocalService, QueryEngine, QueryOutcome};
use super::update::UpdateEngine;

/// Trine's engine under test: each query runs on a fresh store holding the test's dataset.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrineEngine;

impl TrineEngine {
    /// The engine.
    pub fn new() -> Self {
        Self
    }
}

impl QueryEngine for TrineEngine {
    fn query(
        &self,
        dataset: &Dataset,
        query: &str,
        base_iri: Option<&str>,
    ) -> Result<QueryOutcome, String> {
        self.query_with_services(dataset, query, base_iri, &[])
    }

    fn query_with_services(
        &self,
        dataset: &Dataset,
        query: &str,
        base_iri: Option<&str>,
        services: &[LocalService],
    ) -> Result<QueryOutcome, String> {
        let options = QueryOptions {
            service_handler: (!services.is_empty())
                .then(|| Arc::new(LocalServices(services.to_vec())) as Arc<dyn ServiceHandler>),
            ..QueryOptions::default()
        };
        let store = Store::open(MemoryBackend::new()).map_err(|e| e.to_string())?;
        store.extend(dataset.iter()).map_err(|e| e.to_string())?;
        let prepared = PreparedQuery::parse(query, base_iri).map_err(|e| e.to_string())?;
        let snapshot = store.snapshot().map_err(|e| e.to_string())?;
        let execution = prepared
            .bind(&snapshot, &options)
            .map_err(|e| e.to_string())?;
        outcome(execution.results().map_err(|e| e.to_string())?)
    }

    fn parse(&self, query: &str, base_iri: Option<&str>) -> Result<(), String> {
        PreparedQuery::parse(query, base_iri)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// Answers `SERVICE` from the test's local endpoint data, with Trine itself.
struct LocalServices(Vec<LocalService>);

impl ServiceHandler for LocalServices {
    fn handle(
        &self,
        endpoint: &NamedNode,
        pattern: &GraphPattern,
        _base_iri: Option<&str>,
    ) -> Result<ServiceAnswer, String> {
        let service = self
            .0
            .iter()
            .find(|service| &service.endpoint == endpoint)
            .ok_or_else(|| format!("no local data for <{}>", endpoint.as_str()))?;
        let store = Store::open(MemoryBackend::new()).map_err(|e| e.to_string())?;
        store
            .extend(service.dataset.iter())
            .map_err(|e| e.to_string())?;
        let snapshot = store.snapshot().map_err(|e| e.to_string())?;
        let query = PreparedQuery::select_all(pattern.clone());
        // Endpoints may call each other (a nested SERVICE).
        let options = QueryOptions {
            service_handler: Some(Arc::new(LocalServices(self.0.clone()))),
            ..QueryOptions::default()
        };
        let execution = query.bind(&snapshot, &options).map_err(|e| e.to_string())?;
        let QueryOutcome::Solutions {
            variables,
            solutions: rows,
        } = outcome(execution.results().map_err(|e| e.to_string())?)?
        else {
            return Err("a SERVICE pattern gave no solutions".into());
        };
        Ok((variables, rows))
    }
}

impl UpdateEngine for TrineEngine {
    fn parse_update(&self, update: &str, base_iri: Option<&str>) -> Result<(), String> {
        PreparedUpdate::parse(update, base_iri)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn update(
        &self,
        dataset: &Dataset,
        graphs: &[NamedNode],
        update: &str,
        base_iri: Option<&str>,
    ) -> Result<Dataset, String> {
        let store = Store::open(MemoryBackend::new()).map_err(|e| e.to_string())?;
        store.extend(dataset.iter()).map_err(|e| e.to_string())?;
        for graph in graphs {
            store
                .create_named_graph(graph.as_ref())
                .map_err(|e| e.to_string())?;
        }
        let prepared = PreparedUpdate::parse(update, base_iri).map_err(|e| e.to_string())?;
        store
            .run_update(&prepared, &UpdateOptions::default())
            .map_err(|e| e.to_string())?;
        let snapshot = store.snapshot().map_err(|e| e.to_string())?;
        let mut after = Dataset::new();
        for quad in snapshot.iter() {
            after.insert(&quad.map_err(|e| e.to_string())?);
        }
        Ok(after)
    }
}

/// Collects Trine's results into the form the runners compare.
///
/// # Errors
/// The first evaluation error, as text.
pub fn outcome(results: QueryResults<'_>) -> Result<QueryOutcome, String> {
    Ok(match results {
        QueryResults::Boolean(value) => QueryOutcome::Boolean(value),
        QueryResults::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let mut rows = Vec::new();
            for solution in solutions {
                rows.push(solution.map_err(|e| e.to_string())?.values().to_vec());
            }
            QueryOutcome::Solutions {
                variables,
                solutions: rows,
            }
        }
        QueryResults::Graph(triples) => QueryOutcome::Graph(
            triples
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| e.to_string())?,
        ),
    })
}
