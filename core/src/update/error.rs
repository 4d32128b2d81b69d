use crate::io::LoadError;
use crate::sparql::QueryError;
use crate::storage::StorageError;

/// A failure while parsing or executing a SPARQL update. When a request fails, none of its
/// operations is applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// The request is not valid SPARQL Update; the message carries the position.
    #[error("SPARQL syntax error: {0}")]
    Syntax(String),
    /// The request nests brackets too deeply (see [`QueryError::TooDeep`]); rejected before
    /// parsing.
    #[error("SPARQL nesting deeper than {limit} levels at line {line}, column {column}")]
    TooDeep {
        /// 1-based line of the bracket that went past the limit.
        line: usize,
        /// 1-based column (in characters) of that bracket.
        column: usize,
        /// The limit.
        limit: usize,
    },
    /// The request has too many operators or a `WHERE` nests too deeply (see
    /// [`QueryError::TooComplex`]).
    #[error("SPARQL too complex: {0}")]
    TooComplex(String),
    /// Evaluating a `WHERE` clause failed (timeout, limit, unsupported feature).
    #[error(transparent)]
    Query(#[from] QueryError),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// `CREATE` of a graph that exists, without `SILENT`.
    #[error("the graph <{0}> already exists")]
    GraphExists(String),
    /// `CLEAR`, `DROP`, `ADD`, `MOVE` or `COPY` of a graph that does not exist, without `SILENT`.
    #[error("the graph <{0}> does not exist")]
    GraphMissing(String),
    /// `LOAD` could not read its source.
    #[error("LOAD <{source_iri}> failed: {message}")]
    Load {
        /// The IRI given to `LOAD`.
        source_iri: String,
        /// Why it failed.
        message: String,
    },
    /// The document `LOAD` read is not valid RDF.
    #[error("LOAD <{source_iri}>: {error}")]
    LoadSyntax {
        /// The IRI given to `LOAD`.
        source_iri: String,
        /// The parse error, with its position.
        error: LoadError,
    },
}

impl UpdateError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "sparql_syntax",
            Self::TooDeep { .. } | Self::TooComplex(_) => "sparql_too_deep",
            Self::Query(e) => e.code(),
            Self::Storage(e) => e.code(),
            Self::GraphExists(_) => "graph_exists",
            Self::GraphMissing(_) => "graph_missing",
            Self::Load { .. } => "load_failed",
            Self::LoadSyntax { .. } => "rdf_syntax",
        }
    }
}

impl From<crate::kv::KvError> for UpdateError {
    fn from(error: crate::kv::KvError) -> Self {
        Self::Storage(error.into())
    }
}

impl From<crate::sparql::lexical::TextLimit> for UpdateError {
    fn from(limit: crate::sparql::lexical::TextLimit) -> Self {
        // The same limits and messages as queries, under the update's own variants.
        match QueryError::from(limit) {
            QueryError::TooDeep {
                line,
                column,
                limit,
            } => Self::TooDeep {
                line,
                column,
                limit,
            },
            QueryError::TooComplex(message) => Self::TooComplex(message),
            other => Self::Query(other),
        }
    }
}
