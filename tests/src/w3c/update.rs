//! The W3C SPARQL 1.1 Update suite (`sparql11/manifest-sparql11-update.ttl`), run against an
//! [`UpdateEngine`].
//!
//! - Syntax tests (`mf:PositiveUpdateSyntaxTest11`, `mf:NegativeUpdateSyntaxTest11`, and the
//!   `mf:NegativeSyntaxTest11` entries of the update folders): the engine must parse the request,
//!   or reject it.
//! - Evaluation tests (`mf:UpdateEvaluationTest`): the store starts with the action's `ut:data`
//!   in the default graph and each `ut:graphData` (`ut:graph` file, `rdfs:label` name) as a named
//!   graph; after the request (`ut:request`) it must hold a dataset isomorphic to the one the
//!   result describes the same way. Empty graphs cannot be told apart in the result files, so the
//!   comparison is over quads.

use std::fmt;
use std::fs;
use std::path::Path;

use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdf::{Dataset, GraphName, NamedNode, NamedOrBlankNodeRef, TermRef};

use super::manifest::{Manifest, ManifestError, TestEntry, mf};
use super::sparql::{Failure, ManifestTally, Skip, load, run_entries};

/// The test-update vocabulary, `http://www.w3.org/2009/sparql/tests/test-update#`.
pub mod ut {
    use oxrdf::NamedNodeRef;

    /// `ut:request`, the update file.
    pub const REQUEST: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2009/sparql/tests/test-update#request");
    /// `ut:data`, a file in the default graph.
    pub const DATA: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2009/sparql/tests/test-update#data");
    /// `ut:graphData`, a named graph: its `ut:graph` file and its `rdfs:label` name.
    pub const GRAPH_DATA: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2009/sparql/tests/test-update#graphData");
    /// `ut:graph`, the file of a `ut:graphData`.
    pub const GRAPH: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2009/sparql/tests/test-update#graph");
}

const RDFS_LABEL: oxrdf::NamedNodeRef<'static> =
    oxrdf::NamedNodeRef::new_unchecked("http://www.w3.org/2000/01/rdf-schema#label");

/// The entry manifest, relative to `rdf-tests/sparql`.
pub const UPDATE_MANIFEST: &str = "sparql11/manifest-sparql11-update.ttl";

/// A SPARQL Update implementation under test.
pub trait UpdateEngine {
    /// Only parses `update` (for the syntax tests).
    ///
    /// # Errors
    /// Fails with a message if `update` is not a valid SPARQL update request.
    fn parse_update(&self, update: &str, base_iri: Option<&str>) -> Result<(), String>;

    /// Runs `update` on a store holding `dataset`, with the named graphs `graphs` existing even
    /// when empty, and returns what the store holds after.
    ///
    /// # Errors
    /// Fails with a message if the request cannot be parsed or fails.
    fn update(
        &self,
        dataset: &Dataset,
        graphs: &[NamedNode],
        update: &str,
        base_iri: Option<&str>,
    ) -> Result<Dataset, String>;
}

/// An update test an engine does not run, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpdateSkip {
    /// The test's `mf:name`.
    pub name: &'static str,
    /// Why it is not run.
    pub reason: &'static str,
}

/// What running the update suite gave; its `Display` is the printed report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateReport {
    /// Number of tests in all its manifests.
    pub entries: usize,
    /// Number that passed.
    pub passed: usize,
    /// The failures.
    pub failures: Vec<Failure>,
    /// The skips.
    pub skipped: Vec<Skip>,
    /// Skip-list names that match no test.
    pub stale_skips: Vec<&'static str>,
    /// Counts per included manifest.
    pub manifests: Vec<ManifestTally>,
}

impl UpdateReport {
    /// Whether every test run passed and the skip list is not stale.
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty() && self.stale_skips.is_empty()
    }
}

impl fmt::Display for UpdateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "sparql sparql11-update: {} passed, {} failed, {} skipped",
            self.passed,
            self.failures.len(),
            self.skipped.len()
        )?;
        for tally in self.manifests.iter().filter(|tally| tally.entries > 0) {
            writeln!(
                f,
                "  {}: {} passed, {} failed, {} skipped",
                tally.manifest, tally.passed, tally.failed, tally.skipped
            )?;
        }
        for failure in &self.failures {
            writeln!(
                f,
                "  FAILED [{}] {}: {}",
                failure.manifest,
                failure.name,
                failure.message.replace('\n', "\n    ")
            )?;
        }
        for skip in &self.skipped {
            writeln!(
                f,
                "  skipped [{}] {}: {}",
                skip.manifest, skip.name, skip.reason
            )?;
        }
        for name in &self.stale_skips {
            writeln!(f, "  STALE SKIP {name}: no test has this name")?;
        }
        Ok(())
    }
}

/// Runs the update suite under `root` (the `rdf-tests/sparql` folder) against `engine`.
///
/// # Errors
/// Fails only if a manifest cannot be read; a test that cannot run is a failure in the report.
pub fn run_update_manifest(
    root: &Path,
    engine: &dyn UpdateEngine,
    skips: &[UpdateSkip],
) -> Result<UpdateReport, ManifestError> {
    let manifests = Manifest::read_with_includes(&root.join(UPDATE_MANIFEST))?;
    let skips: Vec<(&'static str, &'static str)> =
        skips.iter().map(|skip| (skip.name, skip.reason)).collect();
    let tally = run_entries(manifests, &skips, |manifest, _, entry| {
        run_test(engine, manifest, entry)
    });
    Ok(UpdateReport {
        entries: tally.entries,
        passed: tally.passed,
        failures: tally.failures,
        skipped: tally.skipped,
        stale_skips: tally.stale_skips,
        manifests: tally.manifests,
    })
}

fn run_test(
    engine: &dyn UpdateEngine,
    manifest: &Manifest,
    entry: &TestEntry,
) -> Result<(), String> {
    let kind = |local: &str| {
        entry
            .types
            .iter()
            .any(|t| t.strip_prefix(mf::NS) == Some(local))
    };
    let positive = kind("PositiveUpdateSyntaxTest11");
    let negative = kind("NegativeUpdateSyntaxTest11") || kind("NegativeSyntaxTest11");
    if positive || negative {
        let action = entry.action_iri().ok_or("the test has no mf:action file")?;
        let action = manifest.file(action).map_err(|e| e.to_string())?;
        let bytes = fs::read(&action.path)
            .map_err(|e| format!("cannot read {}: {e}", action.path.display()))?;
        let parsed = match String::from_utf8(bytes) {
            Ok(text) => engine.parse_update(&text, Some(&action.base_iri)),
            Err(e) => Err(format!("the file is not UTF-8: {e}")),
        };
        return match (positive, parsed) {
            (true, Err(e)) => Err(format!("the engine rejects a valid request: {e}")),
            (false, Ok(())) => Err("the engine accepts an invalid request".into()),
            _ => Ok(()),
        };
    }
    if !kind("UpdateEvaluationTest") {
        return Err(format!(
            "no test type this runner knows among {:?}",
            entry.types
        ));
    }
    let action = node(entry.action.as_ref(), "mf:action")?;
    let request = manifest
        .graph
        .object_for_subject_predicate(action, ut::REQUEST)
        .ok_or("the test has no ut:request")?;
    let TermRef::NamedNode(request) = request else {
        return Err("ut:request is not a file".into());
    };
    let request = manifest.file(request.as_str()).map_err(|e| e.to_string())?;
    let text = fs::read_to_string(&request.path)
        .map_err(|e| format!("cannot read {}: {e}", request.path.display()))?;
    let (before, graphs) = dataset(manifest, action)?;
    let (mut expected, _) = dataset(manifest, node(entry.result.as_ref(), "mf:result")?)?;
    let mut actual = engine
        .update(&before, &graphs, &text, Some(&request.base_iri))
        .map_err(|e| format!("the engine failed: {e}"))?;
    expected.canonicalize(CanonicalizationAlgorithm::Unstable);
    actual.canonicalize(CanonicalizationAlgorithm::Unstable);
    if expected == actual {
        return Ok(());
    }
    let missing: Vec<String> = expected
        .iter()
        .filter(|q| !actual.contains(*q))
        .map(|q| format!("  missing {q}"))
        .collect();
    let unexpected: Vec<String> = actual
        .iter()
        .filter(|q| !expected.contains(*q))
        .map(|q| format!("  unexpected {q}"))
        .collect();
    Err(format!(
        "the store differs from the expected result (blank nodes canonicalized): expected {} \
         quads, got {}\n{}\n{}",
        expected.len(),
        actual.len(),
        missing.join("\n"),
        unexpected.join("\n")
    ))
}

fn node<'a>(term: Option<&'a oxrdf::Term>, what: &str) -> Result<NamedOrBlankNodeRef<'a>, String> {
    match term {
        Some(oxrdf::Term::BlankNode(node)) => Ok(node.into()),
        Some(oxrdf::Term::NamedNode(node)) => Ok(node.into()),
        _ => Err(format!("the test's {what} is not a node")),
    }
}

/// The dataset a `ut:data` / `ut:graphData` description gives, and the names of its named graphs.
fn dataset(
    manifest: &Manifest,
    description: NamedOrBlankNodeRef<'_>,
) -> Result<(Dataset, Vec<NamedNode>), String> {
    let graph = &manifest.graph;
    let file = |term: TermRef<'_>| match term {
        TermRef::NamedNode(iri) => manifest.file(iri.as_str()).map_err(|e| e.to_string()),
        other => Err(format!("{other} is not a file")),
    };
    let mut dataset = Dataset::new();
    let mut names = Vec::new();
    for data in graph.objects_for_subject_predicate(description, ut::DATA) {
        load(&mut dataset, &file(data)?, GraphName::DefaultGraph)?;
    }
    for named in graph.objects_for_subject_predicate(description, ut::GRAPH_DATA) {
        let named = match named {
            TermRef::BlankNode(node) => NamedOrBlankNodeRef::from(node),
            TermRef::NamedNode(node) => node.into(),
            other => return Err(format!("ut:graphData {other} is not a node")),
        };
        let data = graph
            .object_for_subject_predicate(named, ut::GRAPH)
            .ok_or("a ut:graphData has no ut:graph")?;
        let Some(TermRef::Literal(label)) = graph.object_for_subject_predicate(named, RDFS_LABEL)
        else {
            return Err("a ut:graphData has no rdfs:label naming its graph".into());
        };
        let name = NamedNode::new(label.value())
            .map_err(|e| format!("invalid graph name {}: {e}", label.value()))?;
        load(&mut dataset, &file(data)?, name.clone().into())?;
        names.push(name);
    }
    Ok((dataset, names))
}
