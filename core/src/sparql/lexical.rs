//! A check of SPARQL's longest-token rule, which `spargebra` does not apply: wherever the text
//! `<…>` is a valid IRIREF token, it is one, even where an operator `<` would also parse
//! (`FILTER(?x<?a&&?b>?y)` is an error, not two comparisons).

/// Byte ranges of the spans that tokenize as IRIREFs, outside strings and comments.
fn iri_spans(query: &str) -> Vec<(usize, usize)> {
    let bytes = query.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            quote @ (b'"' | b'\'') => {
                let long = bytes[i..].starts_with(&[quote; 3]);
                i += if long { 3 } else { 1 };
                while i < bytes.len() {
                    if bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if long && bytes[i..].starts_with(&[quote; 3]) {
                        i += 3;
                        break;
                    }
                    if !long && bytes[i] == quote {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'<' => {
                let end = bytes[i + 1..]
                    .iter()
                    .position(|b| !is_iri_byte(*b))
                    .map(|offset| i + 1 + offset);
                if let Some(end) = end
                    && bytes[end] == b'>'
                {
                    spans.push((i, end + 1));
                    i = end + 1;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    spans
}

/// Characters IRIREF allows: anything but `<>"{}|^`\` and controls or spaces.
fn is_iri_byte(byte: u8) -> bool {
    byte > 0x20 && !b"<>\"{}|^`\\".contains(&byte)
}

/// The query with every IRIREF-shaped span replaced by a plain IRI of the same role, if any
/// span looks like operators (holds a variable marker or a boolean operator).
pub(crate) fn with_iris_as_tokens(query: &str) -> Option<String> {
    let suspicious: Vec<_> = iri_spans(query)
        .into_iter()
        .filter(|(start, end)| {
            let inner = &query[start + 1..end - 1];
            inner.contains("&&")
                || inner.contains("||")
                || inner.starts_with('?')
                || inner.starts_with('$')
        })
        .collect();
    if suspicious.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(query.len());
    let mut last = 0;
    for (start, end) in suspicious {
        out.push_str(&query[last..start]);
        out.push_str("<http://example.com/longest-token>");
        last = end;
    }
    out.push_str(&query[last..]);
    Some(out)
}
