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
//!   chances above.

use std::collections::HashMap;

use super::Catalog;
use crate::encoding::TermId;
use crate::sparql::QueryError;
use crate::sparql::algebra::{PatternTerm, QuadPatternNode, Slot};
use crate::storage::{GraphScope, QuadPattern, Statistics};

/// The share of a pattern's quads one bound position keeps when nothing better is known.
pub(crate) const BOUND_SELECTIVITY: f64 = 0.05;

/// Most index entries read to count a pattern with a constant subject or object exactly.
const COUNT_CAP: usize = 1024;

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
    statistics: Option<Statistics>,
}

/// A partial left-deep join: estimated rows and each bound slot's distinct values.
#[derive(Debug, Clone, Default)]
pub(crate) struct JoinState {
    pub(crate) rows: f64,
    domains: HashMap<Slot, f64>,
    /// For each subject slot, the constant predicates of the placed patterns on it with a free
    /// object: a star the characteristic sets can estimate.
    stars: HashMap<Slot, Vec<TermId>>,
}

impl JoinState {
    /// Before the first pattern: one row, nothing bound.
    pub(crate) fn start() -> Self {
        Self {
            rows: 1.0,
            ..Self::default()
        }
    }

    /// Whether `slot` is bound.
    pub(crate) fn binds(&self, slot: Slot) -> bool {
        self.domains.contains_key(&slot)
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
        catalog: &dyn Catalog,
        patterns: &'p [QuadPatternNode],
    ) -> Result<Self, QueryError> {
        let statistics = catalog.statistics()?;
        let total = catalog.quad_count()? as f64;
        let mut facts = Vec::with_capacity(patterns.len());
        for pattern in patterns {
            facts.push(Self::facts(catalog, statistics.as_ref(), pattern, total)?);
        }
        Ok(Self {
            patterns,
            facts,
            statistics,
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

    /// Whether pattern `index` shares a variable with `state`'s bound ones.
    pub(crate) fn connected(&self, state: &JoinState, index: usize) -> bool {
        let pattern = &self.patterns[index];
        [pattern.subject, pattern.predicate, pattern.object]
            .into_iter()
            .filter_map(slot)
            .any(|s| state.binds(s))
    }

    /// The state after joining pattern `index` to `state` (the start state is the default one,
    /// with one row).
    pub(crate) fn join(&self, state: &JoinState, index: usize) -> JoinState {
        let pattern = &self.patterns[index];
        let facts = &self.facts[index];
        let (s, p, o) = (
            slot(pattern.subject),
            slot(pattern.predicate),
            slot(pattern.object),
        );
        let bound = |slot: Option<Slot>| slot.and_then(|s| state.domains.get(&s).copied());
        let (s_domain, o_domain) = (bound(s), bound(o));
        let first = state.domains.is_empty() && state.rows <= 1.0;
        let fan_out = if first {
            facts.rows
        } else if !facts.analyzed {
            // No analysis: the old fixed guess, one factor per bound position.
            let mut rows = facts.rows;
            for slot in [s, p, o].into_iter().flatten() {
                if state.binds(slot) {
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
                (Some(ds), None) if !constant_object => {
                    let star = s.zip(facts.predicate).and_then(|(slot, predicate)| {
                        self.star_factor(state.stars.get(&slot), predicate)
                    });
                    star.unwrap_or_else(|| per_subject * has_subject(ds))
                }
                (Some(ds), None) => facts.rows / facts.subjects * has_subject(ds),
                (None, Some(d_o)) if !constant_subject => per_object * has_object(d_o),
                (None, Some(d_o)) => facts.rows / facts.objects * has_object(d_o),
                (Some(ds), Some(d_o)) => {
                    (facts.quads / (facts.subjects * facts.objects)).min(1.0)
                        * has_subject(ds)
                        * has_object(d_o)
                }
                (None, None) => {
                    // A bound predicate or graph only, or a cross product.
                    let mut rows = facts.rows;
                    if p.is_some_and(|p| state.binds(p)) {
                        rows *= BOUND_SELECTIVITY;
                    }
                    rows
                }
            }
        };
        let rows = state.rows * fan_out;
        let mut next = state.clone();
        next.rows = rows;
        for domain in next.domains.values_mut() {
            *domain = domain.min(rows.max(1.0));
        }
        let mut bind = |slot: Option<Slot>, distinct: f64| {
            if let Some(slot) = slot {
                next.domains
                    .entry(slot)
                    .or_insert_with(|| distinct.min(rows).max(1.0));
            }
        };
        bind(s, facts.subjects);
        bind(o, facts.objects);
        bind(p, facts.quads);
        if let (Some(subject), Some(predicate), None) = (s, facts.predicate, o_domain)
            && !matches!(pattern.object, PatternTerm::Const(_))
        {
            let star = next.stars.entry(subject).or_default();
            if let Err(at) = star.binary_search(&predicate) {
                star.insert(at, predicate);
            }
        }
        next
    }

    /// Rows of the star on a subject with `predicate` added, per row of the star so far, from
    /// the characteristic sets.
    fn star_factor(&self, star: Option<&Vec<TermId>>, predicate: TermId) -> Option<f64> {
        let statistics = self.statistics.as_ref()?;
        let star = star?;
        if star.contains(&predicate) {
            return None;
        }
        let (_, before) = statistics.star(star)?;
        let mut with = star.clone();
        if let Err(at) = with.binary_search(&predicate) {
            with.insert(at, predicate);
        }
        let (_, after) = statistics.star(&with)?;
        (before > 0.0).then(|| after / before)
    }
}
