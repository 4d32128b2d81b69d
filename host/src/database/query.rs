//! Queries as the host sees them: parsed once, with their form known before they run, and the
//! output formats a caller accepts.

use trine_core::io::RdfFormat;
use trine_core::oxrdf::NamedNode;
use trine_core::sparql::{PreparedQuery, QueryKind, QueryResultsFormat};

use crate::HostError;

/// The four SPARQL query forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryForm {
    /// `SELECT`: solutions.
    Select,
    /// `ASK`: a boolean.
    Ask,
    /// `CONSTRUCT`: a graph.
    Construct,
    /// `DESCRIBE`: a graph.
    Describe,
}

impl QueryForm {
    /// Every form, in a fixed order (for metrics).
    pub const ALL: [Self; 4] = [Self::Select, Self::Ask, Self::Construct, Self::Describe];

    /// Lower-case name, as in metrics labels.
    pub fn name(self) -> &'static str {
        match self {
            Self::Select => "select",
            Self::Ask => "ask",
            Self::Construct => "construct",
            Self::Describe => "describe",
        }
    }

    /// Whether the results are a graph (written in an RDF syntax) rather than solutions or a
    /// boolean (written in a results format).
    pub fn is_graph(self) -> bool {
        matches!(self, Self::Construct | Self::Describe)
    }
}

/// A parsed query and its form.
#[derive(Debug, Clone)]
pub struct Query {
    prepared: PreparedQuery,
    form: QueryForm,
    explicit_only: bool,
}

impl Query {
    /// Parses `text`, resolving relative IRIs against `base_iri`.
    ///
    /// # Errors
    /// [`HostError::Query`] with a syntax error and its position.
    pub fn parse(text: &str, base_iri: Option<&str>) -> Result<Self, HostError> {
        Self::parse_with_dataset(text, base_iri, &[], &[])
    }

    /// Parses `text` and, when either list is not empty, replaces its dataset (`FROM` and
    /// `FROM NAMED`) with these graphs, as the SPARQL protocol's `default-graph-uri` and
    /// `named-graph-uri` parameters do.
    ///
    /// # Errors
    /// [`HostError::Query`] with a syntax error and its position, or
    /// [`HostError::BadRequest`] for a graph name that is not an IRI.
    pub fn parse_with_dataset(
        text: &str,
        base_iri: Option<&str>,
        default_graphs: &[String],
        named_graphs: &[String],
    ) -> Result<Self, HostError> {
        // One parse, by core (its errors carry positions and its extra lexical checks).
        Self::with_dataset(
            PreparedQuery::parse(text, base_iri)?,
            default_graphs,
            named_graphs,
        )
    }

    /// A parsed query with the protocol's graphs replacing its dataset (when either list is
    /// not empty).
    ///
    /// # Errors
    /// [`HostError::BadRequest`] for a graph name that is not an IRI.
    pub fn with_dataset(
        mut prepared: PreparedQuery,
        default_graphs: &[String],
        named_graphs: &[String],
    ) -> Result<Self, HostError> {
        let form = match prepared.kind() {
            QueryKind::Select => QueryForm::Select,
            QueryKind::Ask => QueryForm::Ask,
            QueryKind::Construct => QueryForm::Construct,
            QueryKind::Describe => QueryForm::Describe,
        };
        if !default_graphs.is_empty() || !named_graphs.is_empty() {
            prepared = prepared.with_dataset(iris(default_graphs)?, iris(named_graphs)?);
        }
        Ok(Self {
            prepared,
            form,
            explicit_only: false,
        })
    }

    /// Matches explicit quads only, leaving out what the reasoner inferred.
    #[must_use]
    pub fn explicit_only(mut self, explicit_only: bool) -> Self {
        self.explicit_only = explicit_only;
        self
    }

    /// Whether the query matches explicit quads only.
    pub fn is_explicit_only(&self) -> bool {
        self.explicit_only
    }

    /// The form.
    pub fn form(&self) -> QueryForm {
        self.form
    }

    /// Core's prepared query.
    pub fn prepared(&self) -> &PreparedQuery {
        &self.prepared
    }
}

/// The graph names the protocol's parameters give, as IRIs.
///
/// # Errors
/// [`HostError::BadRequest`] for a name that is not an IRI.
pub(crate) fn iris(names: &[String]) -> Result<Vec<NamedNode>, HostError> {
    names
        .iter()
        .map(|name| {
            NamedNode::new(name.as_str()).map_err(|e| {
                HostError::BadRequest(format!("graph name {name:?} is not an IRI: {e}"))
            })
        })
        .collect()
}

/// The formats a caller accepts: one for solutions and booleans, one for graphs. `None` means no
/// acceptable format of that kind, so a query of that kind is refused before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputFormats {
    /// For SELECT and ASK.
    pub results: Option<QueryResultsFormat>,
    /// For CONSTRUCT and DESCRIBE.
    pub graph: Option<RdfFormat>,
}

impl Default for OutputFormats {
    /// SPARQL JSON results and Turtle.
    fn default() -> Self {
        Self {
            results: Some(QueryResultsFormat::Json),
            graph: Some(RdfFormat::Turtle),
        }
    }
}

impl OutputFormats {
    /// The formats a short name (`json`, `xml`, `csv`, `tsv`, `ttl`, `nt`, `nq`, `trig`, `rdf`,
    /// `jsonld`, or a full media type) stands for: `json` and `xml` name both a results format
    /// and an RDF syntax, `ttl` only a syntax.
    ///
    /// # Errors
    /// [`HostError::BadRequest`] for a name that stands for nothing known.
    pub fn from_name(format: &str) -> Result<Self, HostError> {
        let results = trine_core::sparql::results_format_by_name(format);
        let graph = trine_core::io::rdf_format_by_name(format);
        if results.is_none() && graph.is_none() {
            return Err(HostError::BadRequest(format!(
                "unknown format {format:?} (try json, xml, csv, tsv, ttl, nt, nq, trig, rdf, jsonld)"
            )));
        }
        Ok(Self { results, graph })
    }
}

/// The format results were written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A SPARQL results format.
    Results(QueryResultsFormat),
    /// An RDF syntax.
    Graph(RdfFormat),
}

impl OutputFormat {
    /// The media type to label the output with.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Results(format) => format.media_type(),
            Self::Graph(format) => format.media_type(),
        }
    }

    /// The format for `form` among `formats`.
    ///
    /// # Errors
    /// [`HostError::NotAcceptable`] when `formats` has none of the kind `form` needs.
    pub fn choose(form: QueryForm, formats: &OutputFormats) -> Result<Self, HostError> {
        if form.is_graph() {
            formats.graph.map(Self::Graph).ok_or_else(|| {
                HostError::NotAcceptable(format!(
                    "{} results are a graph: accept an RDF syntax such as text/turtle",
                    form.name().to_uppercase()
                ))
            })
        } else {
            formats.results.map(Self::Results).ok_or_else(|| {
                HostError::NotAcceptable(format!(
                    "{} results need a SPARQL results format such as application/sparql-results+json",
                    form.name().to_uppercase()
                ))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_datasets() -> Result<(), HostError> {
        let ask = Query::parse("ASK { ?s ?p ?o }", None)?;
        assert_eq!(ask.form(), QueryForm::Ask);
        let construct = Query::parse_with_dataset(
            "CONSTRUCT WHERE { ?s ?p ?o }",
            None,
            &["http://e/g".into()],
            &[],
        )?;
        assert_eq!(construct.form(), QueryForm::Construct);
        assert!(Query::parse_with_dataset("ASK {}", None, &["not an iri".into()], &[]).is_err());
        let syntax = Query::parse("SELECT * WHERE { ?s ?p }", None);
        assert!(matches!(syntax, Err(e) if e.code() == "sparql_syntax"));
        Ok(())
    }

    #[test]
    fn choosing_a_format() {
        let only_graphs = OutputFormats {
            results: None,
            graph: Some(RdfFormat::NTriples),
        };
        assert!(OutputFormat::choose(QueryForm::Select, &only_graphs).is_err());
        assert_eq!(
            OutputFormat::choose(QueryForm::Describe, &only_graphs).ok(),
            Some(OutputFormat::Graph(RdfFormat::NTriples))
        );
    }
}
