//! Fact sources the engine joins over: an in-memory indexed set, a store's default graph, and a
//! layer of the two.

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
}

/// An in-memory set of facts with hash indexes for every pattern shape.
#[derive(Default)]
pub(crate) struct FactSet {
    all: FxHashSet<Triple>,
    /// Insertion order, so that iteration (and therefore a run) is deterministic.
    order: Vec<Triple>,
    sp: FxHashMap<(TermId, TermId), Vec<TermId>>,
    po: FxHashMap<(TermId, TermId), Vec<TermId>>,
    p: FxHashMap<TermId, Vec<(TermId, TermId)>>,
    s: FxHashMap<TermId, Vec<(TermId, TermId)>>,
    o: FxHashMap<TermId, Vec<(TermId, TermId)>>,
}

impl FactSet {
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
        let [s, p, o] = triple;
        self.order.push(triple);
        self.sp.entry((s, p)).or_default().push(o);
        self.po.entry((p, o)).or_default().push(s);
        self.p.entry(p).or_default().push((s, o));
        self.s.entry(s).or_default().push((p, o));
        self.o.entry(o).or_default().push((s, p));
        true
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
        match pattern {
            [Some(s), Some(p), Some(o)] => {
                if self.all.contains(&[s, p, o]) {
                    return f([s, p, o]);
                }
            }
            [Some(s), Some(p), None] => {
                for &o in self.sp.get(&(s, p)).into_iter().flatten() {
                    if !f([s, p, o])? {
                        return Ok(false);
                    }
                }
            }
            [None, Some(p), Some(o)] => {
                for &s in self.po.get(&(p, o)).into_iter().flatten() {
                    if !f([s, p, o])? {
                        return Ok(false);
                    }
                }
            }
            [Some(s), None, o] => {
                for &(p, object) in self.s.get(&s).into_iter().flatten() {
                    if o.is_none_or(|o| o == object) && !f([s, p, object])? {
                        return Ok(false);
                    }
                }
            }
            [None, Some(p), None] => {
                for &(s, o) in self.p.get(&p).into_iter().flatten() {
                    if !f([s, p, o])? {
                        return Ok(false);
                    }
                }
            }
            [None, None, Some(o)] => {
                for &(s, p) in self.o.get(&o).into_iter().flatten() {
                    if !f([s, p, o])? {
                        return Ok(false);
                    }
                }
            }
            [None, None, None] => {
                for &triple in &self.order {
                    if !f(triple)? {
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }

    fn contains(&self, triple: &Triple) -> Result<bool, ReasonerError> {
        Ok(self.all.contains(triple))
    }

    fn predicates(&self) -> Result<Vec<TermId>, ReasonerError> {
        Ok(self.p.keys().copied().collect())
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
pub(crate) struct Layered<'a> {
    pub(crate) base: &'a dyn Facts,
    pub(crate) added: &'a FactSet,
    pub(crate) removed: Option<&'a FactSet>,
}

impl Facts for Layered<'_> {
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
