use oxrdf::Variable;

use super::{Aggregate, Expr, PathNode};
use crate::encoding::TermId;

/// A column of the rows operators exchange: each query variable (and each blank node of the query
/// pattern, which acts as a variable) gets one.
pub type Slot = usize;

/// One position of a quad pattern in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternTerm {
    /// A constant known to the store.
    Const(TermId),
    /// A constant the store has never seen: the pattern cannot match.
    Absent,
    /// A variable.
    Slot(Slot),
}

/// Which graph a quad pattern reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphTarget {
    /// The active default graph: the store's default graph, or the FROM graphs merged.
    DefaultGraph,
    /// A named graph given by a constant or a variable, ranging over the query's named graphs.
    Named(PatternTerm),
}

/// A quad pattern in a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuadPatternNode {
    /// Subject.
    pub subject: PatternTerm,
    /// Predicate.
    pub predicate: PatternTerm,
    /// Object.
    pub object: PatternTerm,
    /// Graph.
    pub graph: GraphTarget,
    /// Inclusive ends, of one inline tag, of the object ids a FILTER over this pattern can let
    /// through: objects of that tag outside them fail it, so scans may skip them (every other
    /// object is read, and the FILTER still runs). Set by FILTER push-down.
    pub object_range: Option<(TermId, TermId)>,
}

impl QuadPatternNode {
    /// The pattern's variables, its graph's included.
    pub(crate) fn slots(&self) -> impl Iterator<Item = Slot> + '_ {
        let graph = match self.graph {
            GraphTarget::Named(PatternTerm::Slot(slot)) => Some(slot),
            _ => None,
        };
        [self.subject, self.predicate, self.object]
            .into_iter()
            .filter_map(|term| match term {
                PatternTerm::Slot(slot) => Some(slot),
                _ => None,
            })
            .chain(graph)
    }
}

/// A node of the logical plan: the SPARQL algebra with variables resolved to slots and constants
/// resolved to ids.
#[derive(Debug, Clone)]
pub enum PlanNode {
    /// One row with nothing bound.
    Unit,
    /// A quad pattern.
    Pattern(QuadPatternNode),
    /// Quad patterns that share one variable (the slot) and have every other position bound
    /// by the rows they are joined with: their matches are intersected by leapfrog seeks over
    /// sorted index scans, never read in full. Two or more patterns, in join order.
    Intersect(Vec<QuadPatternNode>, Slot),
    /// A property path.
    Path(PathNode),
    /// One row per named graph of the dataset, binding the graph variable (or one row if the
    /// named graph exists): what `GRAPH ?g { … }` ranges over.
    NamedGraph(PatternTerm),
    /// Unifies a graph variable (first slot) with the graph being read (second slot): binds it
    /// if unbound, drops the row if it differs.
    BindGraph(Box<PlanNode>, Slot, Slot),
    /// A `SERVICE` call: endpoint, the pattern sent, the slots of its variables, `SILENT`.
    Service(
        ServiceEndpoint,
        Box<spargebra::algebra::GraphPattern>,
        Vec<(oxrdf::Variable, Slot)>,
        bool,
    ),
    /// Inner join.
    Join(Box<PlanNode>, Box<PlanNode>),
    /// Inner join of two parts of one BGP, each evaluated once: the right one is held in
    /// memory, hashed on the variables all its rows bind (see `plan::order`).
    HashJoin(Box<PlanNode>, Box<PlanNode>),
    /// Left outer join, with the OPTIONAL's filter.
    LeftJoin(Box<PlanNode>, Box<PlanNode>, Option<Expr>),
    /// Keeps the rows for which the expression is true.
    Filter(Expr, Box<PlanNode>),
    /// Concatenation.
    Union(Vec<PlanNode>),
    /// Binds a slot to an expression's value (BIND).
    Extend(Box<PlanNode>, Slot, Expr),
    /// Rows of the left side with no compatible row on the right sharing a variable.
    Minus(Box<PlanNode>, Box<PlanNode>),
    /// Inline rows (VALUES).
    Values(Vec<Vec<Option<TermId>>>, Vec<Slot>),
    /// Sorts by keys (expression, descending?); with a count, only that many first rows are
    /// needed (a LIMIT above), so the sort keeps no more than that (top-k).
    OrderBy(Box<PlanNode>, Vec<(Expr, bool)>, Option<usize>),
    /// Keeps only these slots bound.
    Project(Box<PlanNode>, Vec<Slot>),
    /// Removes duplicate rows.
    Distinct(Box<PlanNode>),
    /// Groups by the key slots and computes aggregates into their slots.
    Group(Box<PlanNode>, Vec<Slot>, Vec<(Slot, Aggregate)>),
    /// Skips then limits.
    Slice(Box<PlanNode>, usize, Option<usize>),
}

impl PlanNode {
    /// The variables every row of a join chain binds (patterns, intersections, the joins of them
    /// and filters over them); none for other nodes.
    pub(crate) fn chain_slots(&self) -> Vec<Slot> {
        match self {
            Self::Pattern(pattern) => pattern.slots().collect(),
            Self::Intersect(patterns, _) => {
                patterns.iter().flat_map(QuadPatternNode::slots).collect()
            }
            Self::Join(left, right) | Self::HashJoin(left, right) => {
                let mut slots = left.chain_slots();
                slots.extend(right.chain_slots());
                slots
            }
            Self::Filter(_, inner) => inner.chain_slots(),
            _ => Vec::new(),
        }
    }

    /// The operator's inputs (the patterns inside its expressions' EXISTS not included).
    pub(crate) fn children(&self) -> Vec<&PlanNode> {
        match self {
            Self::Unit
            | Self::Pattern(_)
            | Self::Intersect(..)
            | Self::Path(_)
            | Self::NamedGraph(_)
            | Self::Service(..)
            | Self::Values(..) => Vec::new(),
            Self::Join(left, right)
            | Self::HashJoin(left, right)
            | Self::LeftJoin(left, right, _)
            | Self::Minus(left, right) => {
                vec![left, right]
            }
            Self::Union(children) => children.iter().collect(),
            Self::BindGraph(inner, ..)
            | Self::Filter(_, inner)
            | Self::Extend(inner, ..)
            | Self::OrderBy(inner, ..)
            | Self::Project(inner, _)
            | Self::Distinct(inner)
            | Self::Group(inner, ..)
            | Self::Slice(inner, ..) => vec![inner],
        }
    }
}

/// What a query returns, with its plan.
#[derive(Debug, Clone)]
pub enum QueryForm {
    /// Solutions over these variables (slot order).
    Select(Vec<(Variable, Slot)>),
    /// Whether there is a solution.
    Ask,
    /// Triples built from the template for each solution.
    Construct(Vec<TemplateTriple>),
    /// Concise bounded descriptions of these resources.
    Describe(Vec<TemplateTerm>),
}

/// A position in a CONSTRUCT template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateTerm {
    /// A constant term.
    Term(oxrdf::Term),
    /// A blank node, fresh for each solution.
    BlankNode(String),
    /// A variable's value.
    Slot(Slot),
}

/// A triple of a CONSTRUCT template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateTriple {
    /// Subject.
    pub subject: TemplateTerm,
    /// Predicate.
    pub predicate: TemplateTerm,
    /// Object.
    pub object: TemplateTerm,
}

/// Where a `SERVICE` call goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceEndpoint {
    /// A fixed IRI.
    Iri(oxrdf::NamedNode),
    /// The IRI a variable holds in the incoming row (`SERVICE ?endpoint`): the call is made once
    /// per row, after the patterns that bind it.
    Slot(Slot),
}
