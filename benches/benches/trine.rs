//! Trine's criterion benches, in one target so `cargo bench -p trine-benches -- --quick` runs
//! them all: parsing, bulk load per backend, pattern lookups, each LUBM and BSBM query, updates.
//!
//! The data is small (a slice of LUBM(1) for parsing and loading, LUBM(1) for its queries,
//! BSBM with 100 products for the rest) so a quick run takes minutes; the `compare` binary is
//! the place for larger scales.

// Criterion's macros generate undocumented public items; like tests, benches abort on a failed
// setup step, which is what `unwrap` says.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use oxrdf::{NamedNode, NamedNodeRef, NamedOrBlankNode, Term};
use trine_backend_redb::RedbBackend;
use trine_backend_rocksdb::RocksDbBackend;
use trine_benches::{bsbm, lubm};
use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat, RdfParser};
use trine_core::kv::{KvBackend, MemoryBackend};
use trine_core::sparql::{PreparedQuery, QueryOptions, QueryResults};
use trine_core::storage::QuadRead;
use trine_core::update::UpdateOptions;

/// Triples of LUBM(1) used for the parsing and loading benches.
const SLICE_TRIPLES: usize = 20_000;
const BSBM_PRODUCTS: usize = 100;
const SEED: u64 = 0;
const BSBM_VOCABULARY: &str = "http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/";
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";

fn lubm_ntriples() -> Vec<u8> {
    let mut data = Vec::new();
    let config = lubm::LubmConfig {
        universities: 1,
        seed: SEED,
    };
    lubm::generate(&config, &mut data).unwrap();
    lubm::write_ontology(&mut data).unwrap();
    data
}

fn bsbm_config() -> bsbm::BsbmConfig {
    bsbm::BsbmConfig {
        products: BSBM_PRODUCTS,
        seed: SEED,
    }
}

/// The first `SLICE_TRIPLES` lines of LUBM(1).
fn lubm_slice() -> Vec<u8> {
    let data = lubm_ntriples();
    let end = data
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(SLICE_TRIPLES - 1)
        .map_or(data.len(), |(i, _)| i + 1);
    data[..end].to_vec()
}

fn store_with<B: KvBackend>(backend: B, data: &[u8]) -> Store<B> {
    let store = Store::open(backend).unwrap();
    store
        .bulk_load_from_reader(RdfFormat::NTriples, data, &LoadOptions::new(), |_| {})
        .unwrap();
    store
}

fn bsbm_store() -> Store<MemoryBackend> {
    let mut data = Vec::new();
    bsbm::generate(&bsbm_config(), &mut data).unwrap();
    store_with(MemoryBackend::new(), &data)
}

/// Runs a query to the end and returns how many solutions or triples it gave.
fn run_query<B: KvBackend>(store: &Store<B>, query: &PreparedQuery) -> usize {
    let snapshot = store.snapshot().unwrap();
    let execution = query.bind(&snapshot, &QueryOptions::default()).unwrap();
    match execution.results().unwrap() {
        QueryResults::Solutions(solutions) => solutions.map(Result::unwrap).count(),
        QueryResults::Boolean(value) => usize::from(value),
        QueryResults::Graph(triples) => triples.map(Result::unwrap).count(),
    }
}

/// The first solution's values of `query`, to pick constants that exist in the data.
fn first_solution<B: KvBackend>(store: &Store<B>, query: &str) -> Vec<Term> {
    let query = PreparedQuery::parse(query, None).unwrap();
    let snapshot = store.snapshot().unwrap();
    let execution = query.bind(&snapshot, &QueryOptions::default()).unwrap();
    let QueryResults::Solutions(mut solutions) = execution.results().unwrap() else {
        panic!("not a SELECT");
    };
    let solution = solutions.next().unwrap().unwrap();
    solution
        .values()
        .iter()
        .map(|v| v.clone().unwrap())
        .collect()
}

fn parsing(c: &mut Criterion) {
    let data = lubm_slice();
    let mut group = c.benchmark_group("parsing");
    group.throughput(Throughput::Elements(SLICE_TRIPLES as u64));
    group.bench_function("lubm-ntriples", |b| {
        b.iter(|| {
            RdfParser::from_format(RdfFormat::NTriples)
                .for_slice(black_box(&data))
                .map(Result::unwrap)
                .count()
        });
    });
    group.finish();
}

fn bulk_load(c: &mut Criterion) {
    let data = lubm_slice();
    let mut group = c.benchmark_group("bulk-load");
    group.sample_size(10);
    group.throughput(Throughput::Elements(SLICE_TRIPLES as u64));
    group.bench_function("memory", |b| {
        b.iter_batched(
            MemoryBackend::new,
            |backend| store_with(backend, &data),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("rocksdb", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let backend = RocksDbBackend::open(dir.path().join("db")).unwrap();
                (dir, backend)
            },
            |(dir, backend)| {
                let store = store_with(backend, &data);
                store.flush().unwrap();
                // The store closes before its directory goes.
                drop(store);
                dir
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("redb", |b| {
        b.iter_batched(
            || RedbBackend::in_memory().unwrap(),
            |backend| store_with(backend, &data),
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// `s??`, `?p?`, `??o` and `sp?` lookups over BSBM data in one backend, counting the matches.
fn lookups_on<B: KvBackend>(c: &mut Criterion, name: &str, store: &Store<B>) {
    let picked = first_solution(
        store,
        &format!("SELECT ?s ?t WHERE {{ ?s <{BSBM_VOCABULARY}productFeature> ?f ; a ?t }} LIMIT 1"),
    );
    let Term::NamedNode(subject) = picked[0].clone() else {
        panic!("product is not an IRI");
    };
    let subject = NamedOrBlankNode::from(subject);
    let object = picked[1].clone();
    let label = NamedNodeRef::new(RDFS_LABEL).unwrap();
    let feature = NamedNode::new(format!("{BSBM_VOCABULARY}productFeature")).unwrap();
    let mut group = c.benchmark_group(format!("lookup-{name}"));
    let snapshot = store.snapshot().unwrap();
    let count = |s: Option<&NamedOrBlankNode>, p: Option<NamedNodeRef<'_>>, o: Option<&Term>| {
        snapshot
            .quads_for_pattern(s.map(Into::into), p, o.map(Into::into), None)
            .unwrap()
            .map(Result::unwrap)
            .count()
    };
    group.bench_function("s??", |b| b.iter(|| count(Some(&subject), None, None)));
    group.bench_function("?p?", |b| b.iter(|| count(None, Some(label), None)));
    group.bench_function("??o", |b| b.iter(|| count(None, None, Some(&object))));
    group.bench_function("sp?", |b| {
        b.iter(|| count(Some(&subject), Some(feature.as_ref()), None));
    });
    group.finish();
}

fn lookups(c: &mut Criterion) {
    let mut data = Vec::new();
    bsbm::generate(&bsbm_config(), &mut data).unwrap();
    lookups_on(c, "memory", &store_with(MemoryBackend::new(), &data));
    let dir = tempfile::tempdir().unwrap();
    let rocksdb = store_with(RocksDbBackend::open(dir.path().join("db")).unwrap(), &data);
    rocksdb.flush().unwrap();
    lookups_on(c, "rocksdb", &rocksdb);
}

fn lubm_queries(c: &mut Criterion) {
    let store = store_with(MemoryBackend::new(), &lubm_ntriples());
    let mut group = c.benchmark_group("lubm");
    group.sample_size(10);
    for (name, text) in lubm::QUERIES {
        let query = PreparedQuery::parse(text, None).unwrap();
        group.bench_function(name, |b| b.iter(|| run_query(&store, &query)));
    }
    group.finish();
}

fn bsbm_queries(c: &mut Criterion) {
    let store = bsbm_store();
    let mut group = c.benchmark_group("bsbm");
    for (name, text) in bsbm::instantiate(&bsbm_config(), SEED, 1) {
        let query = PreparedQuery::parse(&text, None).unwrap();
        group.bench_function(name, |b| b.iter(|| run_query(&store, &query)));
    }
    group.finish();
}

fn updates(c: &mut Criterion) {
    let store = bsbm_store();
    let options = UpdateOptions::default();
    let mut group = c.benchmark_group("update");
    // Fresh subjects each time, so every INSERT DATA writes 100 new triples.
    let next = AtomicU64::new(0);
    group.throughput(Throughput::Elements(100));
    group.bench_function("insert-data-100", |b| {
        b.iter(|| {
            let batch = next.fetch_add(1, Ordering::Relaxed);
            let mut text = String::from("INSERT DATA {\n");
            for i in 0..100 {
                text.push_str(&format!(
                    "<http://example.org/bench/{batch}/{i}> <{RDFS_LABEL}> \"item {i}\" .\n"
                ));
            }
            text.push('}');
            store.update(&text, &options).unwrap()
        });
    });
    let product = first_solution(
        &store,
        &format!("SELECT ?p WHERE {{ ?o <{BSBM_VOCABULARY}product> ?p }} LIMIT 1"),
    );
    // Rewrites the delivery days of one product's offers: same size after, so it repeats.
    let rewrite = format!(
        "PREFIX bsbm: <{BSBM_VOCABULARY}>
DELETE {{ ?offer bsbm:deliveryDays ?d }} INSERT {{ ?offer bsbm:deliveryDays ?e }}
WHERE {{ ?offer bsbm:product {} ; bsbm:deliveryDays ?d . BIND (?d + 1 AS ?e) }}",
        product[0]
    );
    group.throughput(Throughput::Elements(1));
    group.bench_function("delete-insert-where", |b| {
        b.iter(|| store.update(&rewrite, &options).unwrap());
    });
    group.finish();
}

/// Shorter warm-up and measurement than criterion's defaults (3 s and 5 s), so the 39 benches
/// run in a few minutes; the command line (`--warm-up-time`, `--measurement-time`) still wins.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = parsing, bulk_load, lookups, lubm_queries, bsbm_queries, updates
}
criterion_main!(benches);
