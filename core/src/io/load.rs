use std::io::Read;
#[cfg(not(target_family = "wasm"))]
use std::path::Path;

use oxrdf::GraphName;
use oxrdf::Quad;
use oxrdfio::{RdfFormat, RdfParser};

use super::LoadError;
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
    /// With parallel parsing the file is cut into parts at line ends, and a syntax error's line is
    /// counted from the start of its part: load with [`bulk_load_from_reader`](Self::bulk_load_from_reader)
    /// to find the line in the whole file.
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
        if !matches!(format, RdfFormat::NTriples | RdfFormat::NQuads) {
            let file = std::io::BufReader::new(std::fs::File::open(path)?);
            return self.bulk_load_from_reader(format, file, options, progress);
        }
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let parts = options
            .parser(format)?
            .split_file_for_parallel_parsing(path, threads)?;
        let loader = self.bulk_loader()?.on_progress(progress);
        let count = parallel_parse(loader, parts)?;
        self.after_bulk_load()?;
        Ok(count)
    }
}

/// Parses the parts on their own threads and feeds one loader through a bounded channel; a
/// holder thread sorts and packs the index entries of one chunk while the next is encoded.
/// Memory stays bounded by a few parsed batches, two chunks in flight and the held entries (see
/// [`BulkLoader::with_held_quads`](crate::storage::BulkLoader::with_held_quads)), not by the
/// input.
#[cfg(not(target_family = "wasm"))]
fn parallel_parse<B: KvBackend, P>(
    mut loader: BulkLoader<'_, B>,
    parts: Vec<P>,
) -> Result<u64, LoadError>
where
    P: Iterator<Item = Result<Quad, oxrdfio::RdfParseError>> + Send,
{
    const BATCH: usize = 16_384;
    const PENDING_BATCHES: usize = 4;
    /// What the encoder hands the holder thread.
    enum Job {
        Hold(crate::storage::EncodedChunk),
        /// Write what is held: the encoder has just written the terms it uses.
        Write,
    }
    let backend = loader.backend();
    let mut held = loader.take_indexes();
    std::thread::scope(|scope| {
        // A few batches smooth out the parsers' pace; more would only hold parsed quads (a few
        // hundred bytes each) waiting for the encoder.
        let (sender, receiver) =
            std::sync::mpsc::sync_channel::<Result<Vec<Quad>, LoadError>>(PENDING_BATCHES);
        for part in parts {
            let sender = sender.clone();
            scope.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                for quad in part {
                    match quad {
                        Ok(quad) => batch.push(quad),
                        Err(error) => {
                            let _ = sender.send(Err(error.into()));
                            return;
                        }
                    }
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        if sender.send(Ok(full)).is_err() {
                            return;
                        }
                    }
                }
                let _ = sender.send(Ok(batch));
            });
        }
        drop(sender);
        // A rendezvous: the encoder hands a chunk over only when the holder is free, so at most
        // two chunks are alive at once.
        let (jobs, pending) = std::sync::mpsc::sync_channel(0);
        let holder = scope.spawn(move || {
            for job in pending {
                match job {
                    Job::Hold(chunk) => held.stage(chunk),
                    Job::Write => {
                        held.write(backend, false)?;
                    }
                }
            }
            Ok::<_, crate::storage::StorageError>(held)
        });
        let encoding = (|| {
            let hand_over = |loader: &mut BulkLoader<'_, B>| {
                let Some(chunk) = loader.encode_chunk()? else {
                    return Ok(true);
                };
                let quads = chunk.len();
                if jobs.send(Job::Hold(chunk)).is_err() {
                    return Ok(false);
                }
                if loader.hold(quads)? {
                    return Ok(jobs.send(Job::Write).is_ok());
                }
                Ok::<_, LoadError>(true)
            };
            for batch in receiver {
                // Returning drops the receiver, so the parsers stop at their next send.
                loader.push(batch?);
                if loader.chunk_is_full() && !hand_over(&mut loader)? {
                    break;
                }
            }
            hand_over(&mut loader)?;
            Ok::<_, LoadError>(())
        })();
        drop(jobs);
        let held = holder.join().map_err(|_| {
            crate::storage::StorageError::Corruption("the index writer panicked".into())
        })?;
        encoding?;
        loader.restore_indexes(held?);
        Ok(loader.finish()?)
    })
}
