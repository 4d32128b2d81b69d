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

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        let separator = if labels.is_empty() { "" } else { "," };
        for (i, bound) in BUCKETS.iter().enumerate() {
            cumulative += self.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{separator}le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += self.buckets[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{separator}le=\"+Inf\"}} {cumulative}"
        );
        let sum = Duration::from_micros(self.sum_micros.load(Ordering::Relaxed)).as_secs_f64();
        let braces = |labels: &str| {
            if labels.is_empty() {
                String::new()
            } else {
                format!("{{{labels}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {sum}", braces(labels));
        let _ = writeln!(
            out,
            "{name}_count{} {}",
            braces(labels),
            self.count.load(Ordering::Relaxed)
        );
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
        let mut out = String::new();
        out.push_str("# HELP trine_queries_total Queries answered, by form.\n");
        out.push_str("# TYPE trine_queries_total counter\n");
        for (form, histogram) in QueryForm::ALL.iter().zip(&self.queries) {
            let _ = writeln!(
                out,
                "trine_queries_total{{form=\"{}\"}} {}",
                form.name(),
                histogram.count.load(Ordering::Relaxed)
            );
        }
        out.push_str(
            "# HELP trine_query_duration_seconds Time to answer a query, results written.\n",
        );
        out.push_str("# TYPE trine_query_duration_seconds histogram\n");
        for (form, histogram) in QueryForm::ALL.iter().zip(&self.queries) {
            histogram.render(
                &mut out,
                "trine_query_duration_seconds",
                &format!("form=\"{}\"", form.name()),
            );
        }
        out.push_str("# HELP trine_updates_total Update requests applied.\n");
        out.push_str("# TYPE trine_updates_total counter\n");
        let _ = writeln!(
            out,
            "trine_updates_total {}",
            self.updates.count.load(Ordering::Relaxed)
        );
        out.push_str("# HELP trine_update_duration_seconds Time to apply an update request.\n");
        out.push_str("# TYPE trine_update_duration_seconds histogram\n");
        self.updates
            .render(&mut out, "trine_update_duration_seconds", "");
        out.push_str(
            "# HELP trine_graph_store_duration_seconds Time to answer a Graph Store Protocol \
             request, by method.\n",
        );
        out.push_str("# TYPE trine_graph_store_duration_seconds histogram\n");
        for (method, histogram) in GRAPH_STORE_METHODS.iter().zip(&self.graph_store) {
            histogram.render(
                &mut out,
                "trine_graph_store_duration_seconds",
                &format!("method=\"{method}\""),
            );
        }
        out.push_str(
            "# HELP trine_graph_store_quads_total Quads read from Graph Store uploads that \
             committed.\n# TYPE trine_graph_store_quads_total counter\n",
        );
        let _ = writeln!(
            out,
            "trine_graph_store_quads_total {}",
            self.graph_store_quads.load(Ordering::Relaxed)
        );
        out.push_str("# HELP trine_errors_total Failed requests, by stable error code.\n");
        out.push_str("# TYPE trine_errors_total counter\n");
        let errors = match self.errors.lock() {
            Ok(errors) => errors.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        for (code, count) in errors {
            let _ = writeln!(out, "trine_errors_total{{code=\"{code}\"}} {count}");
        }
        out.push_str("# HELP trine_store_quads Quads in the store.\n");
        out.push_str("# TYPE trine_store_quads gauge\n");
        let _ = writeln!(out, "trine_store_quads {}", health.quads);
        if let Some(bytes) = health.approximate_size_bytes {
            out.push_str("# HELP trine_store_size_bytes Approximate bytes the store takes.\n");
            out.push_str("# TYPE trine_store_size_bytes gauge\n");
            let _ = writeln!(out, "trine_store_size_bytes {bytes}");
        }
        if let Some(bytes) = health.memory_estimate_bytes {
            out.push_str("# HELP trine_memory_estimate_bytes Estimated memory the store holds.\n");
            out.push_str("# TYPE trine_memory_estimate_bytes gauge\n");
            let _ = writeln!(out, "trine_memory_estimate_bytes {bytes}");
        }
        if let Some(reasoning) = &health.reasoning {
            out.push_str(
                "# HELP trine_reasoning_inferred_quads Default-graph quads the reasoner inferred, by profile.\n",
            );
            out.push_str("# TYPE trine_reasoning_inferred_quads gauge\n");
            let _ = writeln!(
                out,
                "trine_reasoning_inferred_quads{{profile=\"{}\"}} {}",
                reasoning.profile, reasoning.inferred_quads
            );
            out.push_str(
                "# HELP trine_reasoning_inconsistencies Matches of rules with a false head.\n",
            );
            out.push_str("# TYPE trine_reasoning_inconsistencies gauge\n");
            let _ = writeln!(
                out,
                "trine_reasoning_inconsistencies {}",
                reasoning.inconsistencies
            );
            let runs = &reasoning.runs;
            out.push_str(
                "# HELP trine_reasoning_runs_total Reasoner runs: full materializations and \
                 maintained transactions.\n# TYPE trine_reasoning_runs_total counter\n",
            );
            let _ = writeln!(
                out,
                "trine_reasoning_runs_total{{kind=\"materialize\"}} {}\ntrine_reasoning_runs_total{{kind=\"maintain\"}} {}",
                runs.materializations, runs.maintained
            );
            out.push_str(
                "# HELP trine_reasoning_seconds_total Seconds the reasoner ran.\n\
                 # TYPE trine_reasoning_seconds_total counter\n",
            );
            let _ = writeln!(
                out,
                "trine_reasoning_seconds_total{{kind=\"materialize\"}} {}\ntrine_reasoning_seconds_total{{kind=\"maintain\"}} {}",
                runs.materialize_seconds, runs.maintain_seconds
            );
            out.push_str(
                "# HELP trine_reasoning_rounds_total Semi-naive rounds over all runs.\n\
                 # TYPE trine_reasoning_rounds_total counter\n",
            );
            let _ = writeln!(out, "trine_reasoning_rounds_total {}", runs.rounds);
            out.push_str(
                "# HELP trine_reasoning_quads_total Quads that gained (added) or lost (removed) \
                 the inferred flag.\n# TYPE trine_reasoning_quads_total counter\n",
            );
            let _ = writeln!(
                out,
                "trine_reasoning_quads_total{{change=\"added\"}} {}\ntrine_reasoning_quads_total{{change=\"removed\"}} {}",
                runs.added_quads, runs.removed_quads
            );
        }
        if let Some(bytes) = health.pending_compaction_bytes {
            out.push_str(
                "# HELP trine_pending_compaction_bytes Bytes RocksDB compactions still have to rewrite.\n",
            );
            out.push_str("# TYPE trine_pending_compaction_bytes gauge\n");
            let _ = writeln!(out, "trine_pending_compaction_bytes {bytes}");
        }
        out.push_str(
            "# HELP trine_healthy Whether the last health check was healthy (1) or not (0).\n",
        );
        out.push_str("# TYPE trine_healthy gauge\n");
        let healthy = u8::from(health.status == crate::database::HealthStatus::Healthy);
        let _ = writeln!(out, "trine_healthy {healthy}");
        out
    }
}

/// The parsed-query cache's hits and misses, in the Prometheus text format.
pub(crate) fn render_query_cache(cache: &trine_core::sparql::QueryCache) -> String {
    let mut out = String::from(
        "# HELP trine_query_cache_hits_total Queries whose parse came from the cache.\n\
         # TYPE trine_query_cache_hits_total counter\n",
    );
    let _ = writeln!(out, "trine_query_cache_hits_total {}", cache.hits());
    out.push_str(
        "# HELP trine_query_cache_misses_total Queries parsed because the cache lacked them.\n\
         # TYPE trine_query_cache_misses_total counter\n",
    );
    let _ = writeln!(out, "trine_query_cache_misses_total {}", cache.misses());
    out
}

/// The result cache's hits, misses and bytes, in the Prometheus text format.
pub(crate) fn render_result_cache(cache: &crate::database::ResultCache) -> String {
    let mut out = String::from(
        "# HELP trine_result_cache_hits_total Queries answered from the result cache.\n\
         # TYPE trine_result_cache_hits_total counter\n",
    );
    let _ = writeln!(out, "trine_result_cache_hits_total {}", cache.hits());
    out.push_str(
        "# HELP trine_result_cache_misses_total Queries the result cache could not answer.\n\
         # TYPE trine_result_cache_misses_total counter\n",
    );
    let _ = writeln!(out, "trine_result_cache_misses_total {}", cache.misses());
    out.push_str(
        "# HELP trine_result_cache_bytes Bytes of answers the result cache holds.\n\
         # TYPE trine_result_cache_bytes gauge\n",
    );
    let _ = writeln!(out, "trine_result_cache_bytes {}", cache.bytes());
    out
}

/// The dictionary cache counters in Prometheus text.
pub(crate) fn render_cache(stats: &trine_core::dictionary::CacheStats) -> String {
    let mut out = String::from(
        "# HELP trine_dictionary_cache_hits_total Dictionary lookups answered from the cache, \
         by direction.\n# TYPE trine_dictionary_cache_hits_total counter\n",
    );
    let _ = writeln!(
        out,
        "trine_dictionary_cache_hits_total{{direction=\"term_to_id\"}} {}",
        stats.term_to_id_hits
    );
    let _ = writeln!(
        out,
        "trine_dictionary_cache_hits_total{{direction=\"id_to_term\"}} {}",
        stats.id_to_term_hits
    );
    out.push_str(
        "# HELP trine_dictionary_cache_misses_total Dictionary lookups that went to storage, by \
         direction.\n# TYPE trine_dictionary_cache_misses_total counter\n",
    );
    let _ = writeln!(
        out,
        "trine_dictionary_cache_misses_total{{direction=\"term_to_id\"}} {}",
        stats.term_to_id_misses
    );
    let _ = writeln!(
        out,
        "trine_dictionary_cache_misses_total{{direction=\"id_to_term\"}} {}",
        stats.id_to_term_misses
    );
    out.push_str(
        "# HELP trine_dictionary_cache_entries Entries held in the dictionary caches.\n\
         # TYPE trine_dictionary_cache_entries gauge\n",
    );
    let _ = writeln!(out, "trine_dictionary_cache_entries {}", stats.entries);
    out
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
