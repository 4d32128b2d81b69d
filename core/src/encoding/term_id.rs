use std::fmt;

/// The kind of a [`TermId`], stored in its high byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
#[non_exhaustive]
pub enum TermTag {
    /// The default graph; only [`TermId::DEFAULT_GRAPH`] has it.
    DefaultGraph = 0,
    /// An IRI (dictionary).
    NamedNode = 1,
    /// A blank node (dictionary).
    BlankNode = 2,
    /// An `xsd:string` literal (dictionary).
    String = 3,
    /// A language-tagged string (dictionary).
    LangString = 4,
    /// Any other literal (dictionary).
    TypedLiteral = 5,
    /// An inline `xsd:boolean`.
    Boolean = 6,
    /// An inline `xsd:integer`.
    Integer = 7,
    /// An inline `xsd:decimal` with at most six fraction digits.
    Decimal = 8,
    /// An inline `xsd:dateTime` with millisecond precision.
    DateTime = 9,
    /// An inline `xsd:date`.
    Date = 10,
    /// An inline `xsd:string` of at most seven UTF-8 bytes.
    ShortString = 11,
    /// A term computed during a query and unknown to the store: the payload indexes the query's
    /// own table. Never written to storage.
    Local = 12,
}

impl TermTag {
    /// The tag for a byte, if it is one.
    pub const fn from_byte(byte: u8) -> Option<Self> {
        Some(match byte {
            0 => Self::DefaultGraph,
            1 => Self::NamedNode,
            2 => Self::BlankNode,
            3 => Self::String,
            4 => Self::LangString,
            5 => Self::TypedLiteral,
            6 => Self::Boolean,
            7 => Self::Integer,
            8 => Self::Decimal,
            9 => Self::DateTime,
            10 => Self::Date,
            11 => Self::ShortString,
            12 => Self::Local,
            _ => return None,
        })
    }

    /// Whether terms of this tag are stored in the dictionary.
    pub const fn is_dictionary(self) -> bool {
        matches!(
            self,
            Self::NamedNode
                | Self::BlankNode
                | Self::String
                | Self::LangString
                | Self::TypedLiteral
        )
    }

    /// Whether terms of this tag are literals.
    pub const fn is_literal(self) -> bool {
        !matches!(
            self,
            Self::DefaultGraph | Self::NamedNode | Self::BlankNode | Self::Local
        )
    }
}

/// A term encoded in 64 bits: a [`TermTag`] in the high byte and a 56-bit payload.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TermId(u64);

impl TermId {
    /// The default graph, graph id 0.
    pub const DEFAULT_GRAPH: Self = Self(0);
    /// Bits of payload below the tag.
    pub const PAYLOAD_BITS: u32 = 56;
    /// Largest payload.
    pub const MAX_PAYLOAD: u64 = (1 << Self::PAYLOAD_BITS) - 1;

    /// Builds an id from its tag and payload; the payload is masked to 56 bits.
    pub const fn new(tag: TermTag, payload: u64) -> Self {
        Self(((tag as u64) << Self::PAYLOAD_BITS) | (payload & Self::MAX_PAYLOAD))
    }

    /// The raw 64 bits.
    pub const fn as_u64(self) -> u64 {
        self.0
    }

    /// Rebuilds an id from raw bits, checking the tag.
    pub const fn from_u64(raw: u64) -> Option<Self> {
        match TermTag::from_byte((raw >> Self::PAYLOAD_BITS) as u8) {
            Some(_) => Some(Self(raw)),
            None => None,
        }
    }

    /// The tag. Ids are only built through checked constructors, so the tag is always valid.
    pub const fn tag(self) -> TermTag {
        match TermTag::from_byte((self.0 >> Self::PAYLOAD_BITS) as u8) {
            Some(tag) => tag,
            None => TermTag::DefaultGraph,
        }
    }

    /// The 56-bit payload.
    pub const fn payload(self) -> u64 {
        self.0 & Self::MAX_PAYLOAD
    }

    /// Big-endian bytes, the form used in keys.
    pub const fn to_be_bytes(self) -> [u8; 8] {
        self.0.to_be_bytes()
    }

    /// Reads big-endian bytes, checking the tag.
    pub fn from_be_bytes(bytes: [u8; 8]) -> Option<Self> {
        Self::from_u64(u64::from_be_bytes(bytes))
    }

    /// Whether the term lives in the dictionary (rather than inline).
    pub const fn is_dictionary(self) -> bool {
        self.tag().is_dictionary()
    }
}

impl fmt::Debug for TermId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TermId({:?}:{:#x})", self.tag(), self.payload())
    }
}
