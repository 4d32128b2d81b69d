//! Trine's SPARQL engine against spareval on the fixed corpus and 10,000 generated queries (see
//! `trine_tests::differential`); run with `--nocapture` to see the report.

use std::time::Instant;

use trine_tests::differential;

/// How many random queries the test generates, from a fixed seed so a failure reproduces.
const GENERATED: usize = 10_000;
const SEED: u64 = 0x5EED_D1FF;

#[test]
fn trine_agrees_with_spareval() {
    let start = Instant::now();
    let report = differential::run(GENERATED, SEED).expect("the store loads");
    print!("{report}");
    println!("differential: took {:.1?}", start.elapsed());
    assert!(
        report.oracle_rejected.len() * 100 <= report.queries,
        "spareval rejected {} queries: the generator makes too many it cannot answer",
        report.oracle_rejected.len()
    );
    assert_eq!(
        report.differences.len(),
        0,
        "Trine differs from spareval on {} queries",
        report.differences.len()
    );
}
