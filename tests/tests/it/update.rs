//! The W3C SPARQL 1.1 Update suite on Trine's engine; run with `--nocapture` for the report.

use trine_tests::w3c;
use trine_tests::w3c::trine_engine::TrineEngine;
use trine_tests::w3c::update::run_update_manifest;

/// Entries in `manifest-sparql11-update.ttl` and the manifests it includes, at the material's
/// pinned commit.
const ENTRIES: usize = 157;

#[test]
fn sparql11_update_trine() {
    let Some(root) = w3c::locate("rdf-tests/sparql") else {
        return;
    };
    let report = run_update_manifest(&root, &TrineEngine, &[])
        .unwrap_or_else(|e| panic!("cannot read the update manifests: {e}"));
    print!("{report}");
    assert_eq!(
        report.entries, ENTRIES,
        "the manifests list another number of tests"
    );
    assert_eq!(
        report.passed + report.failures.len() + report.skipped.len(),
        ENTRIES
    );
    assert!(report.is_ok(), "{report}");
    assert_eq!(
        report.passed, ENTRIES,
        "every update test passes, none skipped"
    );
}
