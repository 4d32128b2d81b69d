//! Bringing a store back to a consistent state after a bulk load stopped part-way.
//!
//! A bulk load writes each chunk's dictionary entries and index runs keyspace by keyspace (that
//! is what makes it fast), so a kill, a crash or an error between two of those writes leaves the
//! two dictionary directions, the six indexes and the counts disagreeing. The loader marks the
//! store before its first write and clears the mark with its final recount; a store opened with
//! the mark set, or a loader dropped before it finished, is repaired here: every half-written
//! entry is completed (what a load wrote stays, as documented), except a long literal's hashed
//! dictionary key whose term was not written, which is removed (no index uses its id yet); then
//! the counts are recounted. Each step only adds what is missing or removes what cannot be
//! completed, so a repair that is itself interrupted can run again.

use std::collections::HashSet;

use super::fingerprint::Fingerprint;
use super::{MetaKey, StorageError, WriterState};
use crate::dictionary::Dictionary;
use crate::encoding::{EncodedQuad, QuadOrder, TermId, TermKey, is_hashed_key, term_key};
use crate::kv::{Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvSnapshot, WriteBatch};

/// Entries written per batch while repairing, so memory stays bounded on large stores.
const BATCH: usize = 100_000;

/// Order-independent fingerprints of the dictionary's two directions, as (id, term key) pairs.
pub(crate) struct DictionaryDirections {
    by_id: Fingerprint,
    by_term: Fingerprint,
    /// The largest id payload either direction holds.
    pub(crate) max_id: u64,
    /// Entries of the id → term and the term → id directions.
    pub(crate) entries: [u64; 2],
}

impl DictionaryDirections {
    /// One sequential scan of each direction.
    pub(crate) fn scan(kv: &impl KvSnapshot) -> Result<Self, StorageError> {
        let mut max_id = 0;
        let mut fingerprints = [Fingerprint::default(); 2];
        let mut entries = [0; 2];
        for ((fingerprint, entries), (keyspace, id_is_key)) in fingerprints
            .iter_mut()
            .zip(&mut entries)
            .zip([(Keyspace::IdToTerm, true), (Keyspace::TermToId, false)])
        {
            let mut cursor = kv.cursor(keyspace, KeyRange::all())?;
            while let (Some(key), Some(value)) = (cursor.key(), cursor.value()) {
                let (id, term) = if id_is_key {
                    (key, term_key(value))
                } else {
                    (value, TermKey::Bytes(key))
                };
                if let Some(id) = <[u8; 8]>::try_from(id).ok().and_then(TermId::from_be_bytes) {
                    max_id = max_id.max(id.payload());
                }
                fingerprint.add_pair(id, &term);
                *entries += 1;
                cursor.advance()?;
            }
        }
        let [by_id, by_term] = fingerprints;
        Ok(Self {
            by_id,
            by_term,
            max_id,
            entries,
        })
    }

    /// Whether both directions hold the same pairs.
    pub(crate) fn agree(&self) -> bool {
        self.by_id == self.by_term
    }
}

/// Marks the store as being bulk-loaded; durable before the load writes anything.
pub(crate) fn mark_loading(backend: &impl KvBackend) -> Result<(), StorageError> {
    let mut batch = WriteBatch::new();
    batch.put(Keyspace::Meta, MetaKey::BulkLoad.key(), Vec::new());
    backend.write(batch, Durability::Sync)?;
    Ok(())
}

/// Whether a bulk load started and did not finish.
pub(crate) fn load_interrupted(backend: &impl KvBackend) -> Result<bool, StorageError> {
    Ok(backend
        .snapshot()?
        .contains(Keyspace::Meta, MetaKey::BulkLoad.key())?)
}

/// What [`repair`] completed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Repaired {
    pub(crate) dictionary_entries: u64,
    pub(crate) index_entries: u64,
}

/// Completes half-written dictionary pairs and index entries, moves the id counter (stored and
/// `writer`'s) past every id in use, recounts, and clears the mark.
pub(crate) fn repair<B: KvBackend>(
    backend: &B,
    dictionary: &Dictionary,
    writer: &mut WriterState,
) -> Result<Repaired, StorageError> {
    let mut repaired = Repaired::default();
    let mut pending = Pending::new(backend);
    let snapshot = backend.snapshot()?;

    // Dictionary: every id has its term and every term its id. The two directions hold the
    // same pairs when their fingerprints agree; only when they do not is each entry looked up.
    let directions = DictionaryDirections::scan(&snapshot)?;
    let max_id = directions.max_id;
    let mut dropped_keys = false;
    if !directions.agree() {
        // Every id's term gets its key.
        let mut cursor = snapshot.cursor(Keyspace::IdToTerm, KeyRange::all())?;
        while let (Some(id), Some(term)) = (cursor.key(), cursor.value()) {
            let key = term_key(term);
            if snapshot.get(Keyspace::TermToId, &key)?.is_none() {
                pending.put(Keyspace::TermToId, &key, id)?;
                repaired.dictionary_entries += 1;
            }
            cursor.advance()?;
        }
        // Every key's id gets its term where the key gives the term back. A hashed key does not:
        // its id lost the term before any index used it (a load stopped between writing the two
        // directions, and indexes are written after both), so the key goes.
        let mut cursor = snapshot.cursor(Keyspace::TermToId, KeyRange::all())?;
        while let (Some(key), Some(id)) = (cursor.key(), cursor.value()) {
            if snapshot.get(Keyspace::IdToTerm, id)?.is_none() {
                if is_hashed_key(key) {
                    pending.delete(Keyspace::TermToId, key)?;
                    dropped_keys = true;
                } else {
                    pending.put(Keyspace::IdToTerm, id, key)?;
                }
                repaired.dictionary_entries += 1;
            }
            cursor.advance()?;
        }
    }

    // Indexes: a quad in any index is put in every index that holds it, with the same value.
    // Indexes whose fingerprints agree hold the same entries, so one of each group is read
    // entry by entry, and looked up only in the indexes of other groups.
    let mut graphs = HashSet::new();
    let mut sets = Vec::with_capacity(QuadOrder::ALL.len());
    for order in QuadOrder::ALL {
        // Graph-last indexes hold named-graph quads only: compare everything on those.
        let (mut named, mut every) = (Fingerprint::default(), Fingerprint::default());
        let mut cursor = snapshot.cursor(order.keyspace(), KeyRange::all())?;
        while let Some(key) = cursor.key() {
            let quad = decode(order, key)?;
            let value = cursor.value().unwrap_or_default();
            every.add_quad(&quad, value);
            if quad.graph != TermId::DEFAULT_GRAPH {
                named.add_quad(&quad, value);
                graphs.insert(quad.graph);
            }
            cursor.advance()?;
        }
        sets.push(IndexSet {
            order,
            named,
            every,
        });
    }
    let graph_first = |order: QuadOrder| QuadOrder::GRAPH_FIRST.contains(&order);
    // Whether index `a` lacks none of what index `b` holds that `a` should hold.
    let agrees = |a: &IndexSet, b: &IndexSet| {
        a.named == b.named && (!graph_first(a.order) || !graph_first(b.order) || a.every == b.every)
    };
    // Whether index `a` holds everything index `b` holds.
    let covers = |a: &IndexSet, b: &IndexSet| {
        a.named == b.named
            && (!graph_first(b.order) || (graph_first(a.order) && a.every == b.every))
    };
    let mut read = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        // An index another one read before it covers adds nothing.
        if sets[..i].iter().any(|earlier| covers(earlier, set)) {
            continue;
        }
        let others: Vec<QuadOrder> = sets
            .iter()
            .filter(|other| !agrees(other, set))
            .map(|other| other.order)
            .collect();
        if !others.is_empty() {
            read.push((set.order, others));
        }
    }
    for (order, others) in read {
        let mut cursor = snapshot.cursor(order.keyspace(), KeyRange::all())?;
        while let Some(key) = cursor.key() {
            let quad = decode(order, key)?;
            let value = cursor.value().unwrap_or_default();
            for other in &others {
                if other.holds(&quad) && !snapshot.contains(other.keyspace(), &other.key(&quad))? {
                    pending.put(other.keyspace(), &other.key(&quad), value)?;
                    repaired.index_entries += 1;
                }
            }
            cursor.advance()?;
        }
    }
    for graph in graphs {
        pending.put(Keyspace::Graphs, &graph.to_be_bytes(), &[])?;
    }
    let stored_next = super::meta::read_u64(&snapshot, Keyspace::Meta, MetaKey::NextId.key())?;
    drop(snapshot);
    if max_id >= stored_next {
        pending.put(
            Keyspace::Meta,
            MetaKey::NextId.key(),
            &(max_id + 1).to_be_bytes(),
        )?;
        writer.ids = crate::dictionary::IdAllocator::new(max_id + 1);
    }
    pending.flush()?;
    if dropped_keys {
        // A reader may have cached a dropped key's id while the load ran; a writer given that id
        // would store quads whose term is gone.
        dictionary.clear_caches();
    }

    super::recount(backend, dictionary)?;
    clear_loading(backend)?;
    Ok(repaired)
}

/// An index key's quad; a malformed key is corruption a repair cannot mend.
fn decode(order: QuadOrder, key: &[u8]) -> Result<EncodedQuad, StorageError> {
    order
        .decode(key)
        .ok_or_else(|| StorageError::Corruption(format!("malformed {order:?} key while repairing")))
}

/// An index's entries summed up: its named-graph quads, and all of them.
struct IndexSet {
    order: QuadOrder,
    named: Fingerprint,
    every: Fingerprint,
}

/// Clears the mark of [`mark_loading`]: the load finished, or its leftovers are repaired.
pub(crate) fn clear_loading(backend: &impl KvBackend) -> Result<(), StorageError> {
    let mut batch = WriteBatch::new();
    batch.delete(Keyspace::Meta, MetaKey::BulkLoad.key());
    backend.write(batch, Durability::Sync)?;
    Ok(())
}

/// Puts and deletes written in bounded batches.
struct Pending<'a, B: KvBackend> {
    backend: &'a B,
    batch: WriteBatch,
}

impl<'a, B: KvBackend> Pending<'a, B> {
    fn new(backend: &'a B) -> Self {
        Self {
            backend,
            batch: WriteBatch::new(),
        }
    }

    fn put(&mut self, keyspace: Keyspace, key: &[u8], value: &[u8]) -> Result<(), StorageError> {
        self.batch.put(keyspace, key, value);
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn delete(&mut self, keyspace: Keyspace, key: &[u8]) -> Result<(), StorageError> {
        self.batch.delete(keyspace, key);
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StorageError> {
        let batch = std::mem::take(&mut self.batch);
        if !batch.is_empty() {
            self.backend.write(batch, Durability::Sync)?;
        }
        Ok(())
    }
}
