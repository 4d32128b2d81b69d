//! The comparison's smoke run (`compare --quick`) as a test: every engine gives the answers of
//! Trine's in-memory store on LUBM(1) and BSBM(100). Without the `oxigraph` feature (as in
//! `cargo test --workspace`) that is Trine's RocksDB store in-process and Trine's server (the
//! `trine` binary that `cargo test --workspace` builds, over HTTP); with it, Oxigraph's store too.

#![allow(clippy::unwrap_used)]

use trine_benches::compare::{Config, compare, engines};

#[test]
fn quick_comparison_agrees() {
    let config = Config::from_args(["--quick".to_owned()]).unwrap();
    let expected = engines(&config);
    assert_eq!(
        expected.contains(&"oxigraph-memory"),
        cfg!(feature = "oxigraph")
    );
    // The workspace's test run builds `trine`, so under CI its server column must be there.
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        assert!(
            expected.contains(&"trine-server"),
            "the trine binary was not found next to the test: {expected:?}"
        );
    }
    let reports = compare(&config).unwrap();
    assert_eq!(reports.len(), 2);
    for report in &reports {
        let ran: Vec<&str> = report.runs.iter().map(|run| run.engine.as_str()).collect();
        assert_eq!(ran, expected, "{}", report.dataset.name);
        assert!(
            report.mismatches.is_empty(),
            "{}: {:?}",
            report.dataset.name,
            report.mismatches
        );
        assert!(report.runs.iter().all(|run| run.triples > 0));
    }
}
