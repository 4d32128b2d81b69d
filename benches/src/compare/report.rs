//! The comparison's outputs: the table on standard output and the JSON report.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::answer::Answer;
use super::config::Config;
use super::run::{Dataset, EngineRun, Mismatch, median};

/// Pairs of engines whose latencies are divided in the ratio columns: (column title, Trine
/// engine, Oxigraph engine). A pair whose engines did not run has no column.
pub const RATIOS: [(&str, &str, &str); 3] = [
    ("T/O memory", "trine-memory", "oxigraph-memory"),
    ("T/O rocksdb", "trine-rocksdb", "oxigraph-rocksdb"),
    ("T/O server", "trine-server", "oxigraph-rocksdb"),
];

/// One dataset's runs and the disagreements found in them.
#[derive(Debug, Clone)]
pub struct DatasetReport {
    /// The dataset and its queries.
    pub dataset: Dataset,
    /// One run per engine; the first is the reference of the answer check.
    pub runs: Vec<EngineRun>,
    /// Where engines disagree with the reference.
    pub mismatches: Vec<Mismatch>,
}

impl DatasetReport {
    /// The query groups (`Q1`…) in the order they first appear.
    #[must_use]
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = Vec::new();
        for query in &self.dataset.queries {
            if !groups.contains(&query.group) {
                groups.push(query.group.clone());
            }
        }
        groups
    }

    /// The median latency in milliseconds of `run` over every instantiation of `group`.
    #[must_use]
    pub fn median_ms(&self, run: &EngineRun, group: &str) -> Option<f64> {
        let samples: Vec<f64> = self
            .dataset
            .queries
            .iter()
            .zip(&run.queries)
            .filter(|(query, _)| query.group == group)
            .flat_map(|(_, result)| result.samples_ms.iter().copied())
            .collect();
        median(&samples)
    }

    /// The sum of `run`'s medians over every query group: the total the goals compare; `None`
    /// if a query failed on it.
    #[must_use]
    pub fn total_ms(&self, run: &EngineRun) -> Option<f64> {
        self.groups()
            .iter()
            .map(|group| self.median_ms(run, group))
            .sum()
    }

    /// Answers of the reference to every instantiation of `group`, added up.
    fn reference_rows(&self, group: &str) -> usize {
        let Some(reference) = self.runs.first() else {
            return 0;
        };
        self.dataset
            .queries
            .iter()
            .zip(&reference.queries)
            .filter(|(query, _)| query.group == group)
            .map(|(_, run)| match &run.answer {
                Ok(Answer::Solutions { rows, .. }) => rows.len(),
                Ok(Answer::Graph(triples)) => triples.len(),
                Ok(Answer::Boolean(_)) => 1,
                Err(_) => 0,
            })
            .sum()
    }

    /// `ok` or the engines that disagree on some instantiation of `group`.
    fn verdict(&self, group: &str) -> String {
        let mut engines: Vec<&str> = Vec::new();
        for m in &self.mismatches {
            let query_group = m.query.split('#').next().unwrap_or_default();
            if query_group == group && !engines.contains(&m.engine.as_str()) {
                engines.push(&m.engine);
            }
        }
        if engines.is_empty() {
            format!("ok ({} rows)", self.reference_rows(group))
        } else {
            format!("DIFFER: {}", engines.join(", "))
        }
    }

    fn run(&self, engine: &str) -> Option<&EngineRun> {
        self.runs.iter().find(|r| r.engine == engine)
    }

    /// The ratio columns that apply: both engines of the pair ran.
    fn ratios(&self) -> Vec<(&'static str, &EngineRun, &EngineRun)> {
        RATIOS
            .iter()
            .filter_map(|&(title, trine, oxigraph)| {
                Some((title, self.run(trine)?, self.run(oxigraph)?))
            })
            .collect()
    }
}

/// A latency for the table: three significant digits or so.
fn ms(value: Option<f64>) -> String {
    match value {
        None => "-".into(),
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) if v >= 10.0 => format!("{v:.1}"),
        Some(v) if v >= 1.0 => format!("{v:.2}"),
        Some(v) => format!("{v:.3}"),
    }
}

fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "-".into(),
    }
}

fn per_second(run: &EngineRun) -> Option<f64> {
    run.load_seconds
        .filter(|s| *s > 0.0)
        .map(|s| run.triples as f64 / s)
}

fn bytes_per_triple(run: &EngineRun) -> Option<f64> {
    run.disk_bytes
        .filter(|_| run.triples > 0)
        .map(|b| b as f64 / run.triples as f64)
}

/// The one table: per dataset, load time, triples per second and bytes per triple, then each
/// query's median latency in milliseconds, per engine, with the Trine/Oxigraph ratios.
#[must_use]
pub fn table(reports: &[DatasetReport]) -> String {
    let mut engines: Vec<String> = Vec::new();
    let mut ratio_titles: Vec<&str> = Vec::new();
    for report in reports {
        for run in &report.runs {
            if !engines.contains(&run.engine) {
                engines.push(run.engine.clone());
            }
        }
        for (title, _, _) in report.ratios() {
            if !ratio_titles.contains(&title) {
                ratio_titles.push(title);
            }
        }
    }
    let mut out = String::new();
    let mut row = |label: &str, cells: Vec<String>| {
        let _ = write!(out, "{label:<24}");
        for cell in cells {
            let _ = write!(out, " {cell:>16}");
        }
        out.push('\n');
    };
    let mut header: Vec<String> = engines.clone();
    header.extend(ratio_titles.iter().map(|t| (*t).to_owned()));
    header.push("answers".into());
    row("", header);
    for report in reports {
        let name = &report.dataset.name;
        let cells = |f: &dyn Fn(&EngineRun) -> String,
                     r: &dyn Fn(&EngineRun, &EngineRun) -> String| {
            let mut cells: Vec<String> = engines
                .iter()
                .map(|e| report.run(e).map_or("-".into(), f))
                .collect();
            for title in &ratio_titles {
                let pair = report.ratios().into_iter().find(|(t, _, _)| t == title);
                cells.push(pair.map_or("-".into(), |(_, a, b)| r(a, b)));
            }
            cells
        };
        let mut load = cells(&|run| ms(run.load_seconds), &|a, b| {
            ratio(a.load_seconds, b.load_seconds)
        });
        load.push(format!(
            "{} triples",
            report.runs.first().map_or(0, |r| r.triples)
        ));
        row(&format!("{name} load (s)"), load);
        row(
            &format!("{name} triples/s"),
            cells(
                &|run| per_second(run).map_or("-".into(), |v| format!("{v:.0}")),
                &|a, b| ratio(per_second(a), per_second(b)),
            ),
        );
        row(
            &format!("{name} bytes/triple"),
            cells(
                &|run| bytes_per_triple(run).map_or("-".into(), |v| format!("{v:.1}")),
                &|a, b| ratio(bytes_per_triple(a), bytes_per_triple(b)),
            ),
        );
        for group in report.groups() {
            let mut cells = cells(&|run| ms(report.median_ms(run, &group)), &|a, b| {
                ratio(report.median_ms(a, &group), report.median_ms(b, &group))
            });
            cells.push(report.verdict(&group));
            row(&format!("{name} {group} (ms)"), cells);
        }
        let mut total = cells(&|run| ms(report.total_ms(run)), &|a, b| {
            ratio(report.total_ms(a), report.total_ms(b))
        });
        total.push("sum of medians".into());
        row(&format!("{name} total (ms)"), total);
    }
    for report in reports {
        for run in report
            .runs
            .iter()
            .filter(|run| !run.join_estimates.is_empty())
        {
            let (within, joins) = run.estimates_within_10x();
            let _ = writeln!(
                out,
                "{} {}: {within} of {joins} join estimates within 10x of the actual rows ({:.0} %; goal 90 %)",
                report.dataset.name,
                run.engine,
                100.0 * within as f64 / joins as f64
            );
        }
    }
    for report in reports {
        for run in &report.runs {
            let Some(caches) = run.caches else { continue };
            let parses = caches.parse_hits + caches.parse_misses;
            let plans = caches.plan_hits + caches.plan_misses;
            let _ = writeln!(
                out,
                "{} {}: parsed-query cache hit rate {:.0} % ({} of {} parses); plan cache hit rate {:.0} % ({} of {} plans); with the result cache on, a repeated query answers {:.0}x faster than its first run ({:.1} ms first, {:.2} ms repeated, {} hits; goal 10x)",
                report.dataset.name,
                run.engine,
                100.0 * caches.parse_hits as f64 / parses.max(1) as f64,
                caches.parse_hits,
                parses,
                100.0 * caches.plan_hits as f64 / plans.max(1) as f64,
                caches.plan_hits,
                plans,
                caches.first_ms / caches.repeated_ms.max(f64::MIN_POSITIVE),
                caches.first_ms,
                caches.repeated_ms,
                caches.result_hits
            );
        }
    }
    out
}

fn caches_json(run: &EngineRun) -> Value {
    run.caches.map_or(Value::Null, |caches| {
        json!({
            "parse_hits": caches.parse_hits,
            "parse_misses": caches.parse_misses,
            "plan_hits": caches.plan_hits,
            "plan_misses": caches.plan_misses,
            "result_cache_first_ms": caches.first_ms,
            "result_cache_repeated_ms": caches.repeated_ms,
            "result_cache_hits": caches.result_hits,
        })
    })
}

fn estimates_json(run: &EngineRun) -> Value {
    if run.join_estimates.is_empty() {
        return Value::Null;
    }
    let (within, joins) = run.estimates_within_10x();
    json!({ "joins": joins, "within_10x": within })
}

/// The JSON report: the configuration, and per dataset and engine the load figures and each
/// query group's median and samples, with every disagreement.
#[must_use]
pub fn json(config: &Config, machine: &str, reports: &[DatasetReport]) -> Value {
    let datasets: Vec<Value> = reports
        .iter()
        .map(|report| {
            let groups = report.groups();
            let engines: Vec<Value> = report
                .runs
                .iter()
                .map(|run| {
                    let queries: serde_json::Map<String, Value> = groups
                        .iter()
                        .map(|group| {
                            let samples: Vec<f64> = report
                                .dataset
                                .queries
                                .iter()
                                .zip(&run.queries)
                                .filter(|(q, _)| &q.group == group)
                                .flat_map(|(_, r)| r.samples_ms.iter().copied())
                                .collect();
                            (
                                group.clone(),
                                json!({ "median_ms": median(&samples), "samples_ms": samples }),
                            )
                        })
                        .collect();
                    json!({
                        "engine": run.engine,
                        "load_seconds": run.load_seconds,
                        "triples": run.triples,
                        "triples_per_second": per_second(run),
                        "disk_bytes": run.disk_bytes,
                        "bytes_per_triple": bytes_per_triple(run),
                        "queries": queries,
                        "total_ms": report.total_ms(run),
                        "join_estimates": estimates_json(run),
                        "caches": caches_json(run),
                    })
                })
                .collect();
            let mismatches: Vec<Value> = report
                .mismatches
                .iter()
                .map(|m| json!({ "query": m.query, "engine": m.engine, "detail": m.detail }))
                .collect();
            json!({
                "name": report.dataset.name,
                "generated_lines": report.dataset.lines,
                "queries": groups,
                "engines": engines,
                "mismatches": mismatches,
            })
        })
        .collect();
    json!({
        "config": {
            "lubm": config.lubm,
            "bsbm": config.bsbm,
            "runs": config.runs,
            "mixes": config.mixes,
            "seed": config.seed,
            "skip_oxigraph_cli": config.skip_oxigraph_cli,
            "skip_trine_server": config.skip_trine_server,
        },
        "machine": machine,
        "reference_engine": reports.first().and_then(|r| r.runs.first()).map(|r| r.engine.clone()),
        "datasets": datasets,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::compare::run::{BenchQuery, QueryRun};
    use crate::compare::shape::QueryShape;

    fn report() -> DatasetReport {
        let text = "SELECT ?s WHERE { ?s ?p ?o }";
        let run = |engine: &str, ms: f64| EngineRun {
            engine: engine.into(),
            load_seconds: Some(2.0),
            triples: 100,
            disk_bytes: Some(5000),
            queries: vec![QueryRun {
                samples_ms: vec![ms, ms * 3.0, ms * 2.0],
                answer: Ok(Answer::Solutions {
                    variables: vec!["s".into()],
                    rows: vec![vec![Some("<http://e/s>".into())]],
                }),
            }],
            join_estimates: Vec::new(),
            caches: None,
        };
        DatasetReport {
            dataset: Dataset {
                name: "T(1)".into(),
                files: Vec::new(),
                lines: 100,
                queries: vec![BenchQuery {
                    group: "Q1".into(),
                    instance: 0,
                    text: text.into(),
                    shape: QueryShape::parse(text).unwrap(),
                }],
            },
            runs: vec![run("trine-memory", 1.0), run("oxigraph-memory", 4.0)],
            mismatches: vec![Mismatch {
                dataset: "T(1)".into(),
                query: "Q1".into(),
                engine: "oxigraph-memory".into(),
                detail: "differs".into(),
            }],
        }
    }

    #[test]
    fn table_has_medians_ratios_and_verdicts() {
        let table = table(&[report()]);
        assert!(table.contains("T/O memory"), "{table}");
        assert!(!table.contains("T/O rocksdb"), "{table}");
        let q1 = table.lines().find(|l| l.starts_with("T(1) Q1")).unwrap();
        // Medians 2 ms and 8 ms, ratio 0.25, and the disagreement named.
        assert!(
            q1.contains("2.00") && q1.contains("8.00") && q1.contains("0.25"),
            "{q1}"
        );
        assert!(q1.contains("DIFFER: oxigraph-memory"), "{q1}");
        let per_triple = table.lines().find(|l| l.contains("bytes/triple")).unwrap();
        assert!(per_triple.contains("50.0"), "{per_triple}");
    }

    #[test]
    fn json_and_svg_hold_every_engine() {
        let reports = [report()];
        let value = json(&Config::default(), "test machine", &reports);
        let engines = &value["datasets"][0]["engines"];
        assert_eq!(engines[1]["queries"]["Q1"]["median_ms"], 8.0);
        assert_eq!(
            value["datasets"][0]["mismatches"][0]["engine"],
            "oxigraph-memory"
        );
        let svg = crate::compare::chart(&reports);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<title>").count(), 2);
    }
}
