//! [`QueryEngine`] on Trine's own SPARQL engine, over a store on the in-memory backend.

use oxrdf::Dataset;
use trine_core::Store;
use trine_core::kv::MemoryBackend;
use trine_core::sparql::{PreparedQuery, QueryOptions, QueryResults};

use super::engine::{QueryEngine, QueryOutcome};

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
        let store = Store::open(MemoryBackend::new()).map_err(|e| e.to_string())?;
        store.extend(dataset.iter()).map_err(|e| e.to_string())?;
        let prepared = PreparedQuery::parse(query, base_iri).map_err(|e| e.to_string())?;
        let snapshot = store.snapshot().map_err(|e| e.to_string())?;
        let execution = prepared
            .bind(&snapshot, &QueryOptions::default())
            .map_err(|e| e.to_string())?;
        let results = execution.results().map_err(|e| e.to_string())?;
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

    fn parse(&self, query: &str, base_iri: Option<&str>) -> Result<(), String> {
        PreparedQuery::parse(query, base_iri)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}
