//! FILTER push-down into a basic graph pattern's join chain.
//!
//! A FILTER over a BGP is a conjunction; each conjunct can run as soon as the patterns joined so
//! far bind every variable it reads, which drops rows before the later joins look them up. A
//! conjunct is true, false or an error on a row no matter where it runs once its variables are
//! bound, and FILTER drops a row on false and on error alike, so moving it changes no answer.
//! Conjuncts with `EXISTS` (whose pattern sees the whole row) stay on top.

use std::collections::HashSet;

use super::cost::FilterHint;
use super::intersect::node_patterns;
use crate::sparql::algebra::{Expr, PatternTerm, PlanNode, Slot};

/// `FILTER(expr)` over `inner`, with the conjuncts of `expr` placed in `inner`'s join chain
/// where their variables are bound (or on top).
pub(crate) fn filter(expr: Expr, inner: PlanNode) -> PlanNode {
    if let PlanNode::Pattern(mut pattern) = inner {
        let mut conjuncts = Vec::new();
        split_ref(&expr, &mut conjuncts);
        super::range::narrow(&mut pattern, conjuncts);
        return PlanNode::Filter(expr, Box::new(PlanNode::Pattern(pattern)));
    }
    if let PlanNode::HashJoin(left, right) = inner {
        return split_filter(expr, *left, *right);
    }
    if !is_chain(&inner) {
        return PlanNode::Filter(expr, Box::new(inner));
    }
    let mut steps = Vec::new();
    unchain(inner, &mut steps);
    let mut conjuncts = Vec::new();
    split(expr, &mut conjuncts);
    // For each conjunct, the first step after which it can run (the last one if none earlier).
    let last = steps.len() - 1;
    let mut placed: Vec<Vec<Expr>> = vec![Vec::new(); steps.len()];
    let mut bound: Vec<HashSet<Slot>> = Vec::with_capacity(steps.len());
    let mut so_far = HashSet::new();
    for step in &steps {
        for pattern in node_patterns(step) {
            for slot in pattern.slots() {
                so_far.insert(slot);
            }
        }
        bound.push(so_far.clone());
    }
    for conjunct in conjuncts {
        let position = variables(&conjunct)
            .and_then(|vars| bound.iter().position(|b| vars.is_subset(b)))
            .unwrap_or(last);
        placed[position].push(conjunct);
    }
    let mut node: Option<PlanNode> = None;
    for (index, (mut step, filters)) in steps.into_iter().zip(placed).enumerate() {
        // A range on the object a pattern binds lets its scan skip what the conjuncts drop.
        if let PlanNode::Pattern(pattern) = &mut step
            && let PatternTerm::Slot(object) = pattern.object
            && (index == 0 || !bound[index - 1].contains(&object))
        {
            super::range::narrow(pattern, &filters);
        }
        let mut next = match node {
            None => step,
            Some(left) => PlanNode::Join(Box::new(left), Box::new(step)),
        };
        for conjunct in filters {
            next = PlanNode::Filter(conjunct, Box::new(next));
        }
        node = Some(next);
    }
    node.unwrap_or(PlanNode::Unit)
}

/// `FILTER(expr)` over two hash-joined halves of a BGP: each conjunct that reads only one half's
/// variables goes into that half's chain (both halves bind all their variables, so it sees the
/// same values there); the rest run on top.
fn split_filter(expr: Expr, left: PlanNode, right: PlanNode) -> PlanNode {
    let mut conjuncts = Vec::new();
    split(expr, &mut conjuncts);
    let slots = |node: &PlanNode| node.chain_slots().into_iter().collect::<HashSet<Slot>>();
    let (left_slots, right_slots) = (slots(&left), slots(&right));
    let (mut to_left, mut to_right, mut on_top) = (Vec::new(), Vec::new(), Vec::new());
    for conjunct in conjuncts {
        match variables(&conjunct) {
            Some(vars) if vars.is_subset(&left_slots) => to_left.push(conjunct),
            Some(vars) if vars.is_subset(&right_slots) => to_right.push(conjunct),
            _ => on_top.push(conjunct),
        }
    }
    let side = |conjuncts: Vec<Expr>, node: PlanNode| match conjoin(conjuncts) {
        Some(expr) => filter(expr, node),
        None => node,
    };
    let mut node = PlanNode::HashJoin(
        Box::new(side(to_left, left)),
        Box::new(side(to_right, right)),
    );
    for conjunct in on_top {
        node = PlanNode::Filter(conjunct, Box::new(node));
    }
    node
}

/// The conjunction of `conjuncts`, if there are any.
fn conjoin(conjuncts: Vec<Expr>) -> Option<Expr> {
    conjuncts
        .into_iter()
        .reduce(|a, b| Expr::And(Box::new(a), Box::new(b)))
}

/// Whether `node` is a left-deep chain of joins of patterns and intersections.
fn is_chain(node: &PlanNode) -> bool {
    match node {
        PlanNode::Pattern(_) | PlanNode::Intersect(..) => true,
        PlanNode::Join(left, right) => {
            matches!(**right, PlanNode::Pattern(_) | PlanNode::Intersect(..)) && is_chain(left)
        }
        _ => false,
    }
}

/// The steps of a chain (see [`is_chain`]), in join order.
fn unchain(node: PlanNode, out: &mut Vec<PlanNode>) {
    match node {
        PlanNode::Join(left, right) => {
            unchain(*left, out);
            out.push(*right);
        }
        step => out.push(step),
    }
}

/// What the join order of a BGP under `FILTER(expr)` needs to know of each conjunct (those that
/// must see the whole row are left out: they run on top).
pub(crate) fn hints(expr: &Expr) -> Vec<FilterHint> {
    let mut conjuncts = Vec::new();
    split_ref(expr, &mut conjuncts);
    conjuncts
        .into_iter()
        .filter_map(|conjunct| {
            let slots = variables(conjunct)?;
            Some(FilterHint::new(conjunct, slots.into_iter().collect()))
        })
        .collect()
}

fn split_ref<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::And(a, b) => {
            split_ref(a, out);
            split_ref(b, out);
        }
        other => out.push(other),
    }
}

fn split(expr: Expr, out: &mut Vec<Expr>) {
    match expr {
        Expr::And(a, b) => {
            split(*a, out);
            split(*b, out);
        }
        other => out.push(other),
    }
}

/// The variables `expr` reads, or `None` if it must see the whole row (`EXISTS`).
fn variables(expr: &Expr) -> Option<HashSet<Slot>> {
    let mut out = HashSet::new();
    collect(expr, &mut out).then_some(out)
}

fn collect(expr: &Expr, out: &mut HashSet<Slot>) -> bool {
    match expr {
        Expr::Const(_) => true,
        Expr::Slot(slot) | Expr::Bound(slot) => {
            out.insert(*slot);
            true
        }
        Expr::Exists(_) => false,
        Expr::Or(a, b)
        | Expr::And(a, b)
        | Expr::Equal(a, b)
        | Expr::SameTerm(a, b)
        | Expr::Compare(a, b, _)
        | Expr::Arithmetic(a, b, _) => collect(a, out) && collect(b, out),
        Expr::Negate(a, _) | Expr::Not(a) | Expr::IsIri(a, _) => collect(a, out),
        Expr::In(a, list) => collect(a, out) && list.iter().all(|e| collect(e, out)),
        Expr::If(a, b, c) => collect(a, out) && collect(b, out) && collect(c, out),
        Expr::Coalesce(list) | Expr::Call(_, list) | Expr::Custom(_, list) => {
            list.iter().all(|e| collect(e, out))
        }
    }
}
