use std::fmt;
use std::str::FromStr;

use oxrdf::vocab::xsd;
use oxrdf::{Literal, LiteralRef};
use oxsdatatypes::{Date, DateTime, Decimal, Integer};

use super::{TermId, TermTag};

/// Offset that maps signed payloads onto unsigned ones while keeping their order.
const SIGNED_BIAS: i128 = 1 << 55;
/// Inline decimals keep six fraction digits: value × 10⁶ is the stored integer.
const DECIMAL_SCALE: i128 = 1_000_000_000_000; // 10^18 (oxsdatatypes' scale) / 10^6
/// Date-times keep milliseconds: seconds × 10¹⁸ / 10¹⁵.
const MILLIS_SCALE: i128 = 1_000_000_000_000_000;
/// Millisecond instants are biased into 48 bits (about ±4,400 years around oxsdatatypes' epoch).
const MILLIS_BIAS: i128 = 1 << 47;
const MILLIS_LIMIT: i128 = 1 << 48;
/// Time zones are kept in steps of 15 minutes: code 0 means "no time zone".
const TZ_STEP: i16 = 15;
const TZ_CODE_ZERO: i16 = 57;

/// The inline id of `literal`, if it has one.
///
/// Only canonical lexical forms are inlined, so decoding gives back exactly the same literal.
pub fn encode_inline(literal: LiteralRef<'_>) -> Option<TermId> {
    let value = literal.value();
    let datatype = literal.datatype();
    if literal.language().is_some() {
        return None;
    }
    if datatype == xsd::STRING {
        return encode_short_string(value);
    }
    if datatype == xsd::BOOLEAN {
        return match value {
            "true" => Some(TermId::new(TermTag::Boolean, 1)),
            "false" => Some(TermId::new(TermTag::Boolean, 0)),
            _ => None,
        };
    }
    if datatype == xsd::INTEGER {
        let parsed = Integer::from_str(value).ok()?;
        let raw = i128::from(i64::from_be_bytes(parsed.to_be_bytes()));
        return (canonical(&parsed, value) && (-SIGNED_BIAS..SIGNED_BIAS).contains(&raw))
            .then(|| TermId::new(TermTag::Integer, biased(raw)));
    }
    if datatype == xsd::DECIMAL {
        let parsed = Decimal::from_str(value).ok()?;
        let raw = i128::from_be_bytes(parsed.to_be_bytes());
        if !canonical(&parsed, value) || raw % DECIMAL_SCALE != 0 {
            return None;
        }
        let scaled = raw / DECIMAL_SCALE;
        return (-SIGNED_BIAS..SIGNED_BIAS)
            .contains(&scaled)
            .then(|| TermId::new(TermTag::Decimal, biased(scaled)));
    }
    if datatype == xsd::DATE_TIME {
        let parsed = DateTime::from_str(value).ok()?;
        return canonical(&parsed, value)
            .then(|| encode_timestamp(TermTag::DateTime, parsed.to_be_bytes()))
            .flatten();
    }
    if datatype == xsd::DATE {
        let parsed = Date::from_str(value).ok()?;
        return canonical(&parsed, value)
            .then(|| encode_timestamp(TermTag::Date, parsed.to_be_bytes()))
            .flatten();
    }
    None
}

/// The literal of an inline id; `None` for dictionary ids.
pub fn decode_inline(id: TermId) -> Option<Literal> {
    let payload = id.payload();
    Some(match id.tag() {
        TermTag::Boolean => Literal::from(payload != 0),
        TermTag::Integer => typed(inline_integer(id)?, xsd::INTEGER),
        TermTag::Decimal => typed(inline_decimal(id)?, xsd::DECIMAL),
        TermTag::DateTime => typed(inline_date_time(id)?, xsd::DATE_TIME),
        TermTag::Date => typed(inline_date(id)?, xsd::DATE),
        TermTag::ShortString => {
            let bytes = payload.to_be_bytes();
            // Payload bytes 1..8, left-aligned and zero-padded; short strings never hold NUL.
            let len = bytes[1..].iter().position(|b| *b == 0).unwrap_or(7);
            Literal::new_simple_literal(std::str::from_utf8(&bytes[1..=len]).ok()?)
        }
        _ => return None,
    })
}

/// The value of an inline `xsd:integer` id, without building its literal.
pub(crate) fn inline_integer(id: TermId) -> Option<Integer> {
    (id.tag() == TermTag::Integer)
        .then(|| i64::try_from(unbiased(id.payload())).ok())
        .flatten()
        .map(Integer::from)
}

/// The value of an inline `xsd:decimal` id, without building its literal.
pub(crate) fn inline_decimal(id: TermId) -> Option<Decimal> {
    (id.tag() == TermTag::Decimal).then(|| {
        let raw = unbiased(id.payload()) * DECIMAL_SCALE;
        Decimal::from_be_bytes(raw.to_be_bytes())
    })
}

/// The value of an inline `xsd:dateTime` id, without building its literal.
pub(crate) fn inline_date_time(id: TermId) -> Option<DateTime> {
    (id.tag() == TermTag::DateTime)
        .then(|| decode_timestamp(id.payload()))
        .flatten()
        .map(DateTime::from_be_bytes)
}

/// The value of an inline `xsd:date` id, without building its literal.
pub(crate) fn inline_date(id: TermId) -> Option<Date> {
    (id.tag() == TermTag::Date)
        .then(|| decode_timestamp(id.payload()))
        .flatten()
        .map(Date::from_be_bytes)
}

/// How far apart, in milliseconds, a date-time with a time zone and one without can be and still
/// compare as indeterminate (XSD: 14 hours).
const TZ_SLACK_MILLIS: i128 = 14 * 3_600_000;

/// The end of the inline ids whose values could compare at or beyond `literal`'s value from
/// below (`upper` false: the least such id) or from above (`upper` true: the greatest), for an
/// `xsd:integer` or `xsd:dateTime` literal in any valid lexical form; `None` for other literals
/// or values the inline ids cannot reach. Date-times are widened by the time-zone slack, so the
/// ids outside the range are exactly values a comparison with `literal` rejects.
pub(crate) fn inline_bound(literal: &Literal, upper: bool) -> Option<TermId> {
    let datatype = literal.datatype();
    if literal.language().is_some() {
        return None;
    }
    if datatype == xsd::INTEGER {
        let parsed = Integer::from_str(literal.value()).ok()?;
        let raw = i128::from(i64::from_be_bytes(parsed.to_be_bytes()));
        return (-SIGNED_BIAS..SIGNED_BIAS)
            .contains(&raw)
            .then(|| TermId::new(TermTag::Integer, biased(raw)));
    }
    if datatype == xsd::DATE_TIME {
        let bytes = DateTime::from_str(literal.value()).ok()?.to_be_bytes();
        let mut seconds = [0; 16];
        seconds.copy_from_slice(&bytes[..16]);
        let raw = i128::from_be_bytes(seconds);
        let millis = if upper {
            raw.div_euclid(MILLIS_SCALE)
                + i128::from(raw.rem_euclid(MILLIS_SCALE) != 0)
                + TZ_SLACK_MILLIS
        } else {
            raw.div_euclid(MILLIS_SCALE) - TZ_SLACK_MILLIS
        };
        let biased_millis = (millis + MILLIS_BIAS).clamp(0, MILLIS_LIMIT - 1);
        #[expect(clippy::cast_sign_loss, reason = "clamped to 0..2^48 just above")]
        let payload = ((biased_millis as u64) << 8) | if upper { 0xFF } else { 0 };
        return Some(TermId::new(TermTag::DateTime, payload));
    }
    None
}

fn typed(value: impl ToString, datatype: oxrdf::NamedNodeRef<'_>) -> Literal {
    Literal::new_typed_literal(value.to_string(), datatype)
}

/// Whether `value` prints as `lexical`, without allocating (a load asks this of every literal).
fn canonical(value: &impl fmt::Display, lexical: &str) -> bool {
    /// Consumes the expected text as the value prints; fails at the first difference.
    struct Expect<'a>(&'a [u8]);
    impl fmt::Write for Expect<'_> {
        fn write_str(&mut self, printed: &str) -> fmt::Result {
            self.0 = self.0.strip_prefix(printed.as_bytes()).ok_or(fmt::Error)?;
            Ok(())
        }
    }
    let mut expect = Expect(lexical.as_bytes());
    fmt::write(&mut expect, format_args!("{value}")).is_ok() && expect.0.is_empty()
}

#[expect(
    clippy::cast_sign_loss,
    reason = "the value is biased into 0..2^56 first"
)]
fn biased(value: i128) -> u64 {
    (value + SIGNED_BIAS) as u64
}

fn unbiased(payload: u64) -> i128 {
    i128::from(payload) - SIGNED_BIAS
}

fn encode_short_string(value: &str) -> Option<TermId> {
    let bytes = value.as_bytes();
    if bytes.len() > 7 || bytes.contains(&0) {
        return None;
    }
    let mut buffer = [0; 8];
    buffer[1..=bytes.len()].copy_from_slice(bytes);
    Some(TermId::new(
        TermTag::ShortString,
        u64::from_be_bytes(buffer),
    ))
}

/// Packs an oxsdatatypes timestamp (seconds as a decimal, then an optional offset) into 56 bits:
/// 48 bits of biased UTC milliseconds, then 8 bits of time-zone code, so ids sort by instant.
#[expect(clippy::cast_sign_loss, reason = "values are range-checked first")]
fn encode_timestamp(tag: TermTag, bytes: [u8; 18]) -> Option<TermId> {
    let mut seconds = [0; 16];
    seconds.copy_from_slice(&bytes[..16]);
    let raw = i128::from_be_bytes(seconds);
    if raw % MILLIS_SCALE != 0 {
        return None;
    }
    let millis = raw / MILLIS_SCALE + MILLIS_BIAS;
    if !(0..MILLIS_LIMIT).contains(&millis) {
        return None;
    }
    let tz_code = if bytes[16..] == [u8::MAX; 2] {
        0
    } else {
        let offset = i16::from_be_bytes([bytes[16], bytes[17]]);
        if offset % TZ_STEP != 0 {
            return None;
        }
        offset / TZ_STEP + TZ_CODE_ZERO
    };
    if !(0..=255).contains(&tz_code) {
        return None;
    }
    Some(TermId::new(
        tag,
        ((millis as u64) << 8) | u64::from(tz_code as u8),
    ))
}

fn decode_timestamp(payload: u64) -> Option<[u8; 18]> {
    let millis = i128::from(payload >> 8) - MILLIS_BIAS;
    let tz_code = i16::from(u8::try_from(payload & 0xFF).ok()?);
    let mut bytes = [0; 18];
    bytes[..16].copy_from_slice(&(millis * MILLIS_SCALE).to_be_bytes());
    let offset = if tz_code == 0 {
        [u8::MAX; 2]
    } else {
        ((tz_code - TZ_CODE_ZERO) * TZ_STEP).to_be_bytes()
    };
    bytes[16..].copy_from_slice(&offset);
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use oxrdf::NamedNodeRef;

    use super::*;

    fn round_trip(value: &str, datatype: NamedNodeRef<'_>) -> Option<TermId> {
        let literal = Literal::new_typed_literal(value, datatype);
        let id = encode_inline(literal.as_ref())?;
        assert_eq!(decode_inline(id), Some(literal), "{value}");
        Some(id)
    }

    #[test]
    fn canonical_forms_inline_and_round_trip() {
        for (value, datatype) in [
            ("true", xsd::BOOLEAN),
            ("false", xsd::BOOLEAN),
            ("0", xsd::INTEGER),
            ("-42", xsd::INTEGER),
            ("36028797018963967", xsd::INTEGER),
            ("-36028797018963968", xsd::INTEGER),
            ("1.5", xsd::DECIMAL),
            ("-0.000001", xsd::DECIMAL),
            ("2020-01-01T00:00:00Z", xsd::DATE_TIME),
            ("2020-01-01T10:30:00.123+05:30", xsd::DATE_TIME),
            ("1969-12-31T23:59:59", xsd::DATE_TIME),
            ("2020-02-29", xsd::DATE),
            ("2020-02-29-05:00", xsd::DATE),
            ("", xsd::STRING),
            ("abcdefg", xsd::STRING),
            ("é", xsd::STRING),
        ] {
            assert!(
                round_trip(value, datatype).is_some(),
                "{value} should inline"
            );
        }
    }

    #[test]
    fn non_canonical_and_out_of_range_forms_stay_in_dictionary() {
        for (value, datatype) in [
            ("1", xsd::BOOLEAN),
            ("01", xsd::INTEGER),
            ("+1", xsd::INTEGER),
            ("36028797018963968", xsd::INTEGER),
            ("1.50", xsd::DECIMAL),
            ("0.0000001", xsd::DECIMAL),
            ("2020-01-01T00:00:00.0001Z", xsd::DATE_TIME),
            ("2020-01-01T00:00:00+00:07", xsd::DATE_TIME),
            ("abcdefgh", xsd::STRING),
            ("a\0", xsd::STRING),
            ("1", xsd::INT),
        ] {
            assert!(
                round_trip(value, datatype).is_none(),
                "{value} should not inline"
            );
        }
    }

    #[test]
    fn ids_sort_in_value_order() {
        let ints = ["-1000", "-1", "0", "7", "123456"].map(|v| round_trip(v, xsd::INTEGER));
        assert!(ints.windows(2).all(|w| w[0] < w[1]));
        let decimals = ["-2.5", "-0.1", "0.25", "1", "99.999"].map(|v| round_trip(v, xsd::DECIMAL));
        assert!(decimals.iter().all(Option::is_some));
        let dates = ["1900-01-01Z", "1999-12-31Z", "2000-01-01Z"].map(|v| round_trip(v, xsd::DATE));
        assert!(dates.windows(2).all(|w| w[0] < w[1]));
        let strings = ["", "a", "ab", "b"].map(|v| round_trip(v, xsd::STRING));
        assert!(strings.windows(2).all(|w| w[0] < w[1]));
    }
}
