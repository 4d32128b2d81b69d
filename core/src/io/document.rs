use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use oxrdfio::RdfFormat;

/// One document of a bulk load over several
/// ([`Store::bulk_load_documents`](crate::Store::bulk_load_documents)): a file, or any reader,
/// with its syntax and a name for messages.
///
/// ```
/// use trine_core::io::{Document, RdfFormat};
///
/// let ontology = Document::reader("ontology", RdfFormat::Turtle, &b"<http://e.com/a> a <http://e.com/C> ."[..]);
/// let data = Document::file("data.nt", RdfFormat::NTriples);
/// assert_eq!(data.name(), "data.nt");
/// assert_eq!(ontology.format(), RdfFormat::Turtle);
/// ```
pub struct Document {
    name: String,
    format: RdfFormat,
    input: Input,
}

/// Where a [`Document`]'s bytes come from.
enum Input {
    /// A file: N-Triples and N-Quads files are cut into parts parsed in parallel.
    File(PathBuf),
    Reader(Box<dyn Read + Send>),
}

impl Document {
    /// The file at `path`, in `format`; named by its path.
    pub fn file(path: impl Into<PathBuf>, format: RdfFormat) -> Self {
        let path = path.into();
        Self {
            name: path.display().to_string(),
            format,
            input: Input::File(path),
        }
    }

    /// The bytes `reader` yields, in `format`, named `name` in messages.
    pub fn reader(
        name: impl Into<String>,
        format: RdfFormat,
        reader: impl Read + Send + 'static,
    ) -> Self {
        Self {
            name: name.into(),
            format,
            input: Input::Reader(Box::new(reader)),
        }
    }

    /// The name errors give the document: its path, or the name given.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The document's syntax.
    pub fn format(&self) -> RdfFormat {
        self.format
    }

    /// The file the document is read from, if it is one.
    pub fn path(&self) -> Option<&Path> {
        match &self.input {
            Input::File(path) => Some(path),
            Input::Reader(_) => None,
        }
    }
}

impl Document {
    /// The document's bytes: its file opened (and buffered), or its reader.
    ///
    /// # Errors
    /// Fails if the file cannot be opened.
    pub fn into_reader(self) -> std::io::Result<Box<dyn Read + Send>> {
        match self.input {
            Input::File(path) => Ok(Box::new(std::io::BufReader::new(std::fs::File::open(
                path,
            )?))),
            Input::Reader(reader) => Ok(reader),
        }
    }
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("name", &self.name)
            .field("format", &self.format)
            .field("file", &self.path())
            .finish()
    }
}
