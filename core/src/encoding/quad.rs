use super::TermId;

/// A quad of ids; `graph` is [`TermId::DEFAULT_GRAPH`] for the default graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EncodedQuad {
    /// Subject.
    pub subject: TermId,
    /// Predicate.
    pub predicate: TermId,
    /// Object.
    pub object: TermId,
    /// Graph name.
    pub graph: TermId,
}

/// Position of each component in a key: indexes into `[subject, predicate, object, graph]`.
type Layout = [usize; 4];
const S: usize = 0;
const P: usize = 1;
const O: usize = 2;
const G: usize = 3;

/// One of the six index orderings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuadOrder {
    /// Graph, subject, predicate, object.
    Gspo,
    /// Graph, predicate, object, subject.
    Gpos,
    /// Graph, object, subject, predicate.
    Gosp,
    /// Subject, predicate, object, graph (named graphs only).
    Spog,
    /// Predicate, object, subject, graph (named graphs only).
    Posg,
    /// Object, subject, predicate, graph (named graphs only).
    Ospg,
}

impl QuadOrder {
    /// Orderings that hold every quad, the default graph's included.
    pub const GRAPH_FIRST: [Self; 3] = [Self::Gspo, Self::Gpos, Self::Gosp];
    /// Orderings that hold named-graph quads only.
    pub const GRAPH_LAST: [Self; 3] = [Self::Spog, Self::Posg, Self::Ospg];
    /// All six.
    pub const ALL: [Self; 6] = [
        Self::Gspo,
        Self::Gpos,
        Self::Gosp,
        Self::Spog,
        Self::Posg,
        Self::Ospg,
    ];

    /// The keyspace that stores this ordering.
    pub const fn keyspace(self) -> crate::kv::Keyspace {
        use crate::kv::Keyspace;
        match self {
            Self::Gspo => Keyspace::Gspo,
            Self::Gpos => Keyspace::Gpos,
            Self::Gosp => Keyspace::Gosp,
            Self::Spog => Keyspace::Spog,
            Self::Posg => Keyspace::Posg,
            Self::Ospg => Keyspace::Ospg,
        }
    }

    const fn layout(self) -> Layout {
        match self {
            Self::Gspo => [G, S, P, O],
            Self::Gpos => [G, P, O, S],
            Self::Gosp => [G, O, S, P],
            Self::Spog => [S, P, O, G],
            Self::Posg => [P, O, S, G],
            Self::Ospg => [O, S, P, G],
        }
    }

    /// Where the object starts in this ordering's keys, in bytes.
    pub const fn object_offset(self) -> usize {
        let layout = self.layout();
        let mut slot = 0;
        while slot < 3 && layout[slot] != O {
            slot += 1;
        }
        slot * 8
    }

    /// Whether this ordering holds `quad` (named-graph-only orderings skip the default graph).
    pub fn holds(self, quad: &EncodedQuad) -> bool {
        quad.graph != TermId::DEFAULT_GRAPH || Self::GRAPH_FIRST.contains(&self)
    }

    /// The 32-byte key of `quad` in this ordering.
    pub fn key(self, quad: &EncodedQuad) -> [u8; 32] {
        let parts = quad.parts();
        let mut key = [0; 32];
        for (slot, component) in self.layout().into_iter().enumerate() {
            key[slot * 8..slot * 8 + 8].copy_from_slice(&parts[component].to_be_bytes());
        }
        key
    }

    /// The components of `quad` in this ordering, as integers: they sort exactly like the keys.
    pub fn components(self, quad: &EncodedQuad) -> [u64; 4] {
        let parts = quad.parts();
        self.layout().map(|component| parts[component].as_u64())
    }

    /// The key of components given in this ordering (see [`components`](Self::components)).
    pub fn key_of_components(components: [u64; 4]) -> [u8; 32] {
        let mut key = [0; 32];
        for (slot, component) in components.into_iter().enumerate() {
            key[slot * 8..slot * 8 + 8].copy_from_slice(&component.to_be_bytes());
        }
        key
    }

    /// The key prefix for the leading bound components `prefix` (in this ordering's order).
    pub fn prefix(prefix: &[TermId]) -> Vec<u8> {
        prefix.iter().flat_map(|id| id.to_be_bytes()).collect()
    }

    /// Decodes a key of this ordering; `None` if it is not 32 bytes of valid ids.
    pub fn decode(self, key: &[u8]) -> Option<EncodedQuad> {
        if key.len() != 32 {
            return None;
        }
        let mut parts = [TermId::DEFAULT_GRAPH; 4];
        for (slot, component) in self.layout().into_iter().enumerate() {
            let mut bytes = [0; 8];
            bytes.copy_from_slice(&key[slot * 8..slot * 8 + 8]);
            parts[component] = TermId::from_be_bytes(bytes)?;
        }
        Some(EncodedQuad::from_parts(parts))
    }
}

impl EncodedQuad {
    /// Builds a quad.
    pub const fn new(subject: TermId, predicate: TermId, object: TermId, graph: TermId) -> Self {
        Self {
            subject,
            predicate,
            object,
            graph,
        }
    }

    const fn parts(&self) -> [TermId; 4] {
        [self.subject, self.predicate, self.object, self.graph]
    }

    const fn from_parts(parts: [TermId; 4]) -> Self {
        Self::new(parts[S], parts[P], parts[O], parts[G])
    }
}

/// Flags stored as the value of an index entry.
///
/// An explicit-only entry stores no byte at all, which keeps the common case small.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IndexFlags(u8);

impl IndexFlags {
    /// Asserted by a user.
    pub const EXPLICIT: Self = Self(1);
    /// Derived by the reasoner.
    pub const INFERRED: Self = Self(2);

    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Both sets of flags.
    #[must_use]
    pub const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Flags without those of `other`.
    #[must_use]
    pub const fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    /// Whether no flag is set.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The stored value.
    pub fn to_value(self) -> Vec<u8> {
        if self == Self::EXPLICIT {
            Vec::new()
        } else {
            vec![self.0]
        }
    }

    /// The stored value, borrowed: what [`to_value`](Self::to_value) returns, without allocating.
    pub fn value_bytes(&self) -> &[u8] {
        if *self == Self::EXPLICIT {
            &[]
        } else {
            std::slice::from_ref(&self.0)
        }
    }

    /// Reads a stored value.
    pub fn from_value(value: &[u8]) -> Self {
        match value.first() {
            None => Self::EXPLICIT,
            Some(byte) => Self(*byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::TermTag;

    #[test]
    fn keys_round_trip_in_every_order() {
        let quad = EncodedQuad::new(
            TermId::new(TermTag::NamedNode, 1),
            TermId::new(TermTag::NamedNode, 2),
            TermId::new(TermTag::Integer, 3),
            TermId::new(TermTag::BlankNode, 4),
        );
        for order in QuadOrder::ALL {
            assert_eq!(order.decode(&order.key(&quad)), Some(quad));
        }
        assert_eq!(
            &QuadOrder::Posg.key(&quad)[..8],
            &quad.predicate.to_be_bytes()
        );
    }
}
