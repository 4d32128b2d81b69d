//! The logical plan: the SPARQL algebra with variables resolved to column slots and constants to
//! store ids. The planner builds it, the executor runs it; this module depends on neither.

mod aggregate;
mod dataset;
mod expr;
mod function;
mod node;
mod path;

pub use aggregate::{Aggregate, AggregateFunction};
pub use dataset::{DatasetView, DefaultGraphs};
pub use expr::{ArithmeticOp, Expr};
pub use function::{Builtin, CastTarget};
pub use node::{
    GraphTarget, PatternTerm, PlanNode, QuadPatternNode, QueryForm, ServiceEndpoint, Slot,
    TemplateTerm, TemplateTriple,
};
pub use path::{PathExpr, PathNode};
