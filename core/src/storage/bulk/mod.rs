//! The bulk loader: sorted chunks, index entries held back and written in one merged pass.

mod chunk;
mod packed;
#[cfg(not(target_family = "wasm"))]
mod parallel;
mod pending;

use std::collections::HashSet;

use rustc_hash::FxHashMap;

use oxrdf::{GraphNameRef, Quad, TermRef};

use pending::PendingIndexes;

use super::statistics::Statistics;
use super::{MetaKey, QuadRead, StorageError, WriterGuard};
use crate::dictionary::Dictionary;
use crate::encoding::{
    EncodedQuad, IndexFlags, TermId, TermKey, encode_inline, encode_term_bytes, term_key,
};
use crate::kv::{
    Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvSnapshot, SortedRun, WriteBatch,
};

/// Quads per chunk. Natively a chunk's parsed quads (a few hundred bytes each) are most of a
/// load's working memory, with two chunks in flight; 250,000 keeps that small at the speed of
/// larger chunks. In WebAssembly there is no second thread to overlap chunks with, so fewer,
/// larger ones go faster.
const DEFAULT_CHUNK_SIZE: usize = if cfg!(target_family = "wasm") {
    500_000
} else {
    250_000
};

/// Quads whose index entries a load holds back by default (about 25 bytes each in the default
/// graph, 50 in named graphs) before writing them: 125 MB at most, which covers loads of a few
/// million triples in one write; larger loads write a batch of this size at a time.
const DEFAULT_HELD_QUADS: u64 = 5_000_000;

/// Progress of a bulk load, reported after each chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadProgress {
    /// Quads read so far (duplicates included).
    pub quads: u64,
    /// Chunks written so far.
    pub chunks: u64,
}

/// Loads large inputs fast, in bounded memory: quads are encoded in chunks, their terms
/// interned, and their index entries held back (sorted and packed) until
/// [`with_held_quads`](Self::with_held_quads) quads are held or the load finishes; then the new
/// dictionary entries and each index are written through [`KvBackend::ingest_sorted`] as one
/// merged, sorted stream, and the statistics are recounted in one pass. A load of an empty store
/// up to that size so writes every keyspace once, in key order: an LSM backend gets
/// non-overlapping files with nothing left to compact.
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
    chunk: chunk::Chunk,
    /// Index entries of the chunks encoded since the last write.
    indexes: PendingIndexes,
    /// Quads in those chunks.
    held_quads: u64,
    held_quads_limit: u64,
    /// Whether index entries of this load were written already.
    wrote_indexes: bool,
    /// Ids from this payload on were allocated by this load and are not written yet; their terms
    /// are all in `term_cache`, which is only cleared right after they are written.
    unwritten_terms_from: u64,
    progress: Option<Box<dyn FnMut(LoadProgress) + 'a>>,
    done: LoadProgress,
    merge_existing: bool,
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
        let unwritten_terms_from = writer.ids.next();
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
            chunk: chunk::Chunk::default(),
            indexes: PendingIndexes::default(),
            held_quads: 0,
            held_quads_limit: DEFAULT_HELD_QUADS,
            wrote_indexes: false,
            unwritten_terms_from,
            progress: None,
            done: LoadProgress {
                quads: 0,
                chunks: 0,
            },
            merge_existing,
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

    /// Most quads whose index entries are held back before being written (default 5,000,000).
    ///
    /// Up to this many quads, a load writes each index in one merged pass; memory grows by about
    /// 25 bytes per held quad of the default graph (50 in named graphs). `0` writes each chunk as
    /// soon as it is encoded, as overlapping runs.
    #[must_use]
    pub fn with_held_quads(mut self, quads: u64) -> Self {
        self.held_quads_limit = quads;
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
        // Into an empty store, with nothing written before, the last write streams every quad:
        // it can analyze them on the way instead of a scan of two indexes afterwards.
        let whole = !self.merge_existing && !self.wrote_indexes;
        let analysis = self.write_held(whole)?;
        match analysis {
            Some(statistics) => save_statistics(self.backend, &statistics)?,
            None => recount(self.backend, self.dictionary)?,
        }
        super::clear_loading(self.backend)?;
        self.finished = true;
        Ok(self.done.quads)
    }

    fn snapshot(&self) -> Result<super::Snapshot<'a, B>, StorageError> {
        Ok(super::Snapshot::new(
            self.backend.snapshot()?,
            self.dictionary,
            None,
        ))
    }

    fn flush_chunk(&mut self) -> Result<(), StorageError> {
        if let Some(encoded) = self.encode_chunk()? {
            self.held_quads += encoded.quads.len() as u64;
            self.indexes.stage(encoded);
            if self.held_quads >= self.held_quads_limit {
                self.write_held(false)?;
            }
        }
        Ok(())
    }

    /// Writes the new terms and the held index entries, the cores shared between them (index
    /// entries are ingested only once the terms they use are: a reader never meets an id whose
    /// term is not written); with `analyze`, returns the analysis of the quads written.
    fn write_held(&mut self, analyze: bool) -> Result<Option<Statistics>, StorageError> {
        let terms = term_writes(self.backend, &self.term_cache, self.unwritten_terms_from);
        let analysis = self.indexes.write(self.backend, analyze, terms)?;
        self.unwritten_terms_from = self.writer.ids.next();
        self.restart_held_count();
        Ok(analysis)
    }

    /// What comes before held index entries are written elsewhere (by the parallel load's
    /// holder): the terms they use, and the count restarts.
    #[cfg(not(target_family = "wasm"))]
    fn before_index_write(&mut self) -> Result<(), StorageError> {
        self.write_new_terms()?;
        self.restart_held_count();
        Ok(())
    }

    /// Writes the terms this load added since its last write, each dictionary direction as one
    /// sorted stream.
    fn write_new_terms(&mut self) -> Result<(), StorageError> {
        let terms = term_writes(self.backend, &self.term_cache, self.unwritten_terms_from);
        run_in_parallel(terms, |write| write())?;
        self.unwritten_terms_from = self.writer.ids.next();
        Ok(())
    }

    /// After the held entries are written or handed over: counting starts again.
    fn restart_held_count(&mut self) {
        self.held_quads = 0;
        self.wrote_indexes = true;
    }

    /// Encodes the pending chunk: its terms are interned (new ones kept in the term cache until
    /// [`write_new_terms`](Self::write_new_terms)) and its index entries returned,
    /// for [`PendingIndexes::stage`], which may run on another thread while the next chunk is
    /// encoded.
    fn encode_chunk(&mut self) -> Result<Option<EncodedChunk>, StorageError> {
        if self.chunk.is_empty() {
            return Ok(None);
        }
        let chunk = std::mem::take(&mut self.chunk);
        let backend = self.backend;
        let snapshot = self.snapshot()?;
        let mut quads = Vec::with_capacity(chunk.len());
        let mut graphs = HashSet::new();
        let mut buffer = Vec::new();
        for quad in chunk.iter() {
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
        // The stored flags byte of each quad: 0 (explicit only) unless a quad already stored
        // brings others.
        let mut flags = vec![0; quads.len()];
        if self.merge_existing {
            for (quad, flag) in quads.iter().zip(&mut flags) {
                if let Some(stored) = snapshot.quad_flags(quad)? {
                    *flag = stored
                        .union(IndexFlags::EXPLICIT)
                        .value_bytes()
                        .first()
                        .copied()
                        .unwrap_or(0);
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

        // Every term is in the cache until it is written: write them before forgetting them.
        if self.term_cache.len() > self.term_cache_capacity {
            self.write_new_terms()?;
            self.term_cache.clear();
            self.cache_complete = false;
        }
        self.done.quads += chunk.len() as u64;
        self.done.chunks += 1;
        if let Some(progress) = &mut self.progress {
            progress(self.done);
        }
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
struct EncodedChunk {
    quads: Vec<EncodedQuad>,
    flags: Vec<u8>,
    /// The parsed quads, kept only so that freeing their many small strings happens on the
    /// index writer's thread, off the encoder's critical path.
    source: chunk::Chunk,
}

impl EncodedChunk {
    #[cfg(not(target_family = "wasm"))]
    /// Distinct quads in the chunk.
    fn len(&self) -> usize {
        self.quads.len()
    }
}

/// The writes of the terms `cache` holds from id payload `from` on (those this load added since
/// its last write), one for each dictionary direction.
fn term_writes<'a, B: KvBackend>(
    backend: &'a B,
    cache: &'a FxHashMap<Box<[u8]>, TermId>,
    from: u64,
) -> Vec<pending::FirstWrite<'a>> {
    let terms: Vec<(&[u8], TermId)> = cache
        .iter()
        .filter(|(_, id)| id.is_dictionary() && id.payload() >= from)
        .map(|(bytes, id)| (&**bytes, *id))
        .collect();
    let by_term = terms.clone();
    vec![
        Box::new(move || write_terms(backend, Keyspace::TermToId, by_term)),
        Box::new(move || write_terms(backend, Keyspace::IdToTerm, terms)),
    ]
}

/// Writes one dictionary direction of `terms` as one sorted stream, sorting its own copy.
fn write_terms<B: KvBackend>(
    backend: &B,
    keyspace: Keyspace,
    terms: Vec<(&[u8], TermId)>,
) -> Result<(), StorageError> {
    // A shorter lifetime than the cache's, so the entries can borrow the keys made here.
    let mut terms: Vec<(&[u8], TermId)> = terms;
    let by_term = keyspace == Keyspace::TermToId;
    // The term → id direction is keyed by each term's key, a hash for long literals: the keys
    // live here and the entries borrow them, so both directions sort the same type.
    let keys: Vec<TermKey<'_>> = if by_term {
        terms.iter().map(|(bytes, _)| term_key(bytes)).collect()
    } else {
        Vec::new()
    };
    for ((bytes, _), key) in terms.iter_mut().zip(&keys) {
        *bytes = key;
    }
    if by_term {
        // Terms are distinct, so are their keys, which alone order them.
        terms.sort_unstable_by(|(a, _), (b, _)| crate::kv::order::compare(a, b));
    } else {
        terms.sort_unstable_by_key(|(_, id)| *id);
    }
    let mut piece = SortedRun::new();
    for (bytes, id) in terms {
        let id = id.to_be_bytes();
        if by_term {
            piece.push(bytes, &id);
        } else {
            piece.push(&id, bytes);
        }
        if piece.byte_len() >= pending::PIECE_BYTES {
            backend.ingest_sorted(keyspace, std::mem::take(&mut piece))?;
        }
    }
    if !piece.is_empty() {
        backend.ingest_sorted(keyspace, piece)?;
    }
    Ok(())
}

#[cfg(not(target_family = "wasm"))]
/// Runs `work` on every item, as many at once as there are cores, each thread taking the next
/// item when it is done with one: the jobs (one per keyspace) differ in size, and each holds a
/// piece of its keyspace in memory, so more threads than cores would only hold more.
fn run_in_parallel<T: Send, E: Send>(
    items: impl IntoIterator<Item = T>,
    work: impl Fn(T) -> Result<(), E> + Sync,
) -> Result<(), StorageError>
where
    StorageError: From<E>,
{
    let items: Vec<T> = items.into_iter().collect();
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = cores.min(items.len());
    let queue = std::sync::Mutex::new(items.into_iter());
    // After a failure the other threads take no new item.
    let failed = std::sync::atomic::AtomicBool::new(false);
    let next = || {
        if failed.load(std::sync::atomic::Ordering::Relaxed) {
            return None;
        }
        queue.lock().ok().and_then(|mut items| items.next())
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    while let Some(item) = next() {
                        if let Err(error) = work(item) {
                            failed.store(true, std::sync::atomic::Ordering::Relaxed);
                            return Err(error);
                        }
                    }
                    Ok::<_, E>(())
                })
            })
            .collect();
        let mut first_error = None;
        for handle in handles {
            let result = match handle.join() {
                Ok(result) => result.map_err(StorageError::from),
                Err(_) => Err(StorageError::Corruption("an index writer panicked".into())),
            };
            if let Err(error) = result {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    })
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
    let statistics = super::statistics::analyze(snapshot.kv())?;
    drop(snapshot);
    save_statistics(backend, &statistics)
}

/// Stores `statistics` as the analysis of the whole store, with its quad and per-predicate counts.
fn save_statistics<B: KvBackend>(
    backend: &B,
    statistics: &super::statistics::Statistics,
) -> Result<(), StorageError> {
    let total = statistics.quads;
    let mut batch = WriteBatch::new();
    let snapshot = backend.snapshot()?;
    let mut stats = snapshot.cursor(Keyspace::Stats, KeyRange::all())?;
    while let Some(key) = stats.key() {
        batch.delete(Keyspace::Stats, key.to_vec());
        stats.advance()?;
    }
    drop(stats);
    drop(snapshot);
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
    backend.write(batch, Durability::Buffered)?;
    Ok(())
}
