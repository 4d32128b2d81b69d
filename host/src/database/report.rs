//! What a database reports about itself: [`Health`] and [`Stats`].

use serde::Serialize;

use crate::backup::LastBackup;

/// Overall state, as `/health` and `trine health` report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    /// Serving normally.
    Healthy,
    /// Serving, with a problem an operator should look at (compaction lagging far behind).
    Degraded,
    /// Not able to serve reads (the store cannot be read).
    Unhealthy,
}

/// A health report. It never names files, so it is safe to serve.
#[derive(Debug, Clone, Serialize)]
pub struct Health {
    /// The overall state.
    pub status: HealthStatus,
    /// Why the status is not `healthy`, one stable phrase each.
    pub reasons: Vec<String>,
    /// Quads in the store (0 when it cannot be read).
    pub quads: u64,
    /// The backend: `rocksdb`, `redb` or `memory`.
    pub backend: &'static str,
    /// Whether writes are refused.
    pub read_only: bool,
    /// Bytes the store takes on disk or in memory, when the backend knows.
    pub approximate_size_bytes: Option<u64>,
    /// RocksDB's estimate of bytes compactions still have to rewrite; `None` on other backends.
    pub pending_compaction_bytes: Option<u64>,
    /// Bytes of each index and dictionary table (RocksDB; empty on other backends).
    pub index_sizes: Vec<KeyspaceSize>,
    /// An estimate of the memory the store holds: RocksDB's memtables, table readers and block
    /// cache, or the whole store for in-memory backends, plus the dictionary caches' entries;
    /// `None` when the backend cannot tell.
    pub memory_estimate_bytes: Option<u64>,
    /// How the last backup since the database was opened went; `None` before the first.
    /// A failed last backup makes the status `degraded`.
    pub last_backup: Option<LastBackup>,
    /// The reasoning profile kept materialized and what it found; `None` when reasoning is off.
    /// Inconsistent data makes the status `degraded`.
    pub reasoning: Option<ReasoningReport>,
}

/// What reasoning keeps in a store.
#[derive(Debug, Clone, Serialize)]
pub struct ReasoningReport {
    /// `rdfs` or `owl2rl` (or `none` with user rules only).
    pub profile: &'static str,
    /// Whether user rules are active.
    pub user_rules: bool,
    /// Default-graph quads flagged inferred.
    pub inferred_quads: u64,
    /// Matches of rules with a false head (the data contradicts the schema).
    pub inconsistencies: usize,
    /// What the reasoner did since the database was opened.
    pub runs: ReasoningRuns,
}

/// Reasoner runs since the database was opened: full materializations and maintained
/// transactions.
#[derive(Debug, Clone, Serialize)]
pub struct ReasoningRuns {
    /// Full materializations (turning reasoning on, `materialize`, bulk loads, schema changes).
    pub materializations: u64,
    /// Transactions whose changes were maintained incrementally.
    pub maintained: u64,
    /// Semi-naive rounds over all runs.
    pub rounds: u64,
    /// Quads that gained the inferred flag over all runs.
    pub added_quads: u64,
    /// Quads that lost it over all runs.
    pub removed_quads: u64,
    /// Seconds in full materializations.
    pub materialize_seconds: f64,
    /// Seconds maintaining transactions.
    pub maintain_seconds: f64,
    /// Seconds the last run took.
    pub last_run_seconds: Option<f64>,
    /// Rounds the last run took.
    pub last_run_rounds: Option<usize>,
}

impl From<trine_core::reasoner::ReasoningStats> for ReasoningRuns {
    fn from(stats: trine_core::reasoner::ReasoningStats) -> Self {
        Self {
            materializations: stats.materializations,
            maintained: stats.maintained,
            rounds: stats.rounds,
            added_quads: stats.added,
            removed_quads: stats.removed,
            materialize_seconds: stats.materialize_seconds,
            maintain_seconds: stats.maintain_seconds,
            last_run_seconds: stats.last.as_ref().map(|run| run.seconds),
            last_run_rounds: stats.last.as_ref().map(|run| run.rounds),
        }
    }
}

/// Bytes of one keyspace.
#[derive(Debug, Clone, Serialize)]
pub struct KeyspaceSize {
    /// The keyspace's name.
    pub name: &'static str,
    /// Bytes of its table files.
    pub bytes: u64,
}

/// Statistics for `trine stats`.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// The backend.
    pub backend: &'static str,
    /// Quads, all graphs.
    pub quads: u64,
    /// Named graphs, empty ones included.
    pub named_graphs: u64,
    /// Bytes the store takes, when the backend knows.
    pub approximate_size_bytes: Option<u64>,
    /// RocksDB pending compaction bytes.
    pub pending_compaction_bytes: Option<u64>,
    /// Bytes per keyspace (RocksDB only).
    pub keyspaces: Vec<KeyspaceSize>,
    /// Reasoning profile, inferred quads and inconsistencies; `None` when reasoning is off.
    pub reasoning: Option<ReasoningReport>,
    /// What the query planner knows of the data.
    pub planner: PlannerReport,
}

/// The query planner's statistics (see `trine_core::storage::Statistics`).
#[derive(Debug, Clone, Serialize)]
pub struct PlannerReport {
    /// Quads when the store was last analyzed (0: never).
    pub analyzed_quads: u64,
    /// Quads written or deleted since.
    pub changes_since_analysis: u64,
    /// Characteristic sets kept (subjects grouped by the set of their predicates).
    pub characteristic_sets: usize,
    /// The predicates with the most quads (at most [`PlannerReport::SHOWN`]), with distinct
    /// subjects and objects as estimated now.
    pub predicates: Vec<PredicateReport>,
}

impl PlannerReport {
    /// Most predicates listed.
    pub const SHOWN: usize = 20;
}

/// One predicate's figures.
#[derive(Debug, Clone, Serialize)]
pub struct PredicateReport {
    /// The predicate IRI.
    pub predicate: String,
    /// Quads with it (exact).
    pub quads: u64,
    /// Distinct subjects (estimated).
    pub subjects: u64,
    /// Distinct objects (estimated).
    pub objects: u64,
}
