//! What the reasoner has done since the store was opened, for metrics and status reports.

use std::sync::Mutex;

use super::MaterializeReport;

/// Counters over every reasoner run of one open store.
///
/// A run is a full materialization (turning reasoning on, [`Store::materialize`], a bulk load,
/// a change to the schema) or the maintenance of one transaction's changes.
///
/// [`Store::materialize`]: crate::Store::materialize
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReasoningStats {
    /// Full materializations.
    pub materializations: u64,
    /// Transactions maintained incrementally.
    pub maintained: u64,
    /// Semi-naive rounds, over all runs.
    pub rounds: u64,
    /// Quads that gained the inferred flag, over all runs.
    pub added: u64,
    /// Quads that lost it, over all runs.
    pub removed: u64,
    /// Seconds spent in full materializations (0 on platforms without a clock).
    pub materialize_seconds: f64,
    /// Seconds spent maintaining transactions (0 on platforms without a clock).
    pub maintain_seconds: f64,
    /// The last run.
    pub last: Option<RunStats>,
}

/// One reasoner run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunStats {
    /// Whether it recomputed the closure from scratch.
    pub full_recompute: bool,
    /// Semi-naive rounds.
    pub rounds: usize,
    /// Quads that gained the inferred flag.
    pub added: u64,
    /// Quads that lost it.
    pub removed: u64,
    /// Seconds it took (0 on platforms without a clock).
    pub seconds: f64,
}

/// Collects [`ReasoningStats`]; shared by a store and its commit hook.
#[derive(Debug, Default)]
pub(crate) struct StatsRecorder(Mutex<ReasoningStats>);

impl StatsRecorder {
    /// Counts a run that produced `report` in `seconds`.
    pub(crate) fn record(&self, report: &MaterializeReport, seconds: f64) {
        let mut stats = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if report.full_recompute {
            stats.materializations += 1;
            stats.materialize_seconds += seconds;
        } else {
            stats.maintained += 1;
            stats.maintain_seconds += seconds;
        }
        stats.rounds += report.rounds as u64;
        stats.added += report.added;
        stats.removed += report.removed;
        stats.last = Some(RunStats {
            full_recompute: report.full_recompute,
            rounds: report.rounds,
            added: report.added,
            removed: report.removed,
            seconds,
        });
    }

    /// The counters so far.
    pub(crate) fn get(&self) -> ReasoningStats {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// Measures a run where the platform has a clock (`wasm32-unknown-unknown` has none).
pub(crate) struct Stopwatch {
    #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
    start: std::time::Instant,
}

impl Stopwatch {
    pub(crate) fn start() -> Self {
        Self {
            #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
            start: std::time::Instant::now(),
        }
    }

    /// Seconds since [`start`](Self::start), or 0 without a clock.
    pub(crate) fn seconds(&self) -> f64 {
        #[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
        return self.start.elapsed().as_secs_f64();
        #[cfg(all(target_family = "wasm", target_os = "unknown"))]
        return 0.0;
    }
}
