//! Expressions of the plan: what FILTER, BIND, ORDER BY and aggregates compute.

use std::cmp::Ordering;

use oxrdf::Term;

use super::{Builtin, PlanNode, Slot};
use crate::encoding::TermId;

/// A compiled expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// A constant.
    Const(Term),
    /// A variable's value.
    Slot(Slot),
    /// `||`
    Or(Box<Expr>, Box<Expr>),
    /// `&&`
    And(Box<Expr>, Box<Expr>),
    /// `=`
    Equal(Box<Expr>, Box<Expr>),
    /// `sameTerm`
    SameTerm(Box<Expr>, Box<Expr>),
    /// `=` or `sameTerm` against an IRI constant, decided on ids: an IRI equals no other term,
    /// and within a query every term has one id (the constant's is interned when planning).
    IsIri(Box<Expr>, TermId),
    /// `<`, `<=`, `>`, `>=` as the orderings they accept.
    Compare(Box<Expr>, Box<Expr>, &'static [Ordering]),
    /// `IN`
    In(Box<Expr>, Vec<Expr>),
    /// `+ - * /`
    Arithmetic(Box<Expr>, Box<Expr>, ArithmeticOp),
    /// Unary `-` (unary `+` keeps numerics unchanged).
    Negate(Box<Expr>, bool),
    /// `!`
    Not(Box<Expr>),
    /// `EXISTS { … }`
    Exists(Box<PlanNode>),
    /// `BOUND(?x)`
    Bound(Slot),
    /// `IF`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `COALESCE`
    Coalesce(Vec<Expr>),
    /// A built-in function.
    Call(Builtin, Vec<Expr>),
    /// An extension function registered in the query options, by its index there.
    Custom(usize, Vec<Expr>),
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithmeticOp {
    /// `+`
    Add,
    /// `-`
    Subtract,
    /// `*`
    Multiply,
    /// `/`
    Divide,
}
