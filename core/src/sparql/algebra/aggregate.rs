//! Aggregates of a GROUP BY.

use super::Expr;

/// An aggregate function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AggregateFunction {
    /// `COUNT(*)`
    CountRows,
    /// `COUNT(expr)`
    Count,
    /// `SUM`
    Sum,
    /// `AVG`
    Avg,
    /// `MIN`
    Min,
    /// `MAX`
    Max,
    /// `GROUP_CONCAT` with its separator.
    GroupConcat(String),
    /// `SAMPLE`
    Sample,
}

/// An aggregate of a GROUP BY.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// The function.
    pub function: AggregateFunction,
    /// Its argument (none for `COUNT(*)`).
    pub expr: Option<Expr>,
    /// Whether duplicates are removed first.
    pub distinct: bool,
}
