//! The built-in functions and XSD casts an expression can call.

use oxrdf::NamedNode;
use oxrdf::vocab::xsd;

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    missing_docs,
    reason = "each variant is the SPARQL function of the same name"
)]
pub enum Builtin {
    Str,
    Lang,
    Datatype,
    Iri,
    BNode,
    IsIri,
    IsBlank,
    IsLiteral,
    IsNumeric,
    StrLen,
    SubStr,
    UCase,
    LCase,
    Contains,
    StrStarts,
    StrEnds,
    StrBefore,
    StrAfter,
    EncodeForUri,
    Concat,
    LangMatches,
    Regex,
    Replace,
    StrDt,
    StrLang,
    Abs,
    Ceil,
    Floor,
    Round,
    Rand,
    Now,
    Year,
    Month,
    Day,
    Hours,
    Minutes,
    Seconds,
    Timezone,
    Tz,
    Uuid,
    StrUuid,
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
    /// A cast to the XSD datatype of that name.
    Cast(CastTarget),
}

/// XSD datatypes a value can be cast to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    missing_docs,
    reason = "each variant is the XSD datatype of the same name"
)]
pub enum CastTarget {
    String,
    Boolean,
    Integer,
    Decimal,
    Float,
    Double,
    DateTime,
}

impl CastTarget {
    /// The cast for a datatype IRI, if SPARQL defines one.
    pub fn from_iri(iri: &NamedNode) -> Option<Self> {
        let iri = iri.as_ref();
        Some(if iri == xsd::STRING {
            Self::String
        } else if iri == xsd::BOOLEAN {
            Self::Boolean
        } else if iri == xsd::INTEGER {
            Self::Integer
        } else if iri == xsd::DECIMAL {
            Self::Decimal
        } else if iri == xsd::FLOAT {
            Self::Float
        } else if iri == xsd::DOUBLE {
            Self::Double
        } else if iri == xsd::DATE_TIME {
            Self::DateTime
        } else {
            return None;
        })
    }
}
