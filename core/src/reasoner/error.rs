use crate::storage::StorageError;

/// A failure of the reasoner: a rule text that does not parse, a limit reached, or storage.
///
/// When materialization or maintenance fails, the write it belongs to is not applied: the store
/// keeps its previous explicit quads and closure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReasonerError {
    /// A user rule does not parse; the position is 1-based.
    #[error("rule syntax error at line {line}, column {column}: {message}")]
    RuleSyntax {
        /// Line of the error.
        line: usize,
        /// Column of the error, in characters.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A rule is well-formed but cannot be evaluated (a head variable the body does not bind).
    #[error("rule {rule}: {message}")]
    InvalidRule {
        /// The rule's name.
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// The closure needed more rounds, more derived facts or more time than allowed.
    #[error("reasoning stopped: {0}")]
    LimitExceeded(String),
    /// The run was cancelled through its token.
    #[error("reasoning cancelled")]
    Cancelled,
    /// The name of a profile is not one of `none`, `rdfs`, `owl2rl`.
    #[error("unknown reasoning profile {0:?} (expected none, rdfs or owl2rl)")]
    UnknownProfile(String),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl ReasonerError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::RuleSyntax { .. } => "rule_syntax",
            Self::InvalidRule { .. } => "invalid_rule",
            Self::LimitExceeded(_) => "reasoning_limit",
            Self::Cancelled => "cancelled",
            Self::UnknownProfile(_) => "unknown_profile",
            Self::Storage(e) => e.code(),
        }
    }
}

impl From<crate::kv::KvError> for ReasonerError {
    fn from(error: crate::kv::KvError) -> Self {
        Self::Storage(error.into())
    }
}
