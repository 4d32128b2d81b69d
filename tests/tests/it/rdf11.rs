//! The W3C RDF 1.1 syntax suites, run through a store on the in-memory backend.
//!
//! Each suite prints one line (`rdf11 rdf-turtle: 313 passed, 0 failed, 0 skipped`) followed by its
//! failures and skips; run with `--nocapture` to see them when everything passes.

use trine_tests::w3c::{self, Rdf11Suite, run_rdf11_manifest};

/// Entries in each manifest of the material's pinned commit (see `shared/conformance/README.md`):
/// if the manifest reader dropped tests, the counts would not match.
fn expected_entries(suite: Rdf11Suite) -> usize {
    match suite {
        Rdf11Suite::NTriples => 70,
        Rdf11Suite::NQuads => 87,
        Rdf11Suite::Turtle => 313,
        Rdf11Suite::TriG => 356,
        Rdf11Suite::RdfXml => 166,
    }
}

fn run(suite: Rdf11Suite) {
    let Some(root) = w3c::locate("rdf-tests/rdf/rdf11") else {
        return;
    };
    let report = run_rdf11_manifest(&root.join(suite.dir_name()), suite)
        .unwrap_or_else(|e| panic!("cannot read the {suite} manifest: {e}"));
    print!("{report}");
    assert_eq!(
        report.entries,
        expected_entries(suite),
        "the {suite} manifest lists another number of tests than expected"
    );
    assert_eq!(
        report.run() + report.skipped.len(),
        report.entries,
        "not every {suite} entry was run or skipped"
    );
    assert!(report.is_ok(), "{report}");
}

#[test]
fn n_triples() {
    run(Rdf11Suite::NTriples);
}

#[test]
fn n_quads() {
    run(Rdf11Suite::NQuads);
}

#[test]
fn turtle() {
    run(Rdf11Suite::Turtle);
}

#[test]
fn trig() {
    run(Rdf11Suite::TriG);
}

#[test]
fn rdf_xml() {
    run(Rdf11Suite::RdfXml);
}
