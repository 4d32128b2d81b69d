//! Lexical checks `spargebra` does not make.
//!
//! - SPARQL's longest-token rule: wherever the text `<…>` is a valid IRIREF token, it is one, even
//!   where an operator `<` would also parse (`FILTER(?x<?a&&?b>?y)` is an error, not two
//!   comparisons).
//! - A nesting limit: the parser, the translation and the evaluator all recurse once per level of
//!   `{ }`, `( )` and `[ ]`, so a small hostile text (thousands of nested groups) would overflow a
//!   thread's stack and abort the process. The text is scanned without recursion first and
//!   rejected past [`MAX_NESTING_DEPTH`] levels.
//! - A limit on nested negations: `spargebra`'s parser takes time exponential in how many `!`
//!   stand before brackets nested in one another (`!(!(!( … )))`: 20 levels take seconds, 30 would
//!   take hours, and a parse cannot be cancelled), so more than [`MAX_NEGATION_DEPTH`] are refused.

/// How deeply `{ }`, `( )` and `[ ]` may nest in a query or update, all kinds counted together.
///
/// Measured, not guessed: on a 2 MiB thread stack (tokio's worker default) a debug build of the
/// whole pipeline still parses, plans and runs 4x this depth; real queries stay under 20.
pub const MAX_NESTING_DEPTH: usize = 128;

/// Where a text first nests deeper than [`MAX_NESTING_DEPTH`] (1-based line, column in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooDeep {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// How many `!` may stand before brackets nested in one another (`!(… !(… ) …)`), counted along
/// the deepest nesting. Real queries use a few; the parser's time doubles with each one (about a
/// millisecond at this limit in a debug build).
pub const MAX_NEGATION_DEPTH: usize = 12;

/// Which text limit a query or update went past, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextLimit {
    /// Brackets nested deeper than [`MAX_NESTING_DEPTH`].
    Nesting(TooDeep),
    /// More than [`MAX_NEGATION_DEPTH`] negations before nested brackets.
    Negations(TooDeep),
    /// More than [`MAX_OPERATORS`] operators and pattern keywords.
    Operators(TooDeep),
}

/// Both text limits, checked before parsing (see [`check_operators`] for `count_signs`).
pub(crate) fn check_limits(text: &str, count_signs: bool) -> Result<(), TextLimit> {
    check_nesting(text).map_err(TextLimit::Nesting)?;
    check_negations(text).map_err(TextLimit::Negations)?;
    check_operators(text, count_signs).map_err(TextLimit::Operators)
}

/// Checks that at most [`MAX_NEGATION_DEPTH`] `!` stand before brackets that nest in one
/// another. Runs after [`check_nesting`], so the stack of open brackets stays small.
fn check_negations(text: &str) -> Result<(), TooDeep> {
    // Per open bracket, the negations counted up to and including it.
    let mut open: Vec<usize> = Vec::new();
    let mut bangs = 0usize;
    for (offset, token) in tokens(text) {
        let outer = open.last().copied().unwrap_or(0);
        match token {
            Token::Punct(b'!') => {
                bangs += 1;
                continue;
            }
            Token::Punct(b' ' | b'\t' | b'\n' | b'\r') => continue,
            Token::Punct(b'{' | b'(' | b'[') => {
                let depth = outer + bangs;
                if depth > MAX_NEGATION_DEPTH {
                    return Err(position(text, offset));
                }
                open.push(depth);
            }
            Token::Punct(b'}' | b')' | b']') => {
                open.pop();
            }
            _ => {}
        }
        bangs = 0;
    }
    Ok(())
}

/// Checks that brackets nest at most [`MAX_NESTING_DEPTH`] deep, outside strings, IRIs and comments.
fn check_nesting(text: &str) -> Result<(), TooDeep> {
    let mut depth = 0usize;
    for (offset, token) in tokens(text) {
        match token {
            Token::Punct(b'{' | b'(' | b'[') => {
                depth += 1;
                if depth > MAX_NESTING_DEPTH {
                    return Err(position(text, offset));
                }
            }
            Token::Punct(b'}' | b')' | b']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Most operators and pattern keywords (`UNION`, `OPTIONAL`, `{`, `/`, `+`, `&&`, …) one text
/// may hold. Each can add a level to the parsed algebra, and the parser recurses over those
/// levels, so this bounds what parsing can cost before the algebra is measured.
pub const MAX_OPERATORS: usize = 100_000;

/// Counts the operators and pattern keywords of `text` (outside strings, IRIs and comments) and
/// refuses more than [`MAX_OPERATORS`]. With `count_signs` off, a `+` or `-` right before a
/// digit (a signed number, as in bulk `INSERT DATA`) is not counted.
fn check_operators(text: &str, count_signs: bool) -> Result<(), TooDeep> {
    const KEYWORDS: [&str; 5] = ["UNION", "OPTIONAL", "MINUS", "BIND", "FILTER"];
    let mut count = 0usize;
    for (offset, token) in tokens(text) {
        let counts = match token {
            Token::Punct(b'+' | b'-') => {
                count_signs
                    || !text
                        .as_bytes()
                        .get(offset + 1)
                        .is_some_and(u8::is_ascii_digit)
            }
            Token::Punct(byte) => b"{/|^&*=!<>".contains(&byte),
            Token::Word(word) => KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word)),
            Token::Iri(_) | Token::Skipped => false,
        };
        if counts {
            count += 1;
            if count > MAX_OPERATORS {
                return Err(position(text, offset));
            }
        }
    }
    Ok(())
}

/// What the scan of a query's text sees, outside comments and strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    /// An IRIREF, `<` to `>`, with the byte after it.
    Iri(usize),
    /// A name, prefixed name or keyword.
    Word(&'a str),
    /// A single punctuation byte (a bracket, an operator character).
    Punct(u8),
    /// A variable, a number or the `^^` of a typed literal: nothing the checks count.
    Skipped,
}

/// The tokens of `text` with their byte offsets; comments and strings are skipped. Not a full
/// SPARQL tokenizer: just enough to tell brackets, operators, keywords and IRIs apart.
fn tokens(text: &str) -> impl Iterator<Item = (usize, Token<'_>)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            let start = i;
            let byte = *bytes.get(i)?;
            let token = match byte {
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                quote @ (b'"' | b'\'') => {
                    i = skip_string(bytes, i, quote);
                    continue;
                }
                b'<' => match iri_end(bytes, i) {
                    Some(end) => {
                        i = end;
                        Token::Iri(end)
                    }
                    None => {
                        i += 1;
                        Token::Punct(byte)
                    }
                },
                b'^' if bytes.get(i + 1) == Some(&b'^') => {
                    i += 2;
                    Token::Skipped
                }
                b'?' | b'$' => {
                    // Variable names hold no `-` or `.`: `?a-?b` is a subtraction.
                    i += 1;
                    while i < bytes.len()
                        && (bytes[i].is_ascii_alphanumeric()
                            || bytes[i] == b'_'
                            || bytes[i] >= 0x80)
                    {
                        i += 1;
                    }
                    Token::Skipped
                }
                b'0'..=b'9' => {
                    i += 1;
                    while i < bytes.len() {
                        let exponent_sign =
                            matches!(bytes[i], b'+' | b'-') && matches!(bytes[i - 1], b'e' | b'E');
                        if !(bytes[i].is_ascii_digit()
                            || matches!(bytes[i], b'.' | b'e' | b'E')
                            || exponent_sign)
                        {
                            break;
                        }
                        i += 1;
                    }
                    Token::Skipped
                }
                byte if byte.is_ascii_alphabetic()
                    || byte >= 0x80
                    || matches!(byte, b'_' | b':') =>
                {
                    i += 1;
                    while i < bytes.len() && is_name_byte(bytes[i]) {
                        i += 1;
                    }
                    Token::Word(&text[start..i])
                }
                _ => {
                    i += 1;
                    Token::Punct(byte)
                }
            };
            return Some((start, token));
        }
    })
}

/// Bytes of names, prefixed names, variables and numbers (`-` and `.` included, as in
/// `ex:has-part` or `1.5`).
fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b':') || byte >= 0x80
}

/// The 1-based line and character column of byte `offset`.
fn position(text: &str, offset: usize) -> TooDeep {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    TooDeep {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
    }
}

/// The byte after the string literal opening at `start` with `quote`.
fn skip_string(bytes: &[u8], start: usize, quote: u8) -> usize {
    let long = bytes[start..].starts_with(&[quote; 3]);
    let mut i = start + if long { 3 } else { 1 };
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            i += 2;
            continue;
        }
        if long && bytes[i..].starts_with(&[quote; 3]) {
            return i + 3;
        }
        if !long && bytes[i] == quote {
            return i + 1;
        }
        i += 1;
    }
    i
}

/// The byte after the IRIREF opening at `start`, if `<` starts one.
fn iri_end(bytes: &[u8], start: usize) -> Option<usize> {
    let end = bytes[start + 1..]
        .iter()
        .position(|b| !is_iri_byte(*b))
        .map(|offset| start + 1 + offset)?;
    (bytes[end] == b'>').then_some(end + 1)
}

/// Byte ranges of the spans that tokenize as IRIREFs, outside strings and comments.
fn iri_spans(query: &str) -> Vec<(usize, usize)> {
    tokens(query)
        .filter_map(|(start, token)| match token {
            Token::Iri(end) => Some((start, end)),
            _ => None,
        })
        .collect()
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

#[cfg(test)]
mod negation_tests {
    use super::*;

    fn nested(levels: usize, inner: &str) -> String {
        format!(
            "ASK {{ FILTER({}{inner}{}) }}",
            "!(".repeat(levels),
            ")".repeat(levels)
        )
    }

    #[test]
    fn nested_negations_are_bounded() {
        assert_eq!(check_negations(&nested(MAX_NEGATION_DEPTH, "true")), Ok(()));
        let refused = check_negations(&nested(MAX_NEGATION_DEPTH + 1, "true"));
        assert_eq!(
            refused,
            Err(TooDeep {
                line: 1,
                column: 15 + 2 * MAX_NEGATION_DEPTH
            })
        );
        // Chains of `!` count each, comments and blanks between them do not hide them.
        let chained = format!(
            "ASK {{ FILTER({}true{}) }}",
            "!!# c\n (".repeat(7),
            ")".repeat(7)
        );
        assert!(check_negations(&chained).is_err());
        // Side by side is not nested; `!=`, path negation, strings and IRIs are no nesting either.
        let flat = format!("ASK {{ FILTER({}true) }}", "!(true) && ".repeat(40));
        assert_eq!(check_negations(&flat), Ok(()));
        let others =
            "SELECT * { ?s !(<p>|^<q>) ?o FILTER(?o != 1 && \"!(!(!(\" != <http://e/!(>) }";
        assert_eq!(check_negations(others), Ok(()));
    }
}
