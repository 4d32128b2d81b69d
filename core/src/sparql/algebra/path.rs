//! Property paths of the plan.

use super::{GraphTarget, PatternTerm};
use crate::encoding::TermId;

/// A compiled property path.
#[derive(Debug, Clone)]
pub enum PathExpr {
    /// One predicate (`None`: unknown to the store, matches nothing).
    Predicate(Option<TermId>),
    /// `^p`
    Reverse(Box<PathExpr>),
    /// `a / b`
    Sequence(Box<PathExpr>, Box<PathExpr>),
    /// `a | b`
    Alternative(Box<PathExpr>, Box<PathExpr>),
    /// `p*`
    ZeroOrMore(Box<PathExpr>),
    /// `p+`
    OneOrMore(Box<PathExpr>),
    /// `p?`
    ZeroOrOne(Box<PathExpr>),
    /// `!(p1 | p2 …)` (ids the store knows; unknown ones exclude nothing).
    Negated(Vec<TermId>),
}

/// A path pattern in a plan.
#[derive(Debug, Clone)]
pub struct PathNode {
    /// Start.
    pub subject: PatternTerm,
    /// The path.
    pub path: PathExpr,
    /// End.
    pub object: PatternTerm,
    /// The graph it runs in.
    pub graph: GraphTarget,
}
