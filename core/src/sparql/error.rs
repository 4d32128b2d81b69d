use crate::storage::StorageError;

/// A failure while parsing, planning or evaluating a SPARQL query.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QueryError {
    /// The query text is not valid SPARQL.
    #[error("SPARQL syntax error: {0}")]
    Syntax(String),
    /// The text nests `{ }`, `( )` or `[ ]` deeper than
    /// [`MAX_NESTING_DEPTH`](super::MAX_NESTING_DEPTH) levels; rejected before parsing, since every
    /// stage recurses once per level.
    #[error("SPARQL nesting deeper than {limit} levels at line {line}, column {column}")]
    TooDeep {
        /// 1-based line of the bracket that went past the limit.
        line: usize,
        /// 1-based column (in characters) of that bracket.
        column: usize,
        /// The limit.
        limit: usize,
    },
    /// The text has more than [`MAX_OPERATORS`](super::MAX_OPERATORS) operators, or its algebra
    /// nests deeper than [`MAX_ALGEBRA_DEPTH`](super::MAX_ALGEBRA_DEPTH) (a long chain of `UNION`s,
    /// `+`, `BIND`s…); refused before planning.
    #[error("SPARQL too complex: {0}")]
    TooComplex(String),
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
            Self::TooDeep { .. } | Self::TooComplex(_) => "sparql_too_deep",
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

impl From<super::lexical::TextLimit> for QueryError {
    fn from(limit: super::lexical::TextLimit) -> Self {
        match limit {
            super::lexical::TextLimit::Nesting(at) => Self::TooDeep {
                line: at.line,
                column: at.column,
                limit: super::MAX_NESTING_DEPTH,
            },
            super::lexical::TextLimit::Negations(at) => Self::TooComplex(format!(
                "more than {} negations `!` before nested brackets (line {}, column {})",
                super::lexical::MAX_NEGATION_DEPTH,
                at.line,
                at.column
            )),
            super::lexical::TextLimit::Operators(at) => Self::TooComplex(format!(
                "more than {} operators (line {}, column {})",
                super::MAX_OPERATORS,
                at.line,
                at.column
            )),
        }
    }
}
