//! Counters and histograms the server keeps, rendered in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::database::{Health, QueryForm};

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0,
];

/// A latency histogram with fixed buckets (cumulative when rendered).
#[derive(Debug, Default)]
struct Histogram {
    /// Observations per bucket, not cumulative; the last slot is `+Inf`.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let slot = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        self.buckets[slot].fetch_add(1, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Writes the histogram's samples (cumulative buckets, sum and count) with `labels`.
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let bucket = format!("{name}_bucket");
        let with_bound = |bound: &str| {
            if labels.is_empty() {
                format!("le=\"{bound}\"")
            } else {
                format!("{labels},le=\"{bound}\"")
            }
        };
        let mut cumulative = 0;
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += self.buckets[i].load(Ordering::Relaxed);
            sample(out, &bucket, &with_bound(&bound.to_string()), cumulative);
        }
        cumulative += self.buckets[BUCKETS.len()].load(Ordering::Relaxed);
        sample(out, &bucket, &with_bound("+Inf"), cumulative);
        let sum = Duration::from_micros(self.sum_micros.load(Ordering::Relaxed)).as_secs_f64();
        sample(out, &format!("{name}_sum"), labels, sum);
        sample(out, &format!("{name}_count"), labels, self.count());
    }
}

/// The Graph Store Protocol methods, as metrics labels.
const GRAPH_STORE_METHODS: [&str; 5] = ["GET", "HEAD", "PUT", "POST", "DELETE"];

/// What the server counts. Shared by every request; all updates are lock-free but the error
/// table, which is touched only on failures.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Query latency per form, in [`QueryForm::ALL`] order.
    queries: [Histogram; 4],
    updates: Histogram,
    /// Graph Store Protocol latency per method, in [`GRAPH_STORE_METHODS`] order.
    graph_store: [Histogram; GRAPH_STORE_METHODS.len()],
    /// Quads read from Graph Store uploads that committed.
    graph_store_quads: AtomicU64,
    /// Failed requests by stable error code.
    errors: Mutex<BTreeMap<&'static str, u64>>,
}

impl Metrics {
    /// Records a query answered successfully.
    pub fn observe_query(&self, form: QueryForm, elapsed: Duration) {
        let index = QueryForm::ALL
            .iter()
            .position(|f| *f == form)
            .unwrap_or_default();
        self.queries[index].observe(elapsed);
    }

    /// Records an update applied.
    pub fn observe_update(&self, elapsed: Duration) {
        self.updates.observe(elapsed);
    }

    /// Records a Graph Store Protocol request answered (successfully or not) with `method`.
    pub fn observe_graph_store(&self, method: &str, elapsed: Duration) {
        if let Some(index) = GRAPH_STORE_METHODS.iter().position(|m| *m == method) {
            self.graph_store[index].observe(elapsed);
        }
    }

    /// Records `quads` read by a Graph Store write that committed.
    pub fn observe_graph_store_quads(&self, quads: u64) {
        self.graph_store_quads.fetch_add(quads, Ordering::Relaxed);
    }

    /// Records a failed request.
    pub fn observe_error(&self, code: &'static str) {
        let mut errors = match self.errors.lock() {
            Ok(errors) => errors,
            // Counters stay meaningful after a panic elsewhere.
            Err(poisoned) => poisoned.into_inner(),
        };
        *errors.entry(code).or_default() += 1;
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric, with the store gauges from
    /// `health`.
    pub fn render(&self, health: &Health) -> String {
        let mut text = String::new();
        let out = &mut text;
        family(
            out,
            "trine_queries_total",
            COUNTER,
            "Queries answered, by form.",
        );
        for (form, histogram) in QueryForm::ALL.iter().zip(&self.queries) {
            let labels = format!("form=\"{}\"", form.name());
            sample(out, "trine_queries_total", &labels, histogram.count());
        }
        family(
            out,
            "trine_query_duration_seconds",
            HISTOGRAM,
            "Time to answer a query, results written.",
        );
        for (form, histogram) in QueryForm::ALL.iter().zip(&self.queries) {
            let labels = format!("form=\"{}\"", form.name());
            histogram.render(out, "trine_query_duration_seconds", &labels);
        }
        single(
            out,
            "trine_updates_total",
            COUNTER,
            "Update requests applied.",
            self.updates.count(),
        );
        family(
            out,
            "trine_update_duration_seconds",
            HISTOGRAM,
            "Time to apply an update request.",
        );
        self.updates
            .render(out, "trine_update_duration_seconds", "");
        family(
            out,
            "trine_graph_store_duration_seconds",
            HISTOGRAM,
            "Time to answer a Graph Store Protocol request, by method.",
        );
        for (method, histogram) in GRAPH_STORE_METHODS.iter().zip(&self.graph_store) {
            let labels = format!("method=\"{method}\"");
            histogram.render(out, "trine_graph_store_duration_seconds", &labels);
        }
        single(
            out,
            "trine_graph_store_quads_total",
            COUNTER,
            "Quads read from Graph Store uploads that committed.",
            self.graph_store_quads.load(Ordering::Relaxed),
        );
        family(
            out,
            "trine_errors_total",
            COUNTER,
            "Failed requests, by stable error code.",
        );
        let errors = match self.errors.lock() {
            Ok(errors) => errors.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        for (code, count) in errors {
            sample(
                out,
                "trine_errors_total",
                &format!("code=\"{code}\""),
                count,
            );
        }
        single(
            out,
            "trine_store_quads",
            GAUGE,
            "Quads in the store.",
            health.quads,
        );
        if let Some(bytes) = health.approximate_size_bytes {
            let help = "Approximate bytes the store takes.";
            single(out, "trine_store_size_bytes", GAUGE, help, bytes);
        }
        if let Some(bytes) = health.memory_estimate_bytes {
            let help = "Estimated memory the store holds.";
            single(out, "trine_memory_estimate_bytes", GAUGE, help, bytes);
        }
        if let Some(reasoning) = &health.reasoning {
            render_reasoning(out, reasoning);
        }
        if let Some(bytes) = health.pending_compaction_bytes {
            let help = "Bytes RocksDB compactions still have to rewrite.";
            single(out, "trine_pending_compaction_bytes", GAUGE, help, bytes);
        }
        let healthy = u8::from(health.status == crate::database::HealthStatus::Healthy);
        single(
            out,
            "trine_healthy",
            GAUGE,
            "Whether the last health check was healthy (1) or not (0).",
            healthy,
        );
        text
    }
}

/// The reasoner's figures from a health report.
fn render_reasoning(out: &mut String, reasoning: &crate::database::ReasoningReport) {
    let profile = format!("profile=\"{}\"", reasoning.profile);
    family(
        out,
        "trine_reasoning_inferred_quads",
        GAUGE,
        "Default-graph quads the reasoner inferred, by profile.",
    );
    sample(
        out,
        "trine_reasoning_inferred_quads",
        &profile,
        reasoning.inferred_quads,
    );
    single(
        out,
        "trine_reasoning_inconsistencies",
        GAUGE,
        "Matches of rules with a false head.",
        reasoning.inconsistencies,
    );
    let runs = &reasoning.runs;
    let (materialize, maintain) = ("kind=\"materialize\"", "kind=\"maintain\"");
    family(
        out,
        "trine_reasoning_runs_total",
        COUNTER,
        "Reasoner runs: full materializations and maintained transactions.",
    );
    sample(
        out,
        "trine_reasoning_runs_total",
        materialize,
        runs.materializations,
    );
    sample(out, "trine_reasoning_runs_total", maintain, runs.maintained);
    family(
        out,
        "trine_reasoning_seconds_total",
        COUNTER,
        "Seconds the reasoner ran.",
    );
    sample(
        out,
        "trine_reasoning_seconds_total",
        materialize,
        runs.materialize_seconds,
    );
    sample(
        out,
        "trine_reasoning_seconds_total",
        maintain,
        runs.maintain_seconds,
    );
    single(
        out,
        "trine_reasoning_rounds_total",
        COUNTER,
        "Semi-naive rounds over all runs.",
        runs.rounds,
    );
    family(
        out,
        "trine_reasoning_quads_total",
        COUNTER,
        "Quads that gained (added) or lost (removed) the inferred flag.",
    );
    let (added, removed) = ("change=\"added\"", "change=\"removed\"");
    sample(out, "trine_reasoning_quads_total", added, runs.added_quads);
    sample(
        out,
        "trine_reasoning_quads_total",
        removed,
        runs.removed_quads,
    );
}

/// Prometheus metric types.
pub(crate) const COUNTER: &str = "counter";
pub(crate) const GAUGE: &str = "gauge";
const HISTOGRAM: &str = "histogram";

/// Writes a metric family's `# HELP` and `# TYPE` lines.
pub(crate) fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// Writes one sample, `name{labels} value` (no braces without labels).
pub(crate) fn sample(out: &mut String, name: &str, labels: &str, value: impl std::fmt::Display) {
    if labels.is_empty() {
        let _ = writeln!(out, "{name} {value}");
    } else {
        let _ = writeln!(out, "{name}{{{labels}}} {value}");
    }
}

/// Writes a family of one unlabelled sample.
pub(crate) fn single(
    out: &mut String,
    name: &str,
    kind: &str,
    help: &str,
    value: impl std::fmt::Display,
) {
    family(out, name, kind, help);
    sample(out, name, "", value);
}

/// The parsed-query and plan caches' hits and misses, in the Prometheus text format.
pub(crate) fn render_query_cache(
    cache: &trine_core::sparql::QueryCache,
    plans: &trine_core::sparql::PlanCache,
) -> String {
    let mut out = String::new();
    single(
        &mut out,
        "trine_query_cache_hits_total",
        COUNTER,
        "Queries whose parse came from the cache.",
        cache.hits(),
    );
    single(
        &mut out,
        "trine_query_cache_misses_total",
        COUNTER,
        "Queries parsed because the cache lacked them.",
        cache.misses(),
    );
    single(
        &mut out,
        "trine_plan_cache_hits_total",
        COUNTER,
        "Queries run with a plan from the plan cache.",
        plans.hits(),
    );
    single(
        &mut out,
        "trine_plan_cache_misses_total",
        COUNTER,
        "Queries planned because the plan cache lacked a valid plan.",
        plans.misses(),
    );
    out
}

/// Queries answered on the connection's thread, and those handed over to the pool, in the
/// Prometheus text format.
pub(crate) fn render_inline(history: &super::inline::InlineHistory) -> String {
    let mut out = String::new();
    single(
        &mut out,
        "trine_queries_inline_total",
        COUNTER,
        "Queries answered on the connection's thread, without the blocking pool.",
        history.answered(),
    );
    single(
        &mut out,
        "trine_queries_inline_handed_over_total",
        COUNTER,
        "Queries tried on the connection's thread that took too long or answered too much there and ran on the blocking pool instead.",
        history.handed_over(),
    );
    out
}

/// The result cache's hits, misses and bytes, in the Prometheus text format.
pub(crate) fn render_result_cache(cache: &crate::database::ResultCache) -> String {
    let mut out = String::new();
    single(
        &mut out,
        "trine_result_cache_hits_total",
        COUNTER,
        "Queries answered from the result cache.",
        cache.hits(),
    );
    single(
        &mut out,
        "trine_result_cache_misses_total",
        COUNTER,
        "Queries the result cache could not answer.",
        cache.misses(),
    );
    single(
        &mut out,
        "trine_result_cache_bytes",
        GAUGE,
        "Bytes of answers the result cache holds.",
        cache.bytes(),
    );
    out
}

/// The dictionary cache counters in Prometheus text.
pub(crate) fn render_cache(stats: &trine_core::dictionary::CacheStats) -> String {
    let mut text = String::new();
    let out = &mut text;
    let (term_to_id, id_to_term) = ("direction=\"term_to_id\"", "direction=\"id_to_term\"");
    family(
        out,
        "trine_dictionary_cache_hits_total",
        COUNTER,
        "Dictionary lookups answered from the cache, by direction.",
    );
    sample(
        out,
        "trine_dictionary_cache_hits_total",
        term_to_id,
        stats.term_to_id_hits,
    );
    sample(
        out,
        "trine_dictionary_cache_hits_total",
        id_to_term,
        stats.id_to_term_hits,
    );
    family(
        out,
        "trine_dictionary_cache_misses_total",
        COUNTER,
        "Dictionary lookups that went to storage, by direction.",
    );
    sample(
        out,
        "trine_dictionary_cache_misses_total",
        term_to_id,
        stats.term_to_id_misses,
    );
    sample(
        out,
        "trine_dictionary_cache_misses_total",
        id_to_term,
        stats.id_to_term_misses,
    );
    single(
        out,
        "trine_dictionary_cache_entries",
        GAUGE,
        "Entries held in the dictionary caches.",
        stats.entries,
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::database::HealthStatus;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let metrics = Metrics::default();
        metrics.observe_query(QueryForm::Select, Duration::from_millis(2));
        metrics.observe_query(QueryForm::Select, Duration::from_secs(60));
        metrics.observe_error("sparql_syntax");
        let health = Health {
            status: HealthStatus::Healthy,
            reasons: Vec::new(),
            quads: 3,
            backend: "memory",
            read_only: false,
            approximate_size_bytes: None,
            pending_compaction_bytes: None,
            index_sizes: Vec::new(),
            memory_estimate_bytes: None,
            last_backup: None,
            reasoning: None,
        };
        let text = metrics.render(&health);
        assert!(
            text.contains("trine_query_duration_seconds_bucket{form=\"select\",le=\"0.0025\"} 1\n")
        );
        assert!(
            text.contains("trine_query_duration_seconds_bucket{form=\"select\",le=\"+Inf\"} 2\n")
        );
        assert!(text.contains("trine_queries_total{form=\"select\"} 2\n"));
        assert!(text.contains("trine_errors_total{code=\"sparql_syntax\"} 1\n"));
        assert!(text.contains("trine_update_duration_seconds_count 0\n"));
        assert!(text.contains("trine_store_quads 3\n"));
    }
}
