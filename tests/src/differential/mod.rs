//! A differential test of Trine's SPARQL engine against `spareval` (the oracle).
//!
//! [`dataset`] builds a small, deterministic dataset (no blank nodes, so answers compare without
//! isomorphism); [`corpus`] is a fixed set of hand-written queries and [`generate`] makes random
//! ones from a seed. [`run`] asks both engines each query and counts where they agree.
//!
//! The generator stays away from the places where spareval is known to deviate from SPARQL (the
//! W3C runner's `SPAREVAL_SKIPS` lists them), so that a difference means a bug in Trine:
//! - a `GRAPH ?g` variable is never used inside its own pattern (spareval binds it there), and
//!   `MINUS` never appears inside `GRAPH ?g` (spareval counts `?g` as shared by both sides);
//! - `GRAPH` is never nested, and `VALUES` never binds the graph variable;
//! - zero-length paths (`p*`, `p?`) only have variables or IRIs that occur in every graph at their
//!   ends (spareval gives no zero-length match for a constant absent from the data);
//! - literals are written in canonical form (spareval's `STR` of a number is its value's form);
//! - no `xsd:date` (spareval does not compare them), no `GROUP_CONCAT`, no sub-queries;
//! - alternatives (`p|q`) only inside `*`, `+` or `?`: SPARQL gives the union of both sides,
//!   duplicates included, and spareval a set (`?a (:p0+|:p0+) ?a` gives each node once);
//! - `<`, `>`, `<=`, `>=` only against a number, simple string or dateTime constant: spareval gets
//!   `true >= false` wrong (false) and orders equal IRIs and same-language literals, where SPARQL
//!   raises an error (an extension the standard allows, but Trine does not make it);
//! - inside `GRAPH`, no path with constants at both ends: spareval gives
//!   `GRAPH ?g { :i2 :p0+ :i5 }` once per route rather than once per graph;
//! - no `SAMPLE`, `RAND`, `NOW`, `UUID`, `BNODE`, whose answers are not deterministic.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

mod generate;

pub use generate::{corpus, generate};

use oxrdf::vocab::xsd;
use oxrdf::{Dataset, GraphName, Literal, NamedNode, Quad, Term, Triple};
use trine_core::Store;
use trine_core::kv::MemoryBackend;
use trine_core::sparql::{PreparedQuery, QueryOptions};

use crate::w3c::engine::{QueryEngine, QueryOutcome, SparevalEngine};

/// The namespace of the generated data, bound to the empty prefix in every query.
pub const EX: &str = "http://example.com/";

/// The prologue every query starts with.
const PROLOGUE: &str = "PREFIX : <http://example.com/>\n\
                        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n";

/// How many nodes (IRIs `:i0` … `:i9`) the data has.
const NODES: usize = 10;
/// How many predicates (`:p0` … `:p3`) the data has.
const PREDICATES: usize = 4;
/// The named graphs.
const GRAPHS: [&str; 2] = ["g0", "g1"];
/// Random quads per graph, on top of one `:p0` edge from each node.
const QUADS_PER_GRAPH: usize = 57;

/// How long Trine may take on one query before it counts as an error (a guard against a hang).
const TRINE_TIMEOUT: Duration = Duration::from_secs(20);
/// How many characters of an outcome a difference keeps.
const OUTCOME_CHARS: usize = 600;

/// SplitMix64: a small, seeded, deterministic generator (no dependency needed).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is `0`).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            // The modulo bias is irrelevant for a test generator.
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (which must not be empty).
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn ex(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{EX}{name}"))
}

/// The literals of the data, in canonical lexical form, with how a query writes each.
fn literals() -> Vec<(Literal, &'static str)> {
    let typed = |lex: &str, dt| Literal::new_typed_literal(lex, dt);
    let lang = |lex: &str, tag: &str| Literal::new_language_tagged_literal_unchecked(lex, tag);
    vec![
        (typed("-2", xsd::INTEGER), "-2"),
        (typed("0", xsd::INTEGER), "0"),
        (typed("1", xsd::INTEGER), "1"),
        (typed("2", xsd::INTEGER), "2"),
        (typed("3", xsd::INTEGER), "3"),
        (typed("10", xsd::INTEGER), "10"),
        (typed("42", xsd::INTEGER), "42"),
        (typed("1.5", xsd::DECIMAL), "1.5"),
        (typed("-0.5", xsd::DECIMAL), "-0.5"),
        (typed("2.25", xsd::DECIMAL), "2.25"),
        (Literal::new_simple_literal("a"), "\"a\""),
        (Literal::new_simple_literal("b"), "\"b\""),
        (Literal::new_simple_literal("abc"), "\"abc\""),
        (Literal::new_simple_literal("B"), "\"B\""),
        (Literal::new_simple_literal("1"), "\"1\""),
        (lang("a", "en"), "\"a\"@en"),
        (lang("chat", "en"), "\"chat\"@en"),
        (lang("chat", "fr"), "\"chat\"@fr"),
        (typed("true", xsd::BOOLEAN), "true"),
        (typed("false", xsd::BOOLEAN), "false"),
        (
            typed("2020-01-01T00:00:00Z", xsd::DATE_TIME),
            "\"2020-01-01T00:00:00Z\"^^xsd:dateTime",
        ),
        (
            typed("2021-06-15T12:30:00Z", xsd::DATE_TIME),
            "\"2021-06-15T12:30:00Z\"^^xsd:dateTime",
        ),
    ]
}

/// How many of [`literals`] are numbers (they come first).
const NUMERIC_LITERALS: usize = 10;

/// The dataset both engines query: about 200 quads over 10 IRIs and 4 predicates, in the default
/// graph and two named graphs, with no blank nodes.
///
/// `:p0` links nodes (for paths), `:p1` gives nodes or literals, `:p2` only numbers, `:p3` any
/// literal. Every node has a `:p0` edge in every graph, so each node occurs in each graph.
pub fn dataset() -> Dataset {
    let mut rng = SplitMix64::new(0x7121_E5EE_D5EE_D001);
    let literals = literals();
    let mut dataset = Dataset::new();
    let graphs = std::iter::once(GraphName::DefaultGraph)
        .chain(GRAPHS.iter().map(|g| GraphName::NamedNode(ex(g))));
    for graph in graphs {
        for node in 0..NODES {
            let object = ex(&format!("i{}", rng.below(NODES)));
            dataset.insert(&Quad::new(
                ex(&format!("i{node}")),
                ex("p0"),
                object,
                graph.clone(),
            ));
        }
        for _ in 0..QUADS_PER_GRAPH {
            let subject = ex(&format!("i{}", rng.below(NODES)));
            let predicate = rng.below(PREDICATES);
            let object: Term = match predicate {
                0 => ex(&format!("i{}", rng.below(NODES))).into(),
                1 if rng.chance(50) => ex(&format!("i{}", rng.below(NODES))).into(),
                2 => literals[rng.below(NUMERIC_LITERALS)].0.clone().into(),
                _ => rng.pick(&literals).0.clone().into(),
            };
            dataset.insert(&Quad::new(
                subject,
                ex(&format!("p{predicate}")),
                object,
                graph.clone(),
            ));
        }
    }
    dataset
}

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

/// An outcome in a form two engines' outcomes compare in: columns sorted by variable name, rows
/// sorted unless the query fixes their order, triples as a sorted set.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Normal {
    Solutions {
        variables: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Boolean(bool),
    Graph(Vec<String>),
}

fn normalize(outcome: &QueryOutcome, ordered: bool) -> Normal {
    match outcome {
        QueryOutcome::Boolean(value) => Normal::Boolean(*value),
        QueryOutcome::Graph(triples) => {
            let set: BTreeSet<String> = triples.iter().map(Triple::to_string).collect();
            Normal::Graph(set.into_iter().collect())
        }
        QueryOutcome::Solutions {
            variables,
            solutions,
        } => {
            let mut columns: Vec<(String, usize)> = variables
                .iter()
                .enumerate()
                .map(|(i, v)| (v.as_str().to_owned(), i))
                .collect();
            columns.sort();
            let mut rows: Vec<Vec<String>> = solutions
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .map(|(_, i)| match row.get(*i) {
                            Some(Some(term)) => term.to_string(),
                            _ => "UNDEF".to_owned(),
                        })
                        .collect()
                })
                .collect();
            if !ordered {
                rows.sort();
            }
            Normal::Solutions {
                variables: columns.into_iter().map(|(v, _)| v).collect(),
                rows,
            }
        }
    }
}

fn is_empty(outcome: &QueryOutcome) -> bool {
    match outcome {
        QueryOutcome::Boolean(value) => !value,
        QueryOutcome::Graph(triples) => triples.is_empty(),
        QueryOutcome::Solutions { solutions, .. } => solutions.is_empty(),
    }
}

/// Whether `query` fixes the order of its solutions (the generator's total order, or a slice).
fn is_ordered(query: &str) -> bool {
    query.contains("ORDER BY STR(")
}

fn show(outcome: &Result<QueryOutcome, String>, ordered: bool) -> String {
    let text = match outcome {
        Err(e) => format!("error: {e}"),
        Ok(outcome) => match normalize(outcome, ordered) {
            Normal::Boolean(value) => value.to_string(),
            Normal::Graph(triples) => format!("{} triples: {}", triples.len(), triples.join(" . ")),
            Normal::Solutions { variables, rows } => format!(
                "{} rows over ({}): {}",
                rows.len(),
                variables.join(" "),
                rows.iter()
                    .map(|r| format!("({})", r.join(" ")))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        },
    };
    if text.chars().count() > OUTCOME_CHARS {
        let cut: String = text.chars().take(OUTCOME_CHARS).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// A query on which the engines disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The query.
    pub query: String,
    /// What spareval gave (shortened).
    pub oracle: String,
    /// What Trine gave (shortened).
    pub trine: String,
}

/// What a differential run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Queries run.
    pub queries: usize,
    /// Queries both engines answered alike.
    pub agree: usize,
    /// Of those, the answers that are not empty (a solution, a triple, or `true`): a generator
    /// whose queries mostly match nothing would test little.
    pub agree_nonempty: usize,
    /// Queries both engines rejected (parse or evaluation errors on both sides).
    pub both_rejected: usize,
    /// Queries spareval rejected and Trine answered: not counted as differences, since the oracle
    /// has no answer; the query and spareval's error.
    pub oracle_rejected: Vec<(String, String)>,
    /// Queries where the engines disagree, an error on Trine's side only included.
    pub differences: Vec<Difference>,
}

impl Report {
    /// The differences, shortest query first (the shortest are the easiest to read).
    pub fn shortest_differences(&self, count: usize) -> Vec<&Difference> {
        let mut all: Vec<&Difference> = self.differences.iter().collect();
        all.sort_by_key(|d| d.query.len());
        all.truncate(count);
        all
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "differential: {} queries, {} agree ({} non-empty), {} differ ({} rejected by both, {} by \
             spareval only)",
            self.queries,
            self.agree,
            self.agree_nonempty,
            self.differences.len(),
            self.both_rejected,
            self.oracle_rejected.len()
        )?;
        for (query, error) in self.oracle_rejected.iter().take(5) {
            writeln!(f, "--- spareval rejected: {error}\n{query}")?;
        }
        for d in self.shortest_differences(10) {
            writeln!(
                f,
                "--- difference\n{}\n  spareval: {}\n  trine:    {}",
                d.query, d.oracle, d.trine
            )?;
        }
        Ok(())
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
    let mut report = Report::default();
    for query in corpus().into_iter().chain(generate(queries, seed)) {
        report.queries += 1;
        let ordered = is_ordered(&query);
        let expected = oracle.query(&dataset, &query, None);
        let actual = trine.query(&query);
        match (&expected, &actual) {
            (Err(_), Err(_)) => report.both_rejected += 1,
            (Err(e), Ok(_)) => report.oracle_rejected.push((query, e.clone())),
            (Ok(a), Ok(b)) if normalize(a, ordered) == normalize(b, ordered) => {
                report.agree += 1;
                if !is_empty(a) {
                    report.agree_nonempty += 1;
                }
            }
            _ => report.differences.push(Difference {
                oracle: show(&expected, ordered),
                trine: show(&actual, ordered),
                query,
            }),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(generate(50, 7), generate(50, 7));
        assert_ne!(generate(50, 7), generate(50, 8));
        assert_eq!(dataset(), dataset());
        let size = dataset().len();
        assert!((150..=210).contains(&size), "{size} quads");
    }
}
