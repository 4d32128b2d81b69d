//! [`Database`]: a store on the backend a location names, with its configuration applied.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use trine_backend_redb::RedbBackend;
use trine_backend_rocksdb::RocksDbBackend;
use trine_core::Store;
use trine_core::io::{Document, LoadOptions, RdfFormat};
use trine_core::kv::{DynBackend, Keyspace, MemoryBackend};
use trine_core::oxrdf::GraphNameRef;
use trine_core::reasoner::{Inconsistency, MaterializeReport, Profile};
use trine_core::sparql::{CancellationToken, ExplainNode, QueryCache, QueryOptions, QueryResults};
use trine_core::storage::QuadRead;
use trine_core::storage::{LoadProgress, ValidationReport};
use trine_core::update::{LoadHandler, UpdateOptions, UpdateSummary};

use super::Location;
use super::local_files::LocalFileLoader;
use super::query::{OutputFormat, OutputFormats, Query};
use super::report::{
    Health, HealthStatus, KeyspaceSize, PlannerReport, PredicateReport, ReasoningReport, Stats,
};
use super::result_cache::{ResultCache, ResultKey};
use super::update::prepare_update;
use crate::backup::BackupState;
use crate::{Config, HostError};

/// A Trine database: one [`Store`] over the backend its location names, with a [`Config`]
/// applied to every request (timeouts, row limits, the `LOAD` directory, read-only mode).
///
/// The store type is the same whatever the backend ([`Store<DynBackend>`]), so embedders and the
/// server hold one type. `Database` is `Send + Sync`: share it in an [`Arc`].
///
/// ```
/// use trine_host::{Database, OutputFormats, Query};
///
/// let db = Database::open("memory:")?;
/// db.update("INSERT DATA { <http://e/s> <http://e/p> 1 }", None)?;
/// let query = Query::parse("SELECT ?o WHERE { ?s ?p ?o }", None)?;
/// let (json, _format) = db.query_to_writer(&query, &OutputFormats::default(), Vec::new(), None)?;
/// assert!(String::from_utf8_lossy(&json).contains("\"1\""));
/// # Ok::<_, trine_host::HostError>(())
/// ```
pub struct Database {
    store: Store<DynBackend>,
    location: Location,
    config: Config,
    /// The RocksDB backend the store runs on, kept typed for its size and compaction properties.
    rocksdb: Option<Arc<RocksDbBackend>>,
    loader: Option<Arc<dyn LoadHandler>>,
    /// One backup at a time, and how the last one went (see `crate::backup`).
    backups: BackupState,
    /// Parsed queries by text (see [`Database::parse_query`]).
    queries: QueryCache,
    /// Answers by request, when configured (see [`Database::query_cached`]).
    results: Option<ResultCache>,
}

/// Query texts whose parse a [`Database`] keeps.
const QUERY_CACHE: usize = 256;

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("location", &self.location)
            .field("preset", &self.config.preset)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Opens the database at `location` (see [`Location`]) with [`Config::default`].
    ///
    /// # Errors
    /// A bad location, or a backend that cannot be opened (locked by another process, a newer
    /// format version; older ones are upgraded in place).
    pub fn open(location: &str) -> Result<Self, HostError> {
        Self::open_with(location, Config::default())
    }

    /// Opens the database at `location` with `config`.
    ///
    /// # Errors
    /// As [`open`](Self::open), or a `load_dir` that is not a directory.
    pub fn open_with(location: &str, config: Config) -> Result<Self, HostError> {
        let location = Location::parse(location)?;
        let _span = tracing::info_span!("open", backend = location.backend_name()).entered();
        let (backend, rocksdb) = match &location {
            Location::Memory => (DynBackend::new(MemoryBackend::new()), None),
            Location::Redb(path) => (
                DynBackend::new(
                    RedbBackend::open(path).map_err(trine_core::storage::StorageError::from)?,
                ),
                None,
            ),
            Location::RocksDb(path) => {
                let backend = Arc::new(
                    RocksDbBackend::open_with(path, config.rocksdb.clone())
                        .map_err(trine_core::storage::StorageError::from)?,
                );
                (DynBackend::new(Arc::clone(&backend)), Some(backend))
            }
        };
        let store = Store::open(backend)?;
        if let Some(profile) = config.reasoning
            && store.reasoning().profile != profile
        {
            if config.read_only {
                return Err(HostError::Config(format!(
                    "the store's reasoning profile is {}; a read-only database cannot switch it to {profile}",
                    store.reasoning().profile
                )));
            }
            let mut options = store.reasoning();
            options.profile = profile;
            let report = store.set_reasoning(options)?;
            tracing::info!(%profile, inferred = report.inferred, rounds = report.rounds, "closure materialized");
        }
        let loader = match &config.load_dir {
            Some(dir) => Some(Arc::new(LocalFileLoader::new(dir).map_err(|e| {
                HostError::Config(format!("the LOAD directory cannot be used: {e}"))
            })?) as Arc<dyn LoadHandler>),
            None => None,
        };
        tracing::info!(location = %location, preset = %config.preset, "database opened");
        let results =
            (config.result_cache_bytes > 0).then(|| ResultCache::new(config.result_cache_bytes));
        Ok(Self {
            store,
            location,
            config,
            rocksdb,
            loader,
            backups: BackupState::default(),
            queries: QueryCache::new(QUERY_CACHE),
            results,
        })
    }

    /// The backup state, for the methods `crate::backup` adds.
    pub(crate) fn backup_state(&self) -> &BackupState {
        &self.backups
    }

    /// The store, for everything this facade does not wrap.
    pub fn store(&self) -> &Store<DynBackend> {
        &self.store
    }

    /// Where the database lives.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The query options the configuration implies, with `cancellation` if given.
    pub fn query_options(&self, cancellation: Option<CancellationToken>) -> QueryOptions {
        QueryOptions {
            timeout: self.config.query_timeout,
            cancellation: cancellation.unwrap_or_default(),
            max_rows_in_memory: self.config.max_rows_in_memory,
            plan_cache: Some(Arc::clone(self.store.plan_cache())),
            ..QueryOptions::default()
        }
    }

    /// Runs `query` on a snapshot and hands its streamed results to `consume`.
    ///
    /// # Errors
    /// Planning and evaluation failures (timeouts among them), or whatever `consume` returns.
    pub fn query<R>(
        &self,
        query: &Query,
        cancellation: Option<CancellationToken>,
        consume: impl FnOnce(QueryResults<'_>) -> Result<R, HostError>,
    ) -> Result<R, HostError> {
        let _span = tracing::info_span!("query", form = query.form().name()).entered();
        let snapshot = self.store.snapshot()?;
        let mut options = self.query_options(cancellation);
        options.explicit_only = query.is_explicit_only();
        let execution = query.prepared().bind(&snapshot, &options)?;
        consume(execution.results()?)
    }

    /// Runs `query` and writes its results to `writer` in the format `formats` gives for its
    /// form; returns the writer and the format used.
    ///
    /// # Errors
    /// [`HostError::NotAcceptable`] (before running) when `formats` has no format for the
    /// query's form, or an evaluation or write failure.
    pub fn query_to_writer<W: Write>(
        &self,
        query: &Query,
        formats: &OutputFormats,
        writer: W,
        cancellation: Option<CancellationToken>,
    ) -> Result<(W, OutputFormat), HostError> {
        let format = OutputFormat::choose(query.form(), formats)?;
        self.query(query, cancellation, |results| {
            let writer = match format {
                OutputFormat::Results(format) => results.write(format, writer)?,
                OutputFormat::Graph(format) => results.write_graph(format, writer)?,
            };
            Ok((writer, format))
        })
    }

    /// [`query_to_writer`](Self::query_to_writer) through the result cache when one is
    /// configured: a request answered before, with nothing written since, is served from it;
    /// otherwise the answer streams into `writer` as it is produced, and a copy is kept for the
    /// cache while it stays small enough to be cached. `key` names the request (its text and
    /// parameters).
    ///
    /// # Errors
    /// As [`query_to_writer`](Self::query_to_writer).
    pub fn query_cached<W: Write>(
        &self,
        query: &Query,
        key: impl FnOnce(&'static str) -> ResultKey,
        formats: &OutputFormats,
        mut writer: W,
        cancellation: Option<CancellationToken>,
    ) -> Result<(W, OutputFormat), HostError> {
        let Some(cache) = &self.results else {
            return self.query_to_writer(query, formats, writer, cancellation);
        };
        let format = OutputFormat::choose(query.form(), formats)?;
        let key = key(format.media_type());
        // Even: no writer holds the lock, so what a snapshot reads now stays true until the
        // generation moves.
        let generation = self.store.generation();
        let stable = generation.is_multiple_of(2);
        if stable && let Some((body, format)) = cache.get(&key, generation) {
            writer.write_all(&body)?;
            return Ok((writer, format));
        }
        let tee = Tee {
            inner: writer,
            copy: stable.then(Vec::new),
            limit: cache.max_entry_bytes().saturating_sub(key.text.len()),
        };
        let (tee, format) = self.query_to_writer(query, formats, tee, cancellation)?;
        if let Some(body) = &tee.copy
            && self.store.generation() == generation
        {
            cache.insert(key, generation, body, format);
        }
        Ok((tee.inner, format))
    }

    /// The result cache, when one is configured, for its counts.
    pub fn result_cache(&self) -> Option<&ResultCache> {
        self.results.as_ref()
    }

    /// Parses `text` as [`Query::parse_with_dataset`] does, through the database's cache of
    /// parsed queries: a text sent again skips the parser.
    ///
    /// # Errors
    /// As [`Query::parse_with_dataset`].
    pub fn parse_query(
        &self,
        text: &str,
        base_iri: Option<&str>,
        default_graphs: &[String],
        named_graphs: &[String],
    ) -> Result<Query, HostError> {
        let prepared = self.queries.parse(text, base_iri)?;
        Query::with_dataset(prepared, default_graphs, named_graphs)
    }

    /// The cache of parsed queries, for its hit and miss counts.
    pub fn query_cache(&self) -> &QueryCache {
        &self.queries
    }

    /// The plan `query` would run with its estimated rows (EXPLAIN); with `analyze`, after
    /// running it to the end, with the rows, runs and time measured at each operator (EXPLAIN
    /// ANALYZE). Render it with [`ExplainNode::to_text`] or [`ExplainNode::to_json`].
    ///
    /// # Errors
    /// Planning failures; with `analyze`, whatever stops the query (the query timeout
    /// included).
    pub fn explain(
        &self,
        query: &Query,
        analyze: bool,
        cancel: Option<CancellationToken>,
    ) -> Result<ExplainNode, HostError> {
        let snapshot = self.store.snapshot()?;
        let mut options = self.query_options(cancel);
        options.explicit_only = query.is_explicit_only();
        let execution = query.prepared().bind(&snapshot, &options)?;
        Ok(if analyze {
            execution.analyze()?
        } else {
            execution.explain()?
        })
    }

    pub(crate) fn check_writable(&self) -> Result<(), HostError> {
        if self.config.read_only {
            Err(HostError::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// Parses and runs a SPARQL update in one transaction; `LOAD` reads only files under the
    /// configured `load_dir`.
    ///
    /// # Errors
    /// [`HostError::ReadOnly`], a syntax error with its position, or the failing operation (then
    /// nothing is written).
    pub fn update(&self, text: &str, base_iri: Option<&str>) -> Result<UpdateSummary, HostError> {
        self.update_with(text, base_iri, &[], &[], None)
    }

    /// As [`update`](Self::update), with the protocol's `using-graph-uri` and
    /// `using-named-graph-uri` graphs (see [`prepare_update`]) and cancellable through
    /// `cancellation`.
    ///
    /// # Errors
    /// As [`update`](Self::update), and a request with `USING` or `WITH` of its own while
    /// graphs are given.
    pub fn update_with(
        &self,
        text: &str,
        base_iri: Option<&str>,
        using_graphs: &[String],
        using_named_graphs: &[String],
        cancellation: Option<CancellationToken>,
    ) -> Result<UpdateSummary, HostError> {
        self.check_writable()?;
        let _span = tracing::info_span!("update").entered();
        let prepared = prepare_update(text, base_iri, using_graphs, using_named_graphs)?;
        let options = UpdateOptions {
            query: self.query_options(cancellation),
            loader: self.loader.clone(),
        };
        let summary = self.store.run_update(&prepared, &options)?;
        tracing::debug!(
            inserted = summary.inserted,
            deleted = summary.deleted,
            "update applied"
        );
        Ok(summary)
    }

    /// Loads a document in one transaction (nothing is loaded on error); returns quads read.
    ///
    /// # Errors
    /// [`HostError::ReadOnly`], a syntax error with its position, or a read or storage failure.
    pub fn load(
        &self,
        format: RdfFormat,
        reader: impl Read,
        options: &LoadOptions,
    ) -> Result<u64, HostError> {
        self.check_writable()?;
        let _span = tracing::info_span!("load", format = format.name()).entered();
        Ok(self.store.load_from_reader(format, reader, options)?)
    }

    /// Loads a large document fast and in bounded memory, but not atomically: on error, what was
    /// loaded before stays. Returns quads read.
    ///
    /// # Errors
    /// As [`load`](Self::load).
    pub fn bulk_load(
        &self,
        format: RdfFormat,
        reader: impl Read,
        options: &LoadOptions,
        progress: impl FnMut(LoadProgress),
    ) -> Result<u64, HostError> {
        self.check_writable()?;
        let _span = tracing::info_span!("bulk_load", format = format.name()).entered();
        Ok(self
            .store
            .bulk_load_from_reader(format, reader, options, progress)?)
    }

    /// Bulk-loads a file, parsing N-Triples and N-Quads on several threads.
    ///
    /// # Errors
    /// As [`load`](Self::load).
    pub fn bulk_load_file(
        &self,
        path: &Path,
        format: RdfFormat,
        options: &LoadOptions,
        progress: impl FnMut(LoadProgress),
    ) -> Result<u64, HostError> {
        self.check_writable()?;
        let _span = tracing::info_span!("bulk_load", format = format.name()).entered();
        Ok(self
            .store
            .bulk_load_from_file(path, format, options, progress)?)
    }

    /// Bulk-loads several documents as one load (see [`Store::bulk_load_documents`]): one set of
    /// sorted writes for all of them, parsed on several threads. Returns the quads read from each
    /// document, in order.
    ///
    /// # Errors
    /// As [`load`](Self::load), a document's error naming it.
    pub fn bulk_load_documents(
        &self,
        documents: Vec<Document>,
        options: &LoadOptions,
        progress: impl FnMut(LoadProgress),
    ) -> Result<Vec<u64>, HostError> {
        self.check_writable()?;
        let _span = tracing::info_span!("bulk_load", documents = documents.len()).entered();
        Ok(self
            .store
            .bulk_load_documents(documents, options, progress)?)
    }

    /// Writes quads to `writer`: every graph for a dataset syntax, the default graph for a graph
    /// syntax, or only `graph` when given.
    ///
    /// # Errors
    /// A read or write failure.
    pub fn dump<W: Write>(
        &self,
        format: RdfFormat,
        writer: W,
        graph: Option<GraphNameRef<'_>>,
    ) -> Result<W, HostError> {
        self.dump_with(format, writer, graph, false)
    }

    /// As [`dump`](Self::dump); with `explicit_only`, quads that are only inferred are left out.
    ///
    /// # Errors
    /// As [`dump`](Self::dump).
    pub fn dump_with<W: Write>(
        &self,
        format: RdfFormat,
        writer: W,
        graph: Option<GraphNameRef<'_>>,
        explicit_only: bool,
    ) -> Result<W, HostError> {
        let _span = tracing::info_span!("dump", format = format.name(), explicit_only).entered();
        Ok(self
            .store
            .dump_to_writer_with(format, writer, graph, explicit_only)?)
    }

    /// Quads in the store.
    ///
    /// # Errors
    /// Fails if the store cannot be read.
    pub fn len(&self) -> Result<u64, HostError> {
        Ok(self.store.len()?)
    }

    /// Whether the store holds no quad.
    ///
    /// # Errors
    /// Fails if the store cannot be read.
    pub fn is_empty(&self) -> Result<bool, HostError> {
        Ok(self.len()? == 0)
    }

    /// The health report: never fails, an unreadable store is `unhealthy`.
    pub fn health(&self) -> Health {
        let mut reasons = Vec::new();
        let quads = match self.store.len() {
            Ok(quads) => quads,
            Err(error) => {
                tracing::error!(%error, "health check could not read the store");
                reasons.push(format!("store unreadable ({})", error.code()));
                0
            }
        };
        let pending_compaction_bytes = self
            .rocksdb
            .as_ref()
            .and_then(|backend| backend.pending_compaction_bytes());
        let last_backup = self.last_backup();
        let reasoning = self.reasoning_report();
        let status = if !reasons.is_empty() {
            HealthStatus::Unhealthy
        } else if let Some(inconsistent) = reasoning.as_ref().filter(|r| r.inconsistencies > 0) {
            reasons.push(format!(
                "inconsistent data ({} matches of rules with a false head; GET /reasoning/inconsistencies)",
                inconsistent.inconsistencies
            ));
            HealthStatus::Degraded
        } else if pending_compaction_bytes
            .is_some_and(|b| b > self.config.degraded_compaction_bytes)
        {
            reasons.push("compaction lagging".into());
            HealthStatus::Degraded
        } else if let Some(failed) = last_backup.as_ref().filter(|last| !last.ok) {
            let code = failed.error.as_deref().unwrap_or("unknown");
            reasons.push(format!("last backup failed ({code})"));
            HealthStatus::Degraded
        } else {
            HealthStatus::Healthy
        };
        Health {
            status,
            reasons,
            quads,
            backend: self.location.backend_name(),
            read_only: self.config.read_only,
            approximate_size_bytes: self.store.approximate_size(),
            pending_compaction_bytes,
            index_sizes: self.keyspace_sizes(),
            memory_estimate_bytes: self.memory_estimate(),
            last_backup,
            reasoning,
        }
    }

    /// The reasoning part of health and stats; `None` when reasoning is off.
    fn reasoning_report(&self) -> Option<ReasoningReport> {
        let options = self.store.reasoning();
        if !options.is_active() {
            return None;
        }
        let status = self.store.reasoning_status().ok()?;
        let inconsistencies = match self.store.inconsistencies() {
            Ok(found) => found.len(),
            Err(error) => {
                tracing::error!(%error, "the consistency check failed");
                0
            }
        };
        Some(ReasoningReport {
            profile: options.profile.name(),
            user_rules: status.user_rules,
            inferred_quads: status.inferred,
            inconsistencies,
            runs: self.store.reasoning_stats().into(),
        })
    }

    /// Bytes of each keyspace's table files (RocksDB only).
    fn keyspace_sizes(&self) -> Vec<KeyspaceSize> {
        match &self.rocksdb {
            Some(backend) => Keyspace::ALL
                .iter()
                .filter_map(|&keyspace| {
                    Some(KeyspaceSize {
                        name: keyspace.name(),
                        bytes: backend.keyspace_size(keyspace)?,
                    })
                })
                .collect(),
            None => Vec::new(),
        }
    }

    /// What [`Health::memory_estimate_bytes`] reports.
    fn memory_estimate(&self) -> Option<u64> {
        // A rough per-entry cost of the dictionary caches: key, value and map overhead.
        const CACHE_ENTRY_BYTES: u64 = 96;
        let caches = u64::try_from(self.store.dictionary().cache_stats().entries)
            .unwrap_or(u64::MAX)
            .saturating_mul(CACHE_ENTRY_BYTES);
        let store = match &self.rocksdb {
            Some(backend) => backend.memory_usage(),
            None if self.location.backend_name() == "memory" => self.store.approximate_size(),
            None => None,
        }?;
        Some(store.saturating_add(caches))
    }

    /// Counts and sizes.
    ///
    /// # Errors
    /// Fails if the store cannot be read.
    pub fn stats(&self) -> Result<Stats, HostError> {
        let keyspaces = self.keyspace_sizes();
        Ok(Stats {
            backend: self.location.backend_name(),
            quads: self.store.len()?,
            named_graphs: u64::try_from(self.store.named_graphs()?.len()).unwrap_or(u64::MAX),
            approximate_size_bytes: self.store.approximate_size(),
            pending_compaction_bytes: self
                .rocksdb
                .as_ref()
                .and_then(|backend| backend.pending_compaction_bytes()),
            keyspaces,
            reasoning: self.reasoning_report(),
            planner: self.planner_report()?,
        })
    }

    fn planner_report(&self) -> Result<PlannerReport, HostError> {
        let snapshot = self.store.snapshot()?;
        let statistics = snapshot.statistics()?;
        let mut predicates = Vec::with_capacity(statistics.predicates.len());
        for analyzed in &statistics.predicates {
            let quads = snapshot.predicate_count(analyzed.predicate)?;
            let Some(now) = statistics.predicate(analyzed.predicate, quads) else {
                continue;
            };
            if now.quads == 0 {
                continue;
            }
            predicates.push(PredicateReport {
                predicate: snapshot.term(analyzed.predicate)?.to_string(),
                quads: now.quads,
                subjects: now.subjects,
                objects: now.objects,
            });
        }
        predicates.sort_by(|a, b| {
            b.quads
                .cmp(&a.quads)
                .then_with(|| a.predicate.cmp(&b.predicate))
        });
        predicates.truncate(PlannerReport::SHOWN);
        Ok(PlannerReport {
            analyzed_quads: statistics.analyzed_quads,
            changes_since_analysis: statistics.changes_since_analysis,
            characteristic_sets: statistics.characteristic_sets.len(),
            predicates,
        })
    }

    /// Checks every storage invariant by full scans (indexes agree, counts match, ids resolve).
    ///
    /// # Errors
    /// Fails if the store cannot be read; inconsistencies are in the report, not errors.
    pub fn verify(&self) -> Result<ValidationReport, HostError> {
        let _span = tracing::info_span!("verify").entered();
        Ok(self.store.validate()?)
    }

    /// Recomputes the closure from scratch: with `profile`, switching the store to it (kept on
    /// every later write and across restarts); without, with the store's current profile.
    ///
    /// # Errors
    /// [`HostError::ReadOnly`], a reasoning limit, or a storage failure; then nothing changes.
    pub fn materialize(&self, profile: Option<Profile>) -> Result<MaterializeReport, HostError> {
        self.check_writable()?;
        let _span = tracing::info_span!(
            "materialize",
            profile = profile.map_or("current", Profile::name)
        )
        .entered();
        let started = std::time::Instant::now();
        let report = match profile {
            Some(profile) => {
                let mut options = self.store.reasoning();
                options.profile = profile;
                self.store.set_reasoning(options)?
            }
            None => self.store.materialize()?,
        };
        tracing::info!(
            profile = %report.profile,
            rounds = report.rounds,
            inferred = report.inferred,
            inconsistencies = report.inconsistencies.len(),
            elapsed_ms = started.elapsed().as_millis(),
            "materialized"
        );
        Ok(report)
    }

    /// Every match of the active reasoning profile's `=> false` rules (`cax-dw`, `prp-irp`, …),
    /// with the triples involved; empty when reasoning is off.
    ///
    /// # Errors
    /// A storage failure.
    pub fn inconsistencies(&self) -> Result<Vec<Inconsistency>, HostError> {
        Ok(self.store.inconsistencies()?)
    }

    /// Compacts the backend's storage.
    ///
    /// # Errors
    /// A storage failure, or [`HostError::ReadOnly`].
    pub fn optimize(&self) -> Result<(), HostError> {
        self.check_writable()?;
        let _span = tracing::info_span!("optimize").entered();
        Ok(self.store.optimize()?)
    }

    /// Makes every completed write durable.
    ///
    /// # Errors
    /// A storage failure.
    pub fn flush(&self) -> Result<(), HostError> {
        Ok(self.store.flush()?)
    }
}

/// A writer that keeps a copy of what passes through, until it grows past `limit`.
struct Tee<W> {
    inner: W,
    copy: Option<Vec<u8>>,
    limit: usize,
}

impl<W: Write> Write for Tee<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        if let Some(copy) = &mut self.copy {
            if copy.len() + written > self.limit {
                self.copy = None;
            } else {
                copy.extend_from_slice(&bytes[..written]);
            }
        }
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_round_trip() -> Result<(), HostError> {
        let db = Database::open("memory:")?;
        db.load(
            RdfFormat::Turtle,
            &b"<http://e/s> <http://e/p> 1, 2 ."[..],
            &LoadOptions::new(),
        )?;
        assert_eq!(db.len()?, 2);
        let summary = db.update("DELETE DATA { <http://e/s> <http://e/p> 1 }", None)?;
        assert_eq!(summary.deleted, 1);
        let query = Query::parse("ASK { <http://e/s> <http://e/p> 2 }", None)?;
        let (out, format) =
            db.query_to_writer(&query, &OutputFormats::default(), Vec::new(), None)?;
        assert_eq!(format.media_type(), "application/sparql-results+json");
        assert!(String::from_utf8_lossy(&out).contains("true"));
        let dump = db.dump(RdfFormat::NTriples, Vec::new(), None)?;
        assert_eq!(String::from_utf8_lossy(&dump).lines().count(), 1);
        assert!(db.verify()?.is_ok());
        let health = db.health();
        assert_eq!(health.status, HealthStatus::Healthy);
        assert_eq!(health.quads, 1);
        Ok(())
    }

    #[test]
    fn read_only_refuses_writes() -> Result<(), HostError> {
        let config = Config {
            read_only: true,
            ..Config::default()
        };
        let db = Database::open_with("memory:", config)?;
        let error = db.update("INSERT DATA { <http://e/s> <http://e/p> 1 }", None);
        assert!(matches!(error, Err(HostError::ReadOnly)));
        Ok(())
    }

    #[test]
    fn load_is_refused_without_a_directory_and_served_inside_one()
    -> Result<(), Box<dyn std::error::Error>> {
        let db = Database::open("memory:")?;
        assert!(db.update("LOAD <file:a.ttl>", None).is_err());
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("a.ttl"), "<http://e/s> <http://e/p> 1 .")?;
        let config = Config {
            load_dir: Some(dir.path().to_path_buf()),
            ..Config::default()
        };
        let db = Database::open_with("memory:", config)?;
        db.update("LOAD <file:a.ttl>", None)?;
        assert_eq!(db.len()?, 1);
        Ok(())
    }

    #[test]
    fn backends_open_from_locations() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let redb = format!("redb:{}", dir.path().join("db.redb").display());
        let db = Database::open(&redb)?;
        db.update("INSERT DATA { <http://e/s> <http://e/p> 1 }", None)?;
        assert_eq!(db.stats()?.backend, "redb");
        drop(db);
        assert_eq!(Database::open(&redb)?.len()?, 1);

        let rocks = dir.path().join("rocks");
        let db = Database::open(&rocks.display().to_string())?;
        db.update("INSERT DATA { <http://e/s> <http://e/p> 1 }", None)?;
        let health = db.health();
        assert_eq!(health.backend, "rocksdb");
        assert!(health.pending_compaction_bytes.is_some());
        assert!(db.verify()?.is_ok());
        Ok(())
    }
}
