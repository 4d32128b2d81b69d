//! Fact sources the engine joins over: an in-memory indexed set, a store's default graph, and a
//! layer of the two.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::ReasonerError;
use crate::encoding::{EncodedQuad, TermId};
use crate::kv::{KeyRange, Keyspace, KvCursor, KvSnapshot};
use crate::storage::{GraphScope, QuadPattern, QuadRead};

/// A triple of ids: subject, predicate, object.
pub(crate) type Triple = [TermId; 3];

/// A triple pattern of ids; `None` is unbound.
pub(crate) type Pattern = [Option<TermId>; 3];

/// What the engine reads: facts matching a pattern, and membership.
pub(crate) trait Facts {
    /// Calls `f` for each fact matching `pattern` until it returns `Ok(false)`.
    fn scan(
        &self,
        pattern: Pattern,
        f: &mut dyn FnMut(Triple) -> Result<bool, ReasonerError>,
    ) -> Result<bool, ReasonerError>;

    /// Whether `triple` is a fact.
    fn contains(&self, triple: &Triple) -> Result<bool, ReasonerError>;

    /// The predicates facts use (a superset is fine).
    fn predicates(&self) -> Result<Vec<TermId>, ReasonerError>;

    /// This source, where it can be read from several threads at once.
    fn as_sync(&self) -> Option<&(dyn Facts + Sync)> {
        None
    }
}

/// The lookups a [`FactSet`] indexes: the bound positions of a pattern.
#[derive(Clone, Copy)]
enum Shape {
    SubjectPredicate,
    PredicateObject,
    Predicate,
    Subject,
    Object,
}

impl Shape {
    const ALL: [Self; 5] = [
        Self::SubjectPredicate,
        Self::PredicateObject,
        Self::Predicate,
        Self::Subject,
        Self::Object,
    ];

    /// The index key of `triple`; single-term shapes fill the second place with a constant.
    fn key(self, [s, p, o]: &Triple) -> [TermId; 2] {
        const NONE: TermId = TermId::DEFAULT_GRAPH;
        match self {
            Self::SubjectPredicate => [*s, *p],
            Self::PredicateObject => [*p, *o],
            Self::Predicate => [*p, NONE],
            Self::Subject => [*s, NONE],
            Self::Object => [*o, NONE],
        }
    }
}

/// No next fact in a chain.
const END: u32 = u32::MAX;

/// One index of a [`FactSet`]: for each key, the position of its last fact, and for each fact,
/// the position of the previous fact with the same key. Chains through one array instead of a
/// vector per key, so building and dropping millions of entries costs a few allocations.
#[derive(Default)]
struct Chains {
    heads: FxHashMap<[TermId; 2], u32>,
    next: Vec<u32>,
}

impl Chains {
    fn build(shape: Shape, facts: &[Triple]) -> Self {
        let mut chains = Self {
            heads: FxHashMap::default(),
            next: Vec::with_capacity(facts.len()),
        };
        for (position, triple) in facts.iter().enumerate() {
            chains.add(shape, triple, position);
        }
        chains
    }

    fn add(&mut self, shape: Shape, triple: &Triple, position: usize) {
        // Positions past u32 would need more facts than any budget allows in memory.
        let position = u32::try_from(position).unwrap_or(END);
        let previous = self.heads.insert(shape.key(triple), position);
        self.next.push(previous.unwrap_or(END));
    }

    /// Positions of the facts with `key`, newest first.
    fn positions(&self, key: [TermId; 2]) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.heads.get(&key).copied().unwrap_or(END);
        std::iter::from_fn(move || {
            if at == END {
                return None;
            }
            let position = at as usize;
            at = self.next.get(position).copied().unwrap_or(END);
            Some(position)
        })
    }
}

/// An in-memory set of facts with an index for every pattern shape, each built on its first use
/// (most programs never look facts up by subject or object alone).
#[derive(Default)]
pub(crate) struct FactSet {
    all: FxHashSet<Triple>,
    /// Insertion order, so that iteration (and therefore a run) is deterministic.
    order: Vec<Triple>,
    indexes: [OnceLock<Chains>; 5],
}

impl FactSet {
    /// An empty set with room for `facts` facts.
    pub(crate) fn with_capacity(facts: usize) -> Self {
        Self {
            all: FxHashSet::with_capacity_and_hasher(facts, Default::default()),
            order: Vec::with_capacity(facts),
            indexes: Default::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.order.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Triple> + '_ {
        self.order.iter()
    }

    pub(crate) fn has(&self, triple: &Triple) -> bool {
        self.all.contains(triple)
    }

    /// Adds `triple`; returns whether it was new.
    pub(crate) fn insert(&mut self, triple: Triple) -> bool {
        if !self.all.insert(triple) {
            return false;
        }
        let position = self.order.len();
        self.order.push(triple);
        for (shape, index) in Shape::ALL.into_iter().zip(&mut self.indexes) {
            if let Some(chains) = index.get_mut() {
                chains.add(shape, &triple, position);
            }
        }
        true
    }

    fn index(&self, shape: Shape) -> &Chains {
        self.indexes[shape as usize].get_or_init(|| Chains::build(shape, &self.order))
    }

    /// Calls `f` with each fact of `shape` whose key is `key` and that `keep` accepts.
    fn scan_index(
        &self,
        shape: Shape,
        key: [TermId; 2],
        keep: impl Fn(&Triple) -> bool,
        f: &mut dyn FnMut(Triple) -> Result<bool, ReasonerError>,
    ) -> Result<bool, ReasonerError> {
        for position in self.index(shape).positions(key) {
            let Some(&triple) = self.order.get(position) else {
                continue;
            };
            if keep(&triple) && !f(triple)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

impl FromIterator<Triple> for FactSet {
    fn from_iter<I: IntoIterator<Item = Triple>>(iter: I) -> Self {
        let mut set = Self::default();
        for triple in iter {
            set.insert(triple);
        }
        set
    }
}

impl Facts for FactSet {
    fn scan(
        &self,
        pattern: Pattern,
        f: &mut dyn FnMut(Triple) -> Result<bool, ReasonerError>,
    ) -> Result<bool, ReasonerError> {
        const NONE: TermId = TermId::DEFAULT_GRAPH;
        let any = |_: &Triple| true;
        match pattern {
            [Some(s), Some(p), Some(o)] => {
                if self.all.contains(&[s, p, o]) {
                    return f([s, p, o]);
                }
                Ok(true)
            }
            [Some(s), Some(p), None] => self.scan_index(Shape::SubjectPredicate, [s, p], any, f),
            [None, Some(p), Some(o)] => self.scan_index(Shape::PredicateObject, [p, o], any, f),
            [Some(s), None, o] => self.scan_index(
                Shape::Subject,
                [s, NONE],
                |t| o.is_none_or(|o| o == t[2]),
                f,
            ),
            [None, Some(p), None] => self.scan_index(Shape::Predicate, [p, NONE], any, f),
            [None, None, Some(o)] => self.scan_index(Shape::Object, [o, NONE], any, f),
            [None, None, None] => {
                for &triple in &self.order {
                    if !f(triple)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
        }
    }

    fn contains(&self, triple: &Triple) -> Result<bool, ReasonerError> {
        Ok(self.all.contains(triple))
    }

    fn as_sync(&self) -> Option<&(dyn Facts + Sync)> {
        Some(self)
    }

    fn predicates(&self) -> Result<Vec<TermId>, ReasonerError> {
        Ok(self
            .index(Shape::Predicate)
            .heads
            .keys()
            .map(|[p, _]| *p)
            .collect())
    }
}

/// The default graph of a store view (snapshot or transaction), read through its sorted indexes.
pub(crate) struct StoreFacts<'r, R> {
    pub(crate) reader: &'r R,
}

impl<R: QuadRead> Facts for StoreFacts<'_, R> {
    fn scan(
        &self,
        [s, p, o]: Pattern,
        f: &mut dyn FnMut(Triple) -> Result<bool, ReasonerError>,
    ) -> Result<bool, ReasonerError> {
        // A point read is much cheaper than a cursor on backends with filters (RocksDB), and
        // rederivation asks mostly fully bound questions.
        if let (Some(s), Some(p), Some(o)) = (s, p, o) {
            return if self.contains(&[s, p, o])? {
                f([s, p, o])
            } else {
                Ok(true)
            };
        }
        let pattern = QuadPattern {
            subject: s,
            predicate: p,
            object: o,
            graph: GraphScope::Default,
            explicit_only: false,
        };
        for quad in self.reader.encoded_quads(&pattern) {
            let quad = quad?;
            if !f([quad.subject, quad.predicate, quad.object])? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn contains(&self, [s, p, o]: &Triple) -> Result<bool, ReasonerError> {
        let quad = EncodedQuad::new(*s, *p, *o, TermId::DEFAULT_GRAPH);
        Ok(self.reader.quad_flags(&quad)?.is_some())
    }

    fn predicates(&self) -> Result<Vec<TermId>, ReasonerError> {
        // The maintained per-predicate counts name every predicate of every graph.
        let mut cursor = self.reader.kv().cursor(Keyspace::Stats, KeyRange::all())?;
        let mut out = Vec::new();
        while let Some(key) = cursor.key() {
            if let Some(id) = <[u8; 8]>::try_from(key)
                .ok()
                .and_then(TermId::from_be_bytes)
            {
                out.push(id);
            }
            cursor.advance()?;
        }
        Ok(out)
    }
}

/// `base` with `removed` taken out and `added` laid over it.
pub(crate) struct Layered<'a, B: Facts + ?Sized = dyn Facts> {
    pub(crate) base: &'a B,
    pub(crate) added: &'a FactSet,
    pub(crate) removed: Option<&'a FactSet>,
}

impl<B: Facts + ?Sized> Facts for Layered<'_, B> {
    fn scan(
        &self,
        pattern: Pattern,
        f: &mut dyn FnMut(Triple) -> Result<bool, ReasonerError>,
    ) -> Result<bool, ReasonerError> {
        let keep_going = match self.removed {
            Some(removed) => self.base.scan(pattern, &mut |triple| {
                if removed.has(&triple) {
                    Ok(true)
                } else {
                    f(triple)
                }
            })?,
            None => self.base.scan(pattern, f)?,
        };
        if !keep_going {
            return Ok(false);
        }
        self.added.scan(pattern, f)
    }

    fn predicates(&self) -> Result<Vec<TermId>, ReasonerError> {
        let mut out = self.base.predicates()?;
        out.extend(self.added.predicates()?);
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    fn contains(&self, triple: &Triple) -> Result<bool, ReasonerError> {
        if self.added.has(triple) {
            return Ok(true);
        }
        if self.removed.is_some_and(|removed| removed.has(triple)) {
            return Ok(false);
        }
        self.base.contains(triple)
    }
}
