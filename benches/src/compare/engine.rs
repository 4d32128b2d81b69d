//! The engines a comparison runs: one trait, and Trine over any backend, in-process.

use std::path::{Path, PathBuf};

use trine_core::Store;
use trine_core::io::{Document, LoadOptions, RdfFormat};
use trine_core::kv::KvBackend;
use trine_core::sparql::{ExplainNode, PreparedQuery, QueryOptions, QueryResults};

use super::Error;
use super::answer::RawAnswer;
use crate::disk_usage;

/// One store under test: loaded once, then queried many times.
pub trait Engine {
    /// Loads N-Triples `files` (each its own document, so blank node labels stay within a file)
    /// and makes them durable. The comparison times this call and nothing else of the load.
    ///
    /// # Errors
    /// Whatever stopped the load.
    fn load(&mut self, files: &[PathBuf]) -> Result<(), Error>;

    /// The number of triples stored, to check that every engine holds the same data.
    ///
    /// # Errors
    /// Fails if the store cannot be read.
    fn triple_count(&mut self) -> Result<u64, Error>;

    /// Bytes of the store's files, for engines that keep them on disk.
    ///
    /// # Errors
    /// Fails if the files cannot be listed.
    fn disk_bytes(&self) -> Result<Option<u64>, Error>;

    /// Runs `query` to completion, collecting every solution or triple.
    ///
    /// # Errors
    /// A parse, evaluation or transport failure.
    fn query(&mut self, query: &str) -> Result<RawAnswer, Error>;

    /// Runs `query` once as a timed sample; returns its latency in milliseconds. By default
    /// that is the whole of [`query`](Self::query). An engine behind a server times its exchange
    /// (the request sent to the last byte of the answer received): turning the answer into terms
    /// afterwards is the harness's work, the same for every server, and the answer is checked
    /// from an untimed run.
    ///
    /// # Errors
    /// A parse, evaluation or transport failure.
    fn time_query(&mut self, query: &str) -> Result<f64, Error> {
        let start = std::time::Instant::now();
        self.query(query)?;
        Ok(start.elapsed().as_secs_f64() * 1000.0)
    }

    /// The estimated and actual rows of each join `query` ran (EXPLAIN ANALYZE), for engines
    /// that report them.
    ///
    /// # Errors
    /// A parse or evaluation failure.
    fn join_estimates(&mut self, _query: &str) -> Result<Option<Vec<(f64, u64)>>, Error> {
        Ok(None)
    }

    /// How the engine's caches did on `queries`, for engines that have them (Trine's server:
    /// its parsed-query cache over the timed runs, then its result cache, turned on only here).
    ///
    /// # Errors
    /// A transport or query failure.
    fn cache_report(&mut self, _queries: &[&str]) -> Result<Option<CacheReport>, Error> {
        Ok(None)
    }
}

/// What [`Engine::cache_report`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CacheReport {
    /// Parses answered from the parsed-query cache during the timed runs.
    pub parse_hits: u64,
    /// Parses the parsed-query cache could not answer.
    pub parse_misses: u64,
    /// Queries run with a cached plan during the timed runs.
    pub plan_hits: u64,
    /// Queries planned anew during the timed runs.
    pub plan_misses: u64,
    /// With the result cache on: the first run of every query, in milliseconds, summed.
    pub first_ms: f64,
    /// The median of three repeats of every query, summed.
    pub repeated_ms: f64,
    /// Result cache hits over those repeats (all of them, when every answer fits).
    pub result_hits: u64,
}

/// Trine's [`Store`] over backend `B`, queried in-process.
pub struct TrineEngine<B: KvBackend> {
    store: Store<B>,
    location: Option<PathBuf>,
}

impl<B: KvBackend> TrineEngine<B> {
    /// An engine over an existing store (one with a reasoning profile, say).
    pub fn from_store(store: Store<B>, location: Option<&Path>) -> Self {
        Self {
            store,
            location: location.map(Path::to_path_buf),
        }
    }

    /// The store, for what the [`Engine`] trait does not cover.
    pub fn store(&self) -> &Store<B> {
        &self.store
    }

    /// An engine over an empty store on `backend`, whose files (if any) are under `location`.
    ///
    /// # Errors
    /// Fails if the store cannot be opened.
    pub fn new(backend: B, location: Option<&Path>) -> Result<Self, Error> {
        Ok(Self {
            store: Store::open(backend)?,
            location: location.map(Path::to_path_buf),
        })
    }
}

impl<B: KvBackend> Engine for TrineEngine<B> {
    fn load(&mut self, files: &[PathBuf]) -> Result<(), Error> {
        // One load for every file, as `trine load` does with several.
        let documents = files
            .iter()
            .map(|file| Document::file(file, RdfFormat::NTriples))
            .collect();
        self.store
            .bulk_load_documents(documents, &LoadOptions::new(), |_| {})?;
        self.store.flush()?;
        Ok(())
    }

    fn triple_count(&mut self) -> Result<u64, Error> {
        Ok(self.store.len()?)
    }

    fn disk_bytes(&self) -> Result<Option<u64>, Error> {
        match &self.location {
            Some(location) => Ok(Some(disk_usage(location)?)),
            None => Ok(None),
        }
    }

    fn query(&mut self, query: &str) -> Result<RawAnswer, Error> {
        let snapshot = self.store.snapshot()?;
        let prepared = PreparedQuery::parse(query, None)?;
        // As an embedder would: the store's plans are kept for queries sent again.
        let options = QueryOptions {
            plan_cache: Some(self.store.plan_cache().clone()),
            ..QueryOptions::default()
        };
        let execution = prepared.bind(&snapshot, &options)?;
        Ok(match execution.results()? {
            QueryResults::Solutions(solutions) => {
                let variables = solutions.variables().to_vec();
                let mut rows = Vec::new();
                for solution in solutions {
                    rows.push(solution?.values().to_vec());
                }
                RawAnswer::Solutions { variables, rows }
            }
            QueryResults::Boolean(value) => RawAnswer::Boolean(value),
            QueryResults::Graph(triples) => {
                RawAnswer::Graph(triples.collect::<Result<Vec<_>, _>>()?)
            }
        })
    }

    fn join_estimates(&mut self, query: &str) -> Result<Option<Vec<(f64, u64)>>, Error> {
        fn joins(node: &ExplainNode, out: &mut Vec<(f64, u64)>) {
            if let ("Join" | "LeftJoin", Some(actual)) = (node.operator.as_str(), node.actual) {
                out.push((node.estimated_rows, actual.rows));
            }
            for child in &node.children {
                joins(child, out);
            }
        }
        let snapshot = self.store.snapshot()?;
        let prepared = PreparedQuery::parse(query, None)?;
        let analyzed = prepared
            .bind(&snapshot, &QueryOptions::default())?
            .analyze()?;
        let mut out = Vec::new();
        joins(&analyzed, &mut out);
        Ok(Some(out))
    }
}
