//! Fixed-width term ids and the key layouts of the quad indexes.
//!
//! Every RDF term is a [`TermId`]: a `u64` whose high byte is a [`TermTag`]. IRIs, blank nodes and most
//! literals get a dictionary id; booleans, integers, decimals, dates, date-times and short strings in
//! their canonical lexical form are *inlined*: the value lives in the id itself, and within a tag ids
//! sort in value order, so a range FILTER can become a key-range scan. Non-canonical lexical forms
//! (`"01"^^xsd:integer`) go to the dictionary, because RDF term identity is lexical.
//!
//! A quad key is four big-endian ids (32 bytes) in one of six [`QuadOrder`]s.

mod inline;
mod quad;
mod term_bytes;
mod term_id;

pub use inline::{decode_inline, encode_inline};
pub(crate) use inline::{
    inline_bound, inline_date, inline_date_time, inline_decimal, inline_integer,
};
pub use quad::{EncodedQuad, IndexFlags, QuadOrder};
pub use term_bytes::{TermBytesError, decode_term_bytes, encode_term_bytes};
pub(crate) use term_bytes::{TermKey, dictionary_tag, is_hashed_key, term_key};
pub use term_id::{TermId, TermTag};
