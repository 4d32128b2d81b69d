use std::sync::Arc;

use rustc_hash::FxHashSet;

use oxrdf::{GraphNameRef, QuadRef, TermRef};

use super::meta::read_u64;
use super::pattern::{GraphScope, QuadPattern};
use super::{MetaKey, QuadRead, StorageError, WriterGuard};
use crate::dictionary::Dictionary;
use crate::encoding::{
    EncodedQuad, IndexFlags, QuadOrder, TermId, encode_inline, encode_term_bytes, term_key,
};
use crate::kv::merge::Overlay;
use crate::kv::{
    Durability, KeyRange, Keyspace, KvBackend, KvError, KvSnapshot, OverlayCursor, SortedRun,
    WriteBatch,
};

/// A snapshot with uncommitted writes laid over it: what a [`Transaction`] reads.
pub struct TxnKv<S> {
    base: S,
    overlays: [Overlay; Keyspace::ALL.len()],
}

impl<S: KvSnapshot> TxnKv<S> {
    fn put(&mut self, keyspace: Keyspace, key: Vec<u8>, value: Vec<u8>) {
        self.overlays[keyspace.index()].insert(key, Some(value));
    }

    fn delete(&mut self, keyspace: Keyspace, key: Vec<u8>) {
        self.overlays[keyspace.index()].insert(key, None);
    }

    fn add_counter(
        &mut self,
        keyspace: Keyspace,
        key: &[u8],
        delta: i64,
    ) -> Result<(), StorageError> {
        let current = read_u64(self, keyspace, key)?;
        let next = current.checked_add_signed(delta).ok_or_else(|| {
            StorageError::Corruption(format!("counter {key:?} in {keyspace} would underflow"))
        })?;
        if next == 0 && keyspace == Keyspace::Stats {
            self.delete(keyspace, key.to_vec());
        } else {
            self.put(keyspace, key.to_vec(), next.to_be_bytes().to_vec());
        }
        Ok(())
    }
}

impl<S: KvSnapshot> KvSnapshot for TxnKv<S> {
    type Cursor<'c>
        = OverlayCursor<'c, S::Cursor<'c>>
    where
        Self: 'c;

    fn get(&self, keyspace: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        match self.overlays[keyspace.index()].get(key) {
            Some(pending) => Ok(pending.clone()),
            None => self.base.get(keyspace, key),
        }
    }

    fn cursor(&self, keyspace: Keyspace, range: KeyRange) -> Result<Self::Cursor<'_>, KvError> {
        let base = self.base.cursor(keyspace, range.clone())?;
        OverlayCursor::new(base, &self.overlays[keyspace.index()], range)
    }
}

/// Sees the explicit default-graph quads a transaction changed, inside that transaction, just
/// before it commits: where derived data (the reasoner's closure) is kept up to date, so that no
/// write path can skip it.
pub trait CommitHook<B: KvBackend>: Send + Sync {
    /// Called once per commit with every default-graph quad whose explicit flag a write touched
    /// (compare [`Transaction::flags_before`] with [`QuadRead::quad_flags`] to see how).
    ///
    /// # Errors
    /// An error aborts the commit: nothing of the transaction is written.
    fn before_commit(
        &self,
        transaction: &mut Transaction<'_, B>,
        touched: Vec<EncodedQuad>,
    ) -> Result<(), StorageError>;
}

/// An all-or-nothing write transaction that reads its own writes.
///
/// Only one transaction writes at a time (it holds the store's writer lock), so transactions are
/// serializable. Nothing is visible to others until [`commit`](Self::commit); dropping a transaction
/// rolls it back.
pub struct Transaction<'a, B: KvBackend + 'a> {
    backend: &'a B,
    kv: TxnKv<B::Snapshot<'a>>,
    dictionary: &'a Dictionary,
    writer: WriterGuard<'a>,
    new_terms: Vec<(TermId, Box<[u8]>)>,
    durability: Durability,
    hook: Option<Arc<dyn CommitHook<B> + 'a>>,
    touched: FxHashSet<EncodedQuad>,
    /// Index writes that go straight to the commit's batch, after the overlay's: see
    /// [`set_known_flags`](Self::set_known_flags).
    blind: BlindWrites,
    /// Quads inserted or deleted, for the planner's statistics.
    changes: u64,
}

impl<'a, B: KvBackend + 'a> Transaction<'a, B> {
    pub(crate) fn new(
        backend: &'a B,
        base: B::Snapshot<'a>,
        dictionary: &'a Dictionary,
        writer: WriterGuard<'a>,
    ) -> Self {
        Self {
            backend,
            kv: TxnKv {
                base,
                overlays: Default::default(),
            },
            dictionary,
            writer,
            new_terms: Vec::new(),
            durability: Durability::Buffered,
            hook: None,
            touched: FxHashSet::default(),
            blind: BlindWrites::default(),
            changes: 0,
        }
    }

    /// Installs the hook that sees this transaction's changes before it commits.
    pub(crate) fn set_hook(&mut self, hook: Option<Arc<dyn CommitHook<B> + 'a>>) {
        self.hook = hook;
    }

    /// The flags `quad` had when the transaction began.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn flags_before(&self, quad: &EncodedQuad) -> Result<Option<IndexFlags>, StorageError> {
        Ok(self
            .kv
            .base
            .get(QuadOrder::Gspo.keyspace(), &QuadOrder::Gspo.key(quad))?
            .map(|value| IndexFlags::from_value(&value)))
    }

    /// Reads a value of the `meta` keyspace (for the layers above storage that keep state there).
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub(crate) fn meta(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.kv.get(Keyspace::Meta, key)?)
    }

    /// Writes (or, with `None`, deletes) a value of the `meta` keyspace.
    pub(crate) fn set_meta(&mut self, key: &[u8], value: Option<Vec<u8>>) {
        match value {
            Some(value) => self.kv.put(Keyspace::Meta, key.to_vec(), value),
            None => self.kv.delete(Keyspace::Meta, key.to_vec()),
        }
    }

    fn touch(&mut self, quad: &EncodedQuad, flags: IndexFlags) {
        if self.hook.is_some()
            && quad.graph == TermId::DEFAULT_GRAPH
            && flags.contains(IndexFlags::EXPLICIT)
        {
            self.touched.insert(*quad);
        }
    }

    /// Sets how durable the commit must be (default [`Durability::Buffered`]).
    pub fn set_durability(&mut self, durability: Durability) {
        self.durability = durability;
    }

    /// The id of `term`, allocating one if the store does not know it yet.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn intern(&mut self, term: TermRef<'_>) -> Result<TermId, StorageError> {
        if let TermRef::Literal(literal) = term
            && let Some(id) = encode_inline(literal)
        {
            return Ok(id);
        }
        let mut bytes = Vec::new();
        encode_term_bytes(term, &mut bytes);
        // Hashed once for the lookup and the write.
        let key = term_key(&bytes).to_vec();
        if let Some(id) = self.term_id_for_key(&bytes, &key)? {
            return Ok(id);
        }
        let id = self.writer.ids.allocate(&bytes, || term.to_string())?;
        self.kv
            .put(Keyspace::IdToTerm, id.to_be_bytes().to_vec(), bytes.clone());
        self.kv
            .put(Keyspace::TermToId, key, id.to_be_bytes().to_vec());
        self.new_terms.push((id, bytes.into()));
        Ok(id)
    }

    /// The id of the term whose dictionary form is `bytes` and `term2id` key is `key`.
    fn term_id_for_key(&self, bytes: &[u8], key: &[u8]) -> Result<Option<TermId>, StorageError> {
        // Terms this transaction allocated must not reach the shared cache before it commits.
        match self.kv.overlays[Keyspace::TermToId.index()].get(key) {
            Some(Some(value)) => crate::dictionary::decode_id(value).map(Some),
            Some(None) => Ok(None),
            None => self
                .dictionary
                .lookup_keyed(&self.kv.base, bytes, Some(key)),
        }
    }

    fn intern_graph(&mut self, graph: GraphNameRef<'_>) -> Result<TermId, StorageError> {
        match graph {
            GraphNameRef::DefaultGraph => Ok(TermId::DEFAULT_GRAPH),
            GraphNameRef::NamedNode(node) => self.intern(node.into()),
            GraphNameRef::BlankNode(node) => self.intern(node.into()),
        }
    }

    /// Inserts `quad` as an explicit quad; returns whether it was not already explicit.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn insert(&mut self, quad: QuadRef<'_>) -> Result<bool, StorageError> {
        let encoded = EncodedQuad::new(
            self.intern(quad.subject.into())?,
            self.intern(quad.predicate.into())?,
            self.intern(quad.object)?,
            self.intern_graph(quad.graph_name)?,
        );
        self.insert_encoded(&encoded, IndexFlags::EXPLICIT)
    }

    /// Removes the explicit assertion of `quad`; returns whether it was explicit.
    ///
    /// A quad that is also inferred stays, flagged inferred only.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn remove(&mut self, quad: QuadRef<'_>) -> Result<bool, StorageError> {
        match self.encode_quad(quad)? {
            Some(encoded) => self.remove_encoded(&encoded, IndexFlags::EXPLICIT),
            None => Ok(false),
        }
    }

    /// Adds `flags` to a quad of ids (inserting it if absent); returns whether anything changed.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn insert_encoded(
        &mut self,
        quad: &EncodedQuad,
        flags: IndexFlags,
    ) -> Result<bool, StorageError> {
        let existing = self.quad_flags(quad)?;
        let merged = existing.unwrap_or_default().union(flags);
        if existing == Some(merged) {
            return Ok(false);
        }
        self.touch(quad, flags);
        self.write_entries(quad, merged);
        if existing.is_none() {
            self.kv
                .add_counter(Keyspace::Meta, MetaKey::QuadCount.key(), 1)?;
            self.kv
                .add_counter(Keyspace::Stats, &quad.predicate.to_be_bytes(), 1)?;
            self.changes += 1;
            if quad.graph != TermId::DEFAULT_GRAPH {
                self.kv.put(
                    Keyspace::Graphs,
                    quad.graph.to_be_bytes().to_vec(),
                    Vec::new(),
                );
            }
        }
        Ok(true)
    }

    /// Takes `flags` off a quad of ids, deleting it when no flag is left; returns whether it had any of them.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn remove_encoded(
        &mut self,
        quad: &EncodedQuad,
        flags: IndexFlags,
    ) -> Result<bool, StorageError> {
        let Some(existing) = self.quad_flags(quad)? else {
            return Ok(false);
        };
        let remaining = existing.without(flags);
        if remaining == existing {
            return Ok(false);
        }
        self.touch(quad, existing.without(remaining));
        if remaining.is_empty() {
            for order in QuadOrder::ALL {
                if order.holds(quad) {
                    self.kv.delete(order.keyspace(), order.key(quad).to_vec());
                }
            }
            self.kv
                .add_counter(Keyspace::Meta, MetaKey::QuadCount.key(), -1)?;
            self.kv
                .add_counter(Keyspace::Stats, &quad.predicate.to_be_bytes(), -1)?;
            self.changes += 1;
        } else {
            self.write_entries(quad, remaining);
        }
        Ok(true)
    }

    /// Rewrites the flags of many quads whose current flags the caller already knows (the
    /// reasoner, which has just read them all), without reading each quad back, and adjusts the
    /// counts once at the end. `changes` holds each quad with its flags before and after; empty
    /// flags after remove the quad, and each quad comes at most once. Only for flags a
    /// [`CommitHook`] need not see (inferred).
    ///
    /// The index entries skip the transaction's overlay and go straight into the commit's batch,
    /// after everything else the transaction wrote: millions of them would cost more in the
    /// overlay than the backend's own write. So this must be a transaction's last index write,
    /// and its entries are not visible to the transaction's own later reads (the counts are).
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub(crate) fn set_known_flags(
        &mut self,
        changes: impl IntoIterator<Item = (EncodedQuad, Option<IndexFlags>, IndexFlags)>,
    ) -> Result<(), StorageError> {
        let mut quads: i64 = 0;
        let mut per_predicate: rustc_hash::FxHashMap<TermId, i64> = Default::default();
        for (quad, before, after) in changes {
            if before == Some(after) || (before.is_none() && after.is_empty()) {
                continue;
            }
            let value = (!after.is_empty()).then_some(after);
            for order in QuadOrder::ALL {
                if order.holds(&quad) {
                    self.blind[order.keyspace().index()].push((order.key(&quad), value));
                }
            }
            if after.is_empty() {
                quads -= 1;
                *per_predicate.entry(quad.predicate).or_default() -= 1;
                continue;
            }
            if before.is_none() {
                quads += 1;
                *per_predicate.entry(quad.predicate).or_default() += 1;
                if quad.graph != TermId::DEFAULT_GRAPH {
                    self.kv.put(
                        Keyspace::Graphs,
                        quad.graph.to_be_bytes().to_vec(),
                        Vec::new(),
                    );
                }
            }
        }
        if quads != 0 {
            self.kv
                .add_counter(Keyspace::Meta, MetaKey::QuadCount.key(), quads)?;
        }
        for (predicate, delta) in per_predicate {
            if delta != 0 {
                self.kv
                    .add_counter(Keyspace::Stats, &predicate.to_be_bytes(), delta)?;
                self.changes += delta.unsigned_abs();
            }
        }
        Ok(())
    }

    fn write_entries(&mut self, quad: &EncodedQuad, flags: IndexFlags) {
        let value = flags.to_value();
        for order in QuadOrder::ALL {
            if order.holds(quad) {
                self.kv
                    .put(order.keyspace(), order.key(quad).to_vec(), value.clone());
            }
        }
    }

    /// Creates the named graph `graph` if it does not exist; returns whether it was created.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn create_named_graph(&mut self, graph: GraphNameRef<'_>) -> Result<bool, StorageError> {
        let id = self.intern_graph(graph)?;
        if id == TermId::DEFAULT_GRAPH || self.kv.contains(Keyspace::Graphs, &id.to_be_bytes())? {
            return Ok(false);
        }
        self.kv
            .put(Keyspace::Graphs, id.to_be_bytes().to_vec(), Vec::new());
        Ok(true)
    }

    /// Removes every quad of `graph` (the graph itself stays); returns how many were removed.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn clear_graph(&mut self, graph: GraphNameRef<'_>) -> Result<u64, StorageError> {
        let Some(id) = self.graph_id(graph)? else {
            return Ok(0);
        };
        self.clear_scope(GraphScope::Graph(id))
    }

    /// Removes every quad of every named graph; returns how many were removed.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn clear_named_graphs(&mut self) -> Result<u64, StorageError> {
        self.clear_scope(GraphScope::AnyNamed)
    }

    fn clear_scope(&mut self, scope: GraphScope) -> Result<u64, StorageError> {
        let quads = self
            .encoded_quads(&QuadPattern::any(scope))
            .collect::<Result<Vec<_>, _>>()?;
        let all = IndexFlags::EXPLICIT.union(IndexFlags::INFERRED);
        for quad in &quads {
            self.remove_encoded(quad, all)?;
        }
        Ok(quads.len() as u64)
    }

    /// Removes the named graph `graph` and its quads; returns whether it existed.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn drop_named_graph(&mut self, graph: GraphNameRef<'_>) -> Result<bool, StorageError> {
        let Some(id) = self.graph_id(graph)? else {
            return Ok(false);
        };
        if id == TermId::DEFAULT_GRAPH {
            self.clear_scope(GraphScope::Default)?;
            return Ok(true);
        }
        let existed = self.kv.contains(Keyspace::Graphs, &id.to_be_bytes())?;
        self.clear_scope(GraphScope::Graph(id))?;
        self.kv.delete(Keyspace::Graphs, id.to_be_bytes().to_vec());
        Ok(existed)
    }

    /// Removes every quad and every named graph.
    ///
    /// # Errors
    /// Fails if storage cannot be read.
    pub fn clear(&mut self) -> Result<(), StorageError> {
        for id in self.named_graph_ids()? {
            self.kv.delete(Keyspace::Graphs, id.to_be_bytes().to_vec());
        }
        self.clear_scope(GraphScope::All)?;
        Ok(())
    }

    /// Applies every write atomically.
    ///
    /// # Errors
    /// Fails if the backend cannot write; then nothing of the transaction is visible.
    pub fn commit(mut self) -> Result<(), StorageError> {
        if let Some(hook) = self.hook.take() {
            let mut touched: Vec<EncodedQuad> =
                std::mem::take(&mut self.touched).into_iter().collect();
            if !touched.is_empty() {
                touched.sort_unstable();
                hook.before_commit(&mut self, touched)?;
            }
        }
        let mut reanalyze = false;
        if self.changes > 0 {
            let changes = read_u64(&self.kv, Keyspace::Meta, MetaKey::StatisticsChanges.key())?
                .saturating_add(self.changes);
            let analyzed = read_u64(&self.kv, Keyspace::Meta, MetaKey::StatisticsAnalyzed.key())?;
            reanalyze = super::needs_analysis(analyzed, changes);
            self.kv.put(
                Keyspace::Meta,
                MetaKey::StatisticsChanges.key().to_vec(),
                changes.to_be_bytes().to_vec(),
            );
        }
        let mut batch = WriteBatch::new();
        if !self.new_terms.is_empty() {
            batch.put(
                Keyspace::Meta,
                MetaKey::NextId.key(),
                self.writer.ids.next().to_be_bytes(),
            );
        }
        for keyspace in Keyspace::ALL {
            for (key, value) in std::mem::take(&mut self.kv.overlays[keyspace.index()]) {
                match value {
                    Some(value) => batch.put(keyspace, key, value),
                    None => batch.delete(keyspace, key),
                }
            }
        }
        write_blind(&mut batch, std::mem::take(&mut self.blind));
        if batch.is_empty() {
            return Ok(());
        }
        self.backend.write(batch, self.durability)?;
        for (id, bytes) in self.new_terms.drain(..) {
            self.dictionary.remember(id, bytes);
        }
        if reanalyze {
            // Still under the writer lock: no write can slip between the commit and the scan.
            super::recount(self.backend, self.dictionary)?;
        }
        Ok(())
    }
}

/// Index entries of [`Transaction::set_known_flags`] per keyspace: a key and its flags, `None`
/// to delete.
type BlindWrites = [Vec<([u8; 32], Option<IndexFlags>)>; Keyspace::ALL.len()];

/// Adds the index writes of [`Transaction::set_known_flags`] to `batch`: one sorted run of puts
/// per keyspace, deletions one by one.
fn write_blind(batch: &mut WriteBatch, blind: BlindWrites) {
    /// Below this many entries a thread costs more than it saves.
    const PARALLEL_ENTRIES: usize = 100_000;
    // Each quad comes once, so keys are distinct and the order among equals is moot.
    let prepare = |mut entries: Vec<([u8; 32], Option<IndexFlags>)>| {
        if !entries.is_sorted_by(|a, b| a.0 <= b.0) {
            entries.sort_unstable_by_key(|entry| entry.0);
        }
        let mut run = SortedRun::with_capacity(entries.len(), entries.len() * 33);
        let mut deletes = Vec::new();
        for (key, value) in entries {
            match value {
                Some(flags) => run.push(&key, flags.value_bytes()),
                None => deletes.push(key),
            }
        }
        (run, deletes)
    };
    let large = blind.iter().filter(|e| e.len() >= PARALLEL_ENTRIES).count();
    let prepared: Vec<(SortedRun, Vec<[u8; 32]>)> = if cfg!(target_family = "wasm") || large < 2 {
        blind.into_iter().map(prepare).collect()
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = blind
                .into_iter()
                .map(|entries| {
                    if entries.len() >= PARALLEL_ENTRIES {
                        Err(scope.spawn(|| prepare(entries)))
                    } else {
                        Ok(prepare(entries))
                    }
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| worker.or_else(|thread| thread.join()))
                .collect::<Result<_, _>>()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    };
    for (keyspace, (run, deletes)) in Keyspace::ALL.into_iter().zip(prepared) {
        for key in deletes {
            batch.delete(keyspace, key);
        }
        batch.put_sorted(keyspace, run);
    }
}

impl<'a, B: KvBackend + 'a> QuadRead for Transaction<'a, B> {
    type Kv = TxnKv<B::Snapshot<'a>>;

    fn kv(&self) -> &Self::Kv {
        &self.kv
    }

    fn dictionary(&self) -> &Dictionary {
        self.dictionary
    }

    fn term_id_for_bytes(&self, bytes: &[u8]) -> Result<Option<TermId>, StorageError> {
        self.term_id_for_key(bytes, &term_key(bytes))
    }
}
