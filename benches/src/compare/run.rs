//! Generating the datasets, running every engine over them, and checking the answers.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::Error;
use super::answer::{Answer, check};
use super::engine::{CacheReport, Engine};
use super::shape::QueryShape;
use crate::{bsbm, lubm};

/// One query of a dataset.
#[derive(Debug, Clone)]
pub struct BenchQuery {
    /// The name shown in the table (`Q1`…); the instantiations of a BSBM template share it.
    pub group: String,
    /// Which instantiation of the template this is (0 for LUBM).
    pub instance: usize,
    /// The SPARQL text.
    pub text: String,
    /// What the answer check needs to know about it.
    pub shape: QueryShape,
}

impl BenchQuery {
    /// `Q1` for a single query, `Q1#2` for the third instantiation of a template.
    #[must_use]
    pub fn label(&self) -> String {
        if self.instance == 0 {
            self.group.clone()
        } else {
            format!("{}#{}", self.group, self.instance)
        }
    }
}

/// Generated files and the queries to run over them.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// `LUBM(1)`, `BSBM(1000)`.
    pub name: String,
    /// N-Triples files, loaded in order, each its own document.
    pub files: Vec<PathBuf>,
    /// Lines the generators wrote (duplicates, if any, count here but not in a store).
    pub lines: u64,
    /// The queries, in the order they run.
    pub queries: Vec<BenchQuery>,
}

fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<u64>,
) -> Result<u64, Error> {
    let mut out = BufWriter::new(File::create(path)?);
    let lines = write(&mut out)?;
    out.flush()?;
    Ok(lines)
}

fn queries(
    named: impl IntoIterator<Item = (String, usize, String)>,
) -> Result<Vec<BenchQuery>, Error> {
    named
        .into_iter()
        .map(|(group, instance, text)| {
            let shape = QueryShape::parse(&text).map_err(|e| format!("{group}: {e}"))?;
            Ok(BenchQuery {
                group,
                instance,
                text,
                shape,
            })
        })
        .collect()
}

/// LUBM(`universities`): the instance data and the ontology, as two files in `dir`, and the 14
/// queries.
///
/// # Errors
/// Fails if the files cannot be written.
pub fn lubm_dataset(universities: usize, seed: u64, dir: &Path) -> Result<Dataset, Error> {
    let data = dir.join("lubm-data.nt");
    let ontology = dir.join("lubm-ontology.nt");
    let config = lubm::LubmConfig { universities, seed };
    let mut lines = write_file(&data, |out| lubm::generate(&config, out))?;
    lines += write_file(&ontology, lubm::write_ontology)?;
    Ok(Dataset {
        name: format!("LUBM({universities})"),
        files: vec![data, ontology],
        lines,
        queries: queries(
            lubm::QUERIES
                .iter()
                .map(|(name, text)| ((*name).to_owned(), 0, (*text).to_owned())),
        )?,
    })
}

/// BSBM with `products` products in `dir`, `mixes` instantiations of the explore mix, then the
/// analytic set ([`bsbm::ANALYTIC`]).
///
/// # Errors
/// Fails if the file cannot be written.
pub fn bsbm_dataset(
    products: usize,
    seed: u64,
    mixes: usize,
    dir: &Path,
) -> Result<Dataset, Error> {
    let data = dir.join("bsbm.nt");
    let config = bsbm::BsbmConfig { products, seed };
    let lines = write_file(&data, |out| bsbm::generate(&config, out))?;
    let per_mix = bsbm::TEMPLATES.len();
    let instantiated = bsbm::instantiate(&config, seed, mixes);
    Ok(Dataset {
        name: format!("BSBM({products})"),
        files: vec![data],
        lines,
        queries: queries(
            instantiated
                .into_iter()
                .enumerate()
                .map(|(i, (name, text))| (name.to_owned(), i / per_mix, text))
                .chain(
                    bsbm::ANALYTIC
                        .iter()
                        .map(|(name, text)| ((*name).to_owned(), 0, (*text).to_owned())),
                ),
        )?,
    })
}

/// How one query went on one engine.
#[derive(Debug, Clone)]
pub struct QueryRun {
    /// Latency of each timed run, in milliseconds.
    pub samples_ms: Vec<f64>,
    /// The warm-up run's answer, or why the query failed.
    pub answer: Result<Answer, String>,
}

/// How one engine did on one dataset.
#[derive(Debug, Clone)]
pub struct EngineRun {
    /// The engine's name.
    pub engine: String,
    /// Seconds to load (and make durable) every file; `None` if the load failed.
    pub load_seconds: Option<f64>,
    /// Triples stored after the load.
    pub triples: u64,
    /// Bytes of the store's files after the load, for on-disk engines.
    pub disk_bytes: Option<u64>,
    /// One entry per query of the dataset, in order (empty if the load failed).
    pub queries: Vec<QueryRun>,
    /// Estimated and actual rows of every join over all the queries, for engines that report
    /// them (see [`Engine::join_estimates`]).
    pub join_estimates: Vec<(f64, u64)>,
    /// How its caches did, for engines that have them (see [`Engine::cache_report`]).
    pub caches: Option<CacheReport>,
}

impl EngineRun {
    /// Of the joins with estimates, how many estimated within a factor of 10 of the rows they
    /// produced (fewer than one row counting as one), and how many there were.
    #[must_use]
    pub fn estimates_within_10x(&self) -> (usize, usize) {
        let within = self
            .join_estimates
            .iter()
            .filter(|(estimated, actual)| {
                let (estimated, actual) = (estimated.max(1.0), (*actual as f64).max(1.0));
                estimated / actual <= 10.0 && actual / estimated <= 10.0
            })
            .count();
        (within, self.join_estimates.len())
    }
}

/// An answer (or a triple count, or a load) where an engine disagrees with the reference.
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// The dataset's name.
    pub dataset: String,
    /// The query label, or `load` / `triple count`.
    pub query: String,
    /// The engine that disagrees.
    pub engine: String,
    /// How it disagrees.
    pub detail: String,
}

/// Loads `dataset` into `engine` and runs every query: one untimed warm-up whose answer is kept,
/// then `runs` timed runs.
pub fn run_engine(
    name: &str,
    engine: &mut dyn Engine,
    dataset: &Dataset,
    runs: usize,
) -> EngineRun {
    let mut result = EngineRun {
        engine: name.to_owned(),
        load_seconds: None,
        triples: 0,
        disk_bytes: None,
        queries: Vec::new(),
        join_estimates: Vec::new(),
        caches: None,
    };
    let start = Instant::now();
    if let Err(e) = engine.load(&dataset.files) {
        eprintln!("compare: {name} failed to load {}: {e}", dataset.name);
        return result;
    }
    result.load_seconds = Some(start.elapsed().as_secs_f64());
    result.disk_bytes = engine.disk_bytes().unwrap_or_else(|e| {
        eprintln!("compare: {name}: cannot measure its files: {e}");
        None
    });
    result.triples = engine.triple_count().unwrap_or_else(|e| {
        eprintln!("compare: {name}: cannot count its triples: {e}");
        0
    });
    for query in &dataset.queries {
        let answer = engine
            .query(&query.text)
            .map(|raw| Answer::from(&raw))
            .map_err(|e| e.to_string());
        let mut samples_ms = Vec::with_capacity(runs);
        if answer.is_ok() {
            for _ in 0..runs {
                let Ok(ms) = engine.time_query(&query.text) else {
                    break;
                };
                samples_ms.push(ms);
            }
        }
        if answer.is_ok() {
            match engine.join_estimates(&query.text) {
                Ok(estimates) => result
                    .join_estimates
                    .extend(estimates.into_iter().flatten()),
                Err(e) => eprintln!("compare: {name}: cannot analyze {}: {e}", query.label()),
            }
        }
        result.queries.push(QueryRun { samples_ms, answer });
    }
    let texts: Vec<&str> = dataset
        .queries
        .iter()
        .zip(&result.queries)
        .filter(|(_, run)| run.answer.is_ok())
        .map(|(query, _)| query.text.as_str())
        .collect();
    result.caches = engine.cache_report(&texts).unwrap_or_else(|e| {
        eprintln!("compare: {name}: cannot measure its caches: {e}");
        None
    });
    result
}

/// Every way the engines after the first disagree with the first (the reference), including
/// failures of the reference itself.
#[must_use]
pub fn mismatches(dataset: &Dataset, runs: &[EngineRun]) -> Vec<Mismatch> {
    let mut found = Vec::new();
    let mut add = |query: String, engine: &str, detail: String| {
        found.push(Mismatch {
            dataset: dataset.name.clone(),
            query,
            engine: engine.to_owned(),
            detail,
        });
    };
    let Some((reference, others)) = runs.split_first() else {
        return found;
    };
    for run in runs {
        if run.load_seconds.is_none() {
            add("load".into(), &run.engine, "the load failed".into());
        }
    }
    for other in others {
        if other.load_seconds.is_some() && other.triples != reference.triples {
            add(
                "triple count".into(),
                &other.engine,
                format!(
                    "{} triples vs {} in {}",
                    other.triples, reference.triples, reference.engine
                ),
            );
        }
    }
    for (i, query) in dataset.queries.iter().enumerate() {
        let Some(expected) = reference.queries.get(i) else {
            continue;
        };
        let expected = match &expected.answer {
            Ok(answer) => answer,
            Err(e) => {
                add(query.label(), &reference.engine, format!("failed: {e}"));
                continue;
            }
        };
        for other in others {
            let Some(run) = other.queries.get(i) else {
                continue;
            };
            let verdict = match &run.answer {
                Ok(answer) => check(&query.shape, expected, answer),
                Err(e) => Err(format!("failed: {e}")),
            };
            if let Err(detail) = verdict {
                add(query.label(), &other.engine, detail);
            }
        }
    }
    found
}

/// The median of `samples` (the mean of the middle two for an even count); `None` if empty.
#[must_use]
pub fn median(samples: &[f64]) -> Option<f64> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    fn fake_run(engine: &str, answers: Vec<Result<Answer, String>>) -> EngineRun {
        EngineRun {
            engine: engine.to_owned(),
            load_seconds: Some(1.0),
            triples: 10,
            disk_bytes: None,
            queries: answers
                .into_iter()
                .map(|answer| QueryRun {
                    samples_ms: vec![1.0],
                    answer,
                })
                .collect(),
            join_estimates: vec![(5.0, 40), (5.0, 60), (0.2, 0), (1000.0, 10)],
            caches: None,
        }
    }

    #[test]
    fn join_estimates_count_within_a_factor_of_ten() {
        // 5 for 40 is within (8x), 5 for 60 is not, under one row counts as one, 100x is not.
        assert_eq!(fake_run("trine", Vec::new()).estimates_within_10x(), (2, 4));
    }

    #[test]
    fn disagreements_and_failures_are_mismatches() {
        let text = "ASK { ?s ?p ?o }";
        let dataset = Dataset {
            name: "tiny".into(),
            files: Vec::new(),
            lines: 10,
            queries: (0..3)
                .map(|instance| BenchQuery {
                    group: "Q1".into(),
                    instance,
                    text: text.into(),
                    shape: QueryShape::parse(text).unwrap(),
                })
                .collect(),
        };
        let reference = fake_run(
            "a",
            vec![
                Ok(Answer::Boolean(true)),
                Ok(Answer::Boolean(true)),
                Ok(Answer::Boolean(false)),
            ],
        );
        let agreeing = fake_run(
            "b",
            reference.queries.iter().map(|q| q.answer.clone()).collect(),
        );
        assert!(mismatches(&dataset, &[reference.clone(), agreeing]).is_empty());
        let mut other = fake_run(
            "c",
            vec![
                Ok(Answer::Boolean(true)),
                Ok(Answer::Boolean(false)),
                Err("boom".into()),
            ],
        );
        other.triples = 9;
        let found = mismatches(&dataset, &[reference, other]);
        let queries: Vec<&str> = found.iter().map(|m| m.query.as_str()).collect();
        assert_eq!(queries, ["triple count", "Q1#1", "Q1#2"]);
        assert!(found.iter().all(|m| m.engine == "c"));
    }

    #[test]
    fn bsbm_instances_are_numbered_per_mix() {
        let dir = tempfile::tempdir().unwrap();
        let dataset = bsbm_dataset(20, 1, 2, dir.path()).unwrap();
        assert_eq!(
            dataset.queries.len(),
            2 * bsbm::TEMPLATES.len() + bsbm::ANALYTIC.len()
        );
        assert_eq!(
            dataset.queries.last().map(BenchQuery::label),
            Some("A6".into())
        );
        assert_eq!(dataset.queries[0].label(), "Q1");
        assert_eq!(dataset.queries[bsbm::TEMPLATES.len()].label(), "Q1#1");
        assert!(dataset.lines > 0);
    }
}
