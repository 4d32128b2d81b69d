//! The datatypes OWL 2 RL supports: lexical validity, data values and value-space membership,
//! for the `dt-*` rules.
//!
//! A store of RDF triples cannot hold `dt-type2`'s `lt rdf:type dt` (a literal subject), so the
//! rules are applied where a literal meets an individual: through `owl:sameAs` (an individual
//! equal to a literal is of the literal's datatypes, equal or different from individuals equal to
//! other literals, and contradicts a datatype the literal is not in) and through `rdfs:range`.

use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{Literal, NamedNodeRef};
use oxsdatatypes::{DateTime, Decimal, Double, Float};
use std::str::FromStr;

/// `rdf:PlainLiteral`, which oxrdf's vocabulary does not name.
pub(crate) const PLAIN_LITERAL: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral");

/// The datatypes of `dt-type1`, in the order of the OWL 2 RL datatype map.
pub(crate) const SUPPORTED: &[NamedNodeRef<'static>] = &[
    PLAIN_LITERAL,
    rdf::XML_LITERAL,
    rdfs::LITERAL,
    xsd::DECIMAL,
    xsd::INTEGER,
    xsd::NON_NEGATIVE_INTEGER,
    xsd::NON_POSITIVE_INTEGER,
    xsd::POSITIVE_INTEGER,
    xsd::NEGATIVE_INTEGER,
    xsd::LONG,
    xsd::INT,
    xsd::SHORT,
    xsd::BYTE,
    xsd::UNSIGNED_LONG,
    xsd::UNSIGNED_INT,
    xsd::UNSIGNED_SHORT,
    xsd::UNSIGNED_BYTE,
    xsd::FLOAT,
    xsd::DOUBLE,
    xsd::STRING,
    xsd::NORMALIZED_STRING,
    xsd::TOKEN,
    xsd::LANGUAGE,
    xsd::NAME,
    xsd::NC_NAME,
    xsd::NMTOKEN,
    xsd::BOOLEAN,
    xsd::HEX_BINARY,
    xsd::BASE_64_BINARY,
    xsd::ANY_URI,
    xsd::DATE_TIME,
    xsd::DATE_TIME_STAMP,
];

/// A data value; two literals denote the same thing exactly when their values are equal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// Decimal numbers (integers included: `42` and `42.0` are one value).
    Number(Decimal),
    /// An integer too large for [`Decimal`], in canonical form.
    BigInteger(String),
    Float(Float),
    Double(Double),
    Text(String),
    /// A string with a language tag (lower-cased).
    Tagged(String, String),
    Boolean(bool),
    DateTime(DateTime),
    Hex(Vec<u8>),
    Base64(Vec<u8>),
    Uri(String),
    Xml(String),
}

/// The value of `literal`, or `None` when it is ill-typed. Literals of datatypes outside the
/// map have no value here.
pub(crate) fn value(literal: &Literal) -> Option<Value> {
    let lexical = literal.value();
    if let Some(language) = literal.language() {
        return Some(Value::Tagged(
            lexical.to_owned(),
            language.to_ascii_lowercase(),
        ));
    }
    let datatype = literal.datatype();
    if datatype == xsd::STRING {
        return Some(Value::Text(lexical.to_owned()));
    }
    if let Some(range) = integer_range(datatype) {
        let digits = integer_lexical(lexical)?;
        return match Decimal::from_str(&digits) {
            Ok(number) if range.contains(&number) => Some(Value::Number(number)),
            Ok(_) => None,
            // Only the unbounded types take values past Decimal's range.
            Err(_) if range.unbounded() => Some(Value::BigInteger(digits)),
            Err(_) => None,
        };
    }
    match datatype {
        d if d == xsd::DECIMAL => {
            let valid = !lexical.is_empty()
                && lexical
                    .trim_start_matches(['+', '-'])
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.')
                && lexical.matches('.').count() <= 1
                && lexical.chars().any(|c| c.is_ascii_digit());
            valid
                .then(|| Decimal::from_str(lexical).ok())
                .flatten()
                .map(Value::Number)
        }
        d if d == xsd::FLOAT => {
            let parsed = Float::from_str(lexical).ok()?;
            finite_or_named(f64::from(f32::from(parsed)), lexical).then_some(Value::Float(parsed))
        }
        d if d == xsd::DOUBLE => {
            let parsed = Double::from_str(lexical).ok()?;
            finite_or_named(f64::from(parsed), lexical).then_some(Value::Double(parsed))
        }
        d if d == xsd::BOOLEAN => match lexical {
            "true" | "1" => Some(Value::Boolean(true)),
            "false" | "0" => Some(Value::Boolean(false)),
            _ => None,
        },
        d if d == xsd::DATE_TIME => DateTime::from_str(lexical).ok().map(Value::DateTime),
        d if d == xsd::DATE_TIME_STAMP => {
            let zoned = lexical.ends_with('Z')
                || lexical.len() > 6
                    && matches!(lexical.as_bytes()[lexical.len() - 6], b'+' | b'-');
            zoned
                .then(|| DateTime::from_str(lexical).ok())
                .flatten()
                .map(Value::DateTime)
        }
        d if d == xsd::HEX_BINARY => hex(lexical).map(Value::Hex),
        d if d == xsd::BASE_64_BINARY => base64(lexical).map(Value::Base64),
        d if d == xsd::ANY_URI => oxiri::IriRef::parse(lexical)
            .ok()
            .map(|_| Value::Uri(lexical.to_owned())),
        d if d == rdf::XML_LITERAL => {
            well_formed_xml(lexical).then(|| Value::Xml(lexical.to_owned()))
        }
        d if d == PLAIN_LITERAL => {
            let (text, tag) = lexical.rsplit_once('@')?;
            if tag.is_empty() {
                Some(Value::Text(text.to_owned()))
            } else {
                language_tag(tag).then(|| Value::Tagged(text.to_owned(), tag.to_ascii_lowercase()))
            }
        }
        d if d == xsd::NORMALIZED_STRING => {
            normalized(lexical).then(|| Value::Text(lexical.to_owned()))
        }
        d if d == xsd::TOKEN => token(lexical).then(|| Value::Text(lexical.to_owned())),
        d if d == xsd::LANGUAGE => language_tag(lexical).then(|| Value::Text(lexical.to_owned())),
        d if d == xsd::NAME => name(lexical, true).then(|| Value::Text(lexical.to_owned())),
        d if d == xsd::NC_NAME => name(lexical, false).then(|| Value::Text(lexical.to_owned())),
        d if d == xsd::NMTOKEN => nmtoken(lexical).then(|| Value::Text(lexical.to_owned())),
        _ => None,
    }
}

/// Whether a `rdfs:range` of `datatype` can be checked: the map's datatypes and
/// `rdf:langString` (which RDFS recognizes).
pub(crate) fn is_checkable_range(datatype: NamedNodeRef<'_>) -> bool {
    SUPPORTED.contains(&datatype) || datatype == rdf::LANG_STRING
}

/// Whether `literal`'s datatype is one of the map (so an invalid lexical form is ill-typed,
/// not unknown).
pub(crate) fn is_supported(literal: &Literal) -> bool {
    literal.language().is_some() || SUPPORTED.contains(&literal.datatype())
}

/// Every datatype of the map whose value space holds `value`.
pub(crate) fn datatypes_of(value: &Value) -> Vec<NamedNodeRef<'static>> {
    let mut out = vec![rdfs::LITERAL];
    match value {
        Value::Number(number) => {
            out.push(xsd::DECIMAL);
            if number.checked_floor().is_some_and(|floor| floor == *number) {
                for datatype in SUPPORTED {
                    if integer_range(*datatype).is_some_and(|range| range.contains(number)) {
                        out.push(*datatype);
                    }
                }
            }
        }
        Value::BigInteger(digits) => {
            out.extend([xsd::DECIMAL, xsd::INTEGER]);
            out.push(if digits.starts_with('-') {
                xsd::NON_POSITIVE_INTEGER
            } else {
                xsd::NON_NEGATIVE_INTEGER
            });
            out.push(if digits.starts_with('-') {
                xsd::NEGATIVE_INTEGER
            } else {
                xsd::POSITIVE_INTEGER
            });
        }
        Value::Float(_) => out.push(xsd::FLOAT),
        Value::Double(_) => out.push(xsd::DOUBLE),
        Value::Text(text) => {
            out.extend([xsd::STRING, PLAIN_LITERAL]);
            if normalized(text) {
                out.push(xsd::NORMALIZED_STRING);
            }
            if token(text) {
                out.push(xsd::TOKEN);
            }
            if language_tag(text) {
                out.push(xsd::LANGUAGE);
            }
            if name(text, true) {
                out.push(xsd::NAME);
            }
            if name(text, false) {
                out.push(xsd::NC_NAME);
            }
            if nmtoken(text) {
                out.push(xsd::NMTOKEN);
            }
        }
        Value::Tagged(..) => out.extend([PLAIN_LITERAL, rdf::LANG_STRING]),
        Value::Boolean(_) => out.push(xsd::BOOLEAN),
        Value::DateTime(date_time) => {
            out.push(xsd::DATE_TIME);
            if date_time.timezone_offset().is_some() {
                out.push(xsd::DATE_TIME_STAMP);
            }
        }
        Value::Hex(_) => out.push(xsd::HEX_BINARY),
        Value::Base64(_) => out.push(xsd::BASE_64_BINARY),
        Value::Uri(_) => out.push(xsd::ANY_URI),
        Value::Xml(_) => out.push(rdf::XML_LITERAL),
    }
    out
}

struct IntegerRange {
    min: Option<i128>,
    max: Option<i128>,
}

impl IntegerRange {
    fn contains(&self, number: &Decimal) -> bool {
        let Some(floor) = number.checked_floor() else {
            return false;
        };
        if floor != *number {
            return false;
        }
        let Ok(value) = i128::from_str(&number.to_string()) else {
            return false;
        };
        self.min.is_none_or(|min| value >= min) && self.max.is_none_or(|max| value <= max)
    }

    fn unbounded(&self) -> bool {
        self.min.is_none() || self.max.is_none()
    }
}

fn integer_range(datatype: NamedNodeRef<'_>) -> Option<IntegerRange> {
    let range = |min: Option<i128>, max: Option<i128>| Some(IntegerRange { min, max });
    match datatype {
        d if d == xsd::INTEGER => range(None, None),
        d if d == xsd::NON_NEGATIVE_INTEGER => range(Some(0), None),
        d if d == xsd::POSITIVE_INTEGER => range(Some(1), None),
        d if d == xsd::NON_POSITIVE_INTEGER => range(None, Some(0)),
        d if d == xsd::NEGATIVE_INTEGER => range(None, Some(-1)),
        d if d == xsd::LONG => range(Some(i64::MIN.into()), Some(i64::MAX.into())),
        d if d == xsd::INT => range(Some(i32::MIN.into()), Some(i32::MAX.into())),
        d if d == xsd::SHORT => range(Some(i16::MIN.into()), Some(i16::MAX.into())),
        d if d == xsd::BYTE => range(Some(i8::MIN.into()), Some(i8::MAX.into())),
        d if d == xsd::UNSIGNED_LONG => range(Some(0), Some(u64::MAX.into())),
        d if d == xsd::UNSIGNED_INT => range(Some(0), Some(u32::MAX.into())),
        d if d == xsd::UNSIGNED_SHORT => range(Some(0), Some(u16::MAX.into())),
        d if d == xsd::UNSIGNED_BYTE => range(Some(0), Some(u8::MAX.into())),
        _ => None,
    }
}

/// The canonical digits of an integer lexical form (`+042` → `42`), if it is one.
fn integer_lexical(lexical: &str) -> Option<String> {
    let (negative, digits) = match lexical.as_bytes().first()? {
        b'-' => (true, &lexical[1..]),
        b'+' => (false, &lexical[1..]),
        _ => (false, lexical),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
    Some(if negative && trimmed != "0" {
        format!("-{trimmed}")
    } else {
        trimmed.to_owned()
    })
}

/// A float or double is ill-typed when its lexical form overflows to infinity or a non-zero
/// mantissa underflows to zero.
fn finite_or_named(value: f64, lexical: &str) -> bool {
    if value.is_nan() || value.is_infinite() {
        return matches!(lexical.trim_start_matches(['+', '-']), "INF" | "NaN");
    }
    if value == 0.0 {
        let mantissa = lexical.split(['e', 'E']).next().unwrap_or_default();
        return !mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b));
    }
    true
}

fn hex(lexical: &str) -> Option<Vec<u8>> {
    if !lexical.len().is_multiple_of(2) {
        return None;
    }
    (0..lexical.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(lexical.get(i..i + 2)?, 16).ok())
        .collect()
}

fn base64(lexical: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = lexical
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let padding = symbols.iter().rev().take_while(|b| **b == b'=').count();
    if padding > 2 {
        return None;
    }
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for &symbol in &symbols[..symbols.len() - padding] {
        let sextet = match symbol {
            b'A'..=b'Z' => symbol - b'A',
            b'a'..=b'z' => symbol - b'a' + 26,
            b'0'..=b'9' => symbol - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(sextet);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(((bits >> count) & 0xff) as u8);
        }
    }
    Some(out)
}

fn normalized(text: &str) -> bool {
    !text.contains(['\n', '\r', '\t'])
}

fn token(text: &str) -> bool {
    normalized(text) && !text.starts_with(' ') && !text.ends_with(' ') && !text.contains("  ")
}

/// BCP 47 in the shape XSD's `language` pattern gives: `[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`.
fn language_tag(text: &str) -> bool {
    let mut parts = text.split('-');
    let first_ok = parts.next().is_some_and(|first| {
        (1..=8).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_alphabetic())
    });
    first_ok
        && parts.all(|part| {
            (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

fn name_start(c: char, colon: bool) -> bool {
    c.is_alphabetic() || c == '_' || (colon && c == ':')
}

fn name_char(c: char, colon: bool) -> bool {
    name_start(c, colon) || c.is_ascii_digit() || c == '-' || c == '.' || c == '\u{b7}'
}

fn name(text: &str, colon: bool) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| name_start(c, colon)) && chars.all(|c| name_char(c, colon))
}

fn nmtoken(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| name_char(c, true))
}

/// A small well-formedness check: tags balance and every `<` closes.
fn well_formed_xml(text: &str) -> bool {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            return false;
        };
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') || tag.ends_with('/') {
            continue;
        }
        if let Some(closing) = tag.strip_prefix('/') {
            if open.pop() != Some(closing.trim()) {
                return false;
            }
        } else {
            let name = tag.split_whitespace().next().unwrap_or_default();
            if name.is_empty() {
                return false;
            }
            open.push(name);
        }
    }
    open.is_empty() && !rest.contains('>')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(lexical: &str, datatype: NamedNodeRef<'_>) -> Literal {
        Literal::new_typed_literal(lexical, datatype)
    }

    #[test]
    fn validity_and_values() {
        assert!(value(&typed("2147483648", xsd::INT)).is_none());
        assert!(value(&typed("2147483647", xsd::INT)).is_some());
        assert!(value(&typed("18446744073709551615", xsd::UNSIGNED_LONG)).is_some());
        assert!(value(&typed("42.0", xsd::INTEGER)).is_none());
        assert!(value(&typed("0.3141E+1", xsd::DECIMAL)).is_none());
        assert!(value(&typed("1.0E+40", xsd::FLOAT)).is_none());
        assert!(value(&typed("1.0E-50", xsd::FLOAT)).is_none());
        assert!(value(&typed("2.0E-45", xsd::FLOAT)).is_some());
        assert!(value(&typed("2009-04-21", xsd::DATE_TIME)).is_none());
        assert!(value(&typed("2009-04-21T12:30:15", xsd::DATE_TIME_STAMP)).is_none());
        assert!(value(&typed("0", xsd::HEX_BINARY)).is_none());
        assert!(value(&typed("T(1)d#M-I.D:I,g!", xsd::BASE_64_BINARY)).is_none());
        assert!(value(&typed("T1dMIDIgRnVsbA==", xsd::BASE_64_BINARY)).is_some());
        assert!(value(&typed(":abc", xsd::ANY_URI)).is_none());
        assert!(value(&typed("abc@12", PLAIN_LITERAL)).is_none());
        assert!(value(&typed("abc", PLAIN_LITERAL)).is_none());
        assert!(value(&typed("<illformed", rdf::XML_LITERAL)).is_none());
        assert!(value(&typed(" a b ", xsd::NMTOKEN)).is_none());
        assert_eq!(
            value(&typed("42", xsd::INT)),
            value(&typed("+042", xsd::INT))
        );
        assert_eq!(
            value(&typed("42", xsd::INTEGER)),
            value(&typed("42.0", xsd::DECIMAL))
        );
        assert_eq!(
            value(&typed("abc@de", PLAIN_LITERAL)),
            value(&typed("abc@DE", PLAIN_LITERAL))
        );
        let types =
            datatypes_of(&value(&typed("42", xsd::INTEGER)).unwrap_or(Value::Boolean(true)));
        assert!(
            types.contains(&xsd::BYTE)
                && types.contains(&xsd::DECIMAL)
                && !types.contains(&xsd::NEGATIVE_INTEGER)
        );
    }
}
