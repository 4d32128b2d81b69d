use std::fmt;

/// One of the fixed, named keyspaces (tables, column families) that the core declares.
///
/// Backends create all of them when they open a store; the set only grows between versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Keyspace {
    /// Store-wide metadata: format version, id counter, quad count.
    Meta,
    /// Dictionary: term id (8 bytes, big-endian) → encoded term.
    IdToTerm,
    /// Dictionary: encoded term (a long literal's hash) → term id.
    TermToId,
    /// Named graphs that exist (also empty ones): graph id → empty.
    Graphs,
    /// Statistics: per-predicate quad counts, predicate id → u64.
    Stats,
    /// Quad index graph, subject, predicate, object (every quad).
    Gspo,
    /// Quad index graph, predicate, object, subject (every quad).
    Gpos,
    /// Quad index graph, object, subject, predicate (every quad).
    Gosp,
    /// Quad index subject, predicate, object, graph (named-graph quads only).
    Spog,
    /// Quad index predicate, object, subject, graph (named-graph quads only).
    Posg,
    /// Quad index object, subject, predicate, graph (named-graph quads only).
    Ospg,
}

impl Keyspace {
    /// Every keyspace, in a stable order.
    pub const ALL: [Self; 11] = [
        Self::Meta,
        Self::IdToTerm,
        Self::TermToId,
        Self::Graphs,
        Self::Stats,
        Self::Gspo,
        Self::Gpos,
        Self::Gosp,
        Self::Spog,
        Self::Posg,
        Self::Ospg,
    ];

    /// The stable name backends use for the table or column family.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Meta => "meta",
            Self::IdToTerm => "id2term",
            Self::TermToId => "term2id",
            Self::Graphs => "graphs",
            Self::Stats => "stats",
            Self::Gspo => "gspo",
            Self::Gpos => "gpos",
            Self::Gosp => "gosp",
            Self::Spog => "spog",
            Self::Posg => "posg",
            Self::Ospg => "ospg",
        }
    }

    /// Dense index in `0..Keyspace::ALL.len()`, for backends that keep an array of tables.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Whether this is one of the six quad indexes (fixed 32-byte keys, tiny values).
    pub const fn is_quad_index(self) -> bool {
        matches!(
            self,
            Self::Gspo | Self::Gpos | Self::Gosp | Self::Spog | Self::Posg | Self::Ospg
        )
    }
}

impl fmt::Display for Keyspace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
