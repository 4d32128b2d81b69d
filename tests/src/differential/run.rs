//! The run: Trine over a store loaded once, spareval as the oracle, each query asked of both and
//! the answers tallied into a [`Report`].

use std::time::Duration;

use oxrdf::Dataset;
use trine_core::Store;
use trine_core::kv::MemoryBackend;
use trine_core::sparql::{PreparedQuery, QueryOptions};

use super::compare::{Shape, has_blank, same_answer};
use super::corpus::corpus;
use super::dataset::dataset;
use super::generate::generate;
use super::report::{CONSTRUCTS, ConstructTally, Difference, Report, show};
use crate::w3c::engine::{QueryEngine, QueryOutcome, SparevalEngine};

/// How long Trine may take on one query before it counts as an error (a guard against a hang).
const TRINE_TIMEOUT: Duration = Duration::from_secs(20);

/// Trine over one store holding the dataset, loaded once for all queries.
struct TrineOnce {
    store: Store<MemoryBackend>,
}

impl TrineOnce {
    fn new(dataset: &Dataset) -> Result<Self, String> {
        let store = Store::open(MemoryBackend::new()).map_err(|e| e.to_string())?;
        store.extend(dataset.iter()).map_err(|e| e.to_string())?;
        Ok(Self { store })
    }

    fn query(&self, query: &str) -> Result<QueryOutcome, String> {
        let prepared = PreparedQuery::parse(query, None).map_err(|e| e.to_string())?;
        let snapshot = self.store.snapshot().map_err(|e| e.to_string())?;
        let options = QueryOptions {
            timeout: Some(TRINE_TIMEOUT),
            ..QueryOptions::default()
        };
        let execution = prepared
            .bind(&snapshot, &options)
            .map_err(|e| e.to_string())?;
        crate::w3c::trine_engine::outcome(execution.results().map_err(|e| e.to_string())?)
    }
}

fn is_empty(outcome: &QueryOutcome) -> bool {
    match outcome {
        QueryOutcome::Boolean(value) => !value,
        QueryOutcome::Graph(triples) => triples.is_empty(),
        QueryOutcome::Solutions { solutions, .. } => solutions.is_empty(),
    }
}

/// Whether an answer holds a blank node.
fn has_blanks(outcome: &QueryOutcome) -> bool {
    match outcome {
        QueryOutcome::Boolean(_) => false,
        QueryOutcome::Graph(triples) => triples
            .iter()
            .any(|t| t.subject.is_blank_node() || t.object.is_blank_node()),
        QueryOutcome::Solutions { solutions, .. } => solutions.iter().any(has_blank),
    }
}

/// Runs the [`corpus`] and `queries` queries from [`generate`] on both engines over [`dataset`].
///
/// # Errors
/// Fails if Trine's store cannot be opened or loaded.
pub fn run(queries: usize, seed: u64) -> Result<Report, String> {
    let dataset = dataset();
    let trine = TrineOnce::new(&dataset)?;
    let oracle = SparevalEngine::new();
    let mut report = Report {
        constructs: CONSTRUCTS
            .iter()
            .map(|(name, _)| ConstructTally {
                name,
                queries: 0,
                agree_nonempty: 0,
            })
            .collect(),
        ..Report::default()
    };
    for query in corpus().into_iter().chain(generate(queries, seed)) {
        report.queries += 1;
        let shape = Shape::of(&query);
        let expected = oracle.query(&dataset, &query, None);
        let actual = trine.query(&query);
        let mut agreed_nonempty = false;
        match (&expected, &actual) {
            (Err(_), Err(_)) => report.both_rejected += 1,
            (Err(e), Ok(_)) => report.oracle_rejected.push((query.clone(), e.clone())),
            (Ok(a), Ok(b)) if same_answer(&query, a, b) => {
                report.agree += 1;
                if !is_empty(a) {
                    report.agree_nonempty += 1;
                    agreed_nonempty = true;
                }
                if has_blanks(a) {
                    report.agree_with_blanks += 1;
                }
            }
            _ => report.differences.push(Difference {
                oracle: show(&expected, shape),
                trine: show(&actual, shape),
                query: query.clone(),
            }),
        }
        for (tally, (_, marks)) in report.constructs.iter_mut().zip(CONSTRUCTS) {
            if marks.iter().any(|mark| query.contains(mark)) {
                tally.queries += 1;
                if agreed_nonempty {
                    tally.agree_nonempty += 1;
                }
            }
        }
    }
    Ok(report)
}
