use crate::storage::StorageError;

/// A failure while parsing, planning or evaluating a SPARQL query.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The query text is not valid SPARQL.
    #[error("SPARQL syntax error: {0}")]
    Syntax(String),
    /// The query uses something this engine does not evaluate yet.
    #[error("unsupported SPARQL feature: {0}")]
    Unsupported(String),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The query ran past its deadline.
    #[error("query timed out")]
    Timeout,
    /// A `SERVICE` call failed.
    #[error("SERVICE failed: {0}")]
    Service(String),
    /// The query was cancelled through its token.
    #[error("query cancelled")]
    Cancelled,
    /// An operator that holds rows in memory (sort, group, distinct, join side, path closure)
    /// went past the configured limit.
    #[error(
        "{operator} would hold more than {limit} rows in memory (QueryOptions::max_rows_in_memory)"
    )]
    LimitExceeded {
        /// The operator.
        operator: &'static str,
        /// The limit.
        limit: usize,
    },
}

impl QueryError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax(_) => "sparql_syntax",
            Self::Unsupported(_) => "sparql_unsupported",
            Self::Storage(e) => e.code(),
            Self::Timeout => "timeout",
            Self::Cancelled => "cancelled",
            Self::LimitExceeded { .. } => "limit_exceeded",
            Self::Service(_) => "service",
        }
    }
}

impl From<crate::kv::KvError> for QueryError {
    fn from(error: crate::kv::KvError) -> Self {
        Self::Storage(error.into())
    }
}
