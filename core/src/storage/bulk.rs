use std::collections::HashSet;

use rustc_hash::FxHashMap;

use oxrdf::{GraphNameRef, Quad, TermRef};

use super::{MetaKey, QuadRead, StorageError, WriterGuard};
use crate::dictionary::Dictionary;
use crate::encoding::{
    EncodedQuad, IndexFlags, QuadOrder, TermId, encode_inline, encode_term_bytes,
};
use crate::kv::{
    Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvSnapshot, SortedRun, WriteBatch,
};

/// Quads per chunk. Natively a chunk's parsed quads (a few hundred bytes each) and its six index
/// runs are most of a load's memory, with two chunks in flight; 250,000 keeps a load of any size
/// well under 1 GB (see the bulk-load benchmark) at the speed of larger chunks. In WebAssembly
/// the memory backend keeps each chunk's runs as they are, so fewer, larger ones read faster.
const DEFAULT_CHUNK_SIZE: usize = if cfg!(target_family = "wasm") {
    500_000
} else {
    250_000
};

/// Progress of a bulk load, reported after each chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadProgress {
    /// Quads read so far (duplicates included).
    pub quads: u64,
    /// Chunks written so far.
    pub chunks: u64,
}

/// Loads large inputs fast, in bounded memory: quads are encoded and written in sorted chunks
/// through [`KvBackend::ingest_sorted`], then the statistics are recounted in one pass.
///
/// Unlike a [`Transaction`](super::Transaction), a bulk load is not atomic: if it fails or is
/// killed halfway, what it wrote stays. It writes keyspace by keyspace, so it marks the store
/// first and clears the mark with its final recount: a loader dropped unfinished repairs the store
/// at once, and a store opened with the mark set (a killed load) is repaired on opening, so the
/// indexes, the dictionary and the counts agree again. It holds the writer lock throughout, so no
/// transaction interleaves with it.
pub struct BulkLoader<'a, B: KvBackend> {
    backend: &'a B,
    dictionary: &'a Dictionary,
    writer: WriterGuard<'a>,
    chunk_size: usize,
    term_cache_capacity: usize,
    term_cache: FxHashMap<Box<[u8]>, TermId>,
    /// True while the cache holds every term in the store (the load started on an empty store and
    /// nothing was evicted): a miss then means a new term, with no storage lookup.
    cache_complete: bool,
    chunk: Vec<Quad>,
    progress: Option<Box<dyn FnMut(LoadProgress) + 'a>>,
    done: LoadProgress,
    merge_existing: bool,
    parallel: bool,
    /// Set once [`finish`](Self::finish) has recounted; a loader dropped before that repairs the
    /// store (see `storage::repair`).
    finished: bool,
}

impl<'a, B: KvBackend> BulkLoader<'a, B> {
    pub(crate) fn new(
        backend: &'a B,
        dictionary: &'a Dictionary,
        writer: WriterGuard<'a>,
        merge_existing: bool,
        dictionary_empty: bool,
    ) -> Self {
        Self {
            backend,
            dictionary,
            writer,
            chunk_size: DEFAULT_CHUNK_SIZE,
            term_cache_capacity: 2_000_000,
            term_cache: FxHashMap::default(),
            // A store without quads may still hold terms (deleted quads, a load that stopped
            // part-way): only an empty dictionary makes every cache miss a new term.
            cache_complete: dictionary_empty,
            chunk: Vec::new(),
            progress: None,
            done: LoadProgress {
                quads: 0,
                chunks: 0,
            },
            merge_existing,
            parallel: cfg!(not(target_family = "wasm")),
            finished: false,
        }
    }

    /// Quads per chunk (default 250,000 natively, 500,000 in WebAssembly): memory use grows
    /// with it.
    #[must_use]
    pub fn with_chunk_size(mut self, quads: usize) -> Self {
        self.chunk_size = quads.max(1);
        self
    }

    /// Quads per chunk.
    pub fn chunk_size(&self) -> usize {
        self.chunk_size
    }

    /// Most terms kept in the loader's own cache (default 2,000,000).
    #[must_use]
    pub fn with_term_cache_capacity(mut self, terms: usize) -> Self {
        self.term_cache_capacity = terms;
        self
    }

    /// Calls `callback` after each chunk.
    #[must_use]
    pub fn on_progress(mut self, callback: impl FnMut(LoadProgress) + 'a) -> Self {
        self.progress = Some(Box::new(callback));
        self
    }

    /// Adds one quad; it is written when its chunk is full or at [`finish`](Self::finish).
    ///
    /// # Errors
    /// Fails if writing a full chunk fails.
    pub fn add(&mut self, quad: Quad) -> Result<(), StorageError> {
        self.chunk.push(quad);
        if self.chunk.len() >= self.chunk_size {
            self.flush_chunk()?;
        }
        Ok(())
    }

    /// Adds many quads.
    ///
    /// # Errors
    /// Fails if writing a chunk fails.
    pub fn extend(&mut self, quads: impl IntoIterator<Item = Quad>) -> Result<(), StorageError> {
        for quad in quads {
            self.add(quad)?;
        }
        Ok(())
    }

    /// Writes what is left, recounts the statistics and returns the number of quads read.
    ///
    /// # Errors
    /// Fails if writing fails.
    pub fn finish(mut self) -> Result<u64, StorageError> {
        self.flush_chunk()?;
        recount(self.backend, self.dictionary)?;
        super::clear_loading(self.backend)?;
        self.finished = true;
        Ok(self.done.quads)
    }

    #[cfg(not(target_family = "wasm"))]
    /// Adds quads without writing a full chunk; [`encode_chunk`](Self::encode_chunk) is then due
    /// when [`chunk_is_full`](Self::chunk_is_full).
    pub(crate) fn push(&mut self, quads: Vec<Quad>) {
        self.chunk.extend(quads);
    }

    #[cfg(not(target_family = "wasm"))]
    pub(crate) fn chunk_is_full(&self) -> bool {
        self.chunk.len() >= self.chunk_size
    }

    #[cfg(not(target_family = "wasm"))]
    pub(crate) fn backend(&self) -> &'a B {
        self.backend
    }

    fn snapshot(&self) -> Result<super::Snapshot<'a, B>, StorageError> {
        Ok(super::Snapshot::new(
            self.backend.snapshot()?,
            self.dictionary,
            None,
        ))
    }

    #[cfg(not(target_family = "wasm"))]
    pub(crate) fn is_parallel(&self) -> bool {
        self.parallel
    }

    fn flush_chunk(&mut self) -> Result<(), StorageError> {
        if let Some(encoded) = self.encode_chunk()? {
            write_indexes(self.backend, encoded, self.parallel)?;
        }
        Ok(())
    }

    /// Encodes the pending chunk and writes its new terms; its index entries are left to
    /// [`write_indexes`], which may run on another thread while the next chunk is encoded.
    pub(crate) fn encode_chunk(&mut self) -> Result<Option<EncodedChunk>, StorageError> {
        if self.chunk.is_empty() {
            return Ok(None);
        }
        let chunk = std::mem::take(&mut self.chunk);
        let backend = self.backend;
        let snapshot = self.snapshot()?;
        let first_new = self.writer.ids.next();
        let mut quads = Vec::with_capacity(chunk.len());
        let mut graphs = HashSet::new();
        let mut buffer = Vec::new();
        for quad in &chunk {
            let graph = match quad.graph_name.as_ref() {
                GraphNameRef::DefaultGraph => TermId::DEFAULT_GRAPH,
                GraphNameRef::NamedNode(node) => {
                    self.intern(&snapshot, node.into(), &mut buffer)?
                }
                GraphNameRef::BlankNode(node) => {
                    self.intern(&snapshot, node.into(), &mut buffer)?
                }
            };
            if graph != TermId::DEFAULT_GRAPH {
                graphs.insert(graph);
            }
            quads.push(EncodedQuad::new(
                self.intern(&snapshot, quad.subject.as_ref().into(), &mut buffer)?,
                self.intern(&snapshot, quad.predicate.as_ref().into(), &mut buffer)?,
                self.intern(&snapshot, quad.object.as_ref(), &mut buffer)?,
                graph,
            ));
        }
        quads.sort_unstable();
        quads.dedup();
        let mut values = vec![Vec::new(); quads.len()];
        if self.merge_existing {
            for (quad, value) in quads.iter().zip(&mut values) {
                if let Some(flags) = snapshot.quad_flags(quad)? {
                    *value = flags.union(IndexFlags::EXPLICIT).to_value();
                }
            }
        }
        drop(snapshot);

        // Reserve the ids before any entry that uses them is written: a crash in between then only
        // skips ids, it never hands one out twice.
        let mut batch = WriteBatch::new();
        batch.put(
            Keyspace::Meta,
            MetaKey::NextId.key(),
            self.writer.ids.next().to_be_bytes(),
        );
        for graph in &graphs {
            batch.put(Keyspace::Graphs, graph.to_be_bytes(), Vec::new());
        }
        backend.write(batch, Durability::Buffered)?;

        // New ids are contiguous, so this chunk's new terms are the cache entries at or past
        // `first_new`; the cache is only ever cleared between chunks, so none is missing.
        let mut by_term: Vec<(&[u8], TermId)> = self
            .term_cache
            .iter()
            .filter(|(_, id)| id.is_dictionary() && id.payload() >= first_new)
            .map(|(bytes, id)| (&**bytes, *id))
            .collect();
        // Terms are distinct, so their bytes alone order them.
        by_term.sort_unstable_by(|(a, _), (b, _)| crate::kv::order::compare(a, b));
        let mut term_run = SortedRun::with_capacity(
            by_term.len(),
            by_term.iter().map(|(b, _)| b.len() + 8).sum(),
        );
        let mut id_run = SortedRun::with_capacity(by_term.len(), term_run.byte_len());
        for (bytes, id) in &by_term {
            term_run.push(bytes, &id.to_be_bytes());
        }
        by_term.sort_unstable_by_key(|(_, id)| *id);
        for (bytes, id) in &by_term {
            id_run.push(&id.to_be_bytes(), bytes);
        }
        drop(by_term);
        let runs = [(Keyspace::IdToTerm, id_run), (Keyspace::TermToId, term_run)];
        if self.parallel {
            run_in_parallel(runs, |(keyspace, run)| backend.ingest_sorted(keyspace, run))?;
        } else {
            for (keyspace, run) in runs {
                backend.ingest_sorted(keyspace, run)?;
            }
        }

        // Terms are in storage now: the cache may forget them.
        if self.term_cache.len() > self.term_cache_capacity {
            self.term_cache.clear();
            self.cache_complete = false;
        }
        self.done.quads += chunk.len() as u64;
        self.done.chunks += 1;
        if let Some(progress) = &mut self.progress {
            progress(self.done);
        }
        let flags = values
            .iter()
            .map(|value| value.first().copied().unwrap_or(0))
            .collect();
        Ok(Some(EncodedChunk {
            quads,
            flags,
            source: chunk,
        }))
    }

    fn intern(
        &mut self,
        snapshot: &impl QuadRead,
        term: TermRef<'_>,
        buffer: &mut Vec<u8>,
    ) -> Result<TermId, StorageError> {
        if let TermRef::Literal(literal) = term
            && let Some(id) = encode_inline(literal)
        {
            return Ok(id);
        }
        encode_term_bytes(term, buffer);
        // Terms new in this chunk are not in storage yet: the cache is only cleared between
        // chunks, so they stay in it until they are written.
        if let Some(id) = self.term_cache.get(buffer.as_slice()) {
            return Ok(*id);
        }
        if !self.cache_complete
            && let Some(id) = snapshot.term_id_for_bytes(buffer)?
        {
            self.term_cache.insert(buffer.as_slice().into(), id);
            return Ok(id);
        }
        let id = self.writer.ids.allocate(buffer, || term.to_string())?;
        self.term_cache.insert(buffer.as_slice().into(), id);
        Ok(id)
    }
}

impl<B: KvBackend> Drop for BulkLoader<'_, B> {
    /// A load that failed part-way (a syntax error after some chunks, a storage failure) leaves
    /// what it wrote, made consistent here; if even that fails, the mark stays and the next
    /// opening of the store repairs it.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if let Err(error) = super::repair(self.backend, self.dictionary, &mut self.writer) {
            tracing::warn!(%error, "cannot repair a bulk load that stopped part-way");
        }
    }
}

/// A chunk whose terms are in the dictionary: quads of ids, and the stored flags byte of each
/// (0 for explicit only).
pub(crate) struct EncodedChunk {
    quads: Vec<EncodedQuad>,
    flags: Vec<u8>,
    /// The parsed quads, kept only so that freeing their many small strings happens on the
    /// index writer's thread, off the encoder's critical path.
    source: Vec<Quad>,
}

/// Writes a chunk's entries into the six indexes, in parallel where threads exist.
pub(crate) fn write_indexes<B: KvBackend>(
    backend: &B,
    chunk: EncodedChunk,
    parallel: bool,
) -> Result<(), StorageError> {
    let EncodedChunk {
        quads,
        flags,
        source,
    } = chunk;
    // Freed first, so the parsed strings are gone before the index runs are built.
    drop(source);
    let index_run = |order: QuadOrder| {
        // Sorting fixed-width integer tuples is much faster than sorting byte strings.
        let mut entries: Vec<([u64; 4], u8)> = quads
            .iter()
            .zip(&flags)
            .filter(|(quad, _)| order.holds(quad))
            .map(|(quad, flags)| (order.components(quad), *flags))
            .collect();
        // The chunk's quads are sorted subject first: in a single graph that is already the
        // graph-subject-predicate-object order.
        if !entries.is_sorted() {
            entries.sort_unstable();
        }
        let mut run = SortedRun::with_capacity(entries.len(), entries.len() * 33);
        for (components, flags) in entries {
            let value: &[u8] = if flags == 0 { &[] } else { &[flags] };
            run.push(&QuadOrder::key_of_components(components), value);
        }
        backend.ingest_sorted(order.keyspace(), run)
    };
    if parallel {
        run_in_parallel(QuadOrder::ALL, index_run)
    } else {
        for order in QuadOrder::ALL {
            index_run(order)?;
        }
        Ok(())
    }
}

#[cfg(not(target_family = "wasm"))]
/// Runs `work` on every item, as many at once as there are cores: each index run holds a
/// chunk's worth of entries, so more threads than cores would only hold more memory.
fn run_in_parallel<T: Send, E: Send>(
    items: impl IntoIterator<Item = T>,
    work: impl Fn(T) -> Result<(), E> + Sync,
) -> Result<(), StorageError>
where
    StorageError: From<E>,
{
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let group: Vec<T> = items.by_ref().take(threads).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = group
                .into_iter()
                .map(|item| {
                    let work = &work;
                    scope.spawn(move || work(item))
                })
                .collect();
            for handle in handles {
                match handle.join() {
                    Ok(result) => result?,
                    Err(_) => {
                        return Err(StorageError::Corruption("an index writer panicked".into()));
                    }
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

#[cfg(target_family = "wasm")]
fn run_in_parallel<T, E>(
    items: impl IntoIterator<Item = T>,
    work: impl Fn(T) -> Result<(), E>,
) -> Result<(), StorageError>
where
    StorageError: From<E>,
{
    for item in items {
        work(item)?;
    }
    Ok(())
}

/// Recomputes the quad count and the per-predicate counts, and analyzes the store for the
/// planner (see [`super::statistics`]), from one scan of GSPO and one of GPOS.
pub(crate) fn recount<B: KvBackend>(
    backend: &B,
    dictionary: &Dictionary,
) -> Result<(), StorageError> {
    let snapshot: super::Snapshot<'_, B> =
        super::Snapshot::new(backend.snapshot()?, dictionary, None);
    let kv = snapshot.kv();
    let statistics = super::statistics::analyze(kv)?;
    let total = statistics.quads;
    let mut batch = WriteBatch::new();
    let mut stats = kv.cursor(Keyspace::Stats, KeyRange::all())?;
    while let Some(key) = stats.key() {
        batch.delete(Keyspace::Stats, key.to_vec());
        stats.advance()?;
    }
    drop(stats);
    for predicate in &statistics.predicates {
        batch.put(
            Keyspace::Stats,
            predicate.predicate.to_be_bytes(),
            predicate.quads.to_be_bytes(),
        );
    }
    batch.put(
        Keyspace::Meta,
        MetaKey::Statistics.key(),
        statistics.encode(),
    );
    batch.delete(Keyspace::Meta, MetaKey::StatisticsChanges.key().to_vec());
    batch.put(
        Keyspace::Meta,
        MetaKey::StatisticsAnalyzed.key(),
        total.to_be_bytes(),
    );
    batch.put(
        Keyspace::Meta,
        MetaKey::QuadCount.key(),
        total.to_be_bytes(),
    );
    drop(snapshot);
    backend.write(batch, Durability::Buffered)?;
    Ok(())
}
