use std::io::{self, Write};

use oxrdf::GraphNameRef;
use oxrdfio::{RdfFormat, RdfSerializer};

use crate::kv::KvBackend;
use crate::storage::{GraphScope, QuadPattern, QuadRead, StorageError};
use crate::store::Store;

/// A failure while writing RDF.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DumpError {
    /// Writing failed.
    #[error("I/O error while dumping: {0}")]
    Io(#[from] io::Error),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl DumpError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io(_) => "io",
            Self::Storage(e) => e.code(),
        }
    }
}

impl<B: KvBackend> Store<B> {
    /// Writes quads to `writer` and returns it.
    ///
    /// With `graph = None`, a dataset syntax (N-Quads, TriG, JSON-LD) gets every graph and a graph
    /// syntax (N-Triples, Turtle, RDF/XML) gets the default graph; with `Some(graph)` only that
    /// graph is written.
    ///
    /// # Errors
    /// Fails if writing or reading fails.
    pub fn dump_to_writer<W: Write>(
        &self,
        format: RdfFormat,
        writer: W,
        graph: Option<GraphNameRef<'_>>,
    ) -> Result<W, DumpError> {
        self.dump_to_writer_with(format, writer, graph, false)
    }

    /// As [`dump_to_writer`](Self::dump_to_writer); with `explicit_only`, the quads the reasoner
    /// inferred (and that are not also explicit) are left out, so the dump reloads into the same
    /// explicit data.
    ///
    /// # Errors
    /// Fails if writing or reading fails.
    pub fn dump_to_writer_with<W: Write>(
        &self,
        format: RdfFormat,
        writer: W,
        graph: Option<GraphNameRef<'_>>,
        explicit_only: bool,
    ) -> Result<W, DumpError> {
        let snapshot = self.snapshot()?;
        let mut serializer = RdfSerializer::from_format(format).for_writer(writer);
        let graph = match graph {
            Some(graph) => Some(graph),
            None if format.supports_datasets() => None,
            None => Some(GraphNameRef::DefaultGraph),
        };
        let scope = match graph {
            None => Some(GraphScope::All),
            Some(graph) => snapshot.graph_id(graph)?.map(GraphScope::Graph),
        };
        let pattern = QuadPattern {
            explicit_only,
            ..QuadPattern::any(scope.unwrap_or(GraphScope::All))
        };
        let quads = scope
            .is_some()
            .then(|| snapshot.encoded_quads(&pattern))
            .into_iter()
            .flatten();
        for quad in quads {
            let quad = snapshot.decode_quad(&quad?)?;
            if format.supports_datasets() {
                serializer.serialize_quad(&quad)?;
            } else {
                serializer.serialize_triple(quad.as_ref())?;
            }
        }
        Ok(serializer.finish()?)
    }
}
