use oxrdf::{
    GraphName, GraphNameRef, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Quad, QuadRef,
    Term, TermRef,
};

use super::meta::read_u64;
use super::pattern::{EncodedQuadIter, GraphScope, QuadIter, QuadPattern};
use super::{MetaKey, StorageError};
use crate::dictionary::Dictionary;
use crate::encoding::{
    EncodedQuad, IndexFlags, QuadOrder, TermId, encode_inline, encode_term_bytes,
};
use crate::kv::{KeyRange, Keyspace, KvCursor, KvSnapshot};

/// Reading a store: implemented by [`Snapshot`](super::Snapshot) and [`Transaction`](super::Transaction),
/// so a function that only reads takes either.
///
/// The two required methods expose the key-value view and the dictionary; everything else is
/// provided on top of them.
pub trait QuadRead {
    /// The key-value view reads go through.
    type Kv: KvSnapshot;

    /// The key-value view.
    fn kv(&self) -> &Self::Kv;

    /// The store's dictionary.
    fn dictionary(&self) -> &Dictionary;

    /// The state of the store this view reads, when it is known to be one committed state (a
    /// snapshot taken while no writer held the lock); `None` for a transaction, whose own
    /// writes are not a state of the store yet.
    fn read_version(&self) -> Option<super::ReadVersion> {
        None
    }

    /// The id of `term`, if the store knows it.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn term_id(&self, term: TermRef<'_>) -> Result<Option<TermId>, StorageError> {
        if let TermRef::Literal(literal) = term
            && let Some(id) = encode_inline(literal)
        {
            return Ok(Some(id));
        }
        let mut bytes = Vec::new();
        encode_term_bytes(term, &mut bytes);
        self.term_id_for_bytes(&bytes)
    }

    /// The id of a term given in its dictionary form.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn term_id_for_bytes(&self, bytes: &[u8]) -> Result<Option<TermId>, StorageError> {
        self.dictionary().lookup_bytes(self.kv(), bytes)
    }

    /// The id of a graph name (`DEFAULT_GRAPH` for the default graph).
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn graph_id(&self, graph: GraphNameRef<'_>) -> Result<Option<TermId>, StorageError> {
        match graph {
            GraphNameRef::DefaultGraph => Ok(Some(TermId::DEFAULT_GRAPH)),
            GraphNameRef::NamedNode(node) => self.term_id(node.into()),
            GraphNameRef::BlankNode(node) => self.term_id(node.into()),
        }
    }

    /// The term of `id`.
    ///
    /// # Errors
    /// Fails if storage cannot be read or `id` is unknown.
    fn term(&self, id: TermId) -> Result<Term, StorageError> {
        self.dictionary().decode(self.kv(), id)
    }

    /// The quad of ids for `quad`, or `None` if one of its terms is unknown (so the quad is absent).
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn encode_quad(&self, quad: QuadRef<'_>) -> Result<Option<EncodedQuad>, StorageError> {
        let Some(subject) = self.term_id(quad.subject.into())? else {
            return Ok(None);
        };
        let Some(predicate) = self.term_id(quad.predicate.into())? else {
            return Ok(None);
        };
        let Some(object) = self.term_id(quad.object)? else {
            return Ok(None);
        };
        let Some(graph) = self.graph_id(quad.graph_name)? else {
            return Ok(None);
        };
        Ok(Some(EncodedQuad::new(subject, predicate, object, graph)))
    }

    /// The quad of terms for a quad of ids.
    ///
    /// # Errors
    /// Fails if storage cannot be read or an id is unknown.
    fn decode_quad(&self, quad: &EncodedQuad) -> Result<Quad, StorageError> {
        let subject = match self.term(quad.subject)? {
            Term::NamedNode(node) => NamedOrBlankNode::from(node),
            Term::BlankNode(node) => node.into(),
            other => return Err(StorageError::Corruption(format!("literal subject {other}"))),
        };
        let Term::NamedNode(predicate) = self.term(quad.predicate)? else {
            return Err(StorageError::Corruption("non-IRI predicate".into()));
        };
        let object = self.term(quad.object)?;
        let graph = if quad.graph == TermId::DEFAULT_GRAPH {
            GraphName::DefaultGraph
        } else {
            match self.term(quad.graph)? {
                Term::NamedNode(node) => node.into(),
                Term::BlankNode(node) => node.into(),
                other => return Err(StorageError::Corruption(format!("literal graph {other}"))),
            }
        };
        Ok(Quad::new(subject, predicate, object, graph))
    }

    /// The flags of a quad of ids, if it is present.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn quad_flags(&self, quad: &EncodedQuad) -> Result<Option<IndexFlags>, StorageError> {
        Ok(self
            .kv()
            .get(QuadOrder::Gspo.keyspace(), &QuadOrder::Gspo.key(quad))?
            .map(|value| IndexFlags::from_value(&value)))
    }

    /// Whether `quad` is present (explicit or inferred).
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn contains(&self, quad: QuadRef<'_>) -> Result<bool, StorageError> {
        match self.encode_quad(quad)? {
            Some(encoded) => Ok(self.quad_flags(&encoded)?.is_some()),
            None => Ok(false),
        }
    }

    /// Number of quads, in O(1).
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn len(&self) -> Result<u64, StorageError> {
        read_u64(self.kv(), Keyspace::Meta, MetaKey::QuadCount.key())
    }

    /// Whether the store holds no quad.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn is_empty(&self) -> Result<bool, StorageError> {
        Ok(self.len()? == 0)
    }

    /// Number of quads with predicate `predicate`, in O(1).
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn predicate_count(&self, predicate: TermId) -> Result<u64, StorageError> {
        read_u64(self.kv(), Keyspace::Stats, &predicate.to_be_bytes())
    }

    /// The planner's statistics: the last analysis with the current exact counts.
    ///
    /// # Errors
    /// Fails if storage cannot be read or the persisted analysis is malformed.
    fn statistics(&self) -> Result<super::Statistics, StorageError> {
        super::read_statistics(self.kv())
    }

    /// Cursors for repeated pattern lookups, shared by the probes made from them (see
    /// [`QuadProbe`](super::QuadProbe) and [`ProbeCursors::probe`](super::ProbeCursors::probe)).
    fn probe_cursors(&self) -> super::ProbeCursors<'_, Self::Kv> {
        super::ProbeCursors::new(self.kv())
    }

    /// Sorted values of a pattern's one unbound position, with seeks (see
    /// [`ValueSeek`](super::ValueSeek)): a side of a leapfrog intersection.
    fn values(&self) -> super::IndexValues<'_, Self::Kv> {
        super::IndexValues::new(self.kv())
    }

    /// Quads of ids matching `pattern`.
    fn encoded_quads(&self, pattern: &QuadPattern) -> EncodedQuadIter<'_, Self::Kv> {
        EncodedQuadIter::new(self.kv(), pattern)
    }

    /// Quads matching `pattern`, counted up to `cap` by stepping over index keys without
    /// decoding them (the planner counts small patterns exactly).
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn count_matches(&self, pattern: &QuadPattern, cap: usize) -> Result<u64, StorageError> {
        let mut count = 0_u64;
        for (order, prefix) in pattern.scans() {
            let mut cursor = self
                .kv()
                .cursor(order.keyspace(), KeyRange::prefix(&prefix))?;
            while count < cap as u64 && cursor.key().is_some() {
                let flags = IndexFlags::from_value(cursor.value().unwrap_or_default());
                if !pattern.explicit_only || flags.contains(IndexFlags::EXPLICIT) {
                    count += 1;
                }
                cursor.advance()?;
            }
        }
        Ok(count)
    }

    /// Quads matching a pattern of terms; `None` components are unbound, and `graph = None` ranges
    /// over the default graph and every named graph.
    ///
    /// # Errors
    /// Fails if storage cannot be read while resolving the pattern's terms.
    fn quads_for_pattern(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Result<QuadIter<'_, Self>, StorageError> {
        let unknown = Ok(QuadIter {
            reader: self,
            inner: None,
        });
        let mut pattern = QuadPattern::any(GraphScope::All);
        if let Some(subject) = subject {
            let Some(id) = self.term_id(subject.into())? else {
                return unknown;
            };
            pattern.subject = Some(id);
        }
        if let Some(predicate) = predicate {
            let Some(id) = self.term_id(predicate.into())? else {
                return unknown;
            };
            pattern.predicate = Some(id);
        }
        if let Some(object) = object {
            let Some(id) = self.term_id(object)? else {
                return unknown;
            };
            pattern.object = Some(id);
        }
        if let Some(graph) = graph {
            let Some(id) = self.graph_id(graph)? else {
                return unknown;
            };
            pattern.graph = GraphScope::Graph(id);
        }
        Ok(QuadIter {
            reader: self,
            inner: Some(self.encoded_quads(&pattern)),
        })
    }

    /// Every quad: the default graph first, then the named graphs.
    fn iter(&self) -> QuadIter<'_, Self> {
        QuadIter {
            reader: self,
            inner: Some(self.encoded_quads(&QuadPattern::any(GraphScope::All))),
        }
    }

    /// Ids of the named graphs, including empty ones that were created explicitly.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn named_graph_ids(&self) -> Result<Vec<TermId>, StorageError> {
        let mut cursor = self.kv().cursor(Keyspace::Graphs, KeyRange::all())?;
        let mut ids = Vec::new();
        while let Some(key) = cursor.key() {
            let bytes: [u8; 8] = key
                .try_into()
                .map_err(|_| StorageError::Corruption("malformed graph key".into()))?;
            ids.push(
                TermId::from_be_bytes(bytes)
                    .ok_or_else(|| StorageError::Corruption("malformed graph id".into()))?,
            );
            cursor.advance()?;
        }
        Ok(ids)
    }

    /// The named graphs, including empty ones that were created explicitly.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn named_graphs(&self) -> Result<Vec<NamedOrBlankNode>, StorageError> {
        self.named_graph_ids()?
            .into_iter()
            .map(|id| match self.term(id)? {
                Term::NamedNode(node) => Ok(node.into()),
                Term::BlankNode(node) => Ok(node.into()),
                other => Err(StorageError::Corruption(format!(
                    "literal graph name {other}"
                ))),
            })
            .collect()
    }

    /// Whether the named graph `graph` exists.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    fn contains_named_graph(&self, graph: GraphNameRef<'_>) -> Result<bool, StorageError> {
        match graph {
            GraphNameRef::DefaultGraph => Ok(true),
            _ => match self.graph_id(graph)? {
                Some(id) => Ok(self.kv().contains(Keyspace::Graphs, &id.to_be_bytes())?),
                None => Ok(false),
            },
        }
    }
}
