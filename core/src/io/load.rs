use std::io::Read;
#[cfg(not(target_family = "wasm"))]
use std::path::Path;

use oxrdf::GraphName;
use oxrdf::Quad;
use oxrdfio::{RdfFormat, RdfParser};

use super::{Document, LoadError};
use crate::kv::KvBackend;
#[cfg(not(target_family = "wasm"))]
use crate::storage::BulkLoader;
use crate::storage::LoadProgress;
use crate::store::Store;

/// How to read an RDF document.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    base_iri: Option<String>,
    to_graph: Option<GraphName>,
    lenient: bool,
}

impl LoadOptions {
    /// Default options: no base IRI, triples go to the default graph, strict checking.
    pub fn new() -> Self {
        Self::default()
    }

    /// Resolves relative IRIs against `base_iri`.
    #[must_use]
    pub fn with_base_iri(mut self, base_iri: impl Into<String>) -> Self {
        self.base_iri = Some(base_iri.into());
        self
    }

    /// Puts the triples of triple syntaxes (and the default graph of quad syntaxes) into `graph`.
    #[must_use]
    pub fn to_graph(mut self, graph: impl Into<GraphName>) -> Self {
        self.to_graph = Some(graph.into());
        self
    }

    /// Skips some validation (IRI and language-tag syntax) for speed on trusted input.
    #[must_use]
    pub fn lenient(mut self) -> Self {
        self.lenient = true;
        self
    }

    /// Whether validation is relaxed.
    pub fn is_lenient(&self) -> bool {
        self.lenient
    }

    /// The parser for `format` these options configure.
    ///
    /// # Errors
    /// [`LoadError::InvalidBaseIri`].
    pub fn parser(&self, format: RdfFormat) -> Result<RdfParser, LoadError> {
        let mut parser = RdfParser::from_format(format);
        if let Some(base) = &self.base_iri {
            parser = parser
                .with_base_iri(base.as_str())
                .map_err(|e| LoadError::InvalidBaseIri(e.to_string()))?;
        }
        if let Some(graph) = &self.to_graph {
            parser = parser.with_default_graph(graph.clone());
        }
        if self.lenient {
            parser = parser.lenient();
        }
        Ok(parser)
    }
}

impl<B: KvBackend> Store<B> {
    /// Loads a document in one transaction: on any error (syntax included) nothing is loaded.
    /// Returns the number of quads read.
    ///
    /// ```
    /// use trine_core::{Store, io::{LoadOptions, RdfFormat}, kv::MemoryBackend};
    ///
    /// let store = Store::open(MemoryBackend::new())?;
    /// let turtle = b"<http://e.com/s> <http://e.com/p> 1, 2 .";
    /// store.load_from_reader(RdfFormat::Turtle, &turtle[..], &LoadOptions::new())?;
    /// assert_eq!(store.len()?, 2);
    /// let bad = store.load_from_reader(RdfFormat::Turtle, &b"<s> <p> ."[..], &LoadOptions::new());
    /// assert!(bad.is_err());
    /// assert_eq!(store.len()?, 2);
    /// # Ok::<_, Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`LoadError::Syntax`] with the position of the first error, or a read or storage failure.
    pub fn load_from_reader(
        &self,
        format: RdfFormat,
        reader: impl Read,
        options: &LoadOptions,
    ) -> Result<u64, LoadError> {
        let parser = options.parser(format)?;
        let mut transaction = self.transaction()?;
        let mut count = 0;
        for quad in parser.for_reader(reader) {
            transaction.insert(quad?.as_ref())?;
            count += 1;
        }
        transaction.commit()?;
        Ok(count)
    }

    /// Writes quads through the [`BulkLoader`] (sorted runs, no transaction overlay), then brings
    /// the reasoner's closure up to date; returns the number of quads given. Not atomic: on a
    /// storage failure part of them may be written, and snapshots taken meanwhile may see part of
    /// them. For callers that have parsed a whole document already and are the store's only user.
    ///
    /// # Errors
    /// A storage failure.
    pub fn bulk_load_quads(&self, quads: impl IntoIterator<Item = Quad>) -> Result<u64, LoadError> {
        let mut loader = self.bulk_loader()?;
        for quad in quads {
            loader.add(quad)?;
        }
        let count = loader.finish()?;
        self.after_bulk_load()?;
        Ok(count)
    }

    /// Loads a document through the [`BulkLoader`]: fast and in bounded memory, but not atomic
    /// (on a syntax error the chunks before it stay loaded). Returns the number of quads read.
    ///
    /// # Errors
    /// A [`LoadError::Syntax`] with the position of the first error, or a read or storage failure.
    pub fn bulk_load_from_reader(
        &self,
        format: RdfFormat,
        reader: impl Read,
        options: &LoadOptions,
        progress: impl FnMut(LoadProgress),
    ) -> Result<u64, LoadError> {
        let parser = options.parser(format)?;
        let mut loader = self.bulk_loader()?.on_progress(progress);
        for quad in parser.for_reader(reader) {
            loader.add(quad?)?;
        }
        let count = loader.finish()?;
        self.after_bulk_load()?;
        Ok(count)
    }

    /// Bulk-loads a file, parsing N-Triples and N-Quads on several threads; other syntaxes are parsed
    /// on one. Memory stays bounded whatever the file size.
    ///
    /// N-Triples and N-Quads files are read in blocks of whole lines, parsed on every thread. A
    /// strict load (the default) parses each block leniently and checks the terms itself, each
    /// distinct IRI and language tag once, which halves the parsing work; it accepts and rejects
    /// exactly what a strict parser does, and a syntax error's position counts from the start of
    /// the file.
    ///
    /// # Errors
    /// A [`LoadError::Syntax`] with the position of the first error, or a read or storage failure.
    #[cfg(not(target_family = "wasm"))]
    pub fn bulk_load_from_file(
        &self,
        path: &Path,
        format: RdfFormat,
        options: &LoadOptions,
        progress: impl FnMut(LoadProgress),
    ) -> Result<u64, LoadError> {
        let document = Document::file(path, format);
        let counts = self
            .bulk_load_documents(vec![document], options, progress)
            .map_err(|error| match error {
                // One document: its name adds nothing the caller does not know.
                LoadError::InDocument { source, .. } => *source,
                other => other,
            })?;
        Ok(counts.iter().sum())
    }

    /// Bulk-loads several documents as one load: their index entries are sorted and written
    /// together, so an LSM backend gets one set of files instead of one layer per document, and
    /// the reasoner brings its closure up to date once. Returns the quads read from each
    /// document, in order.
    ///
    /// Natively, documents are parsed on several threads, and N-Triples and N-Quads files are
    /// read in blocks of whole lines parsed in parallel (see
    /// [`bulk_load_from_file`](Self::bulk_load_from_file)); in WebAssembly they are parsed one
    /// after another.
    ///
    /// ```
    /// use trine_core::{Store, io::{Document, LoadOptions, RdfFormat}, kv::MemoryBackend};
    ///
    /// let store = Store::open(MemoryBackend::new())?;
    /// let documents = vec![
    ///     Document::reader("a", RdfFormat::NTriples, &b"<http://e.com/s> <http://e.com/p> <http://e.com/o> .\n"[..]),
    ///     Document::reader("b", RdfFormat::Turtle, &b"<http://e.com/s> <http://e.com/p> 2, 3 ."[..]),
    /// ];
    /// let counts = store.bulk_load_documents(documents, &LoadOptions::new(), |_| {})?;
    /// assert_eq!(counts, [1, 2]);
    /// assert_eq!(store.len()?, 3);
    /// # Ok::<_, Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`LoadError::InDocument`] naming the document, around a syntax error with its position
    /// or a read failure; or a storage failure. Like every bulk load, a failed one keeps what it
    /// wrote before the error.
    pub fn bulk_load_documents(
        &self,
        documents: Vec<Document>,
        options: &LoadOptions,
        progress: impl FnMut(LoadProgress),
    ) -> Result<Vec<u64>, LoadError> {
        // Every document is opened first: a bad base IRI or a missing file fails before anything
        // is written.
        let threads = if cfg!(target_family = "wasm") {
            1
        } else {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        };
        let count = documents.len();
        let mut sources = Vec::with_capacity(count);
        for (index, document) in documents.into_iter().enumerate() {
            for source in document_sources(document, options, threads)? {
                sources.push((index, source));
            }
        }
        let loader = self.bulk_loader()?.on_progress(progress);
        let counts = load_sources(loader, sources, count, threads)?;
        self.after_bulk_load()?;
        Ok(counts)
    }
}

/// A document's quads, or part of them, its errors naming it.
type DocumentQuads = Box<dyn Iterator<Item = Result<Quad, LoadError>> + Send>;

/// `document`'s quads: N-Triples and N-Quads files natively as `parts` sources sharing the file's
/// blocks of lines, anything else whole.
fn document_sources(
    document: Document,
    options: &LoadOptions,
    // WebAssembly has no threads to share a file's blocks between.
    #[cfg_attr(target_family = "wasm", allow(unused_variables))] parts: usize,
) -> Result<Vec<DocumentQuads>, LoadError> {
    let name = document.name().to_owned();
    let parser = options.parser(document.format())?;
    #[cfg(not(target_family = "wasm"))]
    if matches!(document.format(), RdfFormat::NTriples | RdfFormat::NQuads)
        && let Some(path) = document.path()
    {
        let sources = super::blocks::file_sources(path, parser, options.is_lenient(), parts)
            .map_err(|e| LoadError::from(e).in_document(&name))?;
        return Ok(sources
            .into_iter()
            .map(|source| -> DocumentQuads {
                let name = name.clone();
                Box::new(source.map(move |quad| quad.map_err(|e| e.in_document(&name))))
            })
            .collect());
    }
    let reader = document
        .into_reader()
        .map_err(|e| LoadError::from(e).in_document(&name))?;
    Ok(vec![naming(parser.for_reader(reader), name)])
}

/// Loads `sources` (each tagged with its document's index, below `documents`) on `threads`
/// threads; returns the quads read from each document.
#[cfg(not(target_family = "wasm"))]
fn load_sources<B: KvBackend>(
    loader: BulkLoader<'_, B>,
    sources: Vec<(usize, DocumentQuads)>,
    documents: usize,
    threads: usize,
) -> Result<Vec<u64>, LoadError> {
    loader.load_parallel(sources, documents, threads)
}

/// Loads `sources` one after another: WebAssembly has no threads to parse on.
#[cfg(target_family = "wasm")]
fn load_sources<B: KvBackend>(
    mut loader: crate::storage::BulkLoader<'_, B>,
    sources: Vec<(usize, DocumentQuads)>,
    documents: usize,
    _threads: usize,
) -> Result<Vec<u64>, LoadError> {
    let mut counts = vec![0; documents];
    for (index, source) in sources {
        for quad in source {
            loader.add(quad?)?;
            if let Some(count) = counts.get_mut(index) {
                *count += 1;
            }
        }
    }
    loader.finish()?;
    Ok(counts)
}

/// `quads` with their errors naming the document `name`.
fn naming<I>(quads: I, name: String) -> DocumentQuads
where
    I: Iterator<Item = Result<Quad, oxrdfio::RdfParseError>> + Send + 'static,
{
    Box::new(quads.map(move |quad| quad.map_err(|e| LoadError::from(e).in_document(&name))))
}
