//! The cross-backend suite on every backend Trine ships.

use trine_backend_redb::RedbBackend;
use trine_backend_rocksdb::RocksDbBackend;
use trine_core::kv::{DynBackend, JournalBackend, MemoryBackend, StdFile};
use trine_tests::conformance::{self, Reopen};

fn check(report: &conformance::Report) {
    println!("{report}");
    assert!(report.is_success(), "{report}");
}

#[test]
fn memory_backend() {
    check(&conformance::run(
        "memory",
        MemoryBackend::new,
        Reopen::Keep,
    ));
}

#[test]
fn type_erased_backend() {
    check(&conformance::run(
        "dyn (memory)",
        || DynBackend::new(MemoryBackend::new()),
        Reopen::Keep,
    ));
}

#[test]
fn redb_in_memory_backend() {
    check(&conformance::run(
        "redb (in-memory)",
        || RedbBackend::in_memory().expect("in-memory redb"),
        Reopen::Keep,
    ));
}

#[test]
fn redb_file_backend() {
    let parent = tempfile::tempdir().expect("temp dir");
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let base = parent.path().to_path_buf();
    let report = conformance::run(
        "redb (file)",
        || {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            RedbBackend::open(base.join(format!("db{n}.redb"))).expect("open redb")
        },
        Reopen::with(|backend: RedbBackend| {
            let path = backend.path().expect("file-backed").to_path_buf();
            drop(backend);
            RedbBackend::open(path).expect("reopen redb")
        }),
    );
    check(&report);
}

#[test]
fn rocksdb_backend() {
    let parent = tempfile::tempdir().expect("temp dir");
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let base = parent.path().to_path_buf();
    let report = conformance::run(
        "rocksdb",
        || {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            RocksDbBackend::open(base.join(format!("db{n}"))).expect("open rocksdb")
        },
        Reopen::with(|backend: RocksDbBackend| {
            let path = backend.path().to_path_buf();
            drop(backend);
            RocksDbBackend::open(path).expect("reopen rocksdb")
        }),
    );
    check(&report);
}

#[test]
fn journal_backend() {
    let parent = tempfile::tempdir().expect("temp dir");
    let counter = std::sync::atomic::AtomicUsize::new(0);
    let base = parent.path().to_path_buf();
    let report = conformance::run(
        "journal (files)",
        || {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let open =
                |name: &str| StdFile::open(base.join(format!("db{n}.{name}"))).expect("open");
            JournalBackend::open([open("a"), open("b")]).expect("open the journal")
        },
        // Reopening replays the files into a fresh memory backend.
        Reopen::with(|backend: JournalBackend<StdFile>| {
            JournalBackend::open(backend.into_files()).expect("reopen the journal")
        }),
    );
    check(&report);
}
