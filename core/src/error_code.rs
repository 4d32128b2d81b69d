//! [`ErrorCode`]: the stable code every layer's error carries.

/// An error with a stable machine-readable code (`sparql_syntax`, `rdf_syntax`, `storage_io`, …):
/// the same code in the native API, the HTTP server, the npm package and the component, so the
/// bindings map any layer's error generically instead of listing the layers.
pub trait ErrorCode: std::error::Error {
    /// The code.
    fn code(&self) -> &'static str;
}

macro_rules! error_code {
    ($($error:ty),* $(,)?) => {
        $(impl ErrorCode for $error {
            fn code(&self) -> &'static str {
                // The inherent method, which the layer documents.
                <$error>::code(self)
            }
        })*
    };
}

error_code!(
    crate::kv::KvError,
    crate::storage::StorageError,
    crate::io::LoadError,
    crate::io::DumpError,
    crate::sparql::QueryError,
    crate::sparql::ResultsWriteError,
    crate::update::UpdateError,
    crate::reasoner::ReasonerError,
);
