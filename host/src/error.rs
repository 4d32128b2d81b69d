//! [`HostError`]: every failure the host can report, with a stable code and an HTTP status.

use trine_core::io::{DumpError, LoadError};
use trine_core::reasoner::ReasonerError;
use trine_core::sparql::{QueryError, ResultsWriteError};
use trine_core::storage::StorageError;
use trine_core::update::UpdateError;

use crate::backup::BackupError;

/// A failure of the host: opening a database, running a request, serving HTTP.
///
/// [`code`](Self::code) is stable (clients and alert rules may match on it) and
/// [`http_status`](Self::http_status) is what the server answers. Only client errors (4xx) show
/// their message to HTTP clients; server errors show a generic message, since a storage message
/// can name files, and are logged in full instead.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// The configuration (a flag, a `TRINE_*` variable) has a value that makes no sense.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The location string names no backend this build knows.
    #[error("invalid location: {0}")]
    Location(String),
    /// A query failed to parse, plan or run.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// An update request failed; nothing of it was applied.
    #[error(transparent)]
    Update(#[from] UpdateError),
    /// Loading RDF failed.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Materializing or checking the closure failed (a limit, a user rule that does not
    /// compile); nothing of the write was applied.
    #[error(transparent)]
    Reasoning(#[from] ReasonerError),
    /// Writing RDF failed.
    #[error(transparent)]
    Dump(#[from] DumpError),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Writing query results failed.
    #[error(transparent)]
    Results(#[from] ResultsWriteError),
    /// A write was attempted on a read-only database or server.
    #[error("this endpoint is read-only")]
    ReadOnly,
    /// A write came without the bearer token the server requires.
    #[error("a valid bearer token is required for writes")]
    Unauthorized,
    /// An admin endpoint was called on a server started without a token.
    #[error(
        "admin endpoints need the server to be started with a token (--token-file, TRINE_TOKEN_FILE)"
    )]
    TokenRequired,
    /// The request body is larger than the configured limit.
    #[error("the request body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The request is malformed (missing parameter, bad encoding, unknown format name).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// No format the client accepts can hold these results.
    #[error("not acceptable: {0}")]
    NotAcceptable(String),
    /// The request body has a media type the endpoint does not take.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// No resource at this path.
    #[error("no such resource: {0}")]
    NotFound(String),
    /// The resource exists but does not take this method.
    #[error("method not allowed: {0}")]
    MethodNotAllowed(String),
    /// The request took longer than the server's per-request timeout.
    #[error("the request timed out")]
    Timeout,
    /// Reading or writing a file or stream failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Creating, verifying or restoring a backup failed.
    #[error(transparent)]
    Backup(#[from] BackupError),
    /// As many queries as the server admits are running; retry after `retry_after_s` seconds.
    #[error("the server is busy (too many queries running); retry after {retry_after_s} s")]
    Overloaded {
        /// Seconds the client should wait.
        retry_after_s: u64,
    },
    /// This client sent more requests than its rate allows; retry after `retry_after_s` seconds.
    #[error("too many requests from this client; retry after {retry_after_s} s")]
    RateLimited {
        /// Seconds the client should wait.
        retry_after_s: u64,
    },
    /// A bug or a lost worker (a panicked task); the message is for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl HostError {
    /// A stable machine-readable code: the inner error's code for core errors, a host code
    /// otherwise.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Config(_) => "config",
            Self::Location(_) => "invalid_location",
            Self::Query(e) => e.code(),
            Self::Update(e) => e.code(),
            Self::Load(e) => e.code(),
            Self::Reasoning(e) => e.code(),
            Self::Dump(e) => e.code(),
            Self::Storage(e) => e.code(),
            Self::Results(e) => e.code(),
            Self::ReadOnly => "read_only",
            Self::Unauthorized => "unauthorized",
            Self::TokenRequired => "token_required",
            Self::BodyTooLarge { .. } => "body_too_large",
            Self::BadRequest(_) => "bad_request",
            Self::NotAcceptable(_) => "not_acceptable",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::NotFound(_) => "not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::Timeout => "timeout",
            Self::Io(_) => "io",
            Self::Backup(e) => e.code(),
            Self::Overloaded { .. } => "overloaded",
            Self::RateLimited { .. } => "rate_limited",
            Self::Internal(_) => "internal",
        }
    }

    /// The HTTP status the server answers this error with.
    pub fn http_status(&self) -> u16 {
        status_of_code(self.code())
    }

    /// Whether the client caused the error (a 4xx status), so its message is safe and useful to
    /// show.
    pub fn is_client_error(&self) -> bool {
        (400..500).contains(&self.http_status())
    }
}

/// The status of each stable code; unknown codes (storage failures among them) are 500.
fn status_of_code(code: &str) -> u16 {
    match code {
        "sparql_syntax"
        | "sparql_too_deep"
        | "rdf_syntax"
        | "invalid_base_iri"
        | "bad_request"
        | "graph_exists"
        | "graph_missing"
        | "load_failed"
        | "invalid_location"
        | "unsupported_term"
        | "backup_target_not_empty"
        | "rule_syntax"
        | "invalid_rule"
        | "unknown_profile"
        | "backup_backend_mismatch" => 400,
        "unauthorized" => 401,
        "read_only" | "token_required" => 403,
        "not_found" => 404,
        "method_not_allowed" => 405,
        "not_acceptable" => 406,
        "body_too_large" => 413,
        "unsupported_media_type" => 415,
        "rate_limited" => 429,
        "limit_exceeded" | "reasoning_limit" => 422,
        "sparql_unsupported" | "backup_unsupported" => 501,
        // A SERVICE endpoint failed or is out of reach: the gateway's fault, not Trine's.
        "service" => 502,
        "timeout" | "cancelled" | "overloaded" => 503,
        _ => 500,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_statuses() {
        let syntax = HostError::Query(QueryError::Syntax("error at 1:3".into()));
        assert_eq!(syntax.code(), "sparql_syntax");
        assert_eq!(syntax.http_status(), 400);
        assert!(syntax.is_client_error());
        assert_eq!(HostError::ReadOnly.http_status(), 403);
        assert_eq!(HostError::Unauthorized.http_status(), 401);
        assert_eq!(HostError::BodyTooLarge { limit: 1 }.http_status(), 413);
        assert_eq!(HostError::Query(QueryError::Timeout).http_status(), 503);
        let storage = HostError::Storage(StorageError::Corruption("/secret/path".into()));
        assert_eq!(storage.http_status(), 500);
        assert!(!storage.is_client_error());
    }
}
