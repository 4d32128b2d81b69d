//! Behaviour of the backend against the `KvBackend` contract, on real RocksDB stores.

#![allow(clippy::unwrap_used)]

use trine_core::kv::{
    Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvError, KvSnapshot, WriteBatch,
};

use crate::{RocksDbBackend, RocksDbOptions};

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

fn quad(g: u64, s: u64, p: u64, o: u64) -> Vec<u8> {
    [g, s, p, o].iter().flat_map(|n| n.to_be_bytes()).collect()
}

fn drain(mut cursor: impl KvCursor) -> Entries {
    let mut entries = Vec::new();
    while let Some(key) = cursor.key() {
        entries.push((key.to_vec(), cursor.value().unwrap().to_vec()));
        cursor.advance().unwrap();
    }
    assert_eq!(cursor.value(), None);
    entries
}

fn scan(backend: &RocksDbBackend, keyspace: Keyspace, range: KeyRange) -> Entries {
    drain(backend.snapshot().unwrap().cursor(keyspace, range).unwrap())
}

fn keys(entries: &Entries) -> Vec<Vec<u8>> {
    entries.iter().map(|(key, _)| key.clone()).collect()
}

fn put_all(backend: &RocksDbBackend, keyspace: Keyspace, entries: &Entries) {
    let mut batch = WriteBatch::new();
    for (key, value) in entries {
        batch.put(keyspace, key.clone(), value.clone());
    }
    backend.write(batch, Durability::Buffered).unwrap();
}

/// Options that send every non-empty `ingest_sorted` through table files.
fn always_ingest() -> RocksDbOptions {
    let mut options = RocksDbOptions::low_memory();
    options.min_ingest_entries = 1;
    options
}

#[test]
fn put_get_delete() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open(dir.path()).unwrap();
    assert_eq!(backend.name(), "rocksdb");

    let mut batch = WriteBatch::new();
    batch.put(
        Keyspace::TermToId,
        b"<http://a>".to_vec(),
        7u64.to_be_bytes(),
    );
    batch.put(
        Keyspace::IdToTerm,
        7u64.to_be_bytes(),
        b"<http://a>".to_vec(),
    );
    batch.put(Keyspace::Meta, b"empty".to_vec(), Vec::new());
    backend.write(batch, Durability::Sync).unwrap();

    let snapshot = backend.snapshot().unwrap();
    assert_eq!(
        snapshot.get(Keyspace::TermToId, b"<http://a>").unwrap(),
        Some(7u64.to_be_bytes().to_vec())
    );
    assert!(
        snapshot
            .contains(Keyspace::IdToTerm, &7u64.to_be_bytes())
            .unwrap()
    );
    assert_eq!(
        snapshot.get(Keyspace::Meta, b"empty").unwrap(),
        Some(Vec::new())
    );
    assert!(snapshot.contains(Keyspace::Meta, b"empty").unwrap());
    assert_eq!(
        snapshot.get(Keyspace::TermToId, b"<http://b>").unwrap(),
        None
    );
    assert!(!snapshot.contains(Keyspace::Meta, b"missing").unwrap());
    // Keyspaces are separate: the same key elsewhere is absent.
    assert!(!snapshot.contains(Keyspace::Stats, b"empty").unwrap());
    drop(snapshot);

    let mut batch = WriteBatch::new();
    batch.delete(Keyspace::TermToId, b"<http://a>".to_vec());
    batch.delete(Keyspace::Meta, b"never-written".to_vec());
    backend.write(batch, Durability::Buffered).unwrap();
    let snapshot = backend.snapshot().unwrap();
    assert_eq!(
        snapshot.get(Keyspace::TermToId, b"<http://a>").unwrap(),
        None
    );
    assert!(
        snapshot
            .contains(Keyspace::IdToTerm, &7u64.to_be_bytes())
            .unwrap()
    );
}

#[test]
fn later_operations_in_a_batch_win() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open(dir.path()).unwrap();
    let mut batch = WriteBatch::new();
    batch.put(Keyspace::Meta, b"k".to_vec(), b"1".to_vec());
    batch.put(Keyspace::Meta, b"k".to_vec(), b"2".to_vec());
    batch.put(Keyspace::Meta, b"gone".to_vec(), b"1".to_vec());
    batch.delete(Keyspace::Meta, b"gone".to_vec());
    backend.write(batch, Durability::Buffered).unwrap();
    let snapshot = backend.snapshot().unwrap();
    assert_eq!(
        snapshot.get(Keyspace::Meta, b"k").unwrap(),
        Some(b"2".to_vec())
    );
    assert_eq!(snapshot.get(Keyspace::Meta, b"gone").unwrap(), None);
}

/// Cursor order, bounds and seeks on a quad index, from the memtable and again from table files
/// (where the prefix bloom filters take part).
#[test]
fn cursor_order_bounds_and_seek() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open(dir.path()).unwrap();
    let mut entries: Entries = Vec::new();
    for s in [1u64, 2, 3, 300] {
        for p in [5u64, 6] {
            for o in [1u64, 2, u64::MAX] {
                entries.push((quad(0, s, p, o), vec![u8::try_from(o % 7).unwrap()]));
            }
        }
    }
    entries.push((quad(9, 1, 1, 1), Vec::new()));
    // Written out of order: the store sorts.
    let mut shuffled = entries.clone();
    shuffled.reverse();
    put_all(&backend, Keyspace::Gspo, &shuffled);

    for round in ["memtable", "table files"] {
        if round == "table files" {
            backend.flush().unwrap();
        }
        assert_eq!(
            scan(&backend, Keyspace::Gspo, KeyRange::all()),
            entries,
            "{round}"
        );

        // One subject of the default graph: a 16-byte prefix, served by a prefix seek.
        let subject = scan(
            &backend,
            Keyspace::Gspo,
            KeyRange::prefix(&quad(0, 2, 0, 0)[..16]),
        );
        assert_eq!(subject, entries[6..12].to_vec(), "{round}");
        // Subject and predicate: inside one prefix too.
        let sp = scan(
            &backend,
            Keyspace::Gspo,
            KeyRange::prefix(&quad(0, 3, 6, 0)[..24]),
        );
        assert_eq!(
            keys(&sp),
            vec![quad(0, 3, 6, 1), quad(0, 3, 6, 2), quad(0, 3, 6, u64::MAX)]
        );
        // The whole default graph: an 8-byte prefix, shorter than the extractor's.
        let graph = scan(
            &backend,
            Keyspace::Gspo,
            KeyRange::prefix(&0u64.to_be_bytes()),
        );
        assert_eq!(graph.len(), 24, "{round}");
        // A range across prefixes, end exclusive.
        let across = scan(
            &backend,
            Keyspace::Gspo,
            KeyRange::new(quad(0, 1, 6, 2), Some(quad(0, 3, 5, 2))),
        );
        assert_eq!(across, entries[4..13].to_vec(), "{round}");
        // A prefix that is absent.
        assert!(
            scan(
                &backend,
                Keyspace::Gspo,
                KeyRange::prefix(&quad(0, 4, 0, 0)[..16])
            )
            .is_empty()
        );

        let snapshot = backend.snapshot().unwrap();
        let range = KeyRange::new(quad(0, 2, 0, 0), Some(quad(0, 300, 0, 0)));
        let mut cursor = snapshot.cursor(Keyspace::Gspo, range).unwrap();
        assert_eq!(cursor.key(), Some(quad(0, 2, 5, 1).as_slice()));
        // Seeking before the range start lands on the start.
        cursor.seek(&quad(0, 1, 0, 0)).unwrap();
        assert_eq!(cursor.key(), Some(quad(0, 2, 5, 1).as_slice()));
        // Seeking to an absent key lands on the next one.
        cursor.seek(&quad(0, 2, 5, 3)).unwrap();
        assert_eq!(cursor.key(), Some(quad(0, 2, 5, u64::MAX).as_slice()));
        assert_eq!(
            cursor.value(),
            Some([u8::try_from(u64::MAX % 7).unwrap()].as_slice())
        );
        // Forward into the next prefix.
        cursor.seek(&quad(0, 3, 0, 0)).unwrap();
        assert_eq!(cursor.key(), Some(quad(0, 3, 5, 1).as_slice()));
        // Backwards is allowed.
        cursor.seek(&quad(0, 2, 6, 0)).unwrap();
        assert_eq!(cursor.key(), Some(quad(0, 2, 6, 1).as_slice()));
        // Past the end: exhausted, and advancing stays exhausted.
        cursor.seek(&quad(0, 300, 0, 0)).unwrap();
        assert_eq!(cursor.key(), None);
        cursor.advance().unwrap();
        assert_eq!(cursor.key(), None);
        // A seek can bring an exhausted cursor back.
        cursor.seek(&quad(0, 3, 6, 2)).unwrap();
        assert_eq!(cursor.key(), Some(quad(0, 3, 6, 2).as_slice()));
        cursor.advance().unwrap();
        assert_eq!(cursor.key(), Some(quad(0, 3, 6, u64::MAX).as_slice()));
        cursor.advance().unwrap();
        assert_eq!(cursor.key(), None, "{round}: the range end is exclusive");

        // Seeks inside a prefix-seek cursor.
        let mut cursor = snapshot
            .cursor(Keyspace::Gspo, KeyRange::prefix(&quad(0, 1, 0, 0)[..16]))
            .unwrap();
        cursor.seek(&quad(0, 1, 6, 0)).unwrap();
        assert_eq!(cursor.key(), Some(quad(0, 1, 6, 1).as_slice()));
        cursor.seek(&quad(0, 2, 0, 0)).unwrap();
        assert_eq!(cursor.key(), None);
    }
}

#[test]
fn byte_keys_order_and_empty_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open(dir.path()).unwrap();
    let terms: Vec<&[u8]> = vec![b"", b"a", b"ab", b"b", b"\xff", b"\xff\xff"];
    let mut batch = WriteBatch::new();
    for (i, term) in terms.iter().enumerate().rev() {
        batch.put(Keyspace::TermToId, term.to_vec(), (i as u64).to_be_bytes());
    }
    backend.write(batch, Durability::Buffered).unwrap();

    let all = scan(&backend, Keyspace::TermToId, KeyRange::all());
    let expected: Vec<Vec<u8>> = terms.iter().map(|t| t.to_vec()).collect();
    assert_eq!(keys(&all), expected);
    let a = scan(&backend, Keyspace::TermToId, KeyRange::prefix(b"a"));
    assert_eq!(keys(&a), vec![b"a".to_vec(), b"ab".to_vec()]);
    let ff = scan(&backend, Keyspace::TermToId, KeyRange::prefix(b"\xff"));
    assert_eq!(keys(&ff), vec![b"\xff".to_vec(), b"\xff\xff".to_vec()]);
    // Empty and inverted ranges yield nothing, even after a seek.
    assert!(
        scan(
            &backend,
            Keyspace::TermToId,
            KeyRange::new(b"b".to_vec(), Some(b"b".to_vec()))
        )
        .is_empty()
    );
    let snapshot = backend.snapshot().unwrap();
    let mut cursor = snapshot
        .cursor(
            Keyspace::TermToId,
            KeyRange::new(b"b".to_vec(), Some(b"a".to_vec())),
        )
        .unwrap();
    assert_eq!(cursor.key(), None);
    cursor.seek(b"").unwrap();
    assert_eq!(cursor.key(), None);
    // An empty keyspace.
    assert!(scan(&backend, Keyspace::Ospg, KeyRange::all()).is_empty());
}

#[test]
fn snapshot_does_not_see_later_writes() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open(dir.path()).unwrap();
    put_all(
        &backend,
        Keyspace::Gpos,
        &vec![(quad(0, 1, 1, 1), Vec::new())],
    );

    let before = backend.snapshot().unwrap();
    let mut batch = WriteBatch::new();
    batch.put(Keyspace::Gpos, quad(0, 1, 1, 2), Vec::new());
    batch.delete(Keyspace::Gpos, quad(0, 1, 1, 1));
    backend.write(batch, Durability::Buffered).unwrap();
    backend.flush().unwrap();
    backend.compact().unwrap();

    assert!(before.contains(Keyspace::Gpos, &quad(0, 1, 1, 1)).unwrap());
    assert!(!before.contains(Keyspace::Gpos, &quad(0, 1, 1, 2)).unwrap());
    let seen = drain(before.cursor(Keyspace::Gpos, KeyRange::all()).unwrap());
    assert_eq!(keys(&seen), vec![quad(0, 1, 1, 1)]);

    let after = backend.snapshot().unwrap();
    assert!(after.sequence_number() > before.sequence_number());
    let seen = drain(after.cursor(Keyspace::Gpos, KeyRange::all()).unwrap());
    assert_eq!(keys(&seen), vec![quad(0, 1, 1, 2)]);
}

#[test]
fn batches_are_atomic_across_keyspaces() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open(dir.path()).unwrap();
    let before = backend.snapshot().unwrap();

    let mut batch = WriteBatch::new();
    for keyspace in Keyspace::ALL {
        batch.put(
            keyspace,
            quad(1, 2, 3, 4),
            keyspace.name().as_bytes().to_vec(),
        );
    }
    backend.write(batch, Durability::Sync).unwrap();

    let after = backend.snapshot().unwrap();
    for keyspace in Keyspace::ALL {
        assert!(!before.contains(keyspace, &quad(1, 2, 3, 4)).unwrap());
        assert_eq!(
            after.get(keyspace, &quad(1, 2, 3, 4)).unwrap(),
            Some(keyspace.name().as_bytes().to_vec())
        );
    }
}

#[test]
fn data_survives_reopen_with_another_preset() {
    let dir = tempfile::tempdir().unwrap();
    {
        let backend = RocksDbBackend::open(dir.path()).unwrap();
        put_all(&backend, Keyspace::Spog, &vec![(quad(1, 2, 3, 4), vec![1])]);
        let mut batch = WriteBatch::new();
        batch.put(Keyspace::Meta, b"version".to_vec(), b"1".to_vec());
        // Buffered writes survive a clean close through the WAL, without a flush.
        backend.write(batch, Durability::Buffered).unwrap();
    }
    // The store's lock is released on drop, so reopening works at once.
    let backend = RocksDbBackend::open_with(dir.path(), RocksDbOptions::low_memory()).unwrap();
    let snapshot = backend.snapshot().unwrap();
    assert_eq!(
        snapshot.get(Keyspace::Spog, &quad(1, 2, 3, 4)).unwrap(),
        Some(vec![1])
    );
    assert_eq!(
        snapshot.get(Keyspace::Meta, b"version").unwrap(),
        Some(b"1".to_vec())
    );
}

#[test]
fn a_store_cannot_be_opened_twice() {
    let dir = tempfile::tempdir().unwrap();
    let _backend = RocksDbBackend::open(dir.path()).unwrap();
    assert!(matches!(
        RocksDbBackend::open(dir.path()),
        Err(KvError::Backend { .. })
    ));
}

#[test]
fn missing_store_is_an_error_without_create_if_missing() {
    let dir = tempfile::tempdir().unwrap();
    let options = RocksDbOptions {
        create_if_missing: false,
        ..RocksDbOptions::default()
    };
    assert!(RocksDbBackend::open_with(dir.path().join("absent"), options).is_err());
}

#[test]
fn unknown_column_families_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut options = rocksdb::Options::default();
        options.create_if_missing(true);
        let mut db = rocksdb::DB::open(&options, dir.path()).unwrap();
        db.create_cf("from-a-newer-version", &rocksdb::Options::default())
            .unwrap();
    }
    drop(RocksDbBackend::open(dir.path()).unwrap());
    let names = rocksdb::DB::list_cf(&rocksdb::Options::default(), dir.path()).unwrap();
    assert!(names.iter().any(|name| name == "from-a-newer-version"));
    for keyspace in Keyspace::ALL {
        assert!(
            names.iter().any(|name| name == keyspace.name()),
            "{keyspace}"
        );
    }
}

fn index_entries(graph: u64, subjects: std::ops::Range<u64>) -> Entries {
    subjects
        .flat_map(|s| (0..4u64).map(move |o| (quad(graph, s, 7, o), vec![u8::from(o == 0)])))
        .collect()
}

#[test]
fn ingest_sorted_then_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open_with(dir.path(), always_ingest()).unwrap();
    let entries = index_entries(0, 0..5000);
    let before = backend.snapshot().unwrap();
    backend
        .ingest_sorted(Keyspace::Gspo, entries.clone().into())
        .unwrap();

    assert!(scan(&backend, Keyspace::Gspo, KeyRange::all()) == entries);
    let subject = scan(
        &backend,
        Keyspace::Gspo,
        KeyRange::prefix(&quad(0, 42, 0, 0)[..16]),
    );
    assert_eq!(subject, index_entries(0, 42..43));
    let snapshot = backend.snapshot().unwrap();
    assert_eq!(
        snapshot.get(Keyspace::Gspo, &quad(0, 4999, 7, 0)).unwrap(),
        Some(vec![1])
    );
    assert!(
        !snapshot
            .contains(Keyspace::Gspo, &quad(0, 5000, 7, 0))
            .unwrap()
    );
    // A snapshot taken before the ingest does not see it.
    assert!(!before.contains(Keyspace::Gspo, &quad(0, 1, 7, 1)).unwrap());
    assert!(drain(before.cursor(Keyspace::Gspo, KeyRange::all()).unwrap()).is_empty());

    // Staged files are gone once ingested.
    let staged = dir.path().join("trine-ingest");
    assert_eq!(std::fs::read_dir(staged).unwrap().count(), 0);
}

#[test]
fn ingest_overwrites_existing_keys_and_keeps_others() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open_with(dir.path(), always_ingest()).unwrap();
    // Existing keys both in the memtable and in table files.
    put_all(
        &backend,
        Keyspace::TermToId,
        &vec![(b"a".to_vec(), b"old".to_vec())],
    );
    backend.flush().unwrap();
    put_all(
        &backend,
        Keyspace::TermToId,
        &vec![
            (b"c".to_vec(), b"old".to_vec()),
            (b"e".to_vec(), b"kept".to_vec()),
        ],
    );
    let entries: Entries = [b"a", b"b", b"c", b"d"]
        .iter()
        .map(|key| (key.to_vec(), b"new".to_vec()))
        .collect();
    backend
        .ingest_sorted(Keyspace::TermToId, entries.into())
        .unwrap();

    let all = scan(&backend, Keyspace::TermToId, KeyRange::all());
    let expected: Entries = vec![
        (b"a".to_vec(), b"new".to_vec()),
        (b"b".to_vec(), b"new".to_vec()),
        (b"c".to_vec(), b"new".to_vec()),
        (b"d".to_vec(), b"new".to_vec()),
        (b"e".to_vec(), b"kept".to_vec()),
    ];
    assert_eq!(all, expected);

    // A second ingest over the first one, then writes over ingested keys.
    backend
        .ingest_sorted(
            Keyspace::TermToId,
            vec![(b"b".to_vec(), b"newer".to_vec())].into(),
        )
        .unwrap();
    put_all(
        &backend,
        Keyspace::TermToId,
        &vec![(b"d".to_vec(), b"written".to_vec())],
    );
    let snapshot = backend.snapshot().unwrap();
    assert_eq!(
        snapshot.get(Keyspace::TermToId, b"b").unwrap(),
        Some(b"newer".to_vec())
    );
    assert_eq!(
        snapshot.get(Keyspace::TermToId, b"d").unwrap(),
        Some(b"written".to_vec())
    );
    drop(snapshot);

    // And it all survives a reopen and a full compaction.
    drop(backend);
    let backend = RocksDbBackend::open(dir.path()).unwrap();
    backend.compact().unwrap();
    let snapshot = backend.snapshot().unwrap();
    assert_eq!(
        snapshot.get(Keyspace::TermToId, b"b").unwrap(),
        Some(b"newer".to_vec())
    );
    assert_eq!(
        snapshot.get(Keyspace::TermToId, b"e").unwrap(),
        Some(b"kept".to_vec())
    );
}

#[test]
fn ingest_splits_large_inputs_into_several_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = always_ingest();
    options.target_file_size_bytes = 64 * 1024;
    let backend = RocksDbBackend::open_with(dir.path(), options).unwrap();
    let entries = index_entries(3, 0..50_000);
    backend
        .ingest_sorted(Keyspace::Gosp, entries.clone().into())
        .unwrap();
    let files: u64 = (0..7)
        .map(|level| {
            let property = format!("rocksdb.num-files-at-level{level}");
            backend
                .int_property(Keyspace::Gosp, &property)
                .unwrap()
                .unwrap_or(0)
        })
        .sum();
    assert!(files > 1, "{files} table files");
    assert!(scan(&backend, Keyspace::Gosp, KeyRange::all()) == entries);
}

#[test]
fn small_ingests_take_the_write_path() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open(dir.path()).unwrap();
    let entries = index_entries(0, 0..10);
    backend
        .ingest_sorted(Keyspace::Posg, entries.clone().into())
        .unwrap();
    backend
        .ingest_sorted(Keyspace::Posg, Vec::new().into())
        .unwrap();
    assert_eq!(scan(&backend, Keyspace::Posg, KeyRange::all()), entries);
    assert!(!dir.path().join("trine-ingest").exists());
}

#[test]
fn unsorted_ingest_fails_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open_with(dir.path(), always_ingest()).unwrap();
    let entries = vec![(b"b".to_vec(), Vec::new()), (b"a".to_vec(), Vec::new())];
    assert!(
        backend
            .ingest_sorted(Keyspace::Graphs, entries.into())
            .is_err()
    );
    let duplicates = vec![(b"a".to_vec(), Vec::new()), (b"a".to_vec(), Vec::new())];
    assert!(
        backend
            .ingest_sorted(Keyspace::Graphs, duplicates.into())
            .is_err()
    );
    assert!(scan(&backend, Keyspace::Graphs, KeyRange::all()).is_empty());
    let staged = dir.path().join("trine-ingest");
    assert_eq!(std::fs::read_dir(staged).unwrap().count(), 0);
}

#[test]
fn checkpoint_opens_with_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let backup = tempfile::tempdir().unwrap();
    let target = backup.path().join("checkpoint");
    let backend = RocksDbBackend::open_with(dir.path(), always_ingest()).unwrap();
    backend
        .ingest_sorted(Keyspace::Gspo, index_entries(0, 0..100).into())
        .unwrap();
    put_all(
        &backend,
        Keyspace::Meta,
        &vec![(b"unflushed".to_vec(), b"1".to_vec())],
    );
    backend.checkpoint(&target).unwrap();
    // The checkpoint is taken at the call: later writes are not in it.
    put_all(
        &backend,
        Keyspace::Meta,
        &vec![(b"later".to_vec(), b"1".to_vec())],
    );
    // A second checkpoint into an existing directory fails.
    assert!(backend.checkpoint(&target).is_err());

    let copy = RocksDbBackend::open(&target).unwrap();
    let snapshot = copy.snapshot().unwrap();
    assert_eq!(
        snapshot.get(Keyspace::Meta, b"unflushed").unwrap(),
        Some(b"1".to_vec())
    );
    assert!(!snapshot.contains(Keyspace::Meta, b"later").unwrap());
    assert_eq!(
        drain(snapshot.cursor(Keyspace::Gspo, KeyRange::all()).unwrap()),
        index_entries(0, 0..100)
    );
}

#[test]
fn sizes_flush_and_compact() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open(dir.path()).unwrap();
    let empty = backend.approximate_size().unwrap();
    put_all(&backend, Keyspace::Gspo, &index_entries(0, 0..2000));
    backend.flush().unwrap();
    let flushed = backend.approximate_size().unwrap();
    assert!(flushed > empty, "{empty} -> {flushed}");
    assert!(backend.keyspace_size(Keyspace::Gspo).unwrap() > 0);
    assert_eq!(backend.keyspace_size(Keyspace::Ospg), Some(0));
    assert!(backend.pending_compaction_bytes().is_some());
    assert_eq!(
        backend
            .int_property(Keyspace::Gspo, "rocksdb.no-such-property")
            .unwrap(),
        None
    );

    let mut batch = WriteBatch::new();
    for (key, _) in index_entries(0, 0..2000) {
        batch.delete(Keyspace::Gspo, key);
    }
    backend.write(batch, Durability::Buffered).unwrap();
    backend.flush().unwrap();
    backend.compact().unwrap();
    assert!(scan(&backend, Keyspace::Gspo, KeyRange::all()).is_empty());
    assert_eq!(backend.keyspace_size(Keyspace::Gspo), Some(0));
}

#[test]
fn parallel_ingests_and_writes() {
    let dir = tempfile::tempdir().unwrap();
    let backend = RocksDbBackend::open_with(dir.path(), always_ingest()).unwrap();
    let indexes = [Keyspace::Gspo, Keyspace::Gpos, Keyspace::Gosp];
    std::thread::scope(|scope| {
        for (graph, keyspace) in (0u64..).zip(indexes) {
            let backend = &backend;
            scope.spawn(move || {
                for chunk in 0..4 {
                    let entries = index_entries(graph, chunk * 500..(chunk + 1) * 500);
                    backend.ingest_sorted(keyspace, entries.into()).unwrap();
                }
            });
        }
        scope.spawn(|| {
            for i in 0u64..200 {
                let mut batch = WriteBatch::new();
                batch.put(Keyspace::Stats, i.to_be_bytes(), i.to_be_bytes());
                backend.write(batch, Durability::Buffered).unwrap();
            }
        });
    });
    for (graph, keyspace) in (0u64..).zip(indexes) {
        assert!(scan(&backend, keyspace, KeyRange::all()) == index_entries(graph, 0..2000));
    }
    assert_eq!(scan(&backend, Keyspace::Stats, KeyRange::all()).len(), 200);
}
