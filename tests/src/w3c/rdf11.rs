//! The W3C RDF 1.1 syntax suites (N-Triples, N-Quads, Turtle, TriG, RDF/XML), run through a [`Store`].
//!
//! Every test loads its input into a fresh in-memory store with
//! [`Store::load_from_reader`], so what is tested is the store's loading path, not only the parser:
//! - positive syntax and eval tests must load; eval tests must then read back from the store a
//!   dataset isomorphic to the expected N-Triples / N-Quads file, and syntax tests one isomorphic to
//!   what the parser alone produces (the store must give back what it was given);
//! - negative tests must fail with a syntax error and leave the store empty (loads are atomic);
//! - after every test the store's invariant checker must find nothing wrong;
//! - N-Triples and N-Quads inputs are also bulk-loaded as files, the path that parses blocks of
//!   lines leniently and checks their terms itself: it must accept what the parser accepts, with the
//!   same quads, and reject with a syntax error what it rejects.

use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use oxrdf::Dataset;
use oxrdf::dataset::CanonicalizationAlgorithm;
use oxrdfio::{RdfFormat, RdfParser};
use trine_core::Store;
use trine_core::io::{LoadError, LoadOptions};
use trine_core::kv::MemoryBackend;
use trine_core::storage::QuadRead;

use super::manifest::{Manifest, ManifestError, TestEntry, TestFile, rdft};

/// One of the RDF 1.1 syntax suites, each a folder with a `manifest.ttl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rdf11Suite {
    /// `rdf-n-triples`.
    NTriples,
    /// `rdf-n-quads`.
    NQuads,
    /// `rdf-turtle`.
    Turtle,
    /// `rdf-trig`.
    TriG,
    /// `rdf-xml`.
    RdfXml,
}

impl Rdf11Suite {
    /// Every suite.
    pub const ALL: [Self; 5] = [
        Self::NTriples,
        Self::NQuads,
        Self::Turtle,
        Self::TriG,
        Self::RdfXml,
    ];

    /// The suite's folder under `rdf-tests/rdf/rdf11`.
    pub fn dir_name(self) -> &'static str {
        match self {
            Self::NTriples => "rdf-n-triples",
            Self::NQuads => "rdf-n-quads",
            Self::Turtle => "rdf-turtle",
            Self::TriG => "rdf-trig",
            Self::RdfXml => "rdf-xml",
        }
    }
}

impl fmt::Display for Rdf11Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dir_name())
    }
}

/// Tests not run, with why. Each is printed in the report; the goal is to keep this empty, and a
/// name that matches no test in its suite makes the report fail so the list cannot go stale.
pub const SKIPS: &[(Rdf11Suite, &str, &str)] = &[
    // Both fail in the parser, not in the store: the parser alone gives the same result.
    (
        Rdf11Suite::RdfXml,
        "xml-canon-test001",
        "oxrdfxml 0.2 does not canonicalise rdf:parseType=\"Literal\" content: it copies every \
         in-scope namespace declaration onto the literal's elements, giving \
         `<br xmlns:rdf=\"…\" xmlns:eg=\"…\"></br>` where RDF/XML 1.1 (exclusive XML \
         canonicalisation) expects `<br></br>`",
    ),
    (
        Rdf11Suite::RdfXml,
        "xml-canon-test002",
        "as xml-canon-test001 (the same literal, reified)",
    ),
];

/// What a test checks, from its `rdft:` type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKind {
    /// The input is valid (`…PositiveSyntax`).
    PositiveSyntax,
    /// The input is invalid (`…NegativeSyntax`).
    NegativeSyntax,
    /// The input is valid and means the dataset in `mf:result` (`…Eval`).
    Eval,
    /// The input is syntactically well formed but must be rejected (`…NegativeEval`).
    NegativeEval,
}

/// The syntax and kind of a test from its `rdft:` type, or `None` for a type this runner does not know.
pub fn classify(type_iri: &str) -> Option<(RdfFormat, TestKind)> {
    let local = type_iri.strip_prefix(rdft::NS)?;
    let (format, kind) = [
        ("TestNTriples", RdfFormat::NTriples),
        ("TestNQuads", RdfFormat::NQuads),
        ("TestTurtle", RdfFormat::Turtle),
        ("TestTrig", RdfFormat::TriG),
        ("TestXML", RdfFormat::RdfXml),
    ]
    .into_iter()
    .find_map(|(prefix, format)| Some((format, local.strip_prefix(prefix)?)))?;
    let kind = match kind {
        "PositiveSyntax" => TestKind::PositiveSyntax,
        "NegativeSyntax" => TestKind::NegativeSyntax,
        "Eval" => TestKind::Eval,
        "NegativeEval" => TestKind::NegativeEval,
        _ => return None,
    };
    Some((format, kind))
}

/// A test that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The test's `mf:name`.
    pub name: String,
    /// What went wrong.
    pub message: String,
}

/// A test that was not run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The test's `mf:name`.
    pub name: String,
    /// Why it is skipped (from [`SKIPS`]).
    pub reason: &'static str,
}

/// What running one manifest gave. Its `Display` is the printed report: a summary line, then the
/// failures and the skips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The suite.
    pub suite: Rdf11Suite,
    /// Number of tests in the manifest's `mf:entries`.
    pub entries: usize,
    /// Number of tests that passed.
    pub passed: usize,
    /// The tests that failed.
    pub failures: Vec<Failure>,
    /// The tests skipped.
    pub skipped: Vec<Skip>,
    /// Names in [`SKIPS`] for this suite that match no test: the skip list has gone stale.
    pub stale_skips: Vec<&'static str>,
}

impl Report {
    /// Number of tests run (passed or failed).
    pub fn run(&self) -> usize {
        self.passed + self.failures.len()
    }

    /// Whether every test run passed and the skip list is not stale.
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty() && self.stale_skips.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "rdf11 {}: {} passed, {} failed, {} skipped",
            self.suite,
            self.passed,
            self.failures.len(),
            self.skipped.len()
        )?;
        for failure in &self.failures {
            writeln!(
                f,
                "  FAILED {}: {}",
                failure.name,
                failure.message.replace('\n', "\n    ")
            )?;
        }
        for skip in &self.skipped {
            writeln!(f, "  skipped {}: {}", skip.name, skip.reason)?;
        }
        for name in &self.stale_skips {
            writeln!(
                f,
                "  STALE SKIP {name}: the skip list names it, but the manifest has no such test"
            )?;
        }
        Ok(())
    }
}

/// Runs every test of the manifest in `dir` (the suite's folder, holding `manifest.ttl`).
///
/// ```no_run
/// use std::path::Path;
/// use trine_tests::w3c::{Rdf11Suite, run_rdf11_manifest};
///
/// let dir = Path::new("../shared/conformance/rdf-tests/rdf/rdf11/rdf-turtle");
/// let report = run_rdf11_manifest(dir, Rdf11Suite::Turtle)?;
/// print!("{report}");
/// assert!(report.is_ok());
/// # Ok::<_, trine_tests::w3c::ManifestError>(())
/// ```
///
/// # Errors
/// Fails only if the manifest itself cannot be read; a test that cannot be run (a missing input, an
/// unknown test type) is a failure in the report.
pub fn run_rdf11_manifest(dir: &Path, suite: Rdf11Suite) -> Result<Report, ManifestError> {
    let manifest = Manifest::read(&dir.join("manifest.ttl"))?;
    let skips: Vec<_> = SKIPS.iter().filter(|(s, _, _)| *s == suite).collect();
    let mut report = Report {
        suite,
        entries: manifest.entries.len(),
        passed: 0,
        failures: Vec::new(),
        skipped: Vec::new(),
        stale_skips: Vec::new(),
    };
    for entry in &manifest.entries {
        if let Some((_, _, reason)) = skips.iter().find(|(_, name, _)| *name == entry.name) {
            report.skipped.push(Skip {
                name: entry.name.clone(),
                reason,
            });
            continue;
        }
        match run_test(&manifest, entry) {
            Ok(()) => report.passed += 1,
            Err(message) => report.failures.push(Failure {
                name: entry.name.clone(),
                message,
            }),
        }
    }
    report.stale_skips = skips
        .iter()
        .map(|(_, name, _)| *name)
        .filter(|name| !manifest.entries.iter().any(|entry| entry.name == *name))
        .collect();
    Ok(report)
}

type TestStore = Store<MemoryBackend>;

fn run_test(manifest: &Manifest, entry: &TestEntry) -> Result<(), String> {
    let (format, kind) = entry
        .types
        .iter()
        .find_map(|t| classify(t))
        .ok_or_else(|| format!("no test type this runner knows among {:?}", entry.types))?;
    let action = entry.action_iri().ok_or("the test has no mf:action file")?;
    let action = manifest.file(action).map_err(|e| e.to_string())?;
    let store =
        Store::open(MemoryBackend::new()).map_err(|e| format!("cannot open a store: {e}"))?;
    let loaded = load(&store, format, &action)?;
    match kind {
        TestKind::PositiveSyntax => {
            let count = loaded.map_err(|e| format!("the load failed: {e}"))?;
            let direct = parse(&action, format)?;
            compare(&store, count, direct, "what the parser alone produces")
                .map_err(|diff| format!("the store does not give back what it loaded: {diff}"))?;
        }
        TestKind::Eval => {
            let count = loaded.map_err(|e| format!("the load failed: {e}"))?;
            let result = entry
                .result_iri()
                .ok_or("the eval test has no mf:result file")?;
            let result = manifest.file(result).map_err(|e| e.to_string())?;
            let expected_format = result
                .path
                .extension()
                .and_then(|e| e.to_str())
                .and_then(RdfFormat::from_extension)
                .ok_or_else(|| format!("unknown syntax for {}", result.path.display()))?;
            let expected = parse(&result, expected_format)?;
            if let Err(diff) = compare(&store, count, expected.clone(), "the expected result") {
                // Tell a parser disagreement from a store that changed the data on its way through.
                let mut direct = parse(&action, format)?;
                direct.canonicalize(CanonicalizationAlgorithm::Unstable);
                let mut expected = expected;
                expected.canonicalize(CanonicalizationAlgorithm::Unstable);
                let origin = if direct == expected {
                    "the parser alone gives the expected result, so the store changed the data"
                } else {
                    "the parser alone differs from the expected result too"
                };
                return Err(format!("{diff}\n({origin})"));
            }
        }
        TestKind::NegativeSyntax | TestKind::NegativeEval => {
            rejected(loaded, "the load")?;
            let len = store
                .len()
                .map_err(|e| format!("cannot count quads: {e}"))?;
            if len != 0 {
                return Err(format!("the failed load left {len} quads in the store"));
            }
        }
    }
    check_invariants(&store)?;
    // Files are bulk-loaded this way natively only.
    #[cfg(not(target_family = "wasm"))]
    if matches!(format, RdfFormat::NTriples | RdfFormat::NQuads) {
        bulk_load_file(format, kind, &action)?;
    }
    Ok(())
}

fn check_invariants(store: &TestStore) -> Result<(), String> {
    let validation = store
        .validate()
        .map_err(|e| format!("the invariant checker failed: {e}"))?;
    if !validation.is_ok() {
        return Err(format!(
            "the store's invariants are broken: {}",
            validation.problems.join("; ")
        ));
    }
    Ok(())
}

/// Bulk-loads `file` (N-Triples or N-Quads) through [`Store::bulk_load_from_file`], which parses
/// blocks of lines leniently and checks their terms: it must agree with the parser alone.
#[cfg(not(target_family = "wasm"))]
fn bulk_load_file(format: RdfFormat, kind: TestKind, file: &TestFile) -> Result<(), String> {
    let store =
        Store::open(MemoryBackend::new()).map_err(|e| format!("cannot open a store: {e}"))?;
    let loaded = store.bulk_load_from_file(&file.path, format, &LoadOptions::new(), |_| {});
    match kind {
        TestKind::PositiveSyntax | TestKind::Eval => {
            let count = loaded.map_err(|e| format!("the bulk load of the file failed: {e}"))?;
            let direct = parse(file, format)?;
            compare(&store, count, direct, "what the parser alone produces").map_err(|diff| {
                format!("the bulk load of the file differs from the parser: {diff}")
            })?;
        }
        TestKind::NegativeSyntax | TestKind::NegativeEval => {
            rejected(loaded, "the bulk load of the file")?;
        }
    }
    check_invariants(&store)
}

/// Whether `what` (a load of an invalid input) failed as it must: with a syntax error.
fn rejected(loaded: Result<u64, LoadError>, what: &str) -> Result<(), String> {
    match loaded {
        Ok(count) => Err(format!(
            "{what} succeeded ({count} quads) but the input is invalid"
        )),
        Err(LoadError::Syntax { .. }) => Ok(()),
        Err(other) => Err(format!(
            "{what} failed, but not with a syntax error: {other}"
        )),
    }
}

/// Loads `file` into `store`. The outer error is the runner's (the file cannot be opened), the
/// inner one the store's, which the test judges.
fn load(
    store: &TestStore,
    format: RdfFormat,
    file: &TestFile,
) -> Result<Result<u64, LoadError>, String> {
    let reader = open(file)?;
    Ok(store.load_from_reader(
        format,
        reader,
        &LoadOptions::new().with_base_iri(file.base_iri.as_str()),
    ))
}

/// Parses `file` with the parser alone, the reference the store is compared with.
fn parse(file: &TestFile, format: RdfFormat) -> Result<Dataset, String> {
    let parser = RdfParser::from_format(format)
        .with_base_iri(file.base_iri.as_str())
        .map_err(|e| format!("invalid base IRI {}: {e}", file.base_iri))?;
    parser
        .for_reader(open(file)?)
        .collect::<Result<Dataset, _>>()
        .map_err(|e| format!("cannot parse {}: {e}", file.path.display()))
}

fn open(file: &TestFile) -> Result<BufReader<File>, String> {
    File::open(&file.path)
        .map(BufReader::new)
        .map_err(|e| format!("cannot open {}: {e}", file.path.display()))
}

/// Compares the store's content with `expected` up to blank-node renaming; on a difference, says
/// which quads are missing and which are extra.
fn compare(
    store: &TestStore,
    loaded: u64,
    mut expected: Dataset,
    what: &str,
) -> Result<(), String> {
    let snapshot = store
        .snapshot()
        .map_err(|e| format!("cannot open a snapshot: {e}"))?;
    let mut actual = Dataset::new();
    let mut read = 0_u64;
    for quad in snapshot.iter() {
        actual.insert(&quad.map_err(|e| format!("cannot read the store back: {e}"))?);
        read += 1;
    }
    let len = snapshot
        .len()
        .map_err(|e| format!("cannot count quads: {e}"))?;
    if len != read || read != actual.len() as u64 {
        return Err(format!(
            "the store counts {len} quads but yields {read}, {} of them distinct",
            actual.len()
        ));
    }
    if read > loaded {
        return Err(format!(
            "the store holds {read} quads but only {loaded} were loaded"
        ));
    }
    actual.canonicalize(CanonicalizationAlgorithm::Unstable);
    expected.canonicalize(CanonicalizationAlgorithm::Unstable);
    if actual == expected {
        return Ok(());
    }
    const SHOWN: usize = 10;
    let mut message = format!(
        "the store holds {} quads, {what} has {}, and they differ (blank nodes canonicalized):",
        actual.len(),
        expected.len()
    );
    for (label, from, to) in [
        ("missing", &expected, &actual),
        ("unexpected", &actual, &expected),
    ] {
        let diff: Vec<_> = from.iter().filter(|quad| !to.contains(*quad)).collect();
        for quad in diff.iter().take(SHOWN) {
            message.push_str(&format!("\n  {label}: {quad} ."));
        }
        if diff.len() > SHOWN {
            message.push_str(&format!("\n  … and {} more {label}", diff.len() - SHOWN));
        }
    }
    Err(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_rdft_types() {
        let classified = |local: &str| classify(&format!("{}{local}", rdft::NS));
        assert_eq!(
            classified("TestTurtleEval"),
            Some((RdfFormat::Turtle, TestKind::Eval))
        );
        assert_eq!(
            classified("TestTrigNegativeEval"),
            Some((RdfFormat::TriG, TestKind::NegativeEval))
        );
        assert_eq!(
            classified("TestXMLNegativeSyntax"),
            Some((RdfFormat::RdfXml, TestKind::NegativeSyntax))
        );
        assert_eq!(
            classified("TestNQuadsPositiveSyntax"),
            Some((RdfFormat::NQuads, TestKind::PositiveSyntax))
        );
        assert_eq!(classified("TestTurtleSomethingElse"), None);
        assert_eq!(classify("http://example.com/TestTurtleEval"), None);
    }
}
