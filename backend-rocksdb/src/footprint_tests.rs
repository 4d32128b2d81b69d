//! Bytes on disk per triple for a LUBM-shaped synthetic load through `ingest_sorted`.
//!
//! Ignored by default (it loads a million triples); run with
//! `cargo test -p trine-backend-rocksdb --lib footprint -- --ignored --nocapture`.
//! The term and key layouts imitate the core's (tagged u64 ids, four big-endian ids per index key)
//! so the numbers track what a real load costs; the goal is at most 60 bytes per triple.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use trine_core::kv::{Durability, Keyspace, KvBackend, WriteBatch};

use crate::{RocksDbBackend, RocksDbOptions};

const IRI: u64 = 1 << 60;
const LITERAL: u64 = 2 << 60;

/// A dictionary that hands out ids in first-seen order.
#[derive(Default)]
struct Dictionary {
    ids: BTreeMap<Vec<u8>, u64>,
    next: u64,
}

impl Dictionary {
    fn id(&mut self, tag: u64, term: String) -> u64 {
        let mut bytes = vec![u8::try_from(tag >> 60).unwrap()];
        bytes.extend_from_slice(term.as_bytes());
        *self.ids.entry(bytes).or_insert_with(|| {
            self.next += 1;
            tag | self.next
        })
    }
}

/// xorshift: reproducible and dependency-free.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Maps a triple to the ids of an index key, in that index's order.
type Order = fn(&[u64; 3]) -> [u64; 4];

fn key(ids: [u64; 4]) -> Vec<u8> {
    ids.iter().flat_map(|id| id.to_be_bytes()).collect()
}

/// About eight triples per graduate student, three new terms each (IRI, name, e-mail).
fn generate(students: u64) -> (Dictionary, Vec<[u64; 3]>) {
    let mut dict = Dictionary::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let ub = |name: &str| format!("http://swat.cse.lehigh.edu/onto/univ-bench.owl#{name}");
    let rdf_type = dict.id(
        IRI,
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type".into(),
    );
    let classes: Vec<u64> = [
        "GraduateStudent",
        "UndergraduateStudent",
        "TeachingAssistant",
    ]
    .iter()
    .map(|class| dict.id(IRI, ub(class)))
    .collect();
    let [name, email, member_of, advisor, takes_course, degree_from] = [
        "name",
        "emailAddress",
        "memberOf",
        "advisor",
        "takesCourse",
        "undergraduateDegreeFrom",
    ]
    .map(|property| dict.id(IRI, ub(property)));

    let mut triples = Vec::new();
    for k in 0..students {
        let (university, department) = (k / 6000, k / 400 % 15);
        let site = format!("http://www.Department{department}.University{university}.edu");
        let student = dict.id(IRI, format!("{site}/GraduateStudent{k}"));
        let dept = dict.id(
            IRI,
            format!("http://www.Department{department}.University{university}.edu"),
        );
        let prof = dict.id(IRI, format!("{site}/FullProfessor{}", rng.below(10)));
        let alma = dict.id(IRI, format!("http://www.University{}.edu", rng.below(1000)));
        triples.push([student, rdf_type, classes[usize::try_from(k % 3).unwrap()]]);
        triples.push([
            student,
            name,
            dict.id(LITERAL, format!("GraduateStudent{k}")),
        ]);
        let mail = format!("GraduateStudent{k}@Department{department}.University{university}.edu");
        triples.push([student, email, dict.id(LITERAL, mail)]);
        triples.push([student, member_of, dept]);
        triples.push([student, advisor, prof]);
        for _ in 0..2 {
            let course = dict.id(IRI, format!("{site}/GraduateCourse{}", rng.below(60)));
            triples.push([student, takes_course, course]);
        }
        triples.push([student, degree_from, alma]);
    }
    triples.sort_unstable();
    triples.dedup();
    (dict, triples)
}

fn load(backend: &RocksDbBackend, dict: &Dictionary, triples: &[[u64; 3]]) {
    let mut term_to_id = Vec::new();
    let mut id_to_term = Vec::new();
    for (term, id) in &dict.ids {
        term_to_id.push((term.clone(), id.to_be_bytes().to_vec()));
        id_to_term.push((id.to_be_bytes().to_vec(), term.clone()));
    }
    id_to_term.sort_unstable();
    backend
        .ingest_sorted(Keyspace::TermToId, term_to_id.into())
        .unwrap();
    backend
        .ingest_sorted(Keyspace::IdToTerm, id_to_term.into())
        .unwrap();
    let orders: [(Keyspace, Order); 3] = [
        (Keyspace::Gspo, |&[s, p, o]| [0, s, p, o]),
        (Keyspace::Gpos, |&[s, p, o]| [0, p, o, s]),
        (Keyspace::Gosp, |&[s, p, o]| [0, o, s, p]),
    ];
    for (keyspace, order) in orders {
        let mut keys: Vec<[u64; 4]> = triples.iter().map(order).collect();
        keys.sort_unstable();
        for chunk in keys.chunks(1 << 20) {
            let entries: Vec<_> = chunk.iter().map(|k| (key(*k), Vec::new())).collect();
            backend.ingest_sorted(keyspace, entries.into()).unwrap();
        }
    }
}

/// The same data through ordinary write batches: memtables, flushes and compactions.
fn load_by_writes(backend: &RocksDbBackend, dict: &Dictionary, triples: &[[u64; 3]]) {
    let mut batch = WriteBatch::new();
    let flush = |batch: &mut WriteBatch, force: bool| {
        if force || batch.len() >= 30_000 {
            backend
                .write(std::mem::take(batch), Durability::Buffered)
                .unwrap();
        }
    };
    for (term, id) in &dict.ids {
        batch.put(Keyspace::TermToId, term.clone(), id.to_be_bytes());
        batch.put(Keyspace::IdToTerm, id.to_be_bytes(), term.clone());
        flush(&mut batch, false);
    }
    for &[s, p, o] in triples {
        batch.put(Keyspace::Gspo, key([0, s, p, o]), Vec::new());
        batch.put(Keyspace::Gpos, key([0, p, o, s]), Vec::new());
        batch.put(Keyspace::Gosp, key([0, o, s, p]), Vec::new());
        flush(&mut batch, false);
    }
    flush(&mut batch, true);
    backend.flush().unwrap();
}

fn report(backend: &RocksDbBackend, stage: &str, triples: usize) {
    let total = backend.approximate_size().unwrap();
    #[allow(clippy::cast_precision_loss)]
    let per = |bytes: u64| bytes as f64 / triples as f64;
    println!("{stage}: {total} bytes, {:.1} bytes/triple", per(total));
    for keyspace in Keyspace::ALL {
        let size = backend.keyspace_size(keyspace).unwrap();
        if size > 0 {
            println!(
                "  {keyspace:8} {size:>10} bytes  {:>5.1} bytes/triple",
                per(size)
            );
        }
    }
}

#[test]
#[ignore = "loads a million triples; run by hand to measure the footprint"]
fn footprint() {
    let (dict, triples) = generate(125_000);
    println!("{} triples, {} terms", triples.len(), dict.ids.len());
    for (preset, options, ingest) in [
        ("default", RocksDbOptions::default(), true),
        ("low_memory", RocksDbOptions::low_memory(), true),
        ("default", RocksDbOptions::default(), false),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let backend = RocksDbBackend::open_with(dir.path(), options).unwrap();
        if ingest {
            load(&backend, &dict, &triples);
            report(&backend, &format!("{preset}, ingested"), triples.len());
        } else {
            load_by_writes(&backend, &dict, &triples);
            report(&backend, &format!("{preset}, written"), triples.len());
        }
        backend.compact().unwrap();
        report(&backend, &format!("{preset}, compacted"), triples.len());
        assert!(backend.approximate_size().unwrap() <= 60 * triples.len() as u64);
    }
}
