//! What a differential run found ([`Report`], printed by its `Display`), the constructs it
//! counts, and how a difference shows each engine's answer.

use std::collections::HashMap;
use std::fmt;

use super::compare::{Normal, Row, Shape, normalize};
use super::isomorphism::render;
use crate::w3c::engine::QueryOutcome;

/// How many characters of an outcome a difference keeps.
const OUTCOME_CHARS: usize = 600;

pub(super) fn show(outcome: &Result<QueryOutcome, String>, shape: Shape) -> String {
    let text = match outcome {
        Err(e) => format!("error: {e}"),
        Ok(outcome) => {
            let lines = |rows: &[Row]| {
                let mut lines: Vec<String> = rows
                    .iter()
                    .map(|row| render(row, &HashMap::new()))
                    .collect();
                if !shape.ordered {
                    lines.sort_unstable();
                }
                lines
            };
            match normalize(outcome) {
                Normal::Boolean(value) => value.to_string(),
                Normal::Graph(triples) => {
                    format!("{} triples: {}", triples.len(), lines(&triples).join(" . "))
                }
                Normal::Solutions { variables, rows } => format!(
                    "{} rows over ({}): {}",
                    rows.len(),
                    variables.join(" "),
                    lines(&rows)
                        .iter()
                        .map(|r| format!("({r})"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            }
        }
    };
    if text.chars().count() > OUTCOME_CHARS {
        let cut: String = text.chars().take(OUTCOME_CHARS).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// The constructs the report counts, each with the texts that mark a query using it.
pub const CONSTRUCTS: &[(&str, &[&str])] = &[
    ("EXISTS", &["EXISTS {"]),
    ("NOT EXISTS", &["NOT EXISTS {"]),
    ("sub-query", &["{ SELECT "]),
    ("GROUP_CONCAT", &["GROUP_CONCAT("]),
    ("SAMPLE", &["SAMPLE("]),
    ("REGEX", &["REGEX("]),
    (
        "string functions",
        &[
            "UCASE(",
            "LCASE(",
            "SUBSTR(",
            "CONCAT(",
            "STRBEFORE(",
            "STRAFTER(",
            "REPLACE(",
            "STRSTARTS(",
            "STRENDS(",
            "ENCODE_FOR_URI(",
            "STRLANG(",
            "STRDT(",
        ],
    ),
    ("division", &[" / "]),
    (
        "numeric casts",
        &["xsd:integer(", "xsd:decimal(", "xsd:double(", "xsd:float("],
    ),
    ("FROM", &["FROM :"]),
    ("FROM NAMED", &["FROM NAMED"]),
    ("DESCRIBE", &["DESCRIBE"]),
    ("p|q", &["|:", "|^", "|("]),
];
/// How often one of [`CONSTRUCTS`] occurred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstructTally {
    /// The construct's name.
    pub name: &'static str,
    /// Queries using it.
    pub queries: usize,
    /// Of those, the queries both engines answered alike with a non-empty answer.
    pub agree_nonempty: usize,
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
    /// Of those, the answers with a blank node in them.
    pub agree_with_blanks: usize,
    /// Queries both engines rejected (parse or evaluation errors on both sides).
    pub both_rejected: usize,
    /// Queries spareval rejected and Trine answered: not counted as differences, since the oracle
    /// has no answer; the query and spareval's error.
    pub oracle_rejected: Vec<(String, String)>,
    /// Queries where the engines disagree, an error on Trine's side only included.
    pub differences: Vec<Difference>,
    /// How often each of [`CONSTRUCTS`] occurred, in its order.
    pub constructs: Vec<ConstructTally>,
}

impl Report {
    /// The differences, shortest query first (the shortest are the easiest to read).
    pub fn shortest_differences(&self, count: usize) -> Vec<&Difference> {
        let mut all: Vec<&Difference> = self.differences.iter().collect();
        all.sort_by_key(|d| d.query.len());
        all.truncate(count);
        all
    }

    /// Whether both engines rejected at most `percent` in a hundred of the queries.
    pub fn both_rejected_within(&self, percent: usize) -> bool {
        self.both_rejected * 100 <= self.queries * percent
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "differential: {} queries, {} agree ({} non-empty, {} with blank nodes), {} differ, {} \
             rejected by both, {} by spareval only",
            self.queries,
            self.agree,
            self.agree_nonempty,
            self.agree_with_blanks,
            self.differences.len(),
            self.both_rejected,
            self.oracle_rejected.len()
        )?;
        let constructs: Vec<String> = self
            .constructs
            .iter()
            .map(|c| format!("{} {}/{}", c.name, c.agree_nonempty, c.queries))
            .collect();
        writeln!(
            f,
            "differential: constructs (agreeing non-empty / queries): {}",
            constructs.join(", ")
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
