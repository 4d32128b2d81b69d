//! Semi-naive evaluation over ids, and the two halves of DRed (overdeletion and rederivation).
//!
//! Rules are compiled to atoms over variable slots and constant ids. For each rule and each body
//! atom the join order of the other atoms is fixed once (most bound first), so a round binds the
//! delta fact to one atom and looks the others up through the fact source's indexes.

use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::compile::Program;
use super::facts::{FactSet, Facts, Layered, Pattern, Triple};
use super::{ReasonerError, Violation};
use crate::encoding::{TermId, TermTag};
use crate::sparql::CancellationToken;

/// A position of a compiled atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Slot {
    Var(usize),
    Const(TermId),
}

pub(crate) type Atom = [Slot; 3];

/// A rule over ids, with its join orders.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    pub(crate) name: Arc<str>,
    pub(crate) body: Vec<Atom>,
    /// Empty for a constraint (`=> false`).
    pub(crate) head: Vec<Atom>,
    pub(crate) variables: usize,
    /// Schema facts this rule was specialised on, reported with its violations.
    pub(crate) premises: Vec<Triple>,
    /// For each body atom bound to the delta, the order of the others.
    orders: Vec<Vec<usize>>,
}

impl CompiledRule {
    pub(crate) fn new(name: Arc<str>, body: Vec<Atom>, head: Vec<Atom>, variables: usize) -> Self {
        let orders = (0..body.len())
            .map(|first| {
                let mut bound = vec![false; variables];
                mark_bound(&body[first], &mut bound);
                join_order(&body, &[first], bound)
            })
            .collect();
        Self {
            name,
            body,
            head,
            variables,
            premises: Vec::new(),
            orders,
        }
    }
}

fn mark_bound(atom: &Atom, bound: &mut [bool]) {
    for slot in atom {
        if let Slot::Var(v) = slot {
            bound[*v] = true;
        }
    }
}

/// Greedy order of the atoms not in `skip`: always the one with the most bound positions next.
fn join_order(body: &[Atom], skip: &[usize], mut bound: Vec<bool>) -> Vec<usize> {
    let mut left: Vec<usize> = (0..body.len()).filter(|i| !skip.contains(i)).collect();
    let mut order = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let score = |i: usize| {
            body[i]
                .iter()
                .filter(|slot| match slot {
                    Slot::Const(_) => true,
                    Slot::Var(v) => bound[*v],
                })
                .count()
        };
        let (at, _) = left
            .iter()
            .enumerate()
            .max_by_key(|(_, i)| (score(**i), std::cmp::Reverse(**i)))
            .unwrap_or((0, &0));
        let next = left.remove(at);
        mark_bound(&body[next], &mut bound);
        order.push(next);
    }
    order
}

/// Limits and controls for one run.
pub(crate) struct Budget {
    pub(crate) max_rounds: usize,
    pub(crate) max_derived: usize,
    pub(crate) cancellation: CancellationToken,
    #[cfg(not(target_family = "wasm"))]
    pub(crate) deadline: Option<std::time::Instant>,
}

impl Budget {
    fn check(&self, rounds: usize, derived: usize) -> Result<(), ReasonerError> {
        if self.cancellation.is_cancelled() {
            return Err(ReasonerError::Cancelled);
        }
        #[cfg(not(target_family = "wasm"))]
        if self
            .deadline
            .is_some_and(|deadline| std::time::Instant::now() > deadline)
        {
            return Err(ReasonerError::LimitExceeded(
                "the time limit was reached".into(),
            ));
        }
        if rounds > self.max_rounds {
            return Err(ReasonerError::LimitExceeded(format!(
                "more than {} rounds",
                self.max_rounds
            )));
        }
        if derived > self.max_derived {
            return Err(ReasonerError::LimitExceeded(format!(
                "more than {} derived facts",
                self.max_derived
            )));
        }
        Ok(())
    }
}

/// What a saturation found.
#[derive(Default)]
pub(crate) struct Saturation {
    /// Facts that were not in the base and now hold.
    pub(crate) derived: FactSet,
    /// Facts of the base that some rule derives too (they get the inferred flag).
    pub(crate) rederived_base: FxHashSet<Triple>,
    /// Matches of constraint rules.
    pub(crate) violations: Vec<Violation>,
    /// Rounds run.
    pub(crate) rounds: usize,
}

/// Whether a derived triple can be stored: a subject that is not a literal, an IRI predicate.
fn storable([s, p, _]: &Triple) -> bool {
    !s.tag().is_literal() && p.tag() == TermTag::NamedNode
}

fn resolve(atom: &Atom, bindings: &[Option<TermId>]) -> Pattern {
    atom.map(|slot| match slot {
        Slot::Const(id) => Some(id),
        Slot::Var(v) => bindings[v],
    })
}

/// Binds the atom's variables to `triple`; returns the variables it bound, or `None` on a clash.
fn unify(atom: &Atom, triple: &Triple, bindings: &mut [Option<TermId>]) -> Option<[usize; 3]> {
    let mut newly = [usize::MAX; 3];
    for (i, slot) in atom.iter().enumerate() {
        match *slot {
            Slot::Const(id) => {
                if id != triple[i] {
                    undo(&newly, bindings);
                    return None;
                }
            }
            Slot::Var(v) => match bindings[v] {
                Some(id) if id != triple[i] => {
                    undo(&newly, bindings);
                    return None;
                }
                Some(_) => {}
                None => {
                    bindings[v] = Some(triple[i]);
                    newly[i] = v;
                }
            },
        }
    }
    Some(newly)
}

fn undo(newly: &[usize; 3], bindings: &mut [Option<TermId>]) {
    for &v in newly {
        if v != usize::MAX {
            bindings[v] = None;
        }
    }
}

/// Receives each complete binding of a join; returns whether to go on.
type Found<'f> = dyn FnMut(&[Option<TermId>]) -> Result<bool, ReasonerError> + 'f;

/// Every binding of `body` over `full`, most bound atoms first.
pub(crate) fn join_all(
    body: &[Atom],
    full: &dyn Facts,
    bindings: &mut Vec<Option<TermId>>,
    found: &mut Found<'_>,
) -> Result<bool, ReasonerError> {
    let bound = bindings.iter().map(Option::is_some).collect();
    let order = join_order(body, &[], bound);
    join(body, &order, full, bindings, found)
}

/// Every extension of `bindings` that matches the atoms of `order` in `full`; `found` gets each
/// complete binding and returns whether to go on.
fn join<F: Facts + ?Sized>(
    body: &[Atom],
    order: &[usize],
    full: &F,
    bindings: &mut Vec<Option<TermId>>,
    found: &mut Found<'_>,
) -> Result<bool, ReasonerError> {
    let Some((&first, rest)) = order.split_first() else {
        return found(bindings);
    };
    let atom = &body[first];
    let pattern = resolve(atom, bindings);
    full.scan(
        pattern,
        &mut |triple| match unify(atom, &triple, bindings) {
            None => Ok(true),
            Some(newly) => {
                let go_on = join(body, rest, full, bindings, found);
                undo(&newly, bindings);
                go_on
            }
        },
    )
}

fn instantiate(atom: &Atom, bindings: &[Option<TermId>]) -> Option<Triple> {
    let [s, p, o] = resolve(atom, bindings);
    Some([s?, p?, o?])
}

/// What a share of one round's rules found.
#[derive(Default)]
struct Findings {
    /// Facts in neither the base nor the derived set.
    new: FactSet,
    /// Facts of the base some rule derives.
    rederived: FxHashSet<Triple>,
    violations: Violations,
}

/// The facts of one round, and what to check a derived fact against.
struct Round<'a, F: Facts + ?Sized> {
    program: &'a Program,
    delta: &'a FactSet,
    extra: &'a FactSet,
    base: &'a F,
    derived: &'a FactSet,
    full: &'a F,
}

impl<F: Facts + ?Sized> Round<'_, F> {
    /// Fires `rules` with each of their body atoms bound to a fact of the delta.
    fn fire<'r>(
        &self,
        rules: impl Iterator<Item = &'r CompiledRule>,
        found: &mut Findings,
    ) -> Result<(), ReasonerError> {
        let keep = |triple: &Triple| storable(triple) && self.program.keeps(triple);
        for rule in rules.filter(|rule| !rule.body.is_empty()) {
            let mut bindings = vec![None; rule.variables];
            for (position, atom) in rule.body.iter().enumerate() {
                let pattern = resolve(atom, &bindings);
                // No delta fact for this atom, or an atom nothing in the closure matches yet,
                // stops the rule for this round. The delta is asked first: it is in memory, and
                // small when maintaining, where the closure is the store.
                if !matches_any(self.delta, pattern)? && !matches_any(self.extra, pattern)? {
                    continue;
                }
                if !others_can_match(rule, position, self.full)? {
                    continue;
                }
                let order = &rule.orders[position];
                let mut each = |triple: Triple| {
                    let Some(newly) = unify(atom, &triple, &mut bindings) else {
                        return Ok(true);
                    };
                    let go_on = join(&rule.body, order, self.full, &mut bindings, &mut |b| {
                        if rule.head.is_empty() {
                            found.violations.record(rule, b);
                            return Ok(true);
                        }
                        for atom in &rule.head {
                            let Some(triple) = instantiate(atom, b) else {
                                continue;
                            };
                            if !keep(&triple) || found.new.has(&triple) {
                                continue;
                            }
                            if self.derived.has(&triple) {
                                continue;
                            }
                            if self.base.contains(&triple)? {
                                found.rederived.insert(triple);
                            } else {
                                found.new.insert(triple);
                            }
                        }
                        Ok(true)
                    });
                    undo(&newly, &mut bindings);
                    go_on
                };
                self.delta.scan(pattern, &mut each)?;
                self.extra.scan(pattern, &mut each)?;
            }
        }
        Ok(())
    }
}

/// Threads a round's rules are shared among: one where there are no threads, or where the
/// base cannot be shared with them, or the round is too small to pay for them.
fn shares(base: &dyn Facts, delta: usize) -> usize {
    /// Delta facts below which one thread is faster.
    const PARALLEL_DELTA: usize = 50_000;
    if cfg!(target_family = "wasm") || delta < PARALLEL_DELTA || base.as_sync().is_none() {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Runs `rules` to a fixpoint from `delta` (facts new to the rules, already in `base`): every
/// consequence not in `base` ends in [`Saturation::derived`].
pub(crate) fn saturate(
    program: &Program,
    base: &dyn Facts,
    first_delta: &FactSet,
    budget: &Budget,
) -> Result<Saturation, ReasonerError> {
    let rules = &program.rules;
    let mut out = Saturation::default();
    let mut violations = Violations::default();
    let mut owned_delta: Option<FactSet> = None;
    // Facts (rules without body) hold from the start.
    let mut next = FactSet::default();
    for rule in rules.iter().filter(|rule| rule.body.is_empty()) {
        for atom in &rule.head {
            if let Some(triple) = instantiate(atom, &[]) {
                if base.contains(&triple)? {
                    out.rederived_base.insert(triple);
                } else {
                    next.insert(triple);
                }
            }
        }
    }
    for triple in next.iter() {
        out.derived.insert(*triple);
    }
    // Round one sees the given delta and the facts of bodiless rules.
    let mut first = true;
    loop {
        let delta: &FactSet = match (&owned_delta, first) {
            (_, true) => first_delta,
            (Some(delta), false) => delta,
            (None, false) => break,
        };
        let extra: &FactSet = if first { &next } else { &EMPTY };
        if delta.is_empty() && extra.is_empty() {
            break;
        }
        out.rounds += 1;
        budget.check(out.rounds, out.derived.len())?;
        tracing::trace!(
            round = out.rounds,
            delta = delta.len() + extra.len(),
            derived = out.derived.len(),
            "reasoning round"
        );
        let shares = shares(base, delta.len() + extra.len());
        let mut found = Findings::default();
        match base.as_sync() {
            Some(sync_base) if shares > 1 => {
                let full = Layered {
                    base: sync_base,
                    added: &out.derived,
                    removed: None,
                };
                let full: &(dyn Facts + Sync) = &full;
                let round = Round {
                    program,
                    delta,
                    extra,
                    base: sync_base,
                    derived: &out.derived,
                    full,
                };
                // Rule `i` goes to share `i % shares`: specialised rules of one kind sit
                // together, so this spreads each kind over every thread.
                let each_share = |share: usize| {
                    let mut found = Findings::default();
                    let rules = rules.iter().skip(share).step_by(shares);
                    round.fire(rules, &mut found).map(|()| found)
                };
                let parts = std::thread::scope(|scope| {
                    let workers: Vec<_> = (1..shares)
                        .map(|share| scope.spawn(move || each_share(share)))
                        .collect();
                    let mine = each_share(0);
                    let theirs: Vec<_> = workers
                        .into_iter()
                        .map(|worker| {
                            worker
                                .join()
                                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                        })
                        .collect();
                    std::iter::once(mine).chain(theirs).collect::<Vec<_>>()
                });
                for part in parts {
                    found.merge(part?);
                }
            }
            _ => {
                let full = Layered {
                    base,
                    added: &out.derived,
                    removed: None,
                };
                let full: &dyn Facts = &full;
                let round = Round {
                    program,
                    delta,
                    extra,
                    base,
                    derived: &out.derived,
                    full,
                };
                round.fire(rules.iter(), &mut found)?;
            }
        }
        let Findings {
            new,
            rederived,
            violations: round_violations,
        } = found;
        out.rederived_base.extend(rederived);
        violations.merge(round_violations);
        for triple in new.iter() {
            out.derived.insert(*triple);
        }
        budget.check(out.rounds, out.derived.len())?;
        first = false;
        owned_delta = Some(new);
    }
    out.violations = violations.list;
    Ok(out)
}

impl Findings {
    /// Adds what another share found, after this one's (so a run stays deterministic).
    fn merge(&mut self, other: Self) {
        if self.new.is_empty() {
            self.new = other.new;
        } else {
            for triple in other.new.iter() {
                self.new.insert(*triple);
            }
        }
        self.rederived.extend(other.rederived);
        self.violations.merge(other.violations);
    }
}

/// Whether some fact of `facts` matches `pattern`.
fn matches_any(facts: &FactSet, pattern: Pattern) -> Result<bool, ReasonerError> {
    // `scan` answers false when the callback stopped it, that is, when something matched.
    Ok(!facts.scan(pattern, &mut |_| Ok(false))?)
}

/// Whether every body atom but `position` matches some fact of `full` (by its constants alone):
/// if one matches nothing, no delta fact bound at `position` can complete the rule.
fn others_can_match<F: Facts + ?Sized>(
    rule: &CompiledRule,
    position: usize,
    full: &F,
) -> Result<bool, ReasonerError> {
    for (other, atom) in rule.body.iter().enumerate() {
        if other == position {
            continue;
        }
        let pattern = atom.map(|slot| match slot {
            Slot::Const(id) => Some(id),
            Slot::Var(_) => None,
        });
        if pattern.iter().all(Option::is_none) {
            continue;
        }
        // `scan` answers false when the callback stopped it, that is, when something matched.
        if full.scan(pattern, &mut |_| Ok(false))? {
            return Ok(false);
        }
    }
    Ok(true)
}

static EMPTY: std::sync::LazyLock<FactSet> = std::sync::LazyLock::new(FactSet::default);

/// Every match of a constraint rule over `full`.
pub(crate) fn violations(
    program: &Program,
    full: &dyn Facts,
) -> Result<Vec<Violation>, ReasonerError> {
    let mut violations = Violations::default();
    for rule in program
        .rules
        .iter()
        .filter(|rule| rule.head.is_empty() && !rule.body.is_empty())
    {
        let mut bindings = vec![None; rule.variables];
        join_all(&rule.body, full, &mut bindings, &mut |b| {
            violations.record(rule, b);
            Ok(true)
        })?;
    }
    Ok(violations.list)
}

/// Matches of constraint rules, each once.
#[derive(Default)]
struct Violations {
    seen: FxHashSet<(Arc<str>, Vec<Triple>)>,
    list: Vec<Violation>,
}

impl Violations {
    /// Adds the matches of `other` this one lacks, after its own.
    fn merge(&mut self, other: Self) {
        for violation in other.list {
            let key = (Arc::from(violation.rule.as_str()), violation.facts.clone());
            if self.seen.insert(key) {
                self.list.push(violation);
            }
        }
    }

    /// Records the match `bindings` of `rule`: its body's triples and the schema facts it was
    /// specialised on.
    fn record(&mut self, rule: &CompiledRule, bindings: &[Option<TermId>]) {
        let facts: Vec<Triple> = rule
            .body
            .iter()
            .filter_map(|atom| instantiate(atom, bindings))
            .chain(rule.premises.iter().copied())
            .collect();
        if self.seen.insert((rule.name.clone(), facts.clone())) {
            self.list.push(Violation {
                rule: rule.name.to_string(),
                facts,
            });
        }
    }
}

/// DRed's first half: every fact of `full` (the state before the deletion) that has a derivation
/// using a fact of `deleted` or, transitively, of what this overdeletes. `keeps(triple)` says a
/// fact stays present whatever happens (it is still explicit): it is returned in the second set
/// (it may lose its inferred flag) but its consequences are not followed.
pub(crate) fn overdelete(
    program: &Program,
    full: &dyn Facts,
    deleted: &FactSet,
    keeps: &dyn Fn(&Triple) -> Result<bool, ReasonerError>,
    budget: &Budget,
) -> Result<(FactSet, FxHashSet<Triple>), ReasonerError> {
    let rules = &program.rules;
    let mut gone = FactSet::default();
    let mut kept = FxHashSet::default();
    let mut delta = FactSet::default();
    for triple in deleted.iter() {
        gone.insert(*triple);
        delta.insert(*triple);
    }
    let mut rounds = 0;
    while !delta.is_empty() {
        rounds += 1;
        budget.check(rounds, gone.len())?;
        let mut new = FactSet::default();
        for rule in rules
            .iter()
            .filter(|rule| !rule.body.is_empty() && !rule.head.is_empty())
        {
            let mut bindings = vec![None; rule.variables];
            for (position, atom) in rule.body.iter().enumerate() {
                let order = &rule.orders[position];
                delta.scan(resolve(atom, &bindings), &mut |triple| {
                    let Some(newly) = unify(atom, &triple, &mut bindings) else {
                        return Ok(true);
                    };
                    let go_on = join(&rule.body, order, full, &mut bindings, &mut |b| {
                        for atom in &rule.head {
                            let Some(triple) = instantiate(atom, b) else {
                                continue;
                            };
                            if gone.has(&triple) || new.has(&triple) || kept.contains(&triple) {
                                continue;
                            }
                            if !full.contains(&triple)? {
                                continue;
                            }
                            if keeps(&triple)? {
                                kept.insert(triple);
                            } else {
                                new.insert(triple);
                            }
                        }
                        Ok(true)
                    });
                    undo(&newly, &mut bindings);
                    go_on
                })?;
            }
        }
        for triple in new.iter() {
            gone.insert(*triple);
        }
        delta = new;
    }
    Ok((gone, kept))
}

/// DRed's second half: whether some rule derives `triple` in one step from `full`.
pub(crate) fn derivable(
    program: &Program,
    full: &dyn Facts,
    triple: &Triple,
) -> Result<bool, ReasonerError> {
    // What saturation never derives, rederivation must not either.
    if !storable(triple) || !program.keeps(triple) {
        return Ok(false);
    }
    for rule in &program.rules {
        for head in &rule.head {
            let mut bindings = vec![None; rule.variables];
            if unify(head, triple, &mut bindings).is_none() {
                continue;
            }
            if rule.body.is_empty() {
                return Ok(true);
            }
            let mut found = false;
            join_all(&rule.body, full, &mut bindings, &mut |_| {
                found = true;
                Ok(false)
            })?;
            if found {
                return Ok(true);
            }
        }
    }
    Ok(false)
}
