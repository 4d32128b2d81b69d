//! Cases on bulk loads that stop part-way: killed between two keyspace writes, or failing.
//!
//! A [`Flaky`] backend fails the n-th sorted-run ingest, which stops a bulk load between two
//! keyspace writes (of one chunk when the loader holds nothing back, of the final write when it
//! holds everything), exactly where a kill leaves the dictionary directions and the indexes
//! disagreeing. Forgetting the loader stands for the kill (nothing runs after it); dropping it is
//! an ordinary failed load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use oxrdf::{GraphName, Literal, NamedNode, Quad};
use trine_core::Store;
use trine_core::encoding::{EncodedQuad, QuadOrder};
use trine_core::kv::{
    Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvError, KvSnapshot, SortedRun, WriteBatch,
};
use trine_core::storage::QuadRead;

use super::{Case, CaseResult, Context, Harness, ensure, sorted_quads, sorted_strings};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![
        (
            "store: a bulk load killed part-way is repaired on reopening",
            killed_load_is_repaired_on_reopen,
        ),
        (
            "store: a bulk load that fails part-way leaves a consistent store",
            failed_bulk_load_is_consistent,
        ),
        (
            "store: a bulk load holding its chunks back writes each keyspace in key order, terms first",
            held_load_writes_each_keyspace_in_order,
        ),
        (
            "store: a bulk load into a store without quads reuses the dictionary's terms",
            bulk_load_reuses_terms_of_an_empty_store,
        ),
        (
            "store: validate names index entries that are missing, flagged otherwise or extra",
            validate_names_damaged_indexes,
        ),
        (
            "store: repair completes a dictionary pair or drops a hashed key whose term is lost",
            repair_completes_or_drops_dictionary_pairs,
        ),
    ]
}

/// A load stopped between the two dictionary directions leaves ids without their key or keys
/// without their term. A long literal's key is a hash, which does not give its term back: the
/// repair drops such a key and completes every other half pair.
fn repair_completes_or_drops_dictionary_pairs<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open")?;
    fn long(name: &str) -> Literal {
        Literal::new_simple_literal(format!(
            "{name}: a literal long enough for the dictionary to key it by a hash of its text"
        ))
    }
    fn id<B: KvBackend>(store: &Store<B>, name: &str) -> Result<Option<Vec<u8>>, String> {
        let snapshot = store.snapshot().context("snapshot")?;
        let id = snapshot.term_id(long(name).as_ref().into()).context("id")?;
        Ok(id.map(|id| id.to_be_bytes().to_vec()))
    }
    let quad = |name: &str| {
        Quad::new(
            NamedNode::new_unchecked("http://example.com/s"),
            NamedNode::new_unchecked("http://example.com/p"),
            long(name),
            GraphName::DefaultGraph,
        )
    };
    let (lost_term, lost_key, kept) = (quad("lost term"), quad("lost key"), quad("kept"));
    store
        .extend([&lost_term, &lost_key, &kept])
        .context("extend")?;
    // Removed quads leave their terms in the dictionary, unused, as a torn load would.
    store.remove(&lost_term).context("remove")?;
    store.remove(&lost_key).context("remove")?;
    let lost_term_id = id(&store, "lost term")?.ok_or("no id")?;
    let lost_key_id = id(&store, "lost key")?.ok_or("no id")?;
    let mut batch = WriteBatch::new();
    batch.delete(Keyspace::IdToTerm, lost_term_id);
    {
        let kv = store.backend().snapshot().context("snapshot")?;
        let mut cursor = kv
            .cursor(Keyspace::TermToId, KeyRange::all())
            .context("cursor")?;
        while let (Some(key), Some(value)) = (cursor.key(), cursor.value()) {
            if value == lost_key_id.as_slice() {
                batch.delete(Keyspace::TermToId, key);
            }
            cursor.advance().context("advance")?;
        }
    }
    store
        .backend()
        .write(batch, Durability::Sync)
        .context("tear")?;
    ensure!(
        !store.validate().context("validate")?.is_ok(),
        "the torn dictionary passes validation"
    );
    // A loader that never finishes leaves the mark that has the store repaired on opening.
    std::mem::forget(store.bulk_loader().context("bulk loader")?);
    let store = Store::open(h.reopen(store.into_backend())).context("reopen")?;
    let report = store.validate().context("validate")?;
    ensure!(report.is_ok(), "not repaired: {:?}", report.problems);
    ensure!(
        id(&store, "lost key")? == Some(lost_key_id),
        "the id whose key was lost is not found again"
    );
    ensure!(
        store.contains(&kept).context("contains")?,
        "a stored quad is gone"
    );
    store.insert(&lost_term).context("insert")?;
    store.insert(&lost_key).context("insert")?;
    ensure!(store.len().context("len")? == 3, "every quad once");
    let report = store.validate().context("validate")?;
    ensure!(report.is_ok(), "after new writes: {:?}", report.problems);
    // Every id reads back as its own term.
    let stored = sorted_quads(&store)?;
    let expected = sorted_strings(&[kept, lost_key, lost_term]);
    ensure!(stored == expected, "{stored:?}");
    Ok(())
}

/// `validate` compares the indexes by fingerprints; a damaged one must still be found and named.
fn validate_names_damaged_indexes<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open")?;
    store.extend(&quads(20)).context("extend")?;
    let report = store.validate().context("validate")?;
    ensure!(report.is_ok(), "a fresh store: {:?}", report.problems);
    let gspo = {
        let kv = store.backend().snapshot().context("snapshot")?;
        let mut cursor = kv
            .cursor(Keyspace::Gspo, KeyRange::all())
            .context("cursor")?;
        super::kv_cases::collect(&mut cursor)?
    };
    let gspo: Vec<EncodedQuad> = gspo
        .iter()
        .map(|key| {
            QuadOrder::Gspo
                .decode(key)
                .ok_or_else(|| format!("malformed GSPO key {key:?}"))
        })
        .collect::<Result<_, _>>()?;
    let (first, second) = (gspo[0], gspo[1]);
    let mut batch = WriteBatch::new();
    let posg = QuadOrder::Posg;
    batch.delete(posg.keyspace(), posg.key(&first));
    // In GOSP as an inferred quad only.
    let gosp = QuadOrder::Gosp;
    batch.put(gosp.keyspace(), gosp.key(&second), vec![2]);
    // In GPOS a quad GSPO does not hold: the first quad with its subject and object swapped.
    let swapped = EncodedQuad {
        subject: first.object,
        object: first.subject,
        ..first
    };
    let gpos = QuadOrder::Gpos;
    batch.put(gpos.keyspace(), gpos.key(&swapped), Vec::new());
    store
        .backend()
        .write(batch, Durability::Buffered)
        .context("damage the indexes")?;
    let report = store.validate().context("validate")?;
    for order in ["Posg", "Gosp", "Gpos"] {
        ensure!(
            report.problems.iter().any(|p| p.contains(order)),
            "the damage to {order} is not named: {:?}",
            report.problems
        );
    }
    ensure!(
        report
            .problems
            .iter()
            .any(|p| p.contains("differs between GSPO and Posg")),
        "the quad missing from POSG is not named: {:?}",
        report.problems
    );
    Ok(())
}

/// A backend whose sorted-run ingests fail once `ingests_left` reaches zero, and which notes the
/// first and last key of every run it ingests.
struct Flaky<B> {
    inner: B,
    ingests_left: AtomicUsize,
    ingested: Mutex<Vec<IngestedRun>>,
    /// Whether ingests into the term → id table are slowed down, so that a write that does not
    /// wait for the dictionary would write index entries first.
    slow_term_keys: bool,
}

/// A keyspace and the first and last key of a run ingested into it.
type IngestedRun = (Keyspace, Vec<u8>, Vec<u8>);

impl<B> Flaky<B> {
    fn new(inner: B) -> Self {
        Self {
            inner,
            ingests_left: AtomicUsize::new(usize::MAX),
            ingested: Mutex::new(Vec::new()),
            slow_term_keys: false,
        }
    }
}

impl<B: KvBackend> KvBackend for Flaky<B> {
    type Snapshot<'a>
        = B::Snapshot<'a>
    where
        Self: 'a;

    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn snapshot(&self) -> Result<Self::Snapshot<'_>, KvError> {
        self.inner.snapshot()
    }

    fn write(&self, batch: WriteBatch, durability: Durability) -> Result<(), KvError> {
        self.inner.write(batch, durability)
    }

    fn ingest_sorted(&self, keyspace: Keyspace, run: SortedRun) -> Result<(), KvError> {
        let left = self
            .ingests_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if self.slow_term_keys && keyspace == Keyspace::TermToId {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let bounds = run.iter().next().zip(run.iter().last());
        if let (Some(((first, _), (last, _))), Ok(mut ingested)) = (bounds, self.ingested.lock()) {
            ingested.push((keyspace, first.to_vec(), last.to_vec()));
        }
        match left {
            Ok(_) => self.inner.ingest_sorted(keyspace, run),
            Err(_) => Err(KvError::Corruption("simulated crash".into())),
        }
    }

    fn flush(&self) -> Result<(), KvError> {
        self.inner.flush()
    }
}

fn quads(count: usize) -> Vec<Quad> {
    (0..count)
        .map(|i| {
            Quad::new(
                NamedNode::new_unchecked(format!("http://example.com/s{i}")),
                NamedNode::new_unchecked(format!("http://example.com/p{}", i % 3)),
                Literal::new_simple_literal(format!(
                    "a literal long enough for the dictionary {i}"
                )),
                NamedNode::new_unchecked(format!("http://example.com/g{}", i % 2)),
            )
        })
        .collect()
}

fn entries(kv: &impl KvSnapshot, keyspace: Keyspace) -> Result<usize, String> {
    let mut cursor = kv.cursor(keyspace, KeyRange::all()).context("cursor")?;
    Ok(super::kv_cases::collect(&mut cursor)?.len())
}

/// Loads 200 quads in chunks of 50 until the `fail_at`-th ingest fails; returns whether the
/// loader reported the failure. With `held` 0 every chunk is written as it is encoded; with more,
/// the index entries are held back and written at the end.
fn interrupted_load<B: KvBackend>(
    store: &Store<Flaky<B>>,
    fail_at: usize,
    kill: bool,
    held: u64,
) -> Result<bool, String> {
    store
        .backend()
        .ingests_left
        .store(fail_at, Ordering::SeqCst);
    let mut loader = store
        .bulk_loader()
        .context("bulk loader")?
        .with_chunk_size(50)
        .with_held_quads(held);
    let mut failed = false;
    for quad in quads(200) {
        if loader.add(quad).is_err() {
            failed = true;
            break;
        }
    }
    if kill {
        // Nothing of the loader runs after a kill.
        std::mem::forget(loader);
        return Ok(failed);
    }
    if !failed {
        failed = loader.finish().is_err();
    }
    Ok(failed)
}

fn killed_load_is_repaired_on_reopen<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    // Each chunk ingests two dictionary runs, then six index runs (named-graph quads): failing
    // the 12th stops in the middle of the second chunk's indexes.
    let store = Store::open(Flaky::new(h.create())).context("open")?;
    let kept = Quad::new(
        NamedNode::new_unchecked("http://example.com/kept"),
        NamedNode::new_unchecked("http://example.com/p0"),
        Literal::from(1),
        NamedNode::new_unchecked("http://example.com/g0"),
    );
    store.insert(&kept).context("insert")?;
    ensure!(
        interrupted_load(&store, 11, true, 0)?,
        "the simulated crash did not stop the load"
    );
    let flaky = store.into_backend();
    {
        // The case must start from a torn state, or it proves nothing.
        let kv = flaky.inner.snapshot().context("snapshot")?;
        let gspo = entries(&kv, Keyspace::Gspo)?;
        let torn = [
            Keyspace::Gpos,
            Keyspace::Gosp,
            Keyspace::Spog,
            Keyspace::Posg,
            Keyspace::Ospg,
        ]
        .into_iter()
        .map(|keyspace| entries(&kv, keyspace))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .any(|count| count != gspo);
        ensure!(torn, "the interrupted load left the indexes in agreement");
    }
    let store = Store::open(h.reopen(flaky.inner)).context("reopen")?;
    let report = store.validate().context("validate")?;
    ensure!(
        report.is_ok(),
        "not repaired on reopening: {:?}",
        report.problems
    );
    ensure!(
        store.contains(&kept).context("contains")?,
        "a quad from before the load is gone"
    );
    let count = store.len().context("len")?;
    ensure!(
        (51..=201).contains(&count),
        "{count} quads after repair: the first chunk at least, the whole load at most"
    );
    // The repaired store takes new terms without reusing ids.
    store.extend(&quads(300)).context("extend")?;
    let report = store.validate().context("validate")?;
    ensure!(report.is_ok(), "after more writes: {:?}", report.problems);
    ensure!(
        store.len().context("len")? == 301,
        "every quad once after loading all of them"
    );
    Ok(())
}

fn failed_bulk_load_is_consistent<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    // Chunk by chunk, the 14th ingest is an index run of the second chunk; holding every chunk
    // back, the 4th is one of the indexes written at the end, after both dictionary keyspaces.
    for (fail_at, held) in [(13, 0), (3, 1_000)] {
        failed_load_then_load_again(h, fail_at, held)
            .map_err(|error| format!("failing ingest {fail_at}, holding {held}: {error}"))?;
    }
    Ok(())
}

fn failed_load_then_load_again<B: KvBackend>(
    h: &Harness<'_, B>,
    fail_at: usize,
    held: u64,
) -> CaseResult {
    let store = Store::open(Flaky::new(h.create())).context("open")?;
    ensure!(
        interrupted_load(&store, fail_at, false, held)?,
        "the simulated failure did not stop the load"
    );
    if held > 0 {
        // The failure must fall among the index writes at the end, or it proves nothing.
        let kv = store.backend().inner.snapshot().context("snapshot")?;
        ensure!(
            entries(&kv, Keyspace::IdToTerm)? > 0,
            "the dictionary was not written before the failure"
        );
    }
    let report = store.validate().context("validate")?;
    ensure!(
        report.is_ok(),
        "inconsistent after a failed load: {:?}",
        report.problems
    );
    store.extend(&quads(200)).context("extend")?;
    ensure!(
        store.len().context("len")? == 200,
        "the load again, in full"
    );
    let store = Store::open(h.reopen(store.into_backend().inner)).context("reopen")?;
    let report = store.validate().context("validate")?;
    ensure!(report.is_ok(), "after reopening: {:?}", report.problems);
    Ok(())
}

/// A store whose quads were all removed still holds their terms: a bulk load must find them,
/// not give them second ids (a regression: "1499994 ids but 749997 terms in the dictionary").
fn bulk_load_reuses_terms_of_an_empty_store<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open")?;
    let data = quads(120);
    store.extend(&data).context("extend")?;
    for quad in &data {
        store.remove(quad).context("remove")?;
    }
    ensure!(store.is_empty().context("is_empty")?, "every quad removed");
    let loaded = store.bulk_load_quads(data).context("bulk load")?;
    ensure!(loaded == 120, "{loaded} quads loaded");
    let report = store.validate().context("validate")?;
    ensure!(report.is_ok(), "{:?}", report.problems);
    ensure!(store.len().context("len")? == 120, "every quad back");
    Ok(())
}

/// Held back, the chunks of a load into an empty store reach every keyspace as runs that follow
/// each other in key order (so an LSM backend can place them without overlap); written chunk by
/// chunk they overlap. Both loads give the same store.
fn held_load_writes_each_keyspace_in_order<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let mut stores = Vec::new();
    for held in [1_000, 0] {
        let mut backend = Flaky::new(h.create());
        backend.slow_term_keys = true;
        let store = Store::open(backend).context("open")?;
        ensure!(
            !interrupted_load(&store, usize::MAX, false, held)?,
            "the load failed"
        );
        let report = store.validate().context("validate")?;
        ensure!(report.is_ok(), "holding {held}: {:?}", report.problems);
        ensure!(
            store.len().context("len")? == 200,
            "holding {held}: every quad"
        );
        let ingested = store
            .backend()
            .ingested
            .lock()
            .map_err(|_| "poisoned".to_string())?
            .clone();
        let mut in_order = true;
        for keyspace in [Keyspace::IdToTerm, Keyspace::TermToId]
            .into_iter()
            .chain(QuadOrder::ALL.map(QuadOrder::keyspace))
        {
            let runs: Vec<_> = ingested.iter().filter(|(k, _, _)| *k == keyspace).collect();
            ensure!(
                !runs.is_empty(),
                "holding {held}: nothing written to {keyspace:?}"
            );
            in_order &= runs.windows(2).all(|pair| pair[0].2 < pair[1].1);
        }
        ensure!(
            in_order == (held > 0),
            "holding {held}: runs in key order: {in_order}"
        );
        if held > 0 {
            // One write: the terms land before any index entry that uses them, although the
            // indexes are merged meanwhile (the term → id table is slowed down here).
            let is_term = |k: &Keyspace| matches!(k, Keyspace::IdToTerm | Keyspace::TermToId);
            let last_term = ingested.iter().rposition(|(k, _, _)| is_term(k));
            let first_index = ingested.iter().position(|(k, _, _)| k.is_quad_index());
            ensure!(
                last_term < first_index,
                "an index entry was written before the terms: {:?}",
                ingested.iter().map(|(k, _, _)| *k).collect::<Vec<_>>()
            );
        }
        stores.push(store);
    }
    ensure!(
        sorted_quads(&stores[0])? == sorted_quads(&stores[1])?,
        "held and chunk-by-chunk loads differ"
    );
    Ok(())
}
