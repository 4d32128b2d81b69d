//! Graph Store Protocol writes through the one door: the server's `/store` handler parses the
//! request, `Database` applies it (read-only check, span, one transaction, closure maintained).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use trine_core::io::{LoadError, RdfFormat, RdfParser};
use trine_core::oxrdf::{GraphName, GraphNameRef, NamedNode, NamedNodeRef};
use trine_core::storage::QuadRead;

use super::Database;
use crate::HostError;

/// What a Graph Store request is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphTarget {
    /// `/store` alone: every graph.
    Dataset,
    /// `?default`.
    Default,
    /// `?graph=<IRI>` or a path under `/store/`.
    Named(NamedNode),
}

impl GraphTarget {
    /// The graph, or `None` for the dataset.
    pub fn graph_name(&self) -> Option<GraphNameRef<'_>> {
        match self {
            Self::Dataset => None,
            Self::Default => Some(GraphNameRef::DefaultGraph),
            Self::Named(node) => Some(node.into()),
        }
    }

    /// How logs name the target.
    pub fn label(&self) -> String {
        match self {
            Self::Dataset => "dataset".into(),
            Self::Default => "default".into(),
            Self::Named(node) => node.to_string(),
        }
    }
}

/// How a write treats what the target held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// PUT: the body becomes the content.
    Replace,
    /// POST: the body is added.
    Merge,
}

/// One RDF document of a write's body.
#[derive(Debug, Clone, Copy)]
pub struct GraphDocument<'a> {
    /// Its syntax.
    pub format: RdfFormat,
    /// Its bytes.
    pub body: &'a [u8],
}

impl Database {
    /// Drops a named graph, or empties the default graph; returns whether it existed.
    ///
    /// # Errors
    /// [`HostError::ReadOnly`], [`HostError::BadRequest`] for the whole dataset, or storage.
    pub fn graph_store_delete(&self, target: &GraphTarget) -> Result<bool, HostError> {
        self.check_writable()?;
        let _span = tracing::info_span!("graph_store_delete", target = %target.label()).entered();
        self.store().transact(|transaction| match target {
            GraphTarget::Named(node) => Ok(transaction.drop_named_graph(node.into())?),
            GraphTarget::Default => {
                transaction.clear_graph(GraphNameRef::DefaultGraph)?;
                Ok(true)
            }
            GraphTarget::Dataset => Err(HostError::BadRequest(
                "DELETE needs ?default or ?graph=IRI; the whole dataset cannot be deleted here"
                    .into(),
            )),
        })
    }

    /// PUT (replace) or POST (merge) `documents` into the target, in one transaction; returns
    /// whether a graph was created and how many quads were read.
    ///
    /// # Errors
    /// [`HostError::ReadOnly`], a syntax error with its position (nothing is written), quads of
    /// other graphs in a graph's body, or storage.
    pub fn graph_store_write(
        &self,
        mode: WriteMode,
        target: &GraphTarget,
        base: Option<&str>,
        documents: &[GraphDocument<'_>],
    ) -> Result<(bool, u64), HostError> {
        self.check_writable()?;
        let _span =
            tracing::info_span!("graph_store_write", mode = ?mode, target = %target.label())
                .entered();
        let started = Instant::now();
        let (created, quads) = self.store().transact(|transaction| {
            let existed = match target.graph_name() {
                Some(graph) => transaction.contains_named_graph(graph)?,
                None => true,
            };
            if mode == WriteMode::Replace {
                match target {
                    GraphTarget::Dataset => transaction.clear()?,
                    GraphTarget::Default => {
                        transaction.clear_graph(GraphNameRef::DefaultGraph)?;
                    }
                    GraphTarget::Named(node) => {
                        transaction.clear_graph(node.into())?;
                    }
                }
            }
            if let GraphTarget::Named(node) = target {
                transaction.create_named_graph(node.into())?;
            }
            let graph = match target {
                GraphTarget::Dataset => None,
                GraphTarget::Default => Some(GraphName::DefaultGraph),
                GraphTarget::Named(node) => Some(GraphName::NamedNode(node.clone())),
            };
            let mut quads = 0_u64;
            for document in documents {
                let mut parser = RdfParser::from_format(document.format).rename_blank_nodes();
                if let Some(base) = base {
                    parser = parser
                        .with_base_iri(base)
                        .map_err(|e| LoadError::InvalidBaseIri(e.to_string()))?;
                }
                if let Some(graph) = &graph {
                    parser = parser.with_default_graph(graph.clone());
                }
                for quad in parser.for_reader(document.body) {
                    let quad = quad.map_err(LoadError::from)?;
                    if graph.as_ref().is_some_and(|g| *g != quad.graph_name) {
                        return Err(HostError::BadRequest(
                            "the body has quads in other named graphs than the target graph".into(),
                        ));
                    }
                    transaction.insert(quad.as_ref())?;
                    quads += 1;
                }
            }
            Ok::<_, HostError>((!existed, quads))
        })?;
        tracing::debug!(
            quads,
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "graph store write applied"
        );
        Ok((created, quads))
    }

    /// POST of graph documents to the store itself: they go into a new graph named under
    /// `http://<host>/store/`; returns its IRI and the quads read.
    ///
    /// # Errors
    /// As [`graph_store_write`](Self::graph_store_write).
    pub fn graph_store_create(
        &self,
        host: &str,
        documents: &[GraphDocument<'_>],
    ) -> Result<(String, u64), HostError> {
        static SEQUENCE: AtomicU64 = AtomicU64::new(0);
        for _ in 0..16 {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed);
            let iri = format!("http://{host}/store/graph-{nanos:x}-{sequence:x}");
            let node = NamedNode::new(iri.as_str())
                .map_err(|e| HostError::BadRequest(format!("cannot name a graph {iri:?}: {e}")))?;
            let exists = self
                .store()
                .snapshot()?
                .contains_named_graph(NamedNodeRef::from(&node).into())?;
            if exists {
                continue;
            }
            // Another request could create the same IRI in between only with the same
            // nanosecond and sequence number, which the atomic counter rules out in a process.
            let target = GraphTarget::Named(node);
            let (_, quads) =
                self.graph_store_write(WriteMode::Merge, &target, Some(&iri), documents)?;
            return Ok((iri, quads));
        }
        Err(HostError::Internal("no fresh graph name found".into()))
    }
}
