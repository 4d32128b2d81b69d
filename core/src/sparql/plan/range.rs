//! Key ranges from range FILTERs: `?d >= "2008-01-01T00:00:00"^^xsd:dateTime && ?d < …` (or
//! `?n = 5`) over a pattern whose object is `?d`.
//!
//! Inline ids of one tag sort by value (integers by value, date-times by instant), so the values a
//! comparison with a constant can accept are one id range within the tag. Objects of that tag
//! outside it are skipped by the scan; everything else (other tags, and literals kept in the
//! dictionary because their lexical form is not canonical, like `"09"^^xsd:integer`) is still
//! read, and the FILTER still runs on every row: the range only saves reading rows it would drop.

use std::cmp::Ordering;

use oxrdf::Term;

use crate::encoding::{TermId, inline_bound};
use crate::sparql::algebra::{Expr, PatternTerm, QuadPatternNode, Slot};

/// Narrows `pattern`'s object range with the conjuncts that compare its object variable with a
/// constant (the conjuncts run over the pattern's rows; the object must be a variable it binds).
pub(crate) fn narrow<'e>(
    pattern: &mut QuadPatternNode,
    conjuncts: impl IntoIterator<Item = &'e Expr>,
) {
    let PatternTerm::Slot(object) = pattern.object else {
        return;
    };
    for conjunct in conjuncts {
        let Some((low, high)) = range(conjunct, object) else {
            continue;
        };
        pattern.object_range = Some(match pattern.object_range {
            None => (low, high),
            Some((l, h)) if l.tag() == low.tag() => (l.max(low), h.min(high)),
            // Two ranges in different tags: no value passes both; keep one, the FILTER decides.
            Some(kept) => kept,
        });
    }
}

/// The id range a comparison of `slot` with an integer or date-time constant accepts (`=` is
/// the comparison that accepts only equal values).
fn range(conjunct: &Expr, slot: Slot) -> Option<(TermId, TermId)> {
    let (a, b, accepted): (_, _, &[Ordering]) = match conjunct {
        Expr::Compare(a, b, accepted) => (a, b, accepted),
        Expr::Equal(a, b) => (a, b, &[Ordering::Equal]),
        _ => return None,
    };
    // The orderings of `slot` against the constant that pass.
    let (literal, flip) = match (a.as_ref(), b.as_ref()) {
        (Expr::Slot(s), Expr::Const(Term::Literal(literal))) if *s == slot => (literal, false),
        (Expr::Const(Term::Literal(literal)), Expr::Slot(s)) if *s == slot => (literal, true),
        _ => return None,
    };
    let passes =
        |ordering: Ordering| accepted.contains(&if flip { ordering.reverse() } else { ordering });
    // Below the constant fails: the range starts at it; above fails: it ends there.
    let low = if passes(Ordering::Less) {
        None
    } else {
        Some(inline_bound(literal, false)?)
    };
    let high = if passes(Ordering::Greater) {
        None
    } else {
        Some(inline_bound(literal, true)?)
    };
    let tag = low.or(high)?.tag();
    Some((
        low.unwrap_or(TermId::new(tag, 0)),
        high.unwrap_or(TermId::new(tag, TermId::MAX_PAYLOAD)),
    ))
}
