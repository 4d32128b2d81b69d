//! Statistics for the query planner: per predicate the number of quads, distinct subjects and
//! distinct objects, and the characteristic sets of subjects (which predicates occur together).
//!
//! Quad counts per predicate are maintained exactly on every write (the `stats` keyspace). The
//! distinct counts and characteristic sets come from an analysis, two full index scans (GSPO and
//! GPOS) run at the end of every bulk load (or the same reading of the GSPO and GPOS streams a
//! load writes into an empty store in one pass), by [`Store::analyze`](crate::Store::analyze), and
//! automatically by the commit that takes the number of quads written since the last analysis
//! past a tenth of the store (at least [`REANALYZE_MIN_CHANGES`]). Between analyses, a
//! predicate's distinct counts are scaled by how its exact quad count moved, so the error of an
//! estimate stays within what that bounded share of writes can change.
//!
//! Subjects and objects are counted per graph: a subject with the same predicate in two graphs
//! counts twice (exact for data in one graph).

use rustc_hash::FxHashMap;

use super::meta::read_u64;
use super::{MetaKey, StorageError};
use crate::encoding::{EncodedQuad, QuadOrder, TermId};
use crate::kv::{KeyRange, Keyspace, KvCursor, KvSnapshot};

/// Writes since the last analysis below which no commit re-analyzes, whatever the store's size.
pub const REANALYZE_MIN_CHANGES: u64 = 1_000;

/// Most characteristic sets kept: the ones with the most subjects.
const MAX_CHARACTERISTIC_SETS: usize = 1_000;

/// Distinct predicate sets held while scanning before the rarest are dropped.
const SCAN_SET_LIMIT: usize = 100_000;

/// Layout version of the persisted analysis (the quad count it saw is its own meta key, which
/// commits read without decoding the rest).
const FORMAT: u32 = 2;

/// What the analysis found for one predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredicateStatistics {
    /// The predicate.
    pub predicate: TermId,
    /// Quads with it.
    pub quads: u64,
    /// Distinct (graph, subject) pairs with it.
    pub subjects: u64,
    /// Distinct (graph, object) pairs with it.
    pub objects: u64,
}

/// Subjects that have exactly these predicates (in one graph), with how many quads each
/// predicate has among them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharacteristicSet {
    /// Subjects with exactly this set of predicates.
    pub subjects: u64,
    /// The predicates, ascending, each with its quads among these subjects.
    pub predicates: Vec<(TermId, u64)>,
}

/// Characteristic sets prepared for star estimates over subsets of some predicates (see
/// [`Statistics::star_index`]).
#[derive(Debug, Clone)]
pub struct StarIndex {
    sets: Vec<StarSet>,
    scale: f64,
}

/// One characteristic set as star estimates read it: which of the predicates it holds (bits),
/// its subjects, and per predicate its quads per subject.
#[derive(Debug, Clone)]
struct StarSet {
    covers: u64,
    subjects: f64,
    per_subject: Vec<f64>,
}

impl StarIndex {
    /// Expected subjects having every predicate whose position is in `members` (bits), and the
    /// expected rows of their star: over the sets holding them all, subjects times each
    /// predicate's quads per subject (Neumann and Moerkotte, ICDE 2011).
    pub fn estimate(&self, members: u64) -> (f64, f64) {
        let (mut subjects, mut rows) = (0.0, 0.0);
        for set in self
            .sets
            .iter()
            .filter(|set| set.covers & members == members)
        {
            subjects += set.subjects;
            rows += set
                .per_subject
                .iter()
                .enumerate()
                .filter(|(position, _)| members & (1 << position) != 0)
                .fold(set.subjects, |product, (_, per_subject)| {
                    product * per_subject
                });
        }
        (subjects * self.scale, rows * self.scale)
    }
}

/// The planner's statistics, as of the last analysis, with exact current quad counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Statistics {
    /// Quads in the store now (exact).
    pub quads: u64,
    /// Quads when the analysis ran.
    pub analyzed_quads: u64,
    /// Quads inserted or deleted since the analysis.
    pub changes_since_analysis: u64,
    /// Per predicate, as analyzed.
    pub predicates: Vec<PredicateStatistics>,
    /// The characteristic sets with the most subjects (at most a thousand).
    pub characteristic_sets: Vec<CharacteristicSet>,
}

impl Statistics {
    /// The analysis of `predicate`, its distinct counts scaled to its current quad count
    /// `current` (exact, from the maintained counts).
    pub fn predicate(&self, predicate: TermId, current: u64) -> Option<PredicateStatistics> {
        let analyzed = *self.predicates.iter().find(|p| p.predicate == predicate)?;
        if analyzed.quads == 0 {
            return None;
        }
        let scale = |distinct: u64| {
            let scaled = (distinct as f64 * current as f64 / analyzed.quads as f64).round() as u64;
            scaled.clamp(u64::from(current > 0), current)
        };
        Some(PredicateStatistics {
            predicate,
            quads: current,
            subjects: scale(analyzed.subjects),
            objects: scale(analyzed.objects),
        })
    }

    /// Expected subjects having every predicate of `predicates` (distinct), and the expected
    /// rows of the star `?s p1 ?o1 . ?s p2 ?o2 …` over them, from the characteristic sets;
    /// `None` without an analysis.
    pub fn star(&self, predicates: &[TermId]) -> Option<(f64, f64)> {
        let all = match predicates.len() {
            0 => 0,
            n => u64::MAX >> (64 - n.min(64)),
        };
        Some(self.star_index(predicates)?.estimate(all))
    }

    /// The characteristic sets holding any of `predicates` (at most 64, distinct), read once for
    /// many star estimates over subsets of them, as a planner asks; `None` without an analysis.
    pub fn star_index(&self, predicates: &[TermId]) -> Option<StarIndex> {
        if self.characteristic_sets.is_empty() {
            return None;
        }
        let sets = self
            .characteristic_sets
            .iter()
            .filter_map(|set| {
                let subjects = set.subjects as f64;
                let mut covers = 0_u64;
                let mut per_subject = vec![0.0; predicates.len()];
                for (position, predicate) in predicates.iter().enumerate().take(64) {
                    if let Ok(at) = set.predicates.binary_search_by_key(predicate, |p| p.0) {
                        covers |= 1 << position;
                        per_subject[position] = set.predicates[at].1 as f64 / subjects;
                    }
                }
                (covers != 0 || predicates.is_empty()).then_some(StarSet {
                    covers,
                    subjects,
                    per_subject,
                })
            })
            .collect();
        Some(StarIndex {
            sets,
            scale: self.analysis_scale(),
        })
    }

    /// How the store has grown since the analysis: current quads over analyzed ones (1 when
    /// nothing was analyzed), by which counts from the analysis are scaled.
    pub fn analysis_scale(&self) -> f64 {
        if self.analyzed_quads == 0 {
            1.0
        } else {
            self.quads as f64 / self.analyzed_quads as f64
        }
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend(FORMAT.to_be_bytes());
        out.extend((self.predicates.len() as u64).to_be_bytes());
        for p in &self.predicates {
            for value in [p.predicate.as_u64(), p.quads, p.subjects, p.objects] {
                out.extend(u64::to_be_bytes(value));
            }
        }
        out.extend((self.characteristic_sets.len() as u64).to_be_bytes());
        for set in &self.characteristic_sets {
            out.extend(set.subjects.to_be_bytes());
            out.extend((set.predicates.len() as u64).to_be_bytes());
            for (p, quads) in &set.predicates {
                out.extend(p.as_u64().to_be_bytes());
                out.extend(quads.to_be_bytes());
            }
        }
        out
    }

    pub(crate) fn decode(bytes: &[u8]) -> Result<Self, StorageError> {
        Self::decode_plain(bytes)
            .ok_or_else(|| StorageError::Corruption("malformed statistics in meta".into()))
    }

    fn decode_plain(bytes: &[u8]) -> Option<Self> {
        let (format, mut rest) = bytes.split_first_chunk::<4>()?;
        if u32::from_be_bytes(*format) != FORMAT {
            return None;
        }
        let mut next = || -> Option<u64> {
            let (head, tail) = rest.split_first_chunk::<8>()?;
            rest = tail;
            Some(u64::from_be_bytes(*head))
        };
        let count = usize::try_from(next()?).ok()?;
        let mut predicates = Vec::with_capacity(count.min(1 << 16));
        for _ in 0..count {
            predicates.push(PredicateStatistics {
                predicate: TermId::from_u64(next()?)?,
                quads: next()?,
                subjects: next()?,
                objects: next()?,
            });
        }
        let sets = usize::try_from(next()?).ok()?;
        let mut characteristic_sets = Vec::with_capacity(sets.min(MAX_CHARACTERISTIC_SETS));
        for _ in 0..sets {
            let subjects = next()?;
            let len = usize::try_from(next()?).ok()?;
            let mut members = Vec::with_capacity(len.min(1 << 12));
            for _ in 0..len {
                members.push((TermId::from_u64(next()?)?, next()?));
            }
            characteristic_sets.push(CharacteristicSet {
                subjects,
                predicates: members,
            });
        }
        Some(Self {
            predicates,
            characteristic_sets,
            ..Self::default()
        })
    }
}

/// Reads the persisted analysis with the current counts; an empty analysis if none ran yet.
pub(crate) fn read_statistics<S: KvSnapshot>(kv: &S) -> Result<Statistics, StorageError> {
    let mut statistics = match kv.get(Keyspace::Meta, MetaKey::Statistics.key())? {
        Some(bytes) => Statistics::decode(&bytes)?,
        None => Statistics::default(),
    };
    statistics.quads = read_u64(kv, Keyspace::Meta, MetaKey::QuadCount.key())?;
    statistics.analyzed_quads = read_u64(kv, Keyspace::Meta, MetaKey::StatisticsAnalyzed.key())?;
    statistics.changes_since_analysis =
        read_u64(kv, Keyspace::Meta, MetaKey::StatisticsChanges.key())?;
    Ok(statistics)
}

/// Analyzes the store from one scan of GSPO and one of GPOS.
///
/// # Errors
/// Fails if the backend cannot be read or holds a malformed key.
pub(crate) fn analyze<S: KvSnapshot>(kv: &S) -> Result<Statistics, StorageError> {
    let mut subjects = SubjectScan::default();
    let mut objects = ObjectScan::default();
    for order in [QuadOrder::Gspo, QuadOrder::Gpos] {
        let keyspace = order.keyspace();
        let mut cursor = kv.cursor(keyspace, KeyRange::all())?;
        while let Some(key) = cursor.key() {
            let quad = order.decode(key).ok_or_else(|| {
                StorageError::Corruption(format!("malformed {} key", keyspace.name()))
            })?;
            match order {
                QuadOrder::Gspo => subjects.observe(&quad),
                _ => objects.observe(&quad),
            }
            cursor.advance()?;
        }
    }
    Ok(subjects.finish(objects))
}

/// What the analysis takes from every quad in GSPO order: the quads, per predicate its quads and
/// distinct (graph, subject) pairs, and the characteristic sets.
#[derive(Debug, Default)]
pub(crate) struct SubjectScan {
    per_predicate: FxHashMap<TermId, PredicateStatistics>,
    sets: FxHashMap<Vec<TermId>, (u64, Vec<u64>)>,
    total: u64,
    /// The (graph, subject) being read, its predicates with their quads.
    current: Option<(TermId, TermId)>,
    members: Vec<(TermId, u64)>,
}

impl SubjectScan {
    /// Takes the next quad in GSPO order.
    pub(crate) fn observe(&mut self, quad: &EncodedQuad) {
        self.total += 1;
        if self.current != Some((quad.graph, quad.subject)) {
            self.end_subject();
            self.current = Some((quad.graph, quad.subject));
        }
        let entry = self
            .per_predicate
            .entry(quad.predicate)
            .or_insert(PredicateStatistics {
                predicate: quad.predicate,
                quads: 0,
                subjects: 0,
                objects: 0,
            });
        entry.quads += 1;
        match self.members.last_mut() {
            Some((p, quads)) if *p == quad.predicate => *quads += 1,
            _ => {
                entry.subjects += 1;
                self.members.push((quad.predicate, 1));
            }
        }
    }

    fn end_subject(&mut self) {
        if self.members.is_empty() {
            return;
        }
        let key: Vec<TermId> = self.members.iter().map(|(p, _)| *p).collect();
        let entry = self
            .sets
            .entry(key)
            .or_insert_with(|| (0, vec![0; self.members.len()]));
        entry.0 += 1;
        for (slot, (_, quads)) in entry.1.iter_mut().zip(self.members.iter()) {
            *slot += quads;
        }
        self.members.clear();
        if self.sets.len() > SCAN_SET_LIMIT {
            // Keep the memory bounded on data where nearly every subject is different: drop the
            // sets with a single subject, which matter least to estimates.
            self.sets.retain(|_, (subjects, _)| *subjects > 1);
        }
    }

    /// The statistics, with the distinct objects `objects` counted.
    pub(crate) fn finish(mut self, objects: ObjectScan) -> Statistics {
        self.end_subject();
        let total = self.total;
        let mut sets = self.sets;
        // Fx hashing has no random seed, so these orders are the same for the same store.
        let predicates: Vec<PredicateStatistics> = self
            .per_predicate
            .into_values()
            .map(|mut predicate| {
                predicate.objects = objects
                    .objects
                    .get(&predicate.predicate)
                    .copied()
                    .unwrap_or(0);
                predicate
            })
            .collect();
        // Keep the largest sets: drop the smallest until few enough are left.
        let mut floor = 1;
        while sets.len() > MAX_CHARACTERISTIC_SETS {
            sets.retain(|_, (subjects, _)| *subjects > floor);
            floor *= 2;
        }
        let characteristic_sets: Vec<CharacteristicSet> = sets
            .into_iter()
            .map(|(key, (subjects, quads))| CharacteristicSet {
                subjects,
                predicates: key.into_iter().zip(quads).collect(),
            })
            .collect();
        Statistics {
            quads: total,
            analyzed_quads: total,
            changes_since_analysis: 0,
            predicates,
            characteristic_sets,
        }
    }
}

/// What the analysis takes from every quad in GPOS order: per predicate its distinct (graph,
/// object) pairs.
#[derive(Debug, Default)]
pub(crate) struct ObjectScan {
    objects: FxHashMap<TermId, u64>,
    previous: Option<(TermId, TermId, TermId)>,
}

impl ObjectScan {
    /// Takes the next quad in GPOS order.
    pub(crate) fn observe(&mut self, quad: &EncodedQuad) {
        let here = (quad.graph, quad.predicate, quad.object);
        if self.previous != Some(here) {
            *self.objects.entry(quad.predicate).or_default() += 1;
        }
        self.previous = Some(here);
    }
}

/// Whether `changes` writes since an analysis of `analyzed` quads call for a new one.
pub(crate) fn needs_analysis(analyzed: u64, changes: u64) -> bool {
    changes >= REANALYZE_MIN_CHANGES.max(analyzed / 10)
}
