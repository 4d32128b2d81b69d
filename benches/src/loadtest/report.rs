//! What a load test measured and checked, and how it prints.

use std::fmt;

use super::client::{ClientLog, Kind, Tally};
use super::writes::WriteCheck;

/// How the requests of one kind went, over every client.
#[derive(Debug, Clone, PartialEq)]
pub struct KindSummary {
    /// The kind.
    pub kind: Kind,
    /// Requests sent.
    pub requests: u64,
    /// Requests answered with a 2xx (and, for Graph Store reads, holding the client's write).
    pub ok: u64,
    /// Median latency of the successful requests, in milliseconds.
    pub p50_ms: Option<f64>,
    /// 99th percentile latency of the successful requests, in milliseconds.
    pub p99_ms: Option<f64>,
    /// Deliberate limit responses (503, 429).
    pub limited: u64,
    /// Other failures.
    pub errors: u64,
}

impl KindSummary {
    /// The summary of `tally`.
    #[must_use]
    pub fn new(kind: Kind, tally: &Tally) -> Self {
        let mut sorted = tally.ok_ms.clone();
        sorted.sort_by(f64::total_cmp);
        Self {
            kind,
            requests: tally.requests,
            ok: sorted.len() as u64,
            p50_ms: percentile(&sorted, 50.0),
            p99_ms: percentile(&sorted, 99.0),
            limited: tally.limited,
            errors: tally.errors,
        }
    }
}

/// The summaries of every kind over `logs`, in [`Kind::ALL`] order.
#[must_use]
pub fn summarize(logs: &[ClientLog]) -> Vec<KindSummary> {
    Kind::ALL
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            let mut tally = Tally::default();
            for log in logs {
                tally.merge(&log.tallies[i]);
            }
            KindSummary::new(kind, &tally)
        })
        .collect()
}

/// The `p`th percentile (0–100) of `sorted` by the nearest-rank method; `None` if empty.
#[must_use]
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// Everything one load test measured and checked.
#[derive(Debug, Clone)]
pub struct Report {
    /// `BSBM(100)`.
    pub dataset: String,
    /// Triples the server counted after the load.
    pub triples: u64,
    /// Seconds `trine load` took.
    pub load_seconds: f64,
    /// Client threads.
    pub clients: usize,
    /// Seconds from the clients' start to the last one's end.
    pub elapsed_seconds: f64,
    /// Per kind, in [`Kind::ALL`] order.
    pub kinds: Vec<KindSummary>,
    /// The first few error messages of every client.
    pub errors: Vec<String>,
    /// The acknowledged writes, looked up after the run.
    pub writes: WriteCheck,
    /// The server's peak resident set (`VmHWM`), in KiB, read just before it stopped.
    pub peak_rss_kib: Option<u64>,
    /// How the server exited after SIGTERM.
    pub server_exit: String,
    /// Whether it exited with status 0.
    pub server_clean: bool,
    /// Whether `trine verify` found the store consistent.
    pub verify_ok: bool,
    /// What `trine verify` printed.
    pub verify_output: String,
    /// `debug` or `release`: the profile of this build (and of the `trine` next to it).
    pub profile: &'static str,
    /// The machine (see [`crate::compare::machine`]).
    pub machine: String,
}

impl Report {
    /// Requests sent, of every kind.
    #[must_use]
    pub fn requests(&self) -> u64 {
        self.kinds.iter().map(|k| k.requests).sum()
    }

    /// Why the test failed: non-limit errors, missing acknowledged writes, an unclean server
    /// stop or a failed verification; empty when it passed.
    #[must_use]
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        let errors: u64 = self.kinds.iter().map(|k| k.errors).sum();
        if errors > 0 {
            failures.push(format!(
                "{errors} requests failed (other than limit responses)"
            ));
        }
        if self.writes.missing_count > 0 {
            failures.push(format!(
                "{} acknowledged writes missing or incomplete",
                self.writes.missing_count
            ));
        }
        if !self.server_clean {
            failures.push(format!(
                "the server did not stop cleanly: {}",
                self.server_exit
            ));
        }
        if !self.verify_ok {
            failures.push("trine verify failed".to_owned());
        }
        failures
    }
}

fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed_seconds.max(f64::MIN_POSITIVE);
        writeln!(
            f,
            "load-test: {} ({} triples, loaded in {:.1} s), {} clients for {:.1} s; {} build, {}",
            self.dataset,
            self.triples,
            self.load_seconds,
            self.clients,
            self.elapsed_seconds,
            self.profile,
            self.machine
        )?;
        writeln!(
            f,
            "{:<17} {:>9} {:>9} {:>8} {:>9} {:>9} {:>13} {:>7}",
            "kind", "requests", "req/s", "ok", "p50 ms", "p99 ms", "limit 503/429", "errors"
        )?;
        for k in &self.kinds {
            writeln!(
                f,
                "{:<17} {:>9} {:>9.1} {:>8} {:>9} {:>9} {:>13} {:>7}",
                k.kind.name(),
                k.requests,
                k.requests as f64 / seconds,
                k.ok,
                ms(k.p50_ms),
                ms(k.p99_ms),
                k.limited,
                k.errors
            )?;
        }
        let requests = self.requests();
        writeln!(
            f,
            "overall: {requests} requests in {:.1} s = {:.1} requests/s",
            self.elapsed_seconds,
            requests as f64 / seconds
        )?;
        for error in &self.errors {
            writeln!(f, "error: {error}")?;
        }
        let w = &self.writes;
        writeln!(
            f,
            "acknowledged writes: {} acknowledged, {} checked present with all their quads, {} missing; {} unacknowledged writes present",
            w.acknowledged, w.present, w.missing_count, w.unacknowledged_present
        )?;
        for missing in &w.missing {
            writeln!(f, "missing write: {missing}")?;
        }
        match self.peak_rss_kib {
            Some(kib) => writeln!(f, "server peak RSS (VmHWM): {:.1} MiB", kib as f64 / 1024.0)?,
            None => writeln!(f, "server peak RSS (VmHWM): unknown (no /proc)")?,
        }
        writeln!(f, "server stop (SIGTERM): {}", self.server_exit)?;
        writeln!(
            f,
            "trine verify: {} ({})",
            if self.verify_ok { "ok" } else { "FAILED" },
            self.verify_output.trim()
        )?;
        let failures = self.failures();
        if failures.is_empty() {
            write!(f, "load-test: PASSED")
        } else {
            write!(f, "load-test: FAILED: {}", failures.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        assert_eq!(percentile(&[], 50.0), None);
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 50.0), Some(50.0));
        assert_eq!(percentile(&sorted, 99.0), Some(99.0));
        assert_eq!(percentile(&sorted, 100.0), Some(100.0));
        assert_eq!(percentile(&[7.0], 99.0), Some(7.0));
    }

    #[test]
    fn summaries_merge_clients() {
        let mut log = ClientLog::default();
        log.tallies[0] = Tally {
            requests: 3,
            ok_ms: vec![3.0, 1.0],
            limited: 1,
            errors: 0,
        };
        let summaries = summarize(&[log.clone(), log]);
        assert_eq!(summaries.len(), 3);
        let query = &summaries[0];
        assert_eq!((query.requests, query.ok, query.limited), (6, 4, 2));
        assert_eq!((query.p50_ms, query.p99_ms), (Some(1.0), Some(3.0)));
        assert_eq!(summaries[2].p50_ms, None);
    }
}
