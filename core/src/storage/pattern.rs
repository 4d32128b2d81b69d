use std::collections::VecDeque;

use oxrdf::Quad;

use super::{QuadRead, StorageError};
use crate::encoding::{EncodedQuad, IndexFlags, QuadOrder, TermId};
use crate::kv::{KeyRange, KvCursor, KvSnapshot};

/// Which graphs a pattern ranges over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GraphScope {
    /// The default graph only.
    Default,
    /// One named graph (or the default graph, for [`TermId::DEFAULT_GRAPH`]).
    Graph(TermId),
    /// Every named graph, not the default one: SPARQL's `GRAPH ?g`.
    AnyNamed,
    /// The default graph and every named graph.
    All,
}

/// A quad pattern on ids: `None` components are unbound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuadPattern {
    /// Subject, if bound.
    pub subject: Option<TermId>,
    /// Predicate, if bound.
    pub predicate: Option<TermId>,
    /// Object, if bound.
    pub object: Option<TermId>,
    /// Graphs to range over.
    pub graph: GraphScope,
    /// Whether quads that are only inferred are left out.
    pub explicit_only: bool,
}

impl QuadPattern {
    /// A pattern over `graph` with every component unbound.
    pub const fn any(graph: GraphScope) -> Self {
        Self {
            subject: None,
            predicate: None,
            object: None,
            graph,
            explicit_only: false,
        }
    }

    /// The index scans that answer this pattern: an ordering and a key prefix each.
    ///
    /// Every subset of bound subject/predicate/object is a prefix of one of the three orderings
    /// of a family, so no scan ever filters rows it reads.
    pub fn scans(&self) -> Vec<(QuadOrder, Vec<u8>)> {
        let (s, p, o) = (self.subject, self.predicate, self.object);
        let graph_first = |g: TermId| {
            let (order, rest): (QuadOrder, Vec<TermId>) = match (s, p, o) {
                (Some(s), Some(p), o) => (
                    QuadOrder::Gspo,
                    [Some(s), Some(p), o].into_iter().flatten().collect(),
                ),
                (Some(s), None, Some(o)) => (QuadOrder::Gosp, vec![o, s]),
                (Some(s), None, None) => (QuadOrder::Gspo, vec![s]),
                (None, Some(p), o) => (
                    QuadOrder::Gpos,
                    [Some(p), o].into_iter().flatten().collect(),
                ),
                (None, None, Some(o)) => (QuadOrder::Gosp, vec![o]),
                (None, None, None) => (QuadOrder::Gspo, Vec::new()),
            };
            let mut prefix = vec![g];
            prefix.extend(rest);
            (order, QuadOrder::prefix(&prefix))
        };
        let graph_last = || {
            let (order, prefix): (QuadOrder, Vec<TermId>) = match (s, p, o) {
                (Some(s), Some(p), o) => (
                    QuadOrder::Spog,
                    [Some(s), Some(p), o].into_iter().flatten().collect(),
                ),
                (Some(s), None, Some(o)) => (QuadOrder::Ospg, vec![o, s]),
                (Some(s), None, None) => (QuadOrder::Spog, vec![s]),
                (None, Some(p), o) => (
                    QuadOrder::Posg,
                    [Some(p), o].into_iter().flatten().collect(),
                ),
                (None, None, Some(o)) => (QuadOrder::Ospg, vec![o]),
                (None, None, None) => (QuadOrder::Spog, Vec::new()),
            };
            (order, QuadOrder::prefix(&prefix))
        };
        match self.graph {
            GraphScope::Default => vec![graph_first(TermId::DEFAULT_GRAPH)],
            GraphScope::Graph(g) => vec![graph_first(g)],
            GraphScope::AnyNamed => vec![graph_last()],
            GraphScope::All => vec![graph_first(TermId::DEFAULT_GRAPH), graph_last()],
        }
    }
}

/// The quad and flags of one index entry of `order`.
pub(crate) fn decode_entry(
    order: QuadOrder,
    key: &[u8],
    value: Option<&[u8]>,
) -> Result<(EncodedQuad, IndexFlags), StorageError> {
    let quad = order
        .decode(key)
        .ok_or_else(|| StorageError::Corruption(format!("malformed key in {order:?}")))?;
    Ok((quad, IndexFlags::from_value(value.unwrap_or_default())))
}

/// Quads of ids matching a [`QuadPattern`], in the order of the index that answers it.
pub struct EncodedQuadIter<'a, K: KvSnapshot + 'a> {
    kv: &'a K,
    scans: VecDeque<(QuadOrder, Vec<u8>)>,
    current: Option<(QuadOrder, K::Cursor<'a>)>,
    explicit_only: bool,
    failed: bool,
}

impl<'a, K: KvSnapshot + 'a> EncodedQuadIter<'a, K> {
    pub(crate) fn new(kv: &'a K, pattern: &QuadPattern) -> Self {
        Self {
            kv,
            scans: pattern.scans().into(),
            current: None,
            explicit_only: pattern.explicit_only,
            failed: false,
        }
    }

    /// The quads with their flags (explicit, inferred).
    pub fn with_flags(self) -> FlaggedQuadIter<'a, K> {
        FlaggedQuadIter(self)
    }

    fn step(&mut self) -> Result<Option<(EncodedQuad, IndexFlags)>, StorageError> {
        loop {
            if self.current.is_none() {
                let Some((order, prefix)) = self.scans.pop_front() else {
                    return Ok(None);
                };
                let cursor = self
                    .kv
                    .cursor(order.keyspace(), KeyRange::prefix(&prefix))?;
                self.current = Some((order, cursor));
            }
            let Some((order, cursor)) = &mut self.current else {
                continue;
            };
            let Some(key) = cursor.key() else {
                self.current = None;
                continue;
            };
            let (quad, flags) = decode_entry(*order, key, cursor.value())?;
            cursor.advance()?;
            if self.explicit_only && !flags.contains(IndexFlags::EXPLICIT) {
                continue;
            }
            return Ok(Some((quad, flags)));
        }
    }
}

impl<'a, K: KvSnapshot + 'a> Iterator for EncodedQuadIter<'a, K> {
    type Item = Result<EncodedQuad, StorageError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let result = self.step().transpose();
        if matches!(result, Some(Err(_))) {
            self.failed = true;
        }
        result.map(|item| item.map(|(quad, _)| quad))
    }
}

/// Quads of ids with their flags: see [`EncodedQuadIter::with_flags`].
pub struct FlaggedQuadIter<'a, K: KvSnapshot + 'a>(EncodedQuadIter<'a, K>);

impl<'a, K: KvSnapshot + 'a> Iterator for FlaggedQuadIter<'a, K> {
    type Item = Result<(EncodedQuad, IndexFlags), StorageError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.failed {
            return None;
        }
        let result = self.0.step().transpose();
        if matches!(result, Some(Err(_))) {
            self.0.failed = true;
        }
        result
    }
}

/// Decoded quads matching a pattern.
pub struct QuadIter<'a, R: QuadRead + ?Sized> {
    pub(crate) reader: &'a R,
    pub(crate) inner: Option<EncodedQuadIter<'a, R::Kv>>,
}

impl<R: QuadRead + ?Sized> Iterator for QuadIter<'_, R> {
    type Item = Result<Quad, StorageError>;

    fn next(&mut self) -> Option<Self::Item> {
        let encoded = self.inner.as_mut()?.next()?;
        Some(encoded.and_then(|quad| self.reader.decode_quad(&quad)))
    }
}
