//! Cardinality estimates for quad patterns joined one after another, from the store's
//! statistics (see `storage::statistics`).
//!
//! The executor joins a BGP left-deep by index nested loops: each row so far is substituted into
//! the next pattern, which becomes an index prefix lookup. So the estimate that matters is the
//! next pattern's fan-out per input row given which of its variables are bound, and how many
//! distinct values (the domain) each bound variable carries:
//! - subject bound, object free: `quads / subjects` objects per subject that has the predicate,
//!   times the chance a bound subject has it, `subjects / domain`; for a star on one subject the
//!   characteristic sets give that chance exactly (Neumann and Moerkotte, ICDE 2011);
//! - object bound, subject free: the mirror image with distinct objects;
//! - both bound: the chance the pair is a quad, `quads / (subjects × objects)`, scaled by both
//!   chances above;
//! - one end constant and the other bound: the pattern's own `rows` values, which contain the
//!   bound ones as far as they go (containment), so `min(1, rows / domain)`.
//!
//! FILTER conjuncts drop a fixed share of rows at the step that binds their last variable.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use rustc_hash::FxHashMap;

use super::Catalog;
use crate::encoding::TermId;
use crate::sparql::QueryError;
use crate::sparql::algebra::{Expr, PatternTerm, QuadPatternNode, Slot};
use crate::storage::{GraphScope, QuadPattern, StarIndex, Statistics};

/// The share of a pattern's quads one bound position keeps when nothing better is known.
pub(crate) const BOUND_SELECTIVITY: f64 = 0.05;

/// A FILTER conjunct over a BGP, as the join order sees it: the variables it reads and the share
/// of rows it is guessed to keep once they are bound.
#[derive(Debug, Clone)]
pub(crate) struct FilterHint {
    pub(crate) slots: Vec<Slot>,
    pub(crate) selectivity: f64,
}

impl FilterHint {
    /// The hint for one conjunct reading `slots`. The shares are the classic fixed guesses
    /// (Selinger et al., SIGMOD 1979): an equality keeps a tenth, a range comparison a third; a
    /// disequality keeps nearly every row.
    pub(crate) fn new(expr: &Expr, slots: Vec<Slot>) -> Self {
        Self {
            slots,
            selectivity: selectivity(expr),
        }
    }
}

pub(crate) fn selectivity(expr: &Expr) -> f64 {
    match expr {
        Expr::Equal(..) | Expr::SameTerm(..) | Expr::IsIri(..) | Expr::In(..) => 0.1,
        Expr::Compare(..) => 1.0 / 3.0,
        Expr::Not(inner)
            if matches!(
                **inner,
                Expr::Equal(..) | Expr::SameTerm(..) | Expr::IsIri(..)
            ) =>
        {
            0.9
        }
        Expr::And(a, b) => selectivity(a) * selectivity(b),
        Expr::Or(a, b) => (selectivity(a) + selectivity(b)).min(1.0),
        _ => 0.5,
    }
}

/// Most index entries read to count a pattern with a constant subject or object exactly.
const COUNT_CAP: usize = 128;

/// What is known of one pattern before it is placed.
#[derive(Debug, Clone)]
struct PatternFacts {
    /// Matches of the pattern alone.
    rows: f64,
    /// Quads with its predicate, distinct subjects and objects (the whole store's for a
    /// variable predicate).
    quads: f64,
    subjects: f64,
    objects: f64,
    /// The constant predicate, for star estimates.
    predicate: Option<TermId>,
    /// Whether the statistics for the predicate come from an analysis.
    analyzed: bool,
}

/// Estimates for the patterns of one BGP.
pub(crate) struct CostModel<'p> {
    patterns: &'p [QuadPatternNode],
    facts: Vec<PatternFacts>,
    statistics: Option<&'p Statistics>,
    /// Distinct variables of the BGP, numbered locally so a state is a short array.
    slot_count: usize,
    /// Per pattern, the local numbers of its subject, predicate and object variables.
    locals: Vec<[Option<usize>; 3]>,
    /// Per pattern, its variables as bits.
    masks: Vec<u64>,
    /// Per pattern, the patterns that form a star with it: the same subject variable, a
    /// constant predicate and a variable object (bits; empty for a pattern that is not such).
    star_masks: Vec<u64>,
    /// Star estimates by set of star patterns (bits): the characteristic sets are scanned once
    /// per set.
    stars: RefCell<FxHashMap<u64, Option<f64>>>,
    /// The characteristic sets that hold any star pattern's predicate, read once per BGP;
    /// `None` without an analysis.
    star_index: OnceCell<Option<(StarIndex, Vec<Option<usize>>)>>,
    /// FILTER conjuncts over the BGP: the variables each reads (bits) and the share it keeps,
    /// applied to the rows of the step that binds the last of them.
    filters: Vec<(u64, f64)>,
}

/// Most distinct variables in a BGP the model follows; a BGP with more keeps its written order.
pub(crate) const MAX_SLOTS: usize = 32;

/// A partial left-deep join: estimated rows, the patterns placed and the variables bound (bits),
/// and each bound variable's distinct values. Small plain data, so the enumeration copies it
/// freely.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JoinState {
    pub(crate) rows: f64,
    pub(crate) placed: u64,
    bound: u64,
    domains: [f32; MAX_SLOTS],
}

impl JoinState {
    /// Before the first pattern: one row, nothing bound.
    pub(crate) const fn start() -> Self {
        Self {
            rows: 1.0,
            placed: 0,
            bound: 0,
            domains: [0.0; MAX_SLOTS],
        }
    }

    fn domain(&self, local: Option<usize>) -> Option<f64> {
        let local = local?;
        (self.bound & (1 << local) != 0).then(|| f64::from(self.domains[local]))
    }
}

fn slot(term: PatternTerm) -> Option<Slot> {
    match term {
        PatternTerm::Slot(slot) => Some(slot),
        _ => None,
    }
}

impl<'p> CostModel<'p> {
    /// Gathers what each pattern alone gives.
    pub(crate) fn new(
        catalog: &'p dyn Catalog,
        patterns: &'p [QuadPatternNode],
        filters: &[FilterHint],
    ) -> Result<Self, QueryError> {
        let statistics = catalog.statistics()?;
        let total = catalog.quad_count()? as f64;
        let mut facts = Vec::with_capacity(patterns.len());
        let mut numbers = HashMap::new();
        let mut locals = Vec::with_capacity(patterns.len());
        let mut masks = Vec::with_capacity(patterns.len());
        for pattern in patterns {
            facts.push(Self::facts(catalog, statistics, pattern, total)?);
            let local = [pattern.subject, pattern.predicate, pattern.object].map(|term| {
                slot(term).map(|slot| {
                    let next = numbers.len();
                    *numbers.entry(slot).or_insert(next)
                })
            });
            masks.push(
                local
                    .iter()
                    .flatten()
                    .filter(|l| **l < 64)
                    .fold(0_u64, |bits, l| bits | (1 << l)),
            );
            locals.push(local);
        }
        let in_star = |pattern: &QuadPatternNode, facts: &PatternFacts| {
            matches!(pattern.subject, PatternTerm::Slot(_))
                && matches!(pattern.object, PatternTerm::Slot(_))
                && facts.predicate.is_some()
        };
        let star_masks = patterns
            .iter()
            .zip(&facts)
            .map(|(pattern, pattern_facts)| {
                if !in_star(pattern, pattern_facts) {
                    return 0;
                }
                patterns
                    .iter()
                    .zip(&facts)
                    .enumerate()
                    .filter(|(_, (other, other_facts))| {
                        other.subject == pattern.subject && in_star(other, other_facts)
                    })
                    .fold(0_u64, |bits, (i, _)| bits | (1 << i))
            })
            .collect();
        // A conjunct reading a variable no pattern binds runs above the BGP: it cannot help order it.
        let filters = filters
            .iter()
            .filter_map(|hint| {
                let mut mask = 0_u64;
                for slot in &hint.slots {
                    let local = *numbers.get(slot)?;
                    if local >= 64 {
                        return None;
                    }
                    mask |= 1 << local;
                }
                (mask != 0).then_some((mask, hint.selectivity))
            })
            .collect();
        Ok(Self {
            patterns,
            facts,
            statistics,
            star_masks,
            slot_count: numbers.len(),
            locals,
            masks,
            stars: RefCell::default(),
            star_index: OnceCell::new(),
            filters,
        })
    }

    fn facts(
        catalog: &dyn Catalog,
        statistics: Option<&Statistics>,
        pattern: &QuadPatternNode,
        total: f64,
    ) -> Result<PatternFacts, QueryError> {
        let constant = |term: PatternTerm| match term {
            PatternTerm::Const(id) => Ok(Some(id)),
            PatternTerm::Absent => Err(()),
            PatternTerm::Slot(_) => Ok(None),
        };
        let (Ok(subject), Ok(predicate), Ok(object)) = (
            constant(pattern.subject),
            constant(pattern.predicate),
            constant(pattern.object),
        ) else {
            return Ok(PatternFacts {
                rows: 0.0,
                quads: 0.0,
                subjects: 1.0,
                objects: 1.0,
                predicate: None,
                analyzed: true,
            });
        };
        let (quads, subjects, objects, analyzed) = match predicate {
            Some(p) => {
                let quads = catalog.predicate_count(p)?;
                match statistics.and_then(|s| s.predicate(p, quads)) {
                    Some(s) => (quads as f64, s.subjects as f64, s.objects as f64, true),
                    None => (quads as f64, quads as f64, quads as f64, false),
                }
            }
            None => (total, total, total, false),
        };
        let mut rows = quads;
        if subject.is_some() || object.is_some() {
            let counted = catalog.count_matches(
                &QuadPattern {
                    subject,
                    predicate,
                    object,
                    ..QuadPattern::any(GraphScope::All)
                },
                COUNT_CAP,
            )? as f64;
            rows = if counted < COUNT_CAP as f64 {
                counted
            } else {
                // At least the cap; past it, the average the statistics give.
                let mut estimate = quads;
                if subject.is_some() {
                    estimate /= subjects.max(1.0);
                }
                if object.is_some() {
                    estimate /= objects.max(1.0);
                }
                estimate.max(counted)
            };
        }
        Ok(PatternFacts {
            rows,
            quads,
            subjects: subjects.max(1.0),
            objects: objects.max(1.0),
            predicate,
            analyzed,
        })
    }

    /// Distinct variables of the BGP.
    pub(crate) fn slot_count(&self) -> usize {
        self.slot_count
    }

    /// Whether pattern `index` was counted to match at most one quad.
    pub(crate) fn at_most_one(&self, index: usize) -> bool {
        self.facts[index].rows <= 1.0
    }

    /// Whether pattern `index` shares a variable with `state`'s bound ones.
    pub(crate) fn connected(&self, state: &JoinState, index: usize) -> bool {
        self.masks[index] & state.bound != 0
    }

    /// The state after joining pattern `index` to `state` (start from [`JoinState::start`]).
    pub(crate) fn join(&self, state: &JoinState, index: usize) -> JoinState {
        self.step(state, index).0
    }

    /// Rows of pattern `index` alone.
    pub(crate) fn pattern_rows(&self, index: usize) -> f64 {
        self.facts[index].rows
    }

    /// [`join`](Self::join), with the share of rows the FILTER conjuncts it lets run keep (the
    /// rows before them are the state's over that share).
    pub(crate) fn step(&self, state: &JoinState, index: usize) -> (JoinState, f64) {
        let pattern = &self.patterns[index];
        let facts = &self.facts[index];
        let [s, p, o] = self.locals[index];
        let (s_domain, o_domain) = (state.domain(s), state.domain(o));
        let fan_out = if state.placed == 0 {
            facts.rows
        } else if !facts.analyzed {
            // No analysis: the old fixed guess, one factor per bound position.
            let mut rows = facts.rows;
            for local in [s, p, o] {
                if state.domain(local).is_some() {
                    rows *= BOUND_SELECTIVITY;
                }
            }
            rows
        } else {
            let constant_subject = matches!(pattern.subject, PatternTerm::Const(_));
            let constant_object = matches!(pattern.object, PatternTerm::Const(_));
            // Matches per value of a bound end, and the chance a bound value occurs there.
            let per_subject = facts.quads / facts.subjects;
            let per_object = facts.quads / facts.objects;
            let has_subject = |domain: f64| (facts.subjects / domain.max(1.0)).min(1.0);
            let has_object = |domain: f64| (facts.objects / domain.max(1.0)).min(1.0);
            match (s_domain, o_domain) {
                (Some(ds), None) if !constant_object => self
                    .star_factor(state, index)
                    .unwrap_or_else(|| per_subject * has_subject(ds)),
                // A constant other end leaves `rows` values here: with the bound values
                // contained in them as far as they go (System R's containment assumption), each
                // of the `ds` values matches with chance rows / ds.
                (Some(ds), None) => (facts.rows / ds.max(1.0)).min(1.0),
                (None, Some(d_o)) if !constant_subject => per_object * has_object(d_o),
                (None, Some(d_o)) => (facts.rows / d_o.max(1.0)).min(1.0),
                (Some(ds), Some(d_o)) => {
                    (facts.quads / (facts.subjects * facts.objects)).min(1.0)
                        * has_subject(ds)
                        * has_object(d_o)
                }
                (None, None) => {
                    // A bound predicate or graph only, or a cross product.
                    let mut rows = facts.rows;
                    if state.domain(p).is_some() {
                        rows *= BOUND_SELECTIVITY;
                    }
                    rows
                }
            }
        };
        // Conjuncts whose last variable this step binds drop their share of its rows.
        let binds = [s, p, o]
            .into_iter()
            .flatten()
            .fold(state.bound, |bits, local| bits | (1 << local));
        let kept: f64 = self
            .filters
            .iter()
            .filter(|(mask, _)| mask & !state.bound != 0 && mask & !binds == 0)
            .map(|(_, selectivity)| selectivity)
            .product();
        let rows = state.rows * fan_out * kept;
        let mut next = *state;
        next.rows = rows;
        next.placed |= 1 << index;
        // A variable takes no more distinct values than there are rows.
        let cap = rows.max(1.0) as f32;
        let mut bound = next.bound;
        while bound != 0 {
            let local = bound.trailing_zeros() as usize;
            bound &= bound - 1;
            if let Some(domain) = next.domains.get_mut(local)
                && *domain > cap
            {
                *domain = cap;
            }
        }
        for (local, distinct) in [(s, facts.subjects), (o, facts.objects), (p, facts.quads)] {
            if let Some(local) = local
                && next.bound & (1 << local) == 0
            {
                next.bound |= 1 << local;
                next.domains[local] = distinct.min(rows).max(1.0) as f32;
            }
        }
        (next, kept)
    }

    /// Rows of the star on pattern `index`'s subject with its predicate added, per row of the
    /// star placed so far, from the characteristic sets.
    fn star_factor(&self, state: &JoinState, index: usize) -> Option<f64> {
        let placed = state.placed & self.star_masks[index];
        if placed == 0 || placed & (1 << index) != 0 {
            return None;
        }
        let before = self.star_rows(placed)?;
        let after = self.star_rows(placed | (1 << index))?;
        (before > 0.0).then(|| after / before)
    }

    /// Expected rows of the star made of the patterns in `set`.
    fn star_rows(&self, set: u64) -> Option<f64> {
        if let Some(known) = self.stars.borrow().get(&set) {
            return *known;
        }
        let rows = self.star_index().map(|(index, positions)| {
            let members = (0..self.facts.len())
                .filter(|i| set & (1 << i) != 0)
                .filter_map(|i| positions[i])
                .fold(0_u64, |bits, position| bits | (1 << position));
            index.estimate(members).1
        });
        self.stars.borrow_mut().insert(set, rows);
        rows
    }

    /// The statistics' star index over the star patterns' predicates, and each pattern's
    /// position among them (a predicate written twice has one).
    fn star_index(&self) -> Option<&(StarIndex, Vec<Option<usize>>)> {
        self.star_index
            .get_or_init(|| {
                let mut predicates: Vec<TermId> = Vec::new();
                let positions = (0..self.facts.len())
                    .map(|i| {
                        let predicate = self.facts[i]
                            .predicate
                            .filter(|_| self.star_masks[i] != 0)?;
                        Some(match predicates.iter().position(|p| *p == predicate) {
                            Some(position) => position,
                            None => {
                                predicates.push(predicate);
                                predicates.len() - 1
                            }
                        })
                    })
                    .collect();
                Some((self.statistics?.star_index(&predicates)?, positions))
            })
            .as_ref()
    }
}
