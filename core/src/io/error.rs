use std::io;

use crate::storage::StorageError;

/// A position in a text: line and column start at 1, `offset` is in bytes from the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextPosition {
    /// Line, from 1.
    pub line: u64,
    /// Column (in characters), from 1.
    pub column: u64,
    /// Byte offset, from 0.
    pub offset: u64,
}

/// A failure while loading RDF.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The input is not valid in its syntax.
    #[error("{}syntax error: {message}", .position.map(|p| format!("line {}, column {}: ", p.line, p.column)).unwrap_or_default())]
    Syntax {
        /// What is wrong.
        message: String,
        /// Where, when the parser knows.
        position: Option<TextPosition>,
    },
    /// The base IRI given is not a valid IRI.
    #[error("invalid base IRI: {0}")]
    InvalidBaseIri(String),
    /// Reading the input failed.
    #[error("I/O error while loading: {0}")]
    Io(#[from] io::Error),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A failure in one document of a load over several.
    #[error("{document}: {source}")]
    InDocument {
        /// The document's name.
        document: String,
        /// What failed there.
        source: Box<LoadError>,
    },
}

impl LoadError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "rdf_syntax",
            Self::InvalidBaseIri(_) => "invalid_base_iri",
            Self::Io(_) => "io",
            Self::Storage(e) => e.code(),
            Self::InDocument { source, .. } => source.code(),
        }
    }

    /// This error, as found in the document named `document`. Storage failures concern the store,
    /// not a document, and stay as they are.
    #[must_use]
    pub fn in_document(self, document: &str) -> Self {
        match self {
            Self::Storage(_) | Self::InDocument { .. } => self,
            other => Self::InDocument {
                document: document.to_owned(),
                source: Box::new(other),
            },
        }
    }
}

impl From<oxrdfio::RdfParseError> for LoadError {
    fn from(error: oxrdfio::RdfParseError) -> Self {
        match error {
            oxrdfio::RdfParseError::Io(e) => Self::Io(e),
            oxrdfio::RdfParseError::Syntax(e) => e.into(),
        }
    }
}

impl From<oxrdfio::RdfSyntaxError> for LoadError {
    fn from(error: oxrdfio::RdfSyntaxError) -> Self {
        let position = error.location().map(|range| TextPosition {
            line: range.start.line + 1,
            column: range.start.column + 1,
            offset: range.start.offset,
        });
        Self::Syntax {
            message: error.to_string(),
            position,
        }
    }
}
