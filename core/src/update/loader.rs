use std::io::Read;

use oxrdf::NamedNode;
use oxrdfio::RdfFormat;

/// Opens the documents that `LOAD` names. The embedder decides what may be read: the host allows
/// local files under one directory and, behind an option, http(s) URLs; core ships none.
pub trait LoadHandler: Send + Sync {
    /// Opens the document at `source`.
    ///
    /// # Errors
    /// A message saying why the document cannot be read (not allowed, not found, unknown syntax);
    /// `LOAD` then fails, or does nothing under `SILENT`.
    fn open(&self, source: &NamedNode) -> Result<LoadedDocument, String>;
}

/// A document opened for `LOAD`.
pub struct LoadedDocument {
    /// Its RDF syntax.
    pub format: RdfFormat,
    /// Its bytes.
    pub reader: Box<dyn Read>,
    /// The IRI relative references resolve against; `None` for the source IRI itself.
    pub base_iri: Option<String>,
}

impl std::fmt::Debug for LoadedDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedDocument")
            .field("format", &self.format)
            .field("base_iri", &self.base_iri)
            .finish_non_exhaustive()
    }
}
