use std::collections::{HashMap, HashSet};

use oxrdf::{GraphNameRef, Quad, TermRef};

use super::{MetaKey, QuadRead, StorageError, WriterState};
use crate::encoding::{
    EncodedQuad, IndexFlags, QuadOrder, TermId, dictionary_tag, encode_inline, encode_term_bytes,
};
use crate::kv::{Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvSnapshot, WriteBatch};
use crate::store::Store;

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
/// Unlike a [`Transaction`](super::Transaction), a bulk load is not atomic: if it fails halfway,
/// the chunks written so far stay (each chunk is whole in every index, and counts are recounted at
/// the end). It holds the writer lock throughout, so no transaction interleaves with it.
pub struct BulkLoader<'a, B: KvBackend> {
    store: &'a Store<B>,
    writer: std::sync::MutexGuard<'a, WriterState>,
    chunk_size: usize,
    term_cache_capacity: usize,
    term_cache: HashMap<Box<[u8]>, TermId>,
    chunk: Vec<Quad>,
    progress: Option<Box<dyn FnMut(LoadProgress) + 'a>>,
    done: LoadProgress,
    merge_existing: bool,
    parallel: bool,
}

impl<'a, B: KvBackend> BulkLoader<'a, B> {
    pub(crate) fn new(
        store: &'a Store<B>,
        writer: std::sync::MutexGuard<'a, WriterState>,
        merge_existing: bool,
    ) -> Self {
        Self {
            store,
            writer,
            chunk_size: 500_000,
            term_cache_capacity: 2_000_000,
            term_cache: HashMap::new(),
            chunk: Vec::new(),
            progress: None,
            done: LoadProgress {
                quads: 0,
                chunks: 0,
            },
            merge_existing,
            parallel: cfg!(not(target_family = "wasm")),
        }
    }

    /// Quads per chunk (default 500,000): memory use grows with it.
    #[must_use]
    pub fn with_chunk_size(mut self, quads: usize) -> Self {
        self.chunk_size = quads.max(1);
        self
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
        recount(self.store.backend(), self.store)?;
        Ok(self.done.quads)
    }

    fn flush_chunk(&mut self) -> Result<(), StorageError> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.chunk);
        let backend = self.store.backend();
        let snapshot = self.store.snapshot()?;
        let mut new_terms = HashMap::new();
        let mut quads = Vec::with_capacity(chunk.len());
        let mut graphs = HashSet::new();
        let mut buffer = Vec::new();
        for quad in &chunk {
            let graph = match quad.graph_name.as_ref() {
                GraphNameRef::DefaultGraph => TermId::DEFAULT_GRAPH,
                GraphNameRef::NamedNode(node) => {
                    self.intern(&snapshot, node.into(), &mut buffer, &mut new_terms)?
                }
                GraphNameRef::BlankNode(node) => {
                    self.intern(&snapshot, node.into(), &mut buffer, &mut new_terms)?
                }
            };
            if graph != TermId::DEFAULT_GRAPH {
                graphs.insert(graph);
            }
            quads.push(EncodedQuad::new(
                self.intern(
                    &snapshot,
                    quad.subject.as_ref().into(),
                    &mut buffer,
                    &mut new_terms,
                )?,
                self.intern(
                    &snapshot,
                    quad.predicate.as_ref().into(),
                    &mut buffer,
                    &mut new_terms,
                )?,
                self.intern(&snapshot, quad.object.as_ref(), &mut buffer, &mut new_terms)?,
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
            self.writer.next_id.to_be_bytes(),
        );
        for graph in &graphs {
            batch.put(Keyspace::Graphs, graph.to_be_bytes(), Vec::new());
        }
        backend.write(batch, Durability::Buffered)?;

        let mut by_term: Vec<(Vec<u8>, Vec<u8>)> = new_terms
            .iter()
            .map(|(bytes, id)| (bytes.to_vec(), id.to_be_bytes().to_vec()))
            .collect();
        by_term.sort_unstable();
        let mut by_id: Vec<(Vec<u8>, Vec<u8>)> = by_term
            .iter()
            .map(|(bytes, id)| (id.clone(), bytes.clone()))
            .collect();
        by_id.sort_unstable();
        backend.ingest_sorted(Keyspace::IdToTerm, by_id)?;
        backend.ingest_sorted(Keyspace::TermToId, by_term)?;

        let index_run = |order: QuadOrder| {
            let mut entries: Vec<(Vec<u8>, Vec<u8>)> = quads
                .iter()
                .zip(&values)
                .filter(|(quad, _)| order.holds(quad))
                .map(|(quad, value)| (order.key(quad).to_vec(), value.clone()))
                .collect();
            entries.sort_unstable();
            backend.ingest_sorted(order.keyspace(), entries)
        };
        if self.parallel {
            run_in_parallel(&QuadOrder::ALL, index_run)?;
        } else {
            for order in QuadOrder::ALL {
                index_run(order)?;
            }
        }

        // Terms are in storage now: the cross-chunk cache may hold them.
        for (bytes, id) in new_terms {
            self.cache_term(bytes, id);
        }
        self.done.quads += chunk.len() as u64;
        self.done.chunks += 1;
        if let Some(progress) = &mut self.progress {
            progress(self.done);
        }
        Ok(())
    }

    fn intern(
        &mut self,
        snapshot: &impl QuadRead,
        term: TermRef<'_>,
        buffer: &mut Vec<u8>,
        new_terms: &mut HashMap<Box<[u8]>, TermId>,
    ) -> Result<TermId, StorageError> {
        if let TermRef::Literal(literal) = term
            && let Some(id) = encode_inline(literal)
        {
            return Ok(id);
        }
        encode_term_bytes(term, buffer);
        // Terms new in this chunk are not in storage yet, so they are kept apart from the bounded
        // cache: losing one would allocate it a second id.
        if let Some(id) = new_terms.get(buffer.as_slice()) {
            return Ok(*id);
        }
        if let Some(id) = self.term_cache.get(buffer.as_slice()) {
            return Ok(*id);
        }
        if let Some(id) = snapshot.term_id_for_bytes(buffer)? {
            self.cache_term(buffer.as_slice().into(), id);
            return Ok(id);
        }
        let tag = dictionary_tag(buffer)
            .ok_or_else(|| StorageError::UnsupportedTerm(term.to_string()))?;
        if self.writer.next_id > TermId::MAX_PAYLOAD {
            return Err(StorageError::Corruption(
                "dictionary id space exhausted".into(),
            ));
        }
        let id = TermId::new(tag, self.writer.next_id);
        self.writer.next_id += 1;
        new_terms.insert(buffer.as_slice().into(), id);
        Ok(id)
    }

    fn cache_term(&mut self, bytes: Box<[u8]>, id: TermId) {
        if self.term_cache.len() >= self.term_cache_capacity {
            self.term_cache.clear();
        }
        self.term_cache.insert(bytes, id);
    }
}

#[cfg(not(target_family = "wasm"))]
fn run_in_parallel<T: Copy + Sync, E: Send>(
    items: &[T],
    work: impl Fn(T) -> Result<(), E> + Sync,
) -> Result<(), StorageError>
where
    StorageError: From<E>,
{
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .iter()
            .map(|item| {
                let work = &work;
                scope.spawn(move || work(*item))
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(result) => result?,
                Err(_) => return Err(StorageError::Corruption("an index writer panicked".into())),
            }
        }
        Ok(())
    })
}

#[cfg(target_family = "wasm")]
fn run_in_parallel<T: Copy, E>(
    items: &[T],
    work: impl Fn(T) -> Result<(), E>,
) -> Result<(), StorageError>
where
    StorageError: From<E>,
{
    for item in items {
        work(*item)?;
    }
    Ok(())
}

/// Recomputes the quad count and the per-predicate counts from one scan of GSPO.
pub(crate) fn recount<B: KvBackend>(backend: &B, store: &Store<B>) -> Result<(), StorageError> {
    let snapshot = store.snapshot()?;
    let kv = snapshot.kv();
    let mut total = 0_u64;
    let mut per_predicate = HashMap::<TermId, u64>::new();
    let mut cursor = kv.cursor(Keyspace::Gspo, KeyRange::all())?;
    while let Some(key) = cursor.key() {
        let quad = QuadOrder::Gspo
            .decode(key)
            .ok_or_else(|| StorageError::Corruption("malformed GSPO key".into()))?;
        total += 1;
        *per_predicate.entry(quad.predicate).or_default() += 1;
        cursor.advance()?;
    }
    drop(cursor);
    let mut batch = WriteBatch::new();
    let mut stats = kv.cursor(Keyspace::Stats, KeyRange::all())?;
    while let Some(key) = stats.key() {
        batch.delete(Keyspace::Stats, key.to_vec());
        stats.advance()?;
    }
    drop(stats);
    for (predicate, count) in per_predicate {
        batch.put(
            Keyspace::Stats,
            predicate.to_be_bytes(),
            count.to_be_bytes(),
        );
    }
    batch.put(
        Keyspace::Meta,
        MetaKey::QuadCount.key(),
        total.to_be_bytes(),
    );
    drop(snapshot);
    backend.write(batch, Durability::Buffered)?;
    Ok(())
}
