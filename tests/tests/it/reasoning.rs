//! The OWL 2 RL/RDF rule tests, the RDFS sub-suite and the RDF 1.1 Semantics entailment tests
//! (`rdf-mt`), through a materialized memory store.
//!
//! Each suite prints `owl2-rdfbased owl2rl: N passed, N failed, N skipped` (or `rdf-mt rdfs: …`)
//! and its failures and skips; the exact counts are asserted, so a regression or a silent change
//! shows.

use trine_tests::reasoning::{Owl2Suite, run_owl2_suite, run_rdf_mt};
use trine_tests::w3c;

fn run(suite: Owl2Suite, cases: usize, passed: usize) {
    let Some(root) = w3c::locate("owl2-rdfbased") else {
        return;
    };
    let report = run_owl2_suite(&root, suite).unwrap_or_else(|e| panic!("{e}"));
    print!("{report}");
    assert_eq!(
        report.cases, cases,
        "the {} suite holds another number of cases",
        report.suite
    );
    assert!(report.stale_skips.is_empty(), "{report}");
    assert_eq!(report.passed.len(), passed, "{report}");
}

#[test]
fn owl2rl_rule_tests() {
    run(Owl2Suite::Owl2Rl, 273, 271);
}

#[test]
fn rdfs_sub_suite() {
    run(Owl2Suite::Rdfs, 53, 46);
}

#[test]
fn rdf_mt_rdfs_entailment() {
    let Some(dir) = w3c::locate("rdf-tests/rdf/rdf11/rdf-mt") else {
        return;
    };
    let report = run_rdf_mt(&dir).unwrap_or_else(|e| panic!("{e}"));
    print!("{report}");
    assert_eq!(
        report.entries, 48,
        "the rdf-mt manifest holds another number of tests"
    );
    assert!(report.failed.is_empty(), "{report}");
    assert!(report.stale_skips.is_empty(), "{report}");
    assert_eq!(report.passed.len(), 36, "{report}");
}
