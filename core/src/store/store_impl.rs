use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, RwLock};

use oxrdf::{
    GraphNameRef, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Quad, QuadRef, TermRef,
};

use crate::dictionary::Dictionary;
use crate::kv::{Durability, Keyspace, KvBackend, KvSnapshot, WriteBatch};
use crate::sparql::PlanCache;
use crate::storage::{
    BulkLoader, FORMAT_VERSION, MetaKey, QuadRead, ReadVersion, Snapshot, StorageError,
    Transaction, WriterGuard, WriterState,
};

/// Plans a store keeps for queries sent again (see [`PlanCache`]).
const PLAN_CACHE: usize = 256;

/// Numbers the stores this process opens, so that a cache of one never serves another.
static STORES: AtomicU64 = AtomicU64::new(0);

/// An RDF quad store over any [`KvBackend`].
///
/// Reads go through [`snapshot`](Self::snapshot)s, writes through [`transaction`](Self::transaction)s
/// (one writer at a time, all-or-nothing) or a [`bulk_loader`](Self::bulk_loader). The convenience
/// methods here each run in their own snapshot or transaction.
///
/// ```
/// use oxrdf::{NamedNodeRef, QuadRef, GraphNameRef};
/// use trine_core::{Store, kv::MemoryBackend, storage::QuadRead};
///
/// let store = Store::open(MemoryBackend::new())?;
/// let ex = NamedNodeRef::new("http://example.com/a")?;
/// store.insert(QuadRef::new(ex, ex, ex, GraphNameRef::DefaultGraph))?;
/// assert_eq!(store.len()?, 1);
/// let snapshot = store.snapshot()?;
/// assert_eq!(snapshot.quads_for_pattern(Some(ex.into()), None, None, None)?.count(), 1);
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
pub struct Store<B: KvBackend> {
    backend: B,
    dictionary: Dictionary,
    writer: Mutex<WriterState>,
    /// Odd while a writer holds the lock; see [`generation`](Self::generation).
    generation: AtomicU64,
    pub(super) reasoning: RwLock<super::reasoning::ReasoningState<B>>,
    /// This store among the ones the process opened (see [`ReadVersion::store`]).
    instance: u64,
    plans: std::sync::Arc<PlanCache>,
}

impl<B: KvBackend> Store<B> {
    /// Opens a store on `backend`, initialising an empty one.
    ///
    /// # Errors
    /// Fails if the backend cannot be read or written, or holds a store of a format version this
    /// build cannot read (a newer one); older ones are upgraded in place first.
    pub fn open(backend: B) -> Result<Self, StorageError> {
        let snapshot = backend.snapshot()?;
        let format = snapshot.get(Keyspace::Meta, MetaKey::Format.key())?;
        let next_id = match snapshot.get(Keyspace::Meta, MetaKey::NextId.key())? {
            Some(value) => u64::from_be_bytes(
                value
                    .as_slice()
                    .try_into()
                    .map_err(|_| StorageError::Corruption("malformed id counter".into()))?,
            ),
            None => 1,
        };
        drop(snapshot);
        match format {
            Some(value) => {
                let found =
                    u32::from_be_bytes(value.as_slice().try_into().map_err(|_| {
                        StorageError::Corruption("malformed format version".into())
                    })?);
                if found == FORMAT_VERSION {
                    crate::storage::finish_upgrade(&backend)?;
                } else {
                    crate::storage::upgrade(&backend, found)?;
                }
            }
            None => {
                let mut batch = WriteBatch::new();
                batch.put(
                    Keyspace::Meta,
                    MetaKey::Format.key(),
                    FORMAT_VERSION.to_be_bytes(),
                );
                batch.put(Keyspace::Meta, MetaKey::NextId.key(), next_id.to_be_bytes());
                backend.write(batch, Durability::Sync)?;
            }
        }
        let store = Self {
            backend,
            dictionary: Dictionary::default(),
            writer: Mutex::new(WriterState {
                ids: crate::dictionary::IdAllocator::new(next_id),
            }),
            generation: AtomicU64::new(0),
            reasoning: RwLock::default(),
            instance: STORES.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            plans: std::sync::Arc::new(PlanCache::new(PLAN_CACHE)),
        };
        let snapshot = store.backend.snapshot()?;
        let options =
            super::reasoning::stored_options(|key| Ok(snapshot.get(Keyspace::Meta, key.key())?))?;
        drop(snapshot);
        store.install_reasoning(options, std::sync::Arc::default());
        if crate::storage::load_interrupted(&store.backend)? {
            store.repair_interrupted_load()?;
            store.after_bulk_load()?;
        }
        Ok(store)
    }

    /// Completes what a bulk load that stopped part-way left half-written (see
    /// [`BulkLoader`]); the store is consistent again afterwards, with what the load wrote.
    fn repair_interrupted_load(&self) -> Result<(), StorageError> {
        let repaired =
            crate::storage::repair(&self.backend, &self.dictionary, &mut self.lock_writer())?;
        tracing::warn!(
            dictionary_entries = repaired.dictionary_entries,
            index_entries = repaired.index_entries,
            "repaired a bulk load that stopped part-way"
        );
        Ok(())
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// Closes the store and gives the backend back (to reopen it, or to drop it and its files).
    pub fn into_backend(self) -> B {
        self.backend
    }

    /// The dictionary and its caches.
    pub fn dictionary(&self) -> &Dictionary {
        &self.dictionary
    }

    /// A consistent read view; it never sees later writes.
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn snapshot(&self) -> Result<Snapshot<'_, B>, StorageError> {
        // The view reads one committed state only if no writer held the lock from before it
        // was taken until after: then it is known by the generation read on both sides.
        let before = self.generation();
        let epoch = self.dictionary.removals();
        let kv = self.backend.snapshot()?;
        let version = (before.is_multiple_of(2)
            && self.generation() == before
            && self.dictionary.removals() == epoch)
            .then_some(ReadVersion {
                store: self.instance,
                generation: before,
                dictionary_epoch: epoch,
            });
        Ok(Snapshot::new(kv, &self.dictionary, version))
    }

    /// The store's cache of query plans: pass it in
    /// [`QueryOptions::plan_cache`](crate::sparql::QueryOptions::plan_cache) so that a query
    /// sent again over a [`snapshot`](Self::snapshot) skips planning while the data it was
    /// planned on has not changed materially.
    ///
    /// ```
    /// use trine_core::{Store, kv::MemoryBackend, sparql::{PreparedQuery, QueryOptions}};
    ///
    /// let store = Store::open(MemoryBackend::new())?;
    /// let options = QueryOptions {
    ///     plan_cache: Some(store.plan_cache().clone()),
    ///     ..QueryOptions::default()
    /// };
    /// let query = PreparedQuery::parse("SELECT * WHERE { ?s ?p ?o }", None)?;
    /// for _ in 0..2 {
    ///     let snapshot = store.snapshot()?;
    ///     query.bind(&snapshot, &options)?;
    /// }
    /// assert_eq!((store.plan_cache().hits(), store.plan_cache().misses()), (1, 1));
    /// # Ok::<_, Box<dyn std::error::Error>>(())
    /// ```
    pub fn plan_cache(&self) -> &std::sync::Arc<PlanCache> {
        &self.plans
    }

    pub(crate) fn lock_writer(&self) -> WriterGuard<'_> {
        // The writer state is a counter that is only ever advanced: after a panic it is still
        // valid (ids may have been skipped, never reused).
        let state = match self.writer.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        WriterGuard::new(state, &self.generation)
    }

    /// The write generation: it changes whenever a writer (a transaction, a bulk load, a
    /// maintenance task) takes or lets go of the writer lock, and is odd while one holds it. A
    /// reader that sees the same even value before taking a snapshot and after using it read
    /// data that no write has changed since, which is what result caches key on.
    ///
    /// ```
    /// use trine_core::{Store, kv::MemoryBackend};
    /// use oxrdf::{NamedNodeRef, QuadRef, GraphNameRef};
    ///
    /// let store = Store::open(MemoryBackend::new())?;
    /// let before = store.generation();
    /// assert!(before.is_multiple_of(2));
    /// let ex = NamedNodeRef::new("http://example.com/a")?;
    /// store.insert(QuadRef::new(ex, ex, ex, GraphNameRef::DefaultGraph))?;
    /// assert!(store.generation() > before);
    /// # Ok::<_, Box<dyn std::error::Error>>(())
    /// ```
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Starts a write transaction, waiting for the current writer if there is one.
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn transaction(&self) -> Result<Transaction<'_, B>, StorageError> {
        let mut transaction = self.transaction_without_hook()?;
        let hook = match self.reasoning.read() {
            Ok(state) => state.hook.clone(),
            Err(poisoned) => poisoned.into_inner().hook.clone(),
        };
        transaction.set_hook(hook);
        Ok(transaction)
    }

    /// A transaction whose commit does not maintain the closure (the reasoner's own writes).
    pub(crate) fn transaction_without_hook(&self) -> Result<Transaction<'_, B>, StorageError> {
        let writer = self.lock_writer();
        Ok(Transaction::new(
            &self.backend,
            self.backend.snapshot()?,
            &self.dictionary,
            writer,
        ))
    }

    /// Runs `f` in a transaction and commits it if `f` succeeds; on error nothing is written.
    ///
    /// # Errors
    /// Whatever `f` returns, or a storage failure.
    pub fn transact<T, E: From<StorageError>>(
        &self,
        f: impl FnOnce(&mut Transaction<'_, B>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut transaction = self.transaction()?;
        let result = f(&mut transaction)?;
        transaction.commit()?;
        Ok(result)
    }

    /// A loader for large inputs; see [`BulkLoader`].
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn bulk_loader(&self) -> Result<BulkLoader<'_, B>, StorageError> {
        // The writer first: what the loader learns of the store (empty or not) then stays true
        // while it runs.
        let writer = self.lock_writer();
        let snapshot = self.snapshot()?;
        let merge_existing = !snapshot.is_empty()?;
        let dictionary_empty = {
            let cursor = snapshot
                .kv()
                .cursor(Keyspace::IdToTerm, crate::kv::KeyRange::all())?;
            crate::kv::KvCursor::key(&cursor).is_none()
        };
        drop(snapshot);
        crate::storage::mark_loading(&self.backend)?;
        Ok(BulkLoader::new(
            &self.backend,
            &self.dictionary,
            writer,
            merge_existing,
            dictionary_empty,
        ))
    }

    /// Inserts a quad; returns whether it was new.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn insert<'q>(&self, quad: impl Into<QuadRef<'q>>) -> Result<bool, StorageError> {
        self.transact(|t| t.insert(quad.into()))
    }

    /// Inserts quads in one transaction; returns how many were new.
    ///
    /// # Errors
    /// Fails if the backend fails; then nothing is inserted.
    pub fn extend<'q>(
        &self,
        quads: impl IntoIterator<Item = impl Into<QuadRef<'q>>>,
    ) -> Result<u64, StorageError> {
        self.transact(|t| {
            let mut added = 0;
            for quad in quads {
                added += u64::from(t.insert(quad.into())?);
            }
            Ok(added)
        })
    }

    /// Removes a quad; returns whether it was there.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn remove<'q>(&self, quad: impl Into<QuadRef<'q>>) -> Result<bool, StorageError> {
        self.transact(|t| t.remove(quad.into()))
    }

    /// Whether the store holds `quad`.
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn contains<'q>(&self, quad: impl Into<QuadRef<'q>>) -> Result<bool, StorageError> {
        self.snapshot()?.contains(quad.into())
    }

    /// Number of quads, in O(1).
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn len(&self) -> Result<u64, StorageError> {
        self.snapshot()?.len()
    }

    /// Whether the store holds no quad.
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn is_empty(&self) -> Result<bool, StorageError> {
        Ok(self.len()? == 0)
    }

    /// The quads matching a pattern, collected. To stream, use
    /// [`QuadRead::quads_for_pattern`] on a [`snapshot`](Self::snapshot).
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn quads_for_pattern(
        &self,
        subject: Option<NamedOrBlankNodeRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> Result<Vec<Quad>, StorageError> {
        let snapshot = self.snapshot()?;
        snapshot
            .quads_for_pattern(subject, predicate, object, graph)?
            .collect()
    }

    /// The named graphs, empty ones included.
    ///
    /// # Errors
    /// Fails if the backend cannot be read.
    pub fn named_graphs(&self) -> Result<Vec<NamedOrBlankNode>, StorageError> {
        self.snapshot()?.named_graphs()
    }

    /// Creates an empty named graph; returns whether it is new.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn create_named_graph<'g>(
        &self,
        graph: impl Into<GraphNameRef<'g>>,
    ) -> Result<bool, StorageError> {
        self.transact(|t| t.create_named_graph(graph.into()))
    }

    /// Removes every quad of a graph, keeping the graph; returns how many went.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn clear_graph<'g>(&self, graph: impl Into<GraphNameRef<'g>>) -> Result<u64, StorageError> {
        self.transact(|t| t.clear_graph(graph.into()))
    }

    /// Removes a named graph and its quads; returns whether it existed.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn drop_named_graph<'g>(
        &self,
        graph: impl Into<GraphNameRef<'g>>,
    ) -> Result<bool, StorageError> {
        self.transact(|t| t.drop_named_graph(graph.into()))
    }

    /// Removes everything.
    ///
    /// # Errors
    /// Fails if the backend fails.
    pub fn clear(&self) -> Result<(), StorageError> {
        self.transact(|t| t.clear())
    }
}
