use oxrdf::vocab::xsd;
use oxrdf::{BlankNode, Literal, NamedNode, Term, TermRef};

use super::TermTag;

/// Dictionary bytes that do not decode into a term.
#[derive(Debug, thiserror::Error)]
#[error("invalid dictionary entry: {0}")]
pub struct TermBytesError(&'static str);

/// The dictionary form of a term: its tag byte, then its lexical parts separated by a NUL byte.
///
/// IRIs and language tags never contain NUL, so the separator is unambiguous. The same bytes are the
/// value in `id2term` and the key in `term2id`, so equal terms always meet under one key.
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
}
