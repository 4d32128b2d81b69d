//! Issue 12, acceptance 6: removing any one manifest a W3C runner reads makes that runner fail,
//! so a sub-suite cannot drop out of the pass counts unnoticed.
//!
//! Each case copies the manifests a runner reads (the entry manifest and every one it includes)
//! into a scratch folder at the same relative places, leaves one out, and runs the runner there.
//! The runner must return an error; the suite tests turn that error into a failed test. Copies, not
//! symbolic links: the manifest reader resolves links, and includes would then be found in the
//! real tree. (The OWL 2 RL suites have no manifest: their case folders are counted, and the
//! count is pinned in `reasoning.rs`.)

use std::path::{Path, PathBuf};

use trine_tests::reasoning::run_rdf_mt;
use trine_tests::w3c::sparql::{SparqlSuite, run_sparql_manifest};
use trine_tests::w3c::trine_engine::TrineEngine;
use trine_tests::w3c::update::{UPDATE_MANIFEST, run_update_manifest};
use trine_tests::w3c::{self, Manifest, Rdf11Suite, run_rdf11_manifest};

/// The manifests read from `entry`, as paths relative to `root`.
fn manifests_under(root: &Path, entry: &Path) -> Vec<PathBuf> {
    let root = std::fs::canonicalize(root).expect("the material's folder");
    let manifests = Manifest::read_with_includes(entry)
        .unwrap_or_else(|e| panic!("the manifests from {}: {e}", entry.display()));
    manifests
        .iter()
        .map(|manifest| {
            manifest
                .path
                .strip_prefix(&root)
                .unwrap_or_else(|_| panic!("{} is outside the material", manifest.path.display()))
                .to_owned()
        })
        .collect()
}

/// A scratch copy of `manifests` (relative to `root`) without `removed`.
fn without(root: &Path, manifests: &[PathBuf], removed: &Path) -> tempfile::TempDir {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    for manifest in manifests {
        let to = scratch.path().join(manifest);
        std::fs::create_dir_all(to.parent().expect("a manifest has a folder")).expect("mkdir");
        if manifest != removed {
            std::fs::copy(root.join(manifest), &to).expect("copy a manifest");
        }
    }
    scratch
}

/// Runs `runner` on the manifests minus each one in turn, and returns how many were checked.
fn each_removal<T: std::fmt::Debug, E>(
    root: &Path,
    manifests: &[PathBuf],
    runner: impl Fn(&Path) -> Result<T, E>,
) -> usize {
    for removed in manifests {
        let scratch = without(root, manifests, removed);
        if let Ok(report) = runner(scratch.path()) {
            panic!(
                "the runner did not fail without {}: {report:?}",
                removed.display()
            );
        }
    }
    manifests.len()
}

#[test]
fn a_missing_sparql_manifest_fails_its_suite() {
    let Some(root) = w3c::locate("rdf-tests/sparql") else {
        return;
    };
    let mut checked = 0;
    for suite in SparqlSuite::ALL {
        let manifests = manifests_under(&root, &root.join(suite.manifest_path()));
        assert!(!manifests.is_empty());
        checked += each_removal(&root, &manifests, |scratch| {
            run_sparql_manifest(scratch, suite, &TrineEngine, &[]).map(|report| report.entries)
        });
    }
    let manifests = manifests_under(&root, &root.join(UPDATE_MANIFEST));
    checked += each_removal(&root, &manifests, |scratch| {
        run_update_manifest(scratch, &TrineEngine, &[]).map(|report| report.entries)
    });
    println!("{checked} SPARQL query and update manifests: each one's removal fails its suite");
    // Query 1.1 and 1.0 alone include dozens; far fewer would mean the walk lost some.
    assert!(checked > 50, "only {checked} manifests found");
}

#[test]
fn a_missing_rdf_manifest_fails_its_suite() {
    let Some(root) = w3c::locate("rdf-tests/rdf/rdf11") else {
        return;
    };
    for suite in Rdf11Suite::ALL {
        let manifest = PathBuf::from(suite.dir_name()).join("manifest.ttl");
        assert!(root.join(&manifest).is_file(), "{}", manifest.display());
        each_removal(&root, std::slice::from_ref(&manifest), |scratch| {
            run_rdf11_manifest(&scratch.join(suite.dir_name()), suite).map(|report| report.entries)
        });
    }
    let manifest = PathBuf::from("rdf-mt/manifest.ttl");
    assert!(root.join(&manifest).is_file());
    each_removal(&root, std::slice::from_ref(&manifest), |scratch| {
        run_rdf_mt(&scratch.join("rdf-mt")).map(|report| report.entries)
    });
}
