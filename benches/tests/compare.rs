//! The comparison's smoke run (`compare --quick`) as a test: every in-process engine gives the
//! answers of Trine's in-memory store on LUBM(1) and BSBM(100). Without the `oxigraph` feature (as
//! in `cargo test --workspace`) that is Trine's RocksDB store only; with it, Oxigraph's store too.

#![allow(clippy::unwrap_used)]

use trine_benches::compare::{Config, compare};

#[test]
fn quick_comparison_agrees() {
    let config = Config::from_args(["--quick".to_owned()]).unwrap();
    let reports = compare(&config).unwrap();
    assert_eq!(reports.len(), 2);
    for report in &reports {
        let engines = if cfg!(feature = "oxigraph") { 3 } else { 2 };
        assert_eq!(report.runs.len(), engines, "{}", report.dataset.name);
        assert!(
            report.mismatches.is_empty(),
            "{}: {:?}",
            report.dataset.name,
            report.mismatches
        );
        assert!(report.runs.iter().all(|run| run.triples > 0));
    }
}
