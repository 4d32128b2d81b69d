//! The expected results of the SPARQL evaluation tests, and how an engine's answer is compared
//! with them.
//!
//! - Solutions are compared as multisets of bindings, blank nodes up to one consistent renaming
//!   across all solutions (an isomorphism of the solution sequences), every other term exactly
//!   (literals by lexical form, datatype and language). Variables are compared as sets.
//! - When the query's top level is ordered (`ORDER BY`) and the expected format records an order
//!   (every results document; an RDF-encoded result set only with `rs:index`), the solutions must
//!   also come in the expected order, judged only on what the ordering can see: position by
//!   position, the values of the variables the `ORDER BY` expressions read must agree (any blank
//!   node matching any blank node), so solutions that tie may come in any order.
//! - `mf:LaxCardinality` (`REDUCED`) compares the solutions as sets.
//! - CSV loses types, so a `.csv` result is compared with the engine's solutions serialized to CSV:
//!   both are read back as tables of strings and compared as above, cells `_:…` as blank nodes.
//! - Graphs (`CONSTRUCT`, `DESCRIBE`) are compared up to blank-node renaming; booleans by value.
//!
//! When that exact comparison fails, the answer is compared again with every numeric and boolean
//! literal replaced by its value (same datatype, equal value: `"32100"^^xsd:double` for
//! `"3.21E4"^^xsd:double`, `"2"^^xsd:decimal` for `"2.0"^^xsd:decimal`). The suites' expected files
//! write computed numbers in XSD 1.0 canonical forms, which SPARQL does not require, and a store
//! that keeps numbers as values (as Trine inlines them) cannot give back the lexical form it was
//! given. A test that passes only this way passes, and the report names it with the exact
//! difference.

mod csv;
mod solutions;

use std::collections::BTreeSet;
use std::fs;

use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdf::vocab::rdf;
use oxrdf::vocab::xsd;
use oxrdf::{Graph, Literal, NamedOrBlankNodeRef, Term, TermRef, Triple, Variable};
use oxrdfio::RdfParser;
use oxsdatatypes::{Boolean, Decimal, Double, Float, Integer};
use sparesults::{QueryResultsFormat, QueryResultsParser, ReaderQueryResultsParserOutput};
use spargebra::Query;
use spargebra::algebra::{Expression, GraphPattern, OrderExpression};

use super::super::engine::QueryOutcome;
use super::super::manifest::TestFile;
use csv::{csv_round_trip, read_csv};
use solutions::compare_solutions;

/// The RDF vocabulary for result sets, `http://www.w3.org/2001/sw/DataAccess/tests/result-set#`,
/// in which some tests give their expected results as Turtle or RDF/XML.
pub mod rs {
    use oxrdf::NamedNodeRef;

    /// The namespace.
    pub const NS: &str = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#";
    /// `rs:ResultSet`, the class of result sets.
    pub const RESULT_SET: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/result-set#ResultSet",
    );
    /// `rs:resultVariable`, a variable of the result set (a plain literal).
    pub const RESULT_VARIABLE: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/result-set#resultVariable",
    );
    /// `rs:solution`, a solution of the result set.
    pub const SOLUTION: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/result-set#solution",
    );
    /// `rs:binding`, a binding of a solution.
    pub const BINDING: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/result-set#binding",
    );
    /// `rs:variable`, the variable of a binding (a plain literal).
    pub const VARIABLE: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/result-set#variable",
    );
    /// `rs:value`, the value of a binding.
    pub const VALUE: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2001/sw/DataAccess/tests/result-set#value");
    /// `rs:index`, the 1-based position of a solution in an ordered result set.
    pub const INDEX: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2001/sw/DataAccess/tests/result-set#index");
    /// `rs:boolean`, the answer of an `ASK` query.
    pub const BOOLEAN: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/result-set#boolean",
    );
}

/// How many differing solutions or triples a failure message shows of each kind.
const SHOWN: usize = 5;

/// A solution: its bound variables with their values, sorted by variable.
type Row = Vec<(Variable, Term)>;

/// What a test expects.
#[derive(Debug, Clone)]
pub enum Expected {
    /// Solutions of a `SELECT` query.
    Solutions(Solutions),
    /// The answer of an `ASK` query.
    Boolean(bool),
    /// The graph of a `CONSTRUCT` or `DESCRIBE` query.
    Graph(Graph),
}

/// Expected solutions.
#[derive(Debug, Clone)]
pub struct Solutions {
    /// The variables, in the order the file gives them.
    variables: Vec<Variable>,
    /// The solutions, in the order the file gives them.
    rows: Vec<Row>,
    /// Whether the file records an order.
    ordered: bool,
    /// Whether the file is CSV, so terms are cells of text.
    csv: bool,
}

/// Whether a query's solutions are ordered, and by what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Order {
    /// No top-level `ORDER BY`.
    Unordered,
    /// A top-level `ORDER BY` whose expressions read these variables.
    By(Vec<Variable>),
    /// A top-level `ORDER BY` whose expressions read something the runner does not follow (an
    /// `EXISTS`): the whole solution decides the order.
    Total,
}

impl Order {
    /// The order of `query`'s solutions.
    pub fn of(query: &Query) -> Self {
        match query {
            Query::Select { pattern, .. } => Self::of_pattern(pattern),
            _ => Self::Unordered,
        }
    }

    /// A `SELECT` is parsed into `Slice(Distinct|Reduced(Project(OrderBy(…))))`, each but the
    /// projection optional; an `ORDER BY` anywhere else belongs to a sub-query, whose order the
    /// outer query need not keep.
    fn of_pattern(mut pattern: &GraphPattern) -> Self {
        if let GraphPattern::Slice { inner, .. } = pattern {
            pattern = inner;
        }
        if let GraphPattern::Distinct { inner } | GraphPattern::Reduced { inner } = pattern {
            pattern = inner;
        }
        if let GraphPattern::Project { inner, .. } = pattern {
            pattern = inner;
        }
        let GraphPattern::OrderBy { expression, .. } = pattern else {
            return Self::Unordered;
        };
        let mut variables = Vec::new();
        for condition in expression {
            let (OrderExpression::Asc(e) | OrderExpression::Desc(e)) = condition;
            if !variables_of(e, &mut variables) {
                return Self::Total;
            }
        }
        Self::By(variables)
    }

    /// The variables whose values must agree position by position, among those the results show;
    /// `None` if the order cannot be checked.
    fn keys(&self, visible: &BTreeSet<&Variable>) -> Option<Vec<Variable>> {
        let keys: Vec<Variable> = match self {
            Self::Unordered => return None,
            Self::Total => visible.iter().map(|v| (*v).clone()).collect(),
            Self::By(variables) => variables
                .iter()
                .filter(|v| visible.contains(v))
                .cloned()
                .collect(),
        };
        (!keys.is_empty()).then_some(keys)
    }
}

/// Adds the variables `expression` reads to `out`; `false` if it reads a graph pattern.
fn variables_of(expression: &Expression, out: &mut Vec<Variable>) -> bool {
    match expression {
        Expression::NamedNode(_) | Expression::Literal(_) => true,
        Expression::Variable(v) | Expression::Bound(v) => {
            if !out.contains(v) {
                out.push(v.clone());
            }
            true
        }
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => variables_of(a, out) && variables_of(b, out),
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            variables_of(a, out)
        }
        Expression::If(a, b, c) => {
            variables_of(a, out) && variables_of(b, out) && variables_of(c, out)
        }
        Expression::In(a, list) => {
            variables_of(a, out) && list.iter().all(|e| variables_of(e, out))
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            list.iter().all(|e| variables_of(e, out))
        }
        Expression::Exists(_) => false,
    }
}

/// Reads the expected result `file`, its format from its extension: `.srx` (XML), `.srj` (JSON),
/// `.tsv`, `.csv`, or an RDF syntax holding either an `rs:ResultSet` or the expected graph.
///
/// # Errors
/// Fails if the file cannot be read or parsed, or is a malformed result set.
pub fn read_expected(file: &TestFile) -> Result<Expected, String> {
    let extension = file
        .path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let cannot_parse =
        |e: &dyn std::fmt::Display| format!("cannot parse {}: {e}", file.path.display());
    let bytes =
        fs::read(&file.path).map_err(|e| format!("cannot read {}: {e}", file.path.display()))?;
    let format = match extension {
        "srx" => QueryResultsFormat::Xml,
        "srj" => QueryResultsFormat::Json,
        "tsv" => QueryResultsFormat::Tsv,
        "csv" => {
            let text = String::from_utf8(bytes).map_err(|e| cannot_parse(&e))?;
            return read_csv(&text)
                .map(Expected::Solutions)
                .map_err(|e| cannot_parse(&e));
        }
        _ => {
            let format = super::rdf_format(&file.path)?;
            let parser = RdfParser::from_format(format)
                .with_base_iri(file.base_iri.as_str())
                .map_err(|e| format!("invalid base IRI {}: {e}", file.base_iri))?;
            let mut graph = Graph::new();
            for quad in parser.for_slice(&bytes) {
                graph.insert(&Triple::from(quad.map_err(|e| cannot_parse(&e))?));
            }
            return from_graph(graph).map_err(|e| cannot_parse(&e));
        }
    };
    match QueryResultsParser::from_format(format)
        .for_reader(bytes.as_slice())
        .map_err(|e| cannot_parse(&e))?
    {
        ReaderQueryResultsParserOutput::Boolean(value) => Ok(Expected::Boolean(value)),
        ReaderQueryResultsParserOutput::Solutions(solutions) => {
            let variables = solutions.variables().to_vec();
            let rows = solutions
                .map(|solution| {
                    let solution = solution.map_err(|e| cannot_parse(&e))?;
                    Ok(row(solution.iter().map(|(v, t)| (v.clone(), t.clone()))))
                })
                .collect::<Result<_, String>>()?;
            Ok(Expected::Solutions(Solutions {
                variables,
                rows,
                ordered: true,
                csv: false,
            }))
        }
    }
}

fn row(bindings: impl IntoIterator<Item = (Variable, Term)>) -> Row {
    let mut row: Row = bindings.into_iter().collect();
    row.sort_by(|(a, _), (b, _)| a.cmp(b));
    row
}

/// An expected result in RDF: an `rs:ResultSet` (solutions or a boolean), else the graph itself.
fn from_graph(graph: Graph) -> Result<Expected, String> {
    let sets: Vec<_> = graph
        .subjects_for_predicate_object(rdf::TYPE, rs::RESULT_SET)
        .collect();
    let set = match sets.as_slice() {
        [] => return Ok(Expected::Graph(graph)),
        [set] => *set,
        _ => return Err("several nodes are typed rs:ResultSet".into()),
    };
    if let Some(value) = graph.object_for_subject_predicate(set, rs::BOOLEAN) {
        return match value {
            TermRef::Literal(l) if matches!(l.value(), "true" | "1") => Ok(Expected::Boolean(true)),
            TermRef::Literal(l) if matches!(l.value(), "false" | "0") => {
                Ok(Expected::Boolean(false))
            }
            other => Err(format!("rs:boolean {other} is not a boolean")),
        };
    }
    let variables = graph
        .objects_for_subject_predicate(set, rs::RESULT_VARIABLE)
        .map(|v| variable(v, "rs:resultVariable"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut solutions = Vec::new();
    for solution in graph.objects_for_subject_predicate(set, rs::SOLUTION) {
        let solution = node(solution, "rs:solution")?;
        let mut bindings = Vec::new();
        for binding in graph.objects_for_subject_predicate(solution, rs::BINDING) {
            let binding = node(binding, "rs:binding")?;
            let (Some(name), Some(value)) = (
                graph.object_for_subject_predicate(binding, rs::VARIABLE),
                graph.object_for_subject_predicate(binding, rs::VALUE),
            ) else {
                return Err(format!(
                    "rs:binding {binding} lacks rs:variable or rs:value"
                ));
            };
            bindings.push((variable(name, "rs:variable")?, value.into_owned()));
        }
        let index = match graph.object_for_subject_predicate(solution, rs::INDEX) {
            None => None,
            Some(TermRef::Literal(l)) => Some(
                l.value()
                    .parse::<u64>()
                    .map_err(|e| format!("rs:index {l} is not a position: {e}"))?,
            ),
            Some(other) => return Err(format!("rs:index {other} is not a literal")),
        };
        solutions.push((index, row(bindings)));
    }
    let ordered = !solutions.is_empty() && solutions.iter().all(|(index, _)| index.is_some());
    if ordered {
        solutions.sort_by_key(|(index, _)| *index);
    }
    Ok(Expected::Solutions(Solutions {
        variables,
        rows: solutions.into_iter().map(|(_, row)| row).collect(),
        ordered,
        csv: false,
    }))
}

fn variable(term: TermRef<'_>, what: &str) -> Result<Variable, String> {
    match term {
        TermRef::Literal(l) => {
            Variable::new(l.value()).map_err(|e| format!("{what} {l} is not a variable: {e}"))
        }
        other => Err(format!("{what} {other} is not a literal")),
    }
}

fn node<'a>(term: TermRef<'a>, what: &str) -> Result<NamedOrBlankNodeRef<'a>, String> {
    match term {
        TermRef::NamedNode(n) => Ok(n.into()),
        TermRef::BlankNode(b) => Ok(b.into()),
        other => Err(format!("{what} {other} is not a node")),
    }
}

/// How an answer matched what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Exactly (blank nodes up to renaming).
    Exact,
    /// Only with numeric and boolean literals compared by value; the exact comparison's message.
    ByValue(String),
}

/// Compares the engine's answer with what the test expects: exactly, else with literals by value
/// (see the module's documentation).
///
/// # Errors
/// The exact comparison's message, when neither matches.
pub fn compare(
    expected: &Expected,
    outcome: &QueryOutcome,
    order: &Order,
    lax: bool,
) -> Result<Verdict, String> {
    let exact = match compare_exactly(expected, outcome, order, lax) {
        Ok(()) => return Ok(Verdict::Exact),
        Err(message) => message,
    };
    let outcome = match outcome {
        QueryOutcome::Solutions {
            variables,
            solutions,
        } => QueryOutcome::Solutions {
            variables: variables.clone(),
            solutions: solutions
                .iter()
                .map(|values| values.iter().map(|t| t.as_ref().map(by_value)).collect())
                .collect(),
        },
        QueryOutcome::Boolean(value) => QueryOutcome::Boolean(*value),
        QueryOutcome::Graph(triples) => {
            QueryOutcome::Graph(triples.iter().map(triple_by_value).collect())
        }
    };
    match compare_exactly(&expected.by_value(), &outcome, order, lax) {
        Ok(()) => Ok(Verdict::ByValue(exact)),
        Err(_) => Err(exact),
    }
}

impl Expected {
    /// The same, numeric and boolean literals replaced by their values.
    fn by_value(&self) -> Self {
        match self {
            Self::Solutions(solutions) => Self::Solutions(Solutions {
                rows: solutions
                    .rows
                    .iter()
                    .map(|row| row.iter().map(|(v, t)| (v.clone(), by_value(t))).collect())
                    .collect(),
                ..solutions.clone()
            }),
            Self::Boolean(value) => Self::Boolean(*value),
            Self::Graph(graph) => Self::Graph(
                graph
                    .iter()
                    .map(|t| triple_by_value(&t.into_owned()))
                    .collect(),
            ),
        }
    }
}

fn triple_by_value(triple: &Triple) -> Triple {
    Triple::new(
        triple.subject.clone(),
        triple.predicate.clone(),
        by_value(&triple.object),
    )
}

/// A numeric or boolean literal written in one form for its value, so equal values of one datatype
/// are equal terms; any other term as it is (a literal not valid for its datatype included).
fn by_value(term: &Term) -> Term {
    let Term::Literal(literal) = term else {
        return term.clone();
    };
    let lexical = literal.value();
    let datatype = literal.datatype();
    let value = if datatype == xsd::BOOLEAN {
        lexical.parse::<Boolean>().ok().map(|v| v.to_string())
    } else if datatype == xsd::DECIMAL {
        lexical.parse::<Decimal>().ok().map(|v| v.to_string())
    } else if datatype == xsd::DOUBLE {
        lexical.parse::<Double>().ok().map(|v| v.to_string())
    } else if datatype == xsd::FLOAT {
        lexical.parse::<Float>().ok().map(|v| v.to_string())
    } else if INTEGER_TYPES.contains(&datatype) {
        lexical.parse::<Integer>().ok().map(|v| v.to_string())
    } else {
        None
    };
    value.map_or_else(
        || term.clone(),
        |value| Literal::new_typed_literal(value, datatype.into_owned()).into(),
    )
}

/// `xsd:integer` and the types derived from it.
const INTEGER_TYPES: [oxrdf::NamedNodeRef<'static>; 13] = [
    xsd::INTEGER,
    xsd::NON_POSITIVE_INTEGER,
    xsd::NEGATIVE_INTEGER,
    xsd::LONG,
    xsd::INT,
    xsd::SHORT,
    xsd::BYTE,
    xsd::NON_NEGATIVE_INTEGER,
    xsd::UNSIGNED_LONG,
    xsd::UNSIGNED_INT,
    xsd::UNSIGNED_SHORT,
    xsd::UNSIGNED_BYTE,
    xsd::POSITIVE_INTEGER,
];

fn compare_exactly(
    expected: &Expected,
    outcome: &QueryOutcome,
    order: &Order,
    lax: bool,
) -> Result<(), String> {
    match (expected, outcome) {
        (Expected::Boolean(expected), QueryOutcome::Boolean(actual)) => {
            if expected == actual {
                Ok(())
            } else {
                Err(format!("expected {expected}, the engine answered {actual}"))
            }
        }
        (Expected::Graph(expected), QueryOutcome::Graph(triples)) => {
            compare_graphs(expected, triples.iter().collect())
        }
        (
            Expected::Solutions(expected),
            QueryOutcome::Solutions {
                variables,
                solutions,
            },
        ) => {
            let actual = if expected.csv {
                csv_round_trip(variables, solutions)?
            } else {
                let rows = solutions
                    .iter()
                    .map(|values| {
                        row(variables
                            .iter()
                            .zip(values)
                            .filter_map(|(v, t)| Some((v.clone(), t.clone()?))))
                    })
                    .collect();
                Solutions {
                    variables: variables.clone(),
                    rows,
                    ordered: true,
                    csv: false,
                }
            };
            compare_solutions(expected, actual, order, lax)
        }
        (expected, actual) => {
            let actual = match actual {
                QueryOutcome::Solutions { solutions, .. } => {
                    format!("{} solutions", solutions.len())
                }
                QueryOutcome::Boolean(value) => format!("the boolean {value}"),
                QueryOutcome::Graph(triples) => format!("a graph of {} triples", triples.len()),
            };
            let expected = match expected {
                Expected::Solutions(s) => format!("{} solutions", s.rows.len()),
                Expected::Boolean(value) => format!("the boolean {value}"),
                Expected::Graph(graph) => format!("a graph of {} triples", graph.len()),
            };
            Err(format!("expected {expected}, the engine returned {actual}"))
        }
    }
}

fn compare_graphs(expected: &Graph, mut actual: Graph) -> Result<(), String> {
    let mut expected = expected.clone();
    expected.canonicalize(CanonicalizationAlgorithm::Unstable);
    actual.canonicalize(CanonicalizationAlgorithm::Unstable);
    if expected == actual {
        return Ok(());
    }
    let mut message = format!(
        "the graphs differ (blank nodes canonicalized): expected {} triples, got {}",
        expected.len(),
        actual.len()
    );
    for (label, from, to) in [
        ("missing", &expected, &actual),
        ("unexpected", &actual, &expected),
    ] {
        let diff: Vec<_> = from.iter().filter(|t| !to.contains(*t)).collect();
        for triple in diff.iter().take(SHOWN) {
            message.push_str(&format!("\n  {label}: {triple} ."));
        }
        if diff.len() > SHOWN {
            message.push_str(&format!("\n  … and {} more {label}", diff.len() - SHOWN));
        }
    }
    Err(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str) -> Variable {
        Variable::new_unchecked(name)
    }

    #[test]
    fn order_keys_come_from_the_top_level_order_by() {
        let query = spargebra::SparqlParser::new()
            .parse_query("SELECT ?x WHERE { ?x ?p ?o } ORDER BY DESC(STR(?o)) ?x LIMIT 2")
            .expect("valid query");
        assert_eq!(Order::of(&query), Order::By(vec![var("o"), var("x")]));
        let query = spargebra::SparqlParser::new()
            .parse_query("SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x } }")
            .expect("valid query");
        assert_eq!(Order::of(&query), Order::Unordered);
    }
}
