//! SPARQL 1.1 Query Results JSON for solutions, written straight into the output buffer.
//!
//! `sparesults` builds a vector of JSON events for every solution and escapes each string a
//! character at a time, one write per character: on a large answer that was most of the server's
//! time. This writer produces the same bytes (a test compares the two over every kind of term and
//! every character that needs escaping); booleans and the other formats stay with `sparesults`.

use std::io::{self, Write};

use oxrdf::vocab::xsd;
use oxrdf::{TermRef, Variable, VariableRef};

/// Writes the head and opens the bindings array.
pub(super) fn write_start(out: &mut impl Write, variables: &[Variable]) -> io::Result<()> {
    out.write_all(b"{\"head\":{\"vars\":[")?;
    for (i, variable) in variables.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_string(out, variable.as_str())?;
    }
    out.write_all(b"]},\"results\":{\"bindings\":[")
}

/// Writes one solution; `first` tells whether a solution was written before it.
pub(super) fn write_solution<'a>(
    out: &mut impl Write,
    first: bool,
    bindings: impl IntoIterator<Item = (VariableRef<'a>, TermRef<'a>)>,
) -> io::Result<()> {
    out.write_all(if first { b"{" } else { b",{" })?;
    for (i, (variable, term)) in bindings.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_string(out, variable.as_str())?;
        out.write_all(b":")?;
        write_term(out, term)?;
    }
    out.write_all(b"}")
}

/// Closes the bindings array and the document.
pub(super) fn write_end(out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"]}}")
}

fn write_term(out: &mut impl Write, term: TermRef<'_>) -> io::Result<()> {
    match term {
        TermRef::NamedNode(node) => {
            out.write_all(b"{\"type\":\"uri\",\"value\":")?;
            write_string(out, node.as_str())?;
        }
        TermRef::BlankNode(node) => {
            out.write_all(b"{\"type\":\"bnode\",\"value\":")?;
            write_string(out, node.as_str())?;
        }
        TermRef::Literal(literal) => {
            out.write_all(b"{\"type\":\"literal\",\"value\":")?;
            write_string(out, literal.value())?;
            if let Some(language) = literal.language() {
                out.write_all(b",\"xml:lang\":")?;
                write_string(out, language)?;
            } else if literal.datatype() != xsd::STRING {
                out.write_all(b",\"datatype\":")?;
                write_string(out, literal.datatype().as_str())?;
            }
        }
    }
    out.write_all(b"}")
}

/// Writes `value` as a JSON string, copying the runs between characters that need escaping
/// whole. Bytes of multi-byte UTF-8 characters are all 0x80 or above, so a byte scan is safe.
fn write_string(out: &mut impl Write, value: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let bytes = value.as_bytes();
    let mut run = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let mut hex = [b'\\', b'u', b'0', b'0', 0, 0];
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0C => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1F => {
                hex[4] = hex_digit(byte >> 4);
                hex[5] = hex_digit(byte & 0xF);
                &hex
            }
            _ => continue,
        };
        out.write_all(&bytes[run..i])?;
        out.write_all(escape)?;
        run = i + 1;
    }
    out.write_all(&bytes[run..])?;
    out.write_all(b"\"")
}

/// A lowercase hexadecimal digit, as `sparesults` writes them.
fn hex_digit(value: u8) -> u8 {
    if value < 10 {
        b'0' + value
    } else {
        b'a' + value - 10
    }
}

#[cfg(test)]
mod tests {
    use oxrdf::{BlankNode, Literal, NamedNode, Term};
    use sparesults::{QueryResultsFormat, QueryResultsSerializer};

    use super::*;

    fn ours(variables: &[Variable], rows: &[Vec<Option<Term>>]) -> io::Result<String> {
        let mut out = Vec::new();
        write_start(&mut out, variables)?;
        for (i, row) in rows.iter().enumerate() {
            let bindings = variables.iter().zip(row).filter_map(|(variable, value)| {
                Some((variable.as_ref(), value.as_ref()?.as_ref()))
            });
            write_solution(&mut out, i == 0, bindings)?;
        }
        write_end(&mut out)?;
        String::from_utf8(out).map_err(io::Error::other)
    }

    fn theirs(variables: &[Variable], rows: &[Vec<Option<Term>>]) -> io::Result<String> {
        let serializer = QueryResultsSerializer::from_format(QueryResultsFormat::Json);
        let mut out = serializer.serialize_solutions_to_writer(Vec::new(), variables.to_vec())?;
        for row in rows {
            out.serialize(variables.iter().zip(row).filter_map(|(variable, value)| {
                Some((variable.as_ref(), value.as_ref()?.as_ref()))
            }))?;
        }
        String::from_utf8(out.finish()?).map_err(io::Error::other)
    }

    #[test]
    fn writes_the_bytes_sparesults_writes() -> io::Result<()> {
        let every_escape: String = (0u8..0x20).map(char::from).collect::<String>()
            + "\"\\/ plain é 日本 \u{10FFFF} \u{7F} end";
        let terms = [
            Term::from(NamedNode::new_unchecked("http://example.com/a\"b\\c")),
            BlankNode::new_unchecked("b0").into(),
            Literal::new_simple_literal(every_escape.as_str()).into(),
            Literal::new_simple_literal("").into(),
            Literal::new_language_tagged_literal_unchecked("chat", "fr-ca").into(),
            Literal::from(12).into(),
            Literal::new_typed_literal("x\ny", NamedNode::new_unchecked("http://e/t")).into(),
        ];
        let variables = [
            Variable::new_unchecked("x"),
            Variable::new_unchecked("y_2"),
            Variable::new_unchecked("é"),
        ];
        let mut rows = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            let other = terms[(i + 3) % terms.len()].clone();
            rows.push(vec![Some(term.clone()), None, Some(other)]);
            rows.push(vec![None, Some(term.clone()), None]);
        }
        rows.push(vec![None, None, None]);
        for count in [0, 1, rows.len()] {
            let rows = &rows[..count];
            assert_eq!(
                ours(&variables, rows)?,
                theirs(&variables, rows)?,
                "{count} rows"
            );
        }
        assert_eq!(ours(&[], &[])?, theirs(&[], &[])?);
        Ok(())
    }
}
