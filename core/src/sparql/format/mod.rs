//! Writing results: solutions and booleans through `sparesults` (JSON, XML, CSV, TSV), graphs
//! through `oxrdfio` (every RDF syntax).

use std::io::Write;

use oxrdfio::{RdfFormat, RdfSerializer};
pub use sparesults::QueryResultsFormat;
use sparesults::QueryResultsSerializer;

use super::{QueryError, QueryResults};

mod json;

/// A failure while writing results.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResultsWriteError {
    /// Evaluation failed while results were streamed.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// Writing failed.
    #[error("I/O error while writing results: {0}")]
    Io(#[from] std::io::Error),
    /// The results do not fit the format (a graph as a SELECT format, or the reverse).
    #[error("{0}")]
    WrongFormat(&'static str),
}

impl ResultsWriteError {
    /// A stable machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Query(e) => e.code(),
            Self::Io(_) => "io",
            Self::WrongFormat(_) => "not_acceptable",
        }
    }
}

/// Bytes gathered before the caller's writer sees them: the serializers write a token or a
/// character at a time, and a call into an arbitrary writer for each cost a quarter of a large
/// answer's time through the server.
const BUFFER: usize = 16 * 1024;

/// Runs `write` into a buffer in front of `writer` and gives `writer` back once all of it was
/// written. After a failure nothing more reaches `writer`: a partial answer stays as long as it
/// was when the failure came.
fn buffered<W: Write>(
    writer: W,
    write: impl FnOnce(&mut Buffer<W>) -> Result<(), ResultsWriteError>,
) -> Result<W, ResultsWriteError> {
    let mut buffer = Buffer {
        bytes: Vec::with_capacity(BUFFER),
        inner: writer,
    };
    write(&mut buffer)?;
    buffer.drain()?;
    Ok(buffer.inner)
}

/// A write buffer for serializers that write a character at a time.
///
/// `std::io::BufWriter` copies every write with a call to `memcpy`, which for the one to four
/// bytes of an escaped character cost more than the character's serialization (a third of a
/// large JSON answer's time through the server); here short writes are pushed byte by byte.
struct Buffer<W> {
    bytes: Vec<u8>,
    inner: W,
}

impl<W: Write> Buffer<W> {
    fn drain(&mut self) -> std::io::Result<()> {
        if !self.bytes.is_empty() {
            self.inner.write_all(&self.bytes)?;
            self.bytes.clear();
        }
        Ok(())
    }
}

impl<W: Write> Write for Buffer<W> {
    #[inline]
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    #[inline]
    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        if self.bytes.len() + data.len() > BUFFER {
            self.drain()?;
            if data.len() >= BUFFER {
                return self.inner.write_all(data);
            }
        }
        if data.len() <= 4 {
            for &byte in data {
                self.bytes.push(byte);
            }
        } else {
            self.bytes.extend_from_slice(data);
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.drain()?;
        self.inner.flush()
    }
}

impl QueryResults<'_> {
    /// Writes solutions or a boolean in a SPARQL results format.
    ///
    /// # Errors
    /// Fails if evaluation or writing fails, or if these are graph results.
    pub fn write<W: Write>(
        self,
        format: QueryResultsFormat,
        writer: W,
    ) -> Result<W, ResultsWriteError> {
        let serializer = QueryResultsSerializer::from_format(format);
        // JSON solutions, the common case and the large one, have their own writer (`json`).
        match self {
            Self::Boolean(value) => buffered(writer, |out| {
                serializer.serialize_boolean_to_writer(out, value)?;
                Ok(())
            }),
            Self::Solutions(solutions) if format == QueryResultsFormat::Json => {
                buffered(writer, |out| {
                    let variables = solutions.variables().to_vec();
                    json::write_start(out, &variables)?;
                    let mut first = true;
                    for solution in solutions {
                        json::write_solution(out, first, solution?.bindings())?;
                        first = false;
                    }
                    json::write_end(out)?;
                    Ok(())
                })
            }
            Self::Solutions(solutions) => buffered(writer, |out| {
                let variables = solutions.variables().to_vec();
                let mut out = serializer.serialize_solutions_to_writer(out, variables)?;
                for solution in solutions {
                    out.serialize(solution?.bindings())?;
                }
                out.finish()?;
                Ok(())
            }),
            Self::Graph(_) => Err(ResultsWriteError::WrongFormat(
                "CONSTRUCT and DESCRIBE results are graphs: write them in an RDF syntax",
            )),
        }
    }

    /// Writes graph results (CONSTRUCT, DESCRIBE) in an RDF syntax.
    ///
    /// # Errors
    /// Fails if evaluation or writing fails, or if these are not graph results.
    pub fn write_graph<W: Write>(
        self,
        format: RdfFormat,
        writer: W,
    ) -> Result<W, ResultsWriteError> {
        let Self::Graph(triples) = self else {
            return Err(ResultsWriteError::WrongFormat(
                "SELECT and ASK results are not graphs: write them in a results format",
            ));
        };
        buffered(writer, |out| {
            let mut serializer = RdfSerializer::from_format(format).for_writer(out);
            for triple in triples {
                serializer.serialize_triple(&triple?)?;
            }
            serializer.finish()?;
            Ok(())
        })
    }
}

/// The SPARQL results format `name` stands for: a media type or a name (`json`, `xml`, `csv`,
/// `tsv`, `srj`, `srx`, `sparql-json`, `sparql-xml`); case and surrounding blanks do not matter.
///
/// ```
/// use trine_core::sparql::{QueryResultsFormat, results_format_by_name};
///
/// assert_eq!(results_format_by_name("JSON"), Some(QueryResultsFormat::Json));
/// assert_eq!(results_format_by_name("ttl"), None);
/// ```
pub fn results_format_by_name(name: &str) -> Option<QueryResultsFormat> {
    let name = name.trim().to_ascii_lowercase();
    if name.contains('/') {
        return QueryResultsFormat::from_media_type(&name);
    }
    QueryResultsFormat::from_extension(match name.as_str() {
        "sparql-json" | "sparql-results+json" => "srj",
        "sparql-xml" | "sparql-results+xml" => "srx",
        other => other,
    })
}
