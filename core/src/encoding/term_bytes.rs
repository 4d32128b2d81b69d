use oxrdf::vocab::xsd;
use oxrdf::{BlankNode, Literal, NamedNode, Term, TermRef};
use sha2::Digest;

use super::TermTag;

/// Dictionary bytes that do not decode into a term.
#[derive(Debug, thiserror::Error)]
#[error("invalid dictionary entry: {0}")]
pub struct TermBytesError(&'static str);

/// The dictionary form of a term: its tag byte, then its lexical parts separated by a NUL byte.
///
/// IRIs and language tags never contain NUL, so the separator is unambiguous. These bytes are the
/// value in `id2term`, and the key in `term2id` is derived from them alone ([`term_key`]), so equal
/// terms always meet under one key.
pub fn encode_term_bytes(term: TermRef<'_>, out: &mut Vec<u8>) {
    out.clear();
    match term {
        TermRef::NamedNode(node) => {
            out.push(TermTag::NamedNode as u8);
            out.extend_from_slice(node.as_str().as_bytes());
        }
        TermRef::BlankNode(node) => {
            out.push(TermTag::BlankNode as u8);
            out.extend_from_slice(node.as_str().as_bytes());
        }
        TermRef::Literal(literal) => {
            if let Some(language) = literal.language() {
                out.push(TermTag::LangString as u8);
                out.extend_from_slice(language.as_bytes());
                out.push(0);
            } else if literal.datatype() == xsd::STRING {
                out.push(TermTag::String as u8);
            } else {
                out.push(TermTag::TypedLiteral as u8);
                out.extend_from_slice(literal.datatype().as_str().as_bytes());
                out.push(0);
            }
            out.extend_from_slice(literal.value().as_bytes());
        }
        #[allow(
            unreachable_patterns,
            reason = "RDF 1.2 triple terms when oxrdf enables them"
        )]
        _ => out.push(u8::MAX),
    }
}

/// Literals whose dictionary form is at least this many bytes long are keyed in `term2id` by a hash
/// (see [`term_key`]). Shorter terms, and IRIs and blank nodes of any length, keep their bytes as
/// the key: sorted, those share prefixes that the backend's key compression removes, while long
/// literals (descriptions, reviews, abstracts) are mostly distinct text that would otherwise be
/// stored twice, once in each dictionary direction.
pub(crate) const HASHED_LITERAL_MIN_BYTES: usize = 65;

/// First byte of a hashed `term2id` key. No term tag uses it, so hashed keys never meet a term's
/// own bytes.
const HASHED_KEY_TAG: u8 = 0x80;

/// Length of a hashed `term2id` key: its tag and 16 bytes of SHA-256.
const HASHED_KEY_LEN: usize = 17;

/// The `term2id` key of a term given in dictionary form (see [`term_key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermKey<'a> {
    /// The dictionary form itself.
    Bytes(&'a [u8]),
    /// A long literal's hash.
    Hashed([u8; HASHED_KEY_LEN]),
}

impl std::ops::Deref for TermKey<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Bytes(bytes) => bytes,
            Self::Hashed(key) => key,
        }
    }
}

/// The `term2id` key of `bytes`, a term's dictionary form: the bytes themselves, or for a literal
/// of at least [`HASHED_LITERAL_MIN_BYTES`] a tag byte and the first 16 bytes of the SHA-256 of
/// its dictionary form. At 128 bits, two distinct literals share a key only with a probability
/// far below that of a storage fault (about 2^-64 even for an adversary computing hashes for
/// years), which is the bargain content-addressed stores make; the id → term direction keeps the
/// text itself, so nothing is lost.
pub(crate) fn term_key(bytes: &[u8]) -> TermKey<'_> {
    let literal = matches!(
        dictionary_tag(bytes),
        Some(TermTag::String | TermTag::LangString | TermTag::TypedLiteral)
    );
    if !literal || bytes.len() < HASHED_LITERAL_MIN_BYTES {
        return TermKey::Bytes(bytes);
    }
    let digest = sha2::Sha256::digest(bytes);
    let mut key = [HASHED_KEY_TAG; HASHED_KEY_LEN];
    key[1..].copy_from_slice(&digest[..HASHED_KEY_LEN - 1]);
    TermKey::Hashed(key)
}

/// Whether a `term2id` key is a hash, which does not give the term back.
pub(crate) fn is_hashed_key(key: &[u8]) -> bool {
    key.first() == Some(&HASHED_KEY_TAG)
}

/// The tag a term gets in the dictionary.
pub(crate) fn dictionary_tag(bytes: &[u8]) -> Option<TermTag> {
    TermTag::from_byte(*bytes.first()?).filter(|tag| tag.is_dictionary())
}

/// Decodes bytes written by [`encode_term_bytes`].
///
/// # Errors
/// Fails on bytes that no term encodes to (a corrupted store).
pub fn decode_term_bytes(bytes: &[u8]) -> Result<Term, TermBytesError> {
    let tag = dictionary_tag(bytes).ok_or(TermBytesError("unknown tag"))?;
    let body = std::str::from_utf8(&bytes[1..]).map_err(|_| TermBytesError("not UTF-8"))?;
    Ok(match tag {
        TermTag::NamedNode => NamedNode::new_unchecked(body).into(),
        TermTag::BlankNode => BlankNode::new_unchecked(body).into(),
        TermTag::String => Literal::new_simple_literal(body).into(),
        TermTag::LangString => {
            let (language, value) = body
                .split_once('\0')
                .ok_or(TermBytesError("no separator"))?;
            Literal::new_language_tagged_literal_unchecked(value, language).into()
        }
        TermTag::TypedLiteral => {
            let (datatype, value) = body
                .split_once('\0')
                .ok_or(TermBytesError("no separator"))?;
            Literal::new_typed_literal(value, NamedNode::new_unchecked(datatype)).into()
        }
        _ => return Err(TermBytesError("not a dictionary tag")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let terms: Vec<Term> = vec![
            NamedNode::new_unchecked("http://example.com/ä").into(),
            BlankNode::new_unchecked("b0").into(),
            Literal::new_simple_literal("a\0b with NUL").into(),
            Literal::new_language_tagged_literal_unchecked("chat", "fr-be").into(),
            Literal::new_typed_literal("01", xsd::INTEGER).into(),
        ];
        let mut buffer = Vec::new();
        for term in terms {
            encode_term_bytes(term.as_ref(), &mut buffer);
            assert_eq!(decode_term_bytes(&buffer).ok(), Some(term));
        }
    }

    #[test]
    fn only_long_literals_are_keyed_by_hash() {
        // With the tag byte, just long enough.
        let long = "x".repeat(HASHED_LITERAL_MIN_BYTES - 1);
        let mut buffer = Vec::new();
        for (term, hashed) in [
            (Term::from(Literal::new_simple_literal(&long)), true),
            (
                Literal::new_language_tagged_literal_unchecked(&long, "en").into(),
                true,
            ),
            (Literal::new_typed_literal(&long, xsd::TOKEN).into(), true),
            (Literal::new_simple_literal(&long[1..]).into(), false),
            (
                NamedNode::new_unchecked(format!("http://example.com/{long}")).into(),
                false,
            ),
            (BlankNode::new_unchecked(&long).into(), false),
        ] {
            encode_term_bytes(term.as_ref(), &mut buffer);
            let key = term_key(&buffer);
            assert_eq!(is_hashed_key(&key), hashed, "{term}");
            assert_eq!(matches!(key, TermKey::Hashed(_)), hashed, "{term}");
            if !hashed {
                assert_eq!(&*key, buffer.as_slice());
            }
        }
        // Distinct literals get distinct keys, equal ones the same.
        let key = |text: &str| {
            let mut buffer = Vec::new();
            encode_term_bytes(
                Literal::new_simple_literal(text).as_ref().into(),
                &mut buffer,
            );
            term_key(&buffer).to_vec()
        };
        assert_eq!(key(&long), key(&long));
        assert_ne!(key(&long), key(&format!("{long}y")));
    }
}
