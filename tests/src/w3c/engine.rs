//! The SPARQL implementation the W3C SPARQL suites run against, behind one small trait.
//!
//! [`QueryEngine`] is what the runner in [`sparql`](super::sparql) needs from an engine: parse a
//! query, and evaluate one against an in-memory [`Dataset`]. [`SparevalEngine`] implements it with
//! `spareval`, Oxigraph's evaluator, which serves here only as a test oracle (it validates the
//! runner while Trine's own engine is being written, and is never a dependency of `trine-core`).

use std::fmt;
use std::sync::Arc;

use oxiri::Iri;
use oxrdf::{Dataset, NamedNode, Term, Triple, Variable};
use spareval::{
    DefaultServiceHandler, QueryEvaluationError, QueryEvaluator, QueryResults, QuerySolutionIter,
};
use spargebra::algebra::GraphPattern;
use spargebra::{Query, SparqlParser};

/// A SPARQL implementation under test.
pub trait QueryEngine {
    /// Runs `query` (text, parsed with `base_iri` if given) against `dataset`.
    ///
    /// The dataset's default graph is the union of the test's `qt:data` files; its named graphs are
    /// the test's `qt:graphData` files, each named by the file's IRI. The files that the query's
    /// `FROM` and `FROM NAMED` clauses name are there too, as named graphs named by their IRIs, so an
    /// engine honouring the query's dataset clause (as SPARQL requires) finds them.
    ///
    /// # Errors
    /// Fails with a message if the query cannot be parsed or evaluated.
    fn query(
        &self,
        dataset: &Dataset,
        query: &str,
        base_iri: Option<&str>,
    ) -> Result<QueryOutcome, String>;

    /// Only parses `query` (for the syntax tests).
    ///
    /// # Errors
    /// Fails with a message if `query` is not a valid SPARQL query.
    fn parse(&self, query: &str, base_iri: Option<&str>) -> Result<(), String>;

    /// As [`QueryEngine::query`], with `SERVICE <endpoint>` answered from local data: the
    /// federation tests give each endpoint they call a dataset (`qt:serviceData`).
    ///
    /// The default runs [`QueryEngine::query`] when there is no endpoint and fails otherwise, so an
    /// engine without a way to plug in endpoints fails those tests (and lists them in its skip
    /// list) rather than passing them by accident.
    ///
    /// # Errors
    /// As [`QueryEngine::query`]; the default also fails whenever `services` is not empty.
    fn query_with_services(
        &self,
        dataset: &Dataset,
        query: &str,
        base_iri: Option<&str>,
        services: &[LocalService],
    ) -> Result<QueryOutcome, String> {
        if services.is_empty() {
            self.query(dataset, query, base_iri)
        } else {
            Err("this engine cannot answer SERVICE from local data".into())
        }
    }
}

/// What a query gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryOutcome {
    /// The solutions of a `SELECT` query, in the order the engine gives them.
    Solutions {
        /// The variables, in the order of the projection.
        variables: Vec<Variable>,
        /// One row per solution, each with one value per variable (`None` when unbound).
        solutions: Vec<Vec<Option<Term>>>,
    },
    /// The answer of an `ASK` query.
    Boolean(bool),
    /// The triples of a `CONSTRUCT` or `DESCRIBE` query.
    Graph(Vec<Triple>),
}

/// A SPARQL endpoint that a test answers from local data (`qt:serviceData`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalService {
    /// The endpoint's IRI, as the query names it in `SERVICE`.
    pub endpoint: NamedNode,
    /// What the endpoint holds: its `qt:data` files, in the default graph.
    pub dataset: Dataset,
}

/// [`QueryEngine`] on `spareval` and `spargebra`, Oxigraph's evaluator and parser: the oracle the
/// runner is validated with.
#[derive(Debug, Clone, Copy, Default)]
pub struct SparevalEngine;

impl SparevalEngine {
    /// The engine.
    pub fn new() -> Self {
        Self
    }
}

impl QueryEngine for SparevalEngine {
    fn query(
        &self,
        dataset: &Dataset,
        query: &str,
        base_iri: Option<&str>,
    ) -> Result<QueryOutcome, String> {
        self.query_with_services(dataset, query, base_iri, &[])
    }

    fn parse(&self, query: &str, base_iri: Option<&str>) -> Result<(), String> {
        parse_query(query, base_iri).map(drop)
    }

    fn query_with_services(
        &self,
        dataset: &Dataset,
        query: &str,
        base_iri: Option<&str>,
        services: &[LocalService],
    ) -> Result<QueryOutcome, String> {
        let query = parse_query(query, base_iri)?;
        let mut evaluator = QueryEvaluator::new();
        if !services.is_empty() {
            evaluator = evaluator.with_default_service_handler(LocalServices {
                services: services.to_vec().into(),
            });
        }
        let results = evaluator
            .prepare(&query)
            .execute(dataset)
            .map_err(|e| e.to_string())?;
        outcome(results).map_err(|e| e.to_string())
    }
}

fn parse_query(query: &str, base_iri: Option<&str>) -> Result<Query, String> {
    let mut parser = SparqlParser::new();
    if let Some(base_iri) = base_iri {
        parser = parser
            .with_base_iri(base_iri)
            .map_err(|e| format!("invalid base IRI {base_iri}: {e}"))?;
    }
    parser.parse_query(query).map_err(|e| e.to_string())
}

fn outcome(results: QueryResults<'_>) -> Result<QueryOutcome, QueryEvaluationError> {
    Ok(match results {
        QueryResults::Boolean(value) => QueryOutcome::Boolean(value),
        QueryResults::Graph(triples) => QueryOutcome::Graph(triples.collect::<Result<_, _>>()?),
        QueryResults::Solutions(iter) => {
            let variables = iter.variables().to_vec();
            let solutions = iter
                .map(|solution| {
                    let solution = solution?;
                    Ok(variables
                        .iter()
                        .map(|variable| solution.get(variable).cloned())
                        .collect())
                })
                .collect::<Result<_, QueryEvaluationError>>()?;
            QueryOutcome::Solutions {
                variables,
                solutions,
            }
        }
    })
}

/// Answers `SERVICE <endpoint> { pattern }` by evaluating `SELECT * { pattern }` against the
/// endpoint's dataset, with the same endpoints available to nested `SERVICE` calls.
#[derive(Clone)]
struct LocalServices {
    services: Arc<[LocalService]>,
}

impl DefaultServiceHandler for LocalServices {
    type Error = QueryEvaluationError;

    fn handle(
        &self,
        service_name: &NamedNode,
        pattern: &GraphPattern,
        base_iri: Option<&Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, Self::Error> {
        let service = self
            .services
            .iter()
            .find(|service| service.endpoint == *service_name)
            .ok_or_else(|| QueryEvaluationError::UnsupportedService(service_name.clone()))?;
        let query = Query::Select {
            dataset: None,
            pattern: pattern.clone(),
            base_iri: base_iri.cloned(),
        };
        let evaluator = QueryEvaluator::new().with_default_service_handler(self.clone());
        let QueryResults::Solutions(solutions) =
            evaluator.prepare(&query).execute(&service.dataset)?
        else {
            return Err(QueryEvaluationError::Service(Box::new(NotSolutions)));
        };
        // The solutions borrow the endpoint's dataset; collecting them frees the iterator of it.
        let variables = Arc::from(solutions.variables());
        let solutions: Vec<_> = solutions.collect();
        Ok(QuerySolutionIter::new(variables, solutions))
    }
}

/// A `SELECT` over a local endpoint gave something other than solutions (which cannot happen).
#[derive(Debug)]
struct NotSolutions;

impl fmt::Display for NotSolutions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a local SERVICE endpoint returned no solutions")
    }
}

impl std::error::Error for NotSolutions {}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{GraphName, Literal, Quad};

    fn ex(name: &str) -> NamedNode {
        NamedNode::new(format!("http://example.com/{name}")).expect("valid IRI")
    }

    #[test]
    fn spareval_answers_each_query_form() {
        let dataset = Dataset::from_iter([Quad::new(
            ex("s"),
            ex("p"),
            Literal::from(1),
            GraphName::DefaultGraph,
        )]);
        let engine = SparevalEngine::new();
        let select = engine
            .query(
                &dataset,
                "SELECT ?s ?x WHERE { ?s <p> ?o }",
                Some("http://example.com/"),
            )
            .expect("select");
        assert_eq!(
            select,
            QueryOutcome::Solutions {
                variables: vec![Variable::new_unchecked("s"), Variable::new_unchecked("x")],
                solutions: vec![vec![Some(ex("s").into()), None]],
            }
        );
        let ask = engine
            .query(&dataset, "ASK { ?s ?p 2 }", None)
            .expect("ask");
        assert_eq!(ask, QueryOutcome::Boolean(false));
        let construct = engine
            .query(&dataset, "CONSTRUCT { ?s ?p ?s } WHERE { ?s ?p ?o }", None)
            .expect("construct");
        assert!(matches!(construct, QueryOutcome::Graph(triples) if triples.len() == 1));
        assert!(engine.parse("SELECT * WHERE { ?s ?p }", None).is_err());
    }

    #[test]
    fn spareval_answers_services_locally() {
        let endpoint = LocalService {
            endpoint: ex("sparql"),
            dataset: Dataset::from_iter([Quad::new(
                ex("a"),
                ex("p"),
                ex("b"),
                GraphName::DefaultGraph,
            )]),
        };
        let query = "SELECT ?o WHERE { SERVICE <http://example.com/sparql> { ?s ?p ?o } }";
        let engine = SparevalEngine::new();
        let outcome = engine
            .query_with_services(&Dataset::new(), query, None, &[endpoint])
            .expect("local service");
        assert_eq!(
            outcome,
            QueryOutcome::Solutions {
                variables: vec![Variable::new_unchecked("o")],
                solutions: vec![vec![Some(ex("b").into())]],
            }
        );
        assert!(engine.query(&Dataset::new(), query, None).is_err());
    }
}
