//! The reasoner wired into the store: the profile is kept in the store's metadata, and a
//! [`CommitHook`] maintains the closure inside every transaction that changes the default graph.

use std::sync::Arc;

use super::Store;
use crate::encoding::EncodedQuad;
use crate::kv::KvBackend;
use crate::reasoner::{
    self, Inconsistency, MaterializeReport, Profile, ProgramCache, ReasonerError, ReasonerOptions,
    ReasoningStats, StatsRecorder, Stopwatch,
};
use crate::storage::{CommitHook, MetaKey, StorageError, Transaction};

/// Keeps the closure of one set of options up to date.
pub(crate) struct Maintainer {
    pub(crate) options: ReasonerOptions,
    /// The program the last maintained transaction or materialization ran, for the next ones.
    pub(crate) cache: Arc<ProgramCache>,
    pub(crate) stats: Arc<StatsRecorder>,
}

impl<B: KvBackend> CommitHook<B> for Maintainer {
    fn before_commit(
        &self,
        transaction: &mut Transaction<'_, B>,
        touched: Vec<EncodedQuad>,
    ) -> Result<(), StorageError> {
        let _span = tracing::debug_span!("reasoning_maintain", touched = touched.len()).entered();
        let clock = Stopwatch::start();
        let report = reasoner::maintain(transaction, &self.options, &self.cache, touched)
            .map_err(into_storage)?;
        if report.full_recompute || report.rounds > 0 || report.added + report.removed > 0 {
            record(&self.stats, &report, clock.seconds());
        }
        Ok(())
    }
}

/// Counts a run and reports it to `tracing`.
fn record(stats: &StatsRecorder, report: &MaterializeReport, seconds: f64) {
    stats.record(report, seconds);
    tracing::debug!(
        profile = report.profile.name(),
        full_recompute = report.full_recompute,
        rounds = report.rounds,
        added = report.added,
        removed = report.removed,
        inferred = report.inferred,
        seconds,
        "reasoner run"
    );
}

/// A reasoner failure inside a write path that reports storage errors.
pub(crate) fn into_storage(error: ReasonerError) -> StorageError {
    match error {
        ReasonerError::Storage(error) => error,
        other => StorageError::Hook {
            code: other.code(),
            message: other.to_string(),
        },
    }
}

/// What the store's metadata says about reasoning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasoningStatus {
    /// The profile kept materialized (`None` when reasoning is off).
    pub profile: Profile,
    /// Whether user rules are active too.
    pub user_rules: bool,
    /// Default-graph quads flagged inferred.
    pub inferred: u64,
}

/// Reads the reasoning options kept in a store's metadata.
pub(crate) fn stored_options(
    meta: impl Fn(MetaKey) -> Result<Option<Vec<u8>>, StorageError>,
) -> Result<ReasonerOptions, StorageError> {
    let text = |key| -> Result<String, StorageError> {
        Ok(meta(key)?
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default())
    };
    let profile_name = text(MetaKey::ReasoningProfile)?;
    let profile = if profile_name.is_empty() {
        Profile::None
    } else {
        profile_name.parse().map_err(|_| {
            StorageError::Corruption(format!("unknown reasoning profile {profile_name:?}"))
        })?
    };
    let mut options = ReasonerOptions::new(profile);
    options.rules = text(MetaKey::ReasoningRules)?;
    options.reflexive_same_as = meta(MetaKey::ReasoningReflexive)?.is_some_and(|v| v == [1]);
    Ok(options)
}

impl<B: KvBackend> Store<B> {
    /// Turns reasoning on (or, with [`Profile::None`] and no user rules, off) and materializes
    /// the closure of the default graph in one transaction. From then on every write keeps it up
    /// to date, and the choice is kept in the store (reopening restores it).
    ///
    /// # Errors
    /// A limit of `options`, a user rule that does not compile, or storage; then nothing changes.
    pub fn set_reasoning(
        &self,
        options: ReasonerOptions,
    ) -> Result<MaterializeReport, ReasonerError> {
        let mut transaction = self.transaction_without_hook()?;
        transaction.set_meta(
            MetaKey::ReasoningProfile.key(),
            (options.profile != Profile::None).then(|| options.profile.name().as_bytes().to_vec()),
        );
        transaction.set_meta(
            MetaKey::ReasoningRules.key(),
            (!options.rules.is_empty()).then(|| options.rules.as_bytes().to_vec()),
        );
        transaction.set_meta(
            MetaKey::ReasoningReflexive.key(),
            options.reflexive_same_as.then(|| vec![1]),
        );
        let _span = tracing::info_span!("reasoning_materialize", profile = options.profile.name())
            .entered();
        let clock = Stopwatch::start();
        let cache = Arc::new(ProgramCache::default());
        let report = reasoner::rematerialize(&mut transaction, &options, Some(&cache))?;
        transaction.commit()?;
        self.install_reasoning(options, cache);
        record(&self.reasoning_state().stats, &report, clock.seconds());
        Ok(report)
    }

    /// Recomputes the closure from scratch with the store's current reasoning options.
    ///
    /// # Errors
    /// As [`set_reasoning`](Self::set_reasoning).
    pub fn materialize(&self) -> Result<MaterializeReport, ReasonerError> {
        let state = self.reasoning_state();
        let _span = tracing::info_span!(
            "reasoning_materialize",
            profile = state.options.profile.name()
        )
        .entered();
        let clock = Stopwatch::start();
        let mut transaction = self.transaction_without_hook()?;
        let report = reasoner::rematerialize(&mut transaction, &state.options, Some(&state.cache))?;
        transaction.commit()?;
        record(&state.stats, &report, clock.seconds());
        Ok(report)
    }

    /// What the reasoner has done since the store was opened: runs, rounds, quads added and
    /// removed, time.
    pub fn reasoning_stats(&self) -> ReasoningStats {
        self.reasoning_state().stats.get()
    }

    /// The parts of the reasoning state a run needs, without holding its lock.
    fn reasoning_state(&self) -> StateParts {
        let guard = match self.reasoning.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        StateParts {
            options: guard.options.clone(),
            cache: Arc::clone(&guard.cache),
            stats: Arc::clone(&guard.stats),
        }
    }

    /// The reasoning options in force.
    pub fn reasoning(&self) -> ReasonerOptions {
        match self.reasoning.read() {
            Ok(guard) => guard.options.clone(),
            Err(poisoned) => poisoned.into_inner().options.clone(),
        }
    }

    /// The profile in force and how many quads are inferred.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn reasoning_status(&self) -> Result<ReasoningStatus, StorageError> {
        let options = self.reasoning();
        let snapshot = self.snapshot()?;
        let inferred = crate::storage::read_meta_u64(&snapshot, MetaKey::InferredCount)?;
        Ok(ReasoningStatus {
            profile: options.profile,
            user_rules: !options.rules.trim().is_empty(),
            inferred,
        })
    }

    /// Every match of the active rules whose head is `false` (`cax-dw`, `prp-irp`, …), with the
    /// triples involved; empty when the data is consistent or reasoning is off.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn inconsistencies(&self) -> Result<Vec<Inconsistency>, ReasonerError> {
        let options = self.reasoning();
        if !options.is_active() {
            return Ok(Vec::new());
        }
        reasoner::inconsistencies(&self.snapshot()?, &options)
    }

    /// Runs a full materialization after a bulk load, which writes past transactions.
    pub(crate) fn after_bulk_load(&self) -> Result<(), StorageError> {
        if self.reasoning().is_active() {
            self.materialize().map_err(into_storage)?;
        }
        Ok(())
    }

    /// Makes `options` the ones in force; `cache` may hold the program a materialization with
    /// them compiled.
    pub(crate) fn install_reasoning(&self, options: ReasonerOptions, cache: Arc<ProgramCache>) {
        let mut guard = match self.reasoning.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        // The counters are the store's, whatever the options.
        let stats = Arc::clone(&guard.stats);
        let hook: Option<Arc<dyn CommitHook<B>>> = options.is_active().then(|| {
            Arc::new(Maintainer {
                options: options.clone(),
                cache: Arc::clone(&cache),
                stats: Arc::clone(&stats),
            }) as Arc<dyn CommitHook<B>>
        });
        *guard = ReasoningState {
            options,
            hook,
            cache,
            stats,
        };
    }
}

/// The options in force and the hook that keeps them.
pub(crate) struct ReasoningState<B: KvBackend> {
    pub(crate) options: ReasonerOptions,
    pub(crate) hook: Option<Arc<dyn CommitHook<B>>>,
    /// The hook's compiled program, which a materialization refreshes.
    pub(crate) cache: Arc<ProgramCache>,
    pub(crate) stats: Arc<StatsRecorder>,
}

/// Copies of what a reasoner run needs from [`ReasoningState`].
struct StateParts {
    options: ReasonerOptions,
    cache: Arc<ProgramCache>,
    stats: Arc<StatsRecorder>,
}

impl<B: KvBackend> Default for ReasoningState<B> {
    fn default() -> Self {
        Self {
            options: ReasonerOptions::new(Profile::None),
            hook: None,
            cache: Arc::default(),
            stats: Arc::default(),
        }
    }
}
