//! Expressions on solution rows, with SPARQL's error semantics: an error is `None`, and the
//! operators that consume expressions decide what an error means (FILTER drops the row, BIND
//! leaves the variable unbound).

use std::cmp::Ordering;
use std::str::FromStr;

use oxrdf::vocab::xsd;
use oxrdf::{Literal, Term};
use oxsdatatypes::{Boolean, Decimal, Double, Float, Integer};

use super::EvalContext;
use crate::encoding::{TermId, TermTag};
use crate::sparql::QueryError;
use crate::sparql::algebra::{ArithmeticOp, Expr};

/// A numeric value, after XSD type promotion.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Numeric {
    Integer(Integer),
    Decimal(Decimal),
    Float(Float),
    Double(Double),
}

pub(crate) fn numeric(term: &Term) -> Option<Numeric> {
    let Term::Literal(literal) = term else {
        return None;
    };
    let value = literal.value();
    let datatype = literal.datatype();
    if datatype == xsd::INTEGER || is_integer_subtype(datatype.as_str()) {
        Integer::from_str(value).ok().map(Numeric::Integer)
    } else if datatype == xsd::DECIMAL {
        Decimal::from_str(value).ok().map(Numeric::Decimal)
    } else if datatype == xsd::FLOAT {
        Float::from_str(value).ok().map(Numeric::Float)
    } else if datatype == xsd::DOUBLE {
        Double::from_str(value).ok().map(Numeric::Double)
    } else {
        None
    }
}

fn is_integer_subtype(datatype: &str) -> bool {
    datatype
        .strip_prefix("http://www.w3.org/2001/XMLSchema#")
        .is_some_and(|local| {
            matches!(
                local,
                "long"
                    | "int"
                    | "short"
                    | "byte"
                    | "nonNegativeInteger"
                    | "positiveInteger"
                    | "negativeInteger"
                    | "nonPositiveInteger"
                    | "unsignedLong"
                    | "unsignedInt"
                    | "unsignedShort"
                    | "unsignedByte"
            )
        })
}

/// Brings two numerics to their common type (integer < decimal < float < double).
fn promote(a: Numeric, b: Numeric) -> (Numeric, Numeric) {
    use Numeric::{Decimal as D, Double as F64, Float as F32, Integer as I};
    match (a, b) {
        (I(x), D(y)) => (D(x.into()), D(y)),
        (D(x), I(y)) => (D(x), D(y.into())),
        (I(x), F32(y)) => (F32(x.into()), F32(y)),
        (F32(x), I(y)) => (F32(x), F32(y.into())),
        (D(x), F32(y)) => (F32(x.into()), F32(y)),
        (F32(x), D(y)) => (F32(x), F32(y.into())),
        (I(x), F64(y)) => (F64(x.into()), F64(y)),
        (F64(x), I(y)) => (F64(x), F64(y.into())),
        (D(x), F64(y)) => (F64(x.into()), F64(y)),
        (F64(x), D(y)) => (F64(x), F64(y.into())),
        (F32(x), F64(y)) => (F64(x.into()), F64(y)),
        (F64(x), F32(y)) => (F64(x), F64(y.into())),
        other => other,
    }
}

fn compare_numeric(a: Numeric, b: Numeric) -> Option<Ordering> {
    match promote(a, b) {
        (Numeric::Integer(x), Numeric::Integer(y)) => x.partial_cmp(&y),
        (Numeric::Decimal(x), Numeric::Decimal(y)) => x.partial_cmp(&y),
        (Numeric::Float(x), Numeric::Float(y)) => x.partial_cmp(&y),
        (Numeric::Double(x), Numeric::Double(y)) => x.partial_cmp(&y),
        _ => None,
    }
}

pub(crate) fn numeric_term(value: Numeric) -> Term {
    match value {
        Numeric::Integer(v) => Literal::new_typed_literal(v.to_string(), xsd::INTEGER).into(),
        Numeric::Decimal(v) => Literal::new_typed_literal(v.to_string(), xsd::DECIMAL).into(),
        Numeric::Float(v) => Literal::new_typed_literal(v.to_string(), xsd::FLOAT).into(),
        Numeric::Double(v) => Literal::new_typed_literal(v.to_string(), xsd::DOUBLE).into(),
    }
}

fn arithmetic(a: Numeric, b: Numeric, op: ArithmeticOp) -> Option<Numeric> {
    Some(match promote(a, b) {
        (Numeric::Integer(x), Numeric::Integer(y)) => match op {
            ArithmeticOp::Add => Numeric::Integer(x.checked_add(y)?),
            ArithmeticOp::Subtract => Numeric::Integer(x.checked_sub(y)?),
            ArithmeticOp::Multiply => Numeric::Integer(x.checked_mul(y)?),
            ArithmeticOp::Divide => {
                Numeric::Decimal(Decimal::from(x).checked_div(Decimal::from(y))?)
            }
        },
        (Numeric::Decimal(x), Numeric::Decimal(y)) => Numeric::Decimal(match op {
            ArithmeticOp::Add => x.checked_add(y)?,
            ArithmeticOp::Subtract => x.checked_sub(y)?,
            ArithmeticOp::Multiply => x.checked_mul(y)?,
            ArithmeticOp::Divide => x.checked_div(y)?,
        }),
        (Numeric::Float(x), Numeric::Float(y)) => Numeric::Float(match op {
            ArithmeticOp::Add => x + y,
            ArithmeticOp::Subtract => x - y,
            ArithmeticOp::Multiply => x * y,
            ArithmeticOp::Divide => x / y,
        }),
        (Numeric::Double(x), Numeric::Double(y)) => Numeric::Double(match op {
            ArithmeticOp::Add => x + y,
            ArithmeticOp::Subtract => x - y,
            ArithmeticOp::Multiply => x * y,
            ArithmeticOp::Divide => x / y,
        }),
        _ => return None,
    })
}

/// Arithmetic on two terms, `None` on a type error or overflow.
pub(crate) fn arithmetic_terms(a: &Term, b: &Term, op: ArithmeticOp) -> Option<Term> {
    arithmetic(numeric(a)?, numeric(b)?, op).map(numeric_term)
}

/// Whether a term is a numeric literal.
pub(crate) fn is_numeric(term: &Term) -> bool {
    numeric(term).is_some()
}

/// The effective boolean value of a term, or `None` (a type error).
pub(crate) fn effective_boolean_value(term: &Term) -> Option<bool> {
    let Term::Literal(literal) = term else {
        return None;
    };
    let datatype = literal.datatype();
    if datatype == xsd::BOOLEAN {
        Boolean::from_str(literal.value()).ok().map(bool::from)
    } else if datatype == xsd::STRING {
        Some(!literal.value().is_empty())
    } else {
        numeric(term).map(|value| match value {
            Numeric::Integer(v) => v != Integer::from(0),
            Numeric::Decimal(v) => v != Decimal::from(0),
            Numeric::Float(v) => !(v.is_nan() || f32::from(v) == 0.0),
            Numeric::Double(v) => !(v.is_nan() || f64::from(v) == 0.0),
        })
    }
}

pub(crate) fn boolean(value: bool) -> Term {
    Literal::from(value).into()
}

pub(crate) fn simple_or_string(term: &Term) -> Option<&Literal> {
    match term {
        Term::Literal(literal)
            if literal.datatype() == xsd::STRING || literal.language().is_some() =>
        {
            Some(literal)
        }
        _ => None,
    }
}

/// `RDFterm-equal` and the typed equalities of the `=` operator: `Some(bool)` or a type error.
pub(crate) fn equals(a: &Term, b: &Term) -> Option<bool> {
    if let (Some(x), Some(y)) = (numeric(a), numeric(b)) {
        return compare_numeric(x, y)
            .map(|ordering| ordering == Ordering::Equal)
            .or(Some(false));
    }
    if a == b {
        return Some(true);
    }
    let (Term::Literal(x), Term::Literal(y)) = (a, b) else {
        return Some(false);
    };
    if x.datatype() == y.datatype() && valid_known(x) && valid_known(y) {
        // Two valid values of one type: equal by value, or an error when XSD leaves their order
        // indeterminate (a date with a time zone against one without, close together).
        return match compare_values(x, y) {
            Some(ordering) => Some(ordering == Ordering::Equal),
            None if x.datatype() == xsd::STRING => Some(false),
            None => None,
        };
    }
    // A language-tagged literal equals no other term. Two valid values of types SPARQL knows
    // are different values; an unknown datatype or an ill-typed lexical form might still denote
    // the same value, which is an error rather than `false`.
    if x.language().is_some() || y.language().is_some() {
        return Some(false);
    }
    if valid_known(x) && valid_known(y) {
        Some(false)
    } else {
        None
    }
}

/// Whether the literal has a datatype SPARQL's operators know and a valid lexical form for it.
fn valid_known(literal: &Literal) -> bool {
    let datatype = literal.datatype();
    let value = literal.value();
    if datatype == xsd::STRING {
        true
    } else if datatype == xsd::BOOLEAN {
        Boolean::from_str(value).is_ok()
    } else if datatype == xsd::DATE_TIME {
        oxsdatatypes::DateTime::from_str(value).is_ok()
    } else if datatype == xsd::DATE {
        oxsdatatypes::Date::from_str(value).is_ok()
    } else {
        numeric(&Term::Literal(literal.clone())).is_some()
    }
}

/// Value order of two literals of the same non-numeric datatype, when both parse.
fn compare_values(x: &Literal, y: &Literal) -> Option<Ordering> {
    let datatype = x.datatype();
    if datatype == xsd::BOOLEAN {
        Boolean::from_str(x.value())
            .ok()?
            .partial_cmp(&Boolean::from_str(y.value()).ok()?)
    } else if datatype == xsd::DATE_TIME {
        oxsdatatypes::DateTime::from_str(x.value())
            .ok()?
            .partial_cmp(&oxsdatatypes::DateTime::from_str(y.value()).ok()?)
    } else if datatype == xsd::DATE {
        oxsdatatypes::Date::from_str(x.value())
            .ok()?
            .partial_cmp(&oxsdatatypes::Date::from_str(y.value()).ok()?)
    } else if datatype == xsd::STRING && x.language().is_none() && y.language().is_none() {
        Some(x.value().cmp(y.value()))
    } else {
        None
    }
}

/// Ordering for `<`, `>`… : numerics, strings, booleans and date-times; `None` otherwise.
pub(crate) fn compare(a: &Term, b: &Term) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (numeric(a), numeric(b)) {
        return compare_numeric(x, y);
    }
    let (Term::Literal(x), Term::Literal(y)) = (a, b) else {
        return None;
    };
    if x.datatype() != y.datatype() {
        return None;
    }
    compare_values(x, y)
}

/// A value compared on ids: a number, or a date-time or date, as inline ids and constants hold
/// them.
#[derive(Clone, Copy)]
enum Comparable {
    Number(Numeric),
    DateTime(oxsdatatypes::DateTime),
    Date(oxsdatatypes::Date),
}

impl Comparable {
    /// `None` where the general path decides (different kinds).
    fn compare(self, other: Self) -> Option<Option<Ordering>> {
        match (self, other) {
            (Self::Number(x), Self::Number(y)) => Some(compare_numeric(x, y)),
            (Self::DateTime(x), Self::DateTime(y)) => Some(x.partial_cmp(&y)),
            (Self::Date(x), Self::Date(y)) => Some(x.partial_cmp(&y)),
            _ => None,
        }
    }
}

/// The number an inline id holds, if it holds one.
fn inline_numeric(id: TermId) -> Option<Numeric> {
    crate::encoding::inline_integer(id)
        .map(Numeric::Integer)
        .or_else(|| crate::encoding::inline_decimal(id).map(Numeric::Decimal))
}

impl Expr {
    /// The value of a numeric operand computed on ids, without building terms: a slot holding an
    /// inline integer or decimal, a numeric constant, or arithmetic over those. `None` leaves the
    /// operand to [`eval`](Self::eval) (other terms, overflow and other errors), which gives the
    /// same answer the slow way.
    fn fast_numeric(&self, row: &[Option<TermId>]) -> Option<Numeric> {
        match self {
            Self::Const(term) => numeric(term),
            Self::Slot(slot) => inline_numeric(row.get(*slot).copied().flatten()?),
            Self::Arithmetic(a, b, op) => {
                arithmetic(a.fast_numeric(row)?, b.fast_numeric(row)?, *op)
            }
            _ => None,
        }
    }

    /// The value of a comparison operand computed on ids (see [`fast_numeric`](Self::fast_numeric)),
    /// date-times and dates included.
    fn fast_comparable(&self, row: &[Option<TermId>]) -> Option<Comparable> {
        if let Some(number) = self.fast_numeric(row) {
            return Some(Comparable::Number(number));
        }
        match self {
            Self::Slot(slot) => {
                let id = row.get(*slot).copied().flatten()?;
                crate::encoding::inline_date_time(id)
                    .map(Comparable::DateTime)
                    .or_else(|| crate::encoding::inline_date(id).map(Comparable::Date))
            }
            Self::Const(Term::Literal(literal)) if literal.datatype() == xsd::DATE_TIME => {
                oxsdatatypes::DateTime::from_str(literal.value())
                    .ok()
                    .map(Comparable::DateTime)
            }
            Self::Const(Term::Literal(literal)) if literal.datatype() == xsd::DATE => {
                oxsdatatypes::Date::from_str(literal.value())
                    .ok()
                    .map(Comparable::Date)
            }
            _ => None,
        }
    }

    /// `a = b` decided on ids when both are variables holding IRIs or blank nodes: the
    /// dictionary gives each such term one id, so equal ids are the same term and different ids
    /// different terms (no value equality applies to them). `None` leaves it to the terms.
    fn node_equal(a: &Self, b: &Self, row: &[Option<TermId>]) -> Option<bool> {
        let (Self::Slot(a), Self::Slot(b)) = (a, b) else {
            return None;
        };
        let (a, b) = (
            row.get(*a).copied().flatten()?,
            row.get(*b).copied().flatten()?,
        );
        let node = |id: TermId| matches!(id.tag(), TermTag::NamedNode | TermTag::BlankNode);
        (node(a) && node(b)).then_some(a == b)
    }

    /// The order of two comparison operands decided on ids, when both allow it.
    fn fast_compare(a: &Self, b: &Self, row: &[Option<TermId>]) -> Option<Option<Ordering>> {
        a.fast_comparable(row)?.compare(b.fast_comparable(row)?)
    }

    /// The effective boolean value on a row; `Ok(None)` is a SPARQL expression error. Filters
    /// call this: comparisons and connectives over numbers are decided on ids, without building
    /// the intermediate boolean terms.
    pub(crate) fn test(
        &self,
        row: &[Option<TermId>],
        ctx: &EvalContext<'_>,
    ) -> Result<Option<bool>, QueryError> {
        Ok(match self {
            Self::Compare(a, b, accepted) => {
                Self::compare_on(a, b, row, ctx)?.map(|o| accepted.contains(&o))
            }
            Self::And(a, b) => Self::connective(a, b, false, row, ctx)?,
            Self::Or(a, b) => Self::connective(a, b, true, row, ctx)?,
            Self::Not(inner) => inner.test(row, ctx)?.map(|v| !v),
            Self::Equal(a, b) => match Self::node_equal(a, b, row) {
                Some(equal) => Some(equal),
                None => self
                    .eval(row, ctx)?
                    .as_ref()
                    .and_then(effective_boolean_value),
            },
            Self::IsIri(inner, iri) => match inner.as_ref() {
                Self::Slot(slot) => row.get(*slot).copied().flatten().map(|id| id == *iri),
                other => match other.eval(row, ctx)? {
                    Some(term) => Some(term == ctx.term(*iri)?),
                    None => None,
                },
            },
            _ => self
                .eval(row, ctx)?
                .as_ref()
                .and_then(effective_boolean_value),
        })
    }

    /// `&&` (`decisive` false) or `||` (`decisive` true) with SPARQL's error rules: the decisive
    /// value on either side wins over an error, the right side is skipped when the left decides.
    fn connective(
        a: &Self,
        b: &Self,
        decisive: bool,
        row: &[Option<TermId>],
        ctx: &EvalContext<'_>,
    ) -> Result<Option<bool>, QueryError> {
        let left = a.test(row, ctx)?;
        if left == Some(decisive) {
            return Ok(left);
        }
        Ok(match (left, b.test(row, ctx)?) {
            (_, Some(right)) if right == decisive => Some(decisive),
            (Some(_), Some(_)) => Some(!decisive),
            _ => None,
        })
    }

    /// The order of two operands: on ids where both allow it, else on their terms.
    fn compare_on(
        a: &Self,
        b: &Self,
        row: &[Option<TermId>],
        ctx: &EvalContext<'_>,
    ) -> Result<Option<Ordering>, QueryError> {
        if let Some(order) = Self::fast_compare(a, b, row) {
            return Ok(order);
        }
        Ok(match (a.eval(row, ctx)?, b.eval(row, ctx)?) {
            (Some(x), Some(y)) => compare(&x, &y),
            _ => None,
        })
    }

    /// Evaluates on a row; `Ok(None)` is a SPARQL expression error.
    pub(crate) fn eval(
        &self,
        row: &[Option<TermId>],
        ctx: &EvalContext<'_>,
    ) -> Result<Option<Term>, QueryError> {
        Ok(match self {
            Self::Const(term) => Some(term.clone()),
            Self::Slot(slot) => match row.get(*slot).copied().flatten() {
                Some(id) => Some(ctx.term(id)?),
                None => None,
            },
            Self::Or(..) | Self::And(..) | Self::Compare(..) => self.test(row, ctx)?.map(boolean),
            Self::Equal(a, b) => match (a.eval(row, ctx)?, b.eval(row, ctx)?) {
                (Some(x), Some(y)) => equals(&x, &y).map(boolean),
                _ => None,
            },
            Self::IsIri(..) => self.test(row, ctx)?.map(boolean),
            Self::SameTerm(a, b) => match (a.eval(row, ctx)?, b.eval(row, ctx)?) {
                (Some(x), Some(y)) => Some(boolean(x == y)),
                _ => None,
            },
            Self::In(needle, haystack) => {
                let Some(needle) = needle.eval(row, ctx)? else {
                    return Ok(None);
                };
                let mut error = false;
                for candidate in haystack {
                    match candidate.eval(row, ctx)?.and_then(|c| equals(&needle, &c)) {
                        Some(true) => return Ok(Some(boolean(true))),
                        Some(false) => {}
                        None => error = true,
                    }
                }
                if error { None } else { Some(boolean(false)) }
            }
            Self::Arithmetic(..) if let Some(value) = self.fast_numeric(row) => {
                Some(numeric_term(value))
            }
            Self::Arithmetic(a, b, op) => match (a.eval(row, ctx)?, b.eval(row, ctx)?) {
                (Some(x), Some(y)) => match (numeric(&x), numeric(&y)) {
                    (Some(x), Some(y)) => arithmetic(x, y, *op).map(numeric_term),
                    _ => None,
                },
                _ => None,
            },
            Self::Negate(inner, negate) => {
                let value = inner.eval(row, ctx)?.as_ref().and_then(numeric);
                value.and_then(|v| {
                    if !*negate {
                        return Some(numeric_term(v));
                    }
                    Some(numeric_term(match v {
                        Numeric::Integer(x) => Numeric::Integer(x.checked_neg()?),
                        Numeric::Decimal(x) => Numeric::Decimal(x.checked_neg()?),
                        Numeric::Float(x) => Numeric::Float(-x),
                        Numeric::Double(x) => Numeric::Double(-x),
                    }))
                })
            }
            Self::Not(inner) => inner.test(row, ctx)?.map(|v| boolean(!v)),
            Self::Exists(plan) => Some(boolean(ctx.exists(plan, row)?)),
            Self::Bound(slot) => Some(boolean(row.get(*slot).is_some_and(Option::is_some))),
            Self::If(condition, then, otherwise) => match condition.test(row, ctx)? {
                Some(true) => then.eval(row, ctx)?,
                Some(false) => otherwise.eval(row, ctx)?,
                None => None,
            },
            Self::Coalesce(options) => {
                for option in options {
                    if let Some(value) = option.eval(row, ctx)? {
                        return Ok(Some(value));
                    }
                }
                None
            }
            Self::Call(function, args) => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    match arg.eval(row, ctx)? {
                        Some(value) => values.push(value),
                        None => return Ok(None),
                    }
                }
                super::functions::call(*function, &values, row, ctx)
            }
            Self::Custom(index, args) => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    match arg.eval(row, ctx)? {
                        Some(value) => values.push(value),
                        None => return Ok(None),
                    }
                }
                ctx.call_custom(*index, &values)
            }
        })
    }
}

/// SPARQL's ORDER BY: unbound first, then blank nodes, IRIs, literals; literals by value where
/// comparable, else by their lexical form.
pub(crate) fn order_terms(a: Option<&Term>, b: Option<&Term>) -> Ordering {
    fn rank(term: Option<&Term>) -> u8 {
        match term {
            None => 0,
            Some(Term::BlankNode(_)) => 1,
            Some(Term::NamedNode(_)) => 2,
            Some(_) => 3,
        }
    }
    match (a, b) {
        (Some(Term::BlankNode(x)), Some(Term::BlankNode(y))) => x.as_str().cmp(y.as_str()),
        (Some(Term::NamedNode(x)), Some(Term::NamedNode(y))) => x.as_str().cmp(y.as_str()),
        (Some(Term::Literal(x)), Some(Term::Literal(y))) => compare(
            a.unwrap_or(&Term::Literal(x.clone())),
            b.unwrap_or(&Term::Literal(y.clone())),
        )
        .unwrap_or_else(|| {
            x.value()
                .cmp(y.value())
                .then_with(|| x.datatype().as_str().cmp(y.datatype().as_str()))
        }),
        _ => rank(a).cmp(&rank(b)),
    }
}
