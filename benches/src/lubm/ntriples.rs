//! A minimal N-Triples line writer shared by the LUBM and BSBM generators.
//!
//! It lives under `lubm/` only because the generators' files are confined to their folders;
//! nothing in it is LUBM-specific, and the BSBM generator imports it from here.

use std::io::{self, BufWriter, Write};

/// One RDF term as the generators produce it. IRIs are written as given, so callers build them
/// from fixed namespaces and ASCII identifiers; literal values are escaped here.
#[derive(Debug, Clone, Copy)]
pub enum Term<'a> {
    /// An absolute IRI, without the angle brackets.
    Iri(&'a str),
    /// A blank node label, without the `_:` prefix.
    Blank(&'a str),
    /// A plain (`xsd:string`) literal.
    Literal(&'a str),
    /// A literal with a datatype IRI: `(lexical form, datatype)`.
    Typed(&'a str, &'a str),
    /// A language-tagged string: `(value, language tag)`.
    Lang(&'a str, &'a str),
}

/// Writes triples one per line and counts them.
pub struct NTriplesWriter<W: Write> {
    out: BufWriter<W>,
    count: u64,
}

impl<W: Write> NTriplesWriter<W> {
    /// Buffers `out` itself, since the generators issue many small writes per triple.
    pub fn new(out: W) -> Self {
        Self {
            out: BufWriter::with_capacity(1 << 16, out),
            count: 0,
        }
    }

    /// Writes `subject predicate object .`.
    ///
    /// # Errors
    /// Fails if writing to the underlying writer fails.
    pub fn triple(
        &mut self,
        subject: Term<'_>,
        predicate: &str,
        object: Term<'_>,
    ) -> io::Result<()> {
        self.term(subject)?;
        self.out.write_all(b" <")?;
        self.out.write_all(predicate.as_bytes())?;
        self.out.write_all(b"> ")?;
        self.term(object)?;
        self.out.write_all(b" .\n")?;
        self.count += 1;
        Ok(())
    }

    /// Shorthand for a triple whose subject and object are IRIs.
    ///
    /// # Errors
    /// Fails if writing fails.
    pub fn iri(&mut self, subject: &str, predicate: &str, object: &str) -> io::Result<()> {
        self.triple(Term::Iri(subject), predicate, Term::Iri(object))
    }

    /// Shorthand for an IRI subject with a plain literal object.
    ///
    /// # Errors
    /// Fails if writing fails.
    pub fn literal(&mut self, subject: &str, predicate: &str, value: &str) -> io::Result<()> {
        self.triple(Term::Iri(subject), predicate, Term::Literal(value))
    }

    /// Shorthand for an IRI subject with a typed literal object.
    ///
    /// # Errors
    /// Fails if writing fails.
    pub fn typed(
        &mut self,
        subject: &str,
        predicate: &str,
        lexical: &str,
        datatype: &str,
    ) -> io::Result<()> {
        self.triple(
            Term::Iri(subject),
            predicate,
            Term::Typed(lexical, datatype),
        )
    }

    /// Flushes the buffer and returns the number of triples written.
    ///
    /// # Errors
    /// Fails if flushing fails.
    pub fn finish(mut self) -> io::Result<u64> {
        self.out.flush()?;
        Ok(self.count)
    }

    fn term(&mut self, term: Term<'_>) -> io::Result<()> {
        match term {
            Term::Iri(iri) => {
                self.out.write_all(b"<")?;
                self.out.write_all(iri.as_bytes())?;
                self.out.write_all(b">")
            }
            Term::Blank(label) => {
                self.out.write_all(b"_:")?;
                self.out.write_all(label.as_bytes())
            }
            Term::Literal(value) => self.quoted(value),
            Term::Typed(lexical, datatype) => {
                self.quoted(lexical)?;
                self.out.write_all(b"^^<")?;
                self.out.write_all(datatype.as_bytes())?;
                self.out.write_all(b">")
            }
            Term::Lang(value, tag) => {
                self.quoted(value)?;
                self.out.write_all(b"@")?;
                self.out.write_all(tag.as_bytes())
            }
        }
    }

    /// Writes `value` between double quotes with the escapes N-Triples requires.
    fn quoted(&mut self, value: &str) -> io::Result<()> {
        self.out.write_all(b"\"")?;
        let bytes = value.as_bytes();
        let mut start = 0;
        for (i, &byte) in bytes.iter().enumerate() {
            let escape: &[u8] = match byte {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                _ => continue,
            };
            // Copies the unescaped run in one call; the escaped bytes are ASCII, so slicing
            // here never splits a UTF-8 sequence.
            self.out.write_all(&bytes[start..i])?;
            self.out.write_all(escape)?;
            start = i + 1;
        }
        self.out.write_all(&bytes[start..])?;
        self.out.write_all(b"\"")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{NTriplesWriter, Term};

    #[test]
    fn escapes_literals_and_counts() {
        let mut buf = Vec::new();
        let mut w = NTriplesWriter::new(&mut buf);
        w.literal("http://e/s", "http://e/p", "a \"quoted\"\\ line\nnext\r")
            .unwrap();
        w.triple(Term::Blank("b0"), "http://e/p", Term::Lang("día", "es"))
            .unwrap();
        w.typed(
            "http://e/s",
            "http://e/p",
            "1",
            "http://www.w3.org/2001/XMLSchema#integer",
        )
        .unwrap();
        assert_eq!(w.finish().unwrap(), 3);
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "<http://e/s> <http://e/p> \"a \\\"quoted\\\"\\\\ line\\nnext\\r\" .\n\
             _:b0 <http://e/p> \"día\"@es .\n\
             <http://e/s> <http://e/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
        );
        let parsed = oxttl::NTriplesParser::new()
            .for_slice(text.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(
            parsed[0].object.to_string(),
            "\"a \\\"quoted\\\"\\\\ line\\nnext\\r\""
        );
    }
}
