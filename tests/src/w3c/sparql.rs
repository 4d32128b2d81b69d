//! The W3C SPARQL 1.0 and 1.1 query suites, run against a [`QueryEngine`].
//!
//! Each suite is an entry manifest that includes one manifest per folder (`mf:include`). The
//! tests are:
//! - syntax tests (`mf:PositiveSyntaxTest`, `mf:NegativeSyntaxTest` and their `…11` forms): the
//!   engine must parse the query, or reject it;
//! - evaluation tests (`mf:QueryEvaluationTest`, `mf:CSVResultFormatTest`): the engine runs the
//!   query (`qt:query`) over a dataset built from the test's files (`qt:data` into the default
//!   graph, `qt:graphData` as named graphs, and the files the query's `FROM` clauses name), and its
//!   answer must match `mf:result`; see [`results`] for how each result format is compared.
//!
//! The manifests do not declare `mf:assumedTestBase`, but their test IRIs say where each folder is
//! published (`http://www.w3.org/2009/sparql/docs/tests/data-sparql11/<dir>/` for SPARQL 1.1,
//! `http://www.w3.org/2001/sw/DataAccess/tests/data-r2/<dir>/` for 1.0): queries, data and results
//! are all read with their IRIs there, so relative IRIs and graph names agree with what the
//! expected results were produced with.
//!
//! Skips come only from a list given to the runner, one per engine ([`SPAREVAL_SKIPS`] for the
//! oracle), each with its reason, printed in the report.

pub mod results;

use std::fmt;
use std::fs;
use std::io::BufReader;
use std::path::Path;

use oxrdf::{
    Dataset, GraphName, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Term, TermRef, TripleRef,
};
use oxrdfio::{RdfFormat, RdfParser};
use spargebra::{Query, SparqlParser};

use super::engine::{LocalService, QueryEngine};
use super::manifest::{Manifest, ManifestError, TestEntry, TestFile, mf};
use results::Verdict;

/// The test-query vocabulary, `http://www.w3.org/2001/sw/DataAccess/tests/test-query#`, which
/// describes an evaluation test's inputs.
pub mod qt {
    use oxrdf::NamedNodeRef;

    /// The namespace.
    pub const NS: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#";
    /// `qt:query`, the query file.
    pub const QUERY: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2001/sw/DataAccess/tests/test-query#query");
    /// `qt:data`, a file loaded into the default graph.
    pub const DATA: NamedNodeRef<'static> =
        NamedNodeRef::new_unchecked("http://www.w3.org/2001/sw/DataAccess/tests/test-query#data");
    /// `qt:graphData`, a file loaded as a named graph named by its IRI.
    pub const GRAPH_DATA: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-query#graphData",
    );
    /// `qt:serviceData`, a `SERVICE` endpoint the test provides (`qt:endpoint` and `qt:data`).
    pub const SERVICE_DATA: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-query#serviceData",
    );
    /// `qt:endpoint`, the IRI of a `qt:serviceData` endpoint.
    pub const ENDPOINT: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-query#endpoint",
    );
}

/// `mf:resultCardinality`, whose value `mf:LaxCardinality` lets a `REDUCED` query return any
/// number of copies of each expected solution.
const RESULT_CARDINALITY: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
    "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#resultCardinality",
);
/// `mf:LaxCardinality`.
const LAX_CARDINALITY: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
    "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#LaxCardinality",
);

/// One of the SPARQL query suites, each an entry manifest under `rdf-tests/sparql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SparqlSuite {
    /// SPARQL 1.1 Query (`sparql11/manifest-sparql11-query.ttl`): 13 folders, evaluation and
    /// syntax tests.
    Query11,
    /// SPARQL 1.1 Query Results JSON Format (`sparql11/json-res/manifest.ttl`).
    JsonResults11,
    /// SPARQL 1.1 Query Results CSV and TSV Formats (`sparql11/csv-tsv-res/manifest.ttl`).
    CsvTsvResults11,
    /// SPARQL 1.1 Federated Query (`sparql11/manifest-sparql11-fed.ttl`): `SERVICE` syntax, and
    /// evaluation against endpoints the tests provide as local data.
    Federation11,
    /// SPARQL 1.0 evaluation tests (`sparql10/manifest-evaluation.ttl`).
    Evaluation10,
    /// SPARQL 1.0 syntax tests (`sparql10/manifest-syntax.ttl`).
    Syntax10,
}

impl SparqlSuite {
    /// Every suite.
    pub const ALL: [Self; 6] = [
        Self::Query11,
        Self::JsonResults11,
        Self::CsvTsvResults11,
        Self::Federation11,
        Self::Evaluation10,
        Self::Syntax10,
    ];

    /// The entry manifest, relative to `rdf-tests/sparql`.
    pub fn manifest_path(self) -> &'static str {
        match self {
            Self::Query11 => "sparql11/manifest-sparql11-query.ttl",
            Self::JsonResults11 => "sparql11/json-res/manifest.ttl",
            Self::CsvTsvResults11 => "sparql11/csv-tsv-res/manifest.ttl",
            Self::Federation11 => "sparql11/manifest-sparql11-fed.ttl",
            Self::Evaluation10 => "sparql10/manifest-evaluation.ttl",
            Self::Syntax10 => "sparql10/manifest-syntax.ttl",
        }
    }

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Query11 => "sparql11-query",
            Self::JsonResults11 => "sparql11-json-res",
            Self::CsvTsvResults11 => "sparql11-csv-tsv-res",
            Self::Federation11 => "sparql11-federation",
            Self::Evaluation10 => "sparql10-evaluation",
            Self::Syntax10 => "sparql10-syntax",
        }
    }
}

impl fmt::Display for SparqlSuite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A test an engine does not run, and why. A name matches every test of that `mf:name` in the
/// suite (a few SPARQL 1.0 syntax tests share names across folders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SparqlSkip {
    /// The suite.
    pub suite: SparqlSuite,
    /// The test's `mf:name`.
    pub name: &'static str,
    /// Why it is not run.
    pub reason: &'static str,
}

/// The tests [`SparevalEngine`](super::engine::SparevalEngine) does not run. Each is a deviation
/// of spareval (or of its parser) from the suite, not of the runner; the runner reports a name
/// here that matches no test as stale.
pub const SPAREVAL_SKIPS: &[SparqlSkip] = &[
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "GROUP_CONCAT with same language tag",
        reason: "spareval keeps the language tag its inputs share on GROUP_CONCAT's result \
                 (\"1 2\"@en); the suite expects a simple literal",
    },
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "GROUP_CONCAT with one element",
        reason: "as GROUP_CONCAT with same language tag: spareval gives \"1\"@en, not \"1\"",
    },
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "COUNT: no GROUP BY inside of GRAPH",
        reason: "spareval evaluates GRAPH ?g { SELECT (COUNT(*) AS ?c) … } once, without ?g, \
                 instead of once per named graph",
    },
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "VALUES inside GRAPH binding the same variable as the graph name",
        reason: "spareval does not bind the GRAPH variable on the rows where VALUES leaves it \
                 UNDEF",
    },
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "BNODE(str)",
        reason: "spareval's BNODE(str) gives the same blank node for the same string in every \
                 solution (_:foo); SPARQL gives one per solution",
    },
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "outer GRAPH operator does not affect MINUS disjointness",
        reason: "spareval counts the outer GRAPH variable as shared by both sides of MINUS, so \
                 the sides are not disjoint and the solution is removed",
    },
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "* with start being a constant on the empty dataset",
        reason: "spareval gives no zero-length path match for a constant absent from the \
                 dataset; the suite expects the constant itself",
    },
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "* with end being a constant on the empty dataset",
        reason: "as * with start being a constant on the empty dataset",
    },
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "? with start being a constant on the empty dataset",
        reason: "as * with start being a constant on the empty dataset",
    },
    SparqlSkip {
        suite: SparqlSuite::Query11,
        name: "? with end being a constant on the empty dataset",
        reason: "as * with start being a constant on the empty dataset",
    },
    SparqlSkip {
        suite: SparqlSuite::Federation11,
        name: "SERVICE test 5",
        reason: "spareval evaluates SERVICE ?service before the pattern that binds ?service, and \
                 fails on the unbound variable",
    },
    SparqlSkip {
        suite: SparqlSuite::Evaluation10,
        name: "date-2",
        reason: "spareval does not compare xsd:date values (the optional mf:XsdDateOperations): \
                 the FILTER ?v != \"2006-08-23\"^^xsd:date drops every solution",
    },
    SparqlSkip {
        suite: SparqlSuite::Evaluation10,
        name: "date-3",
        reason: "as date-2, with >",
    },
    SparqlSkip {
        suite: SparqlSuite::Evaluation10,
        name: "graph-variable-scope",
        reason: "spareval binds the GRAPH variable while evaluating the pattern inside GRAPH, so \
                 FILTER(BOUND(?g)) there holds",
    },
    SparqlSkip {
        suite: SparqlSuite::Evaluation10,
        name: "graph-optional",
        reason: "as graph-variable-scope: the GRAPH variable is bound inside the nested OPTIONAL",
    },
    SparqlSkip {
        suite: SparqlSuite::Evaluation10,
        name: "str-1",
        reason: "spareval takes STR of a number from its value, not its lexical form: \
                 STR(\"01\"^^xsd:integer) is \"1\"",
    },
    SparqlSkip {
        suite: SparqlSuite::Evaluation10,
        name: "str-2",
        reason: "as str-1",
    },
    SparqlSkip {
        suite: SparqlSuite::Evaluation10,
        name: "case-insensitive booleans",
        reason: "spargebra 0.4.8 rejects the boolean keyword written False (a proposed test)",
    },
    SparqlSkip {
        suite: SparqlSuite::Syntax10,
        name: "syn-bad-26.rq",
        reason: "spargebra 0.4.8 reads ?x<?a&&?b>?y as comparisons; the longest-token rule makes \
                 <?a&&?b> an IRI, so the query is invalid",
    },
];

/// What an entry is, from its `mf:` type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKind {
    /// The query is valid (`mf:PositiveSyntaxTest`, `mf:PositiveSyntaxTest11`).
    PositiveSyntax,
    /// The query is invalid (`mf:NegativeSyntaxTest`, `mf:NegativeSyntaxTest11`).
    NegativeSyntax,
    /// The query's answer must match `mf:result` (`mf:QueryEvaluationTest`,
    /// `mf:CSVResultFormatTest`).
    Evaluation,
}

/// The kind of a test from one of its `rdf:type`s, or `None` for a type this runner does not know.
pub fn classify(type_iri: &str) -> Option<TestKind> {
    match type_iri.strip_prefix(mf::NS)? {
        "PositiveSyntaxTest" | "PositiveSyntaxTest11" => Some(TestKind::PositiveSyntax),
        "NegativeSyntaxTest" | "NegativeSyntaxTest11" => Some(TestKind::NegativeSyntax),
        "QueryEvaluationTest" | "CSVResultFormatTest" => Some(TestKind::Evaluation),
        _ => None,
    }
}

/// A test that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The folder of the manifest listing it (`aggregates`, `syntax-sparql1`, …).
    pub manifest: String,
    /// The test's `mf:name`.
    pub name: String,
    /// What went wrong.
    pub message: String,
}

/// A test that was not run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The folder of the manifest listing it.
    pub manifest: String,
    /// The test's `mf:name`.
    pub name: String,
    /// Why (from the skip list).
    pub reason: &'static str,
}

/// The counts of one included manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestTally {
    /// The manifest's folder.
    pub manifest: String,
    /// Its number of entries.
    pub entries: usize,
    /// How many passed.
    pub passed: usize,
    /// How many failed.
    pub failed: usize,
    /// How many were skipped.
    pub skipped: usize,
}

/// What running one suite gave. Its `Display` is the printed report: a summary line, one line per
/// included manifest, then the failures and the skips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The suite.
    pub suite: SparqlSuite,
    /// Number of tests in all its manifests.
    pub entries: usize,
    /// Number of tests that passed.
    pub passed: usize,
    /// The tests that failed.
    pub failures: Vec<Failure>,
    /// The tests skipped.
    pub skipped: Vec<Skip>,
    /// The tests among those passed that matched only with numeric and boolean literals compared
    /// by value, each with the exact comparison's message (see [`results`]).
    pub by_value: Vec<Failure>,
    /// Names in the skip list for this suite that match no test: the list has gone stale.
    pub stale_skips: Vec<&'static str>,
    /// The counts per included manifest, in the order they were read.
    pub manifests: Vec<ManifestTally>,
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
            "sparql {}: {} passed, {} failed, {} skipped",
            self.suite,
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
        for pass in &self.by_value {
            // The reason, then the first solution or triple of each kind that differs.
            let mut lines = pass.message.lines();
            let mut shown: Vec<&str> = lines.next().into_iter().collect();
            shown.extend(
                lines
                    .clone()
                    .find(|l| l.trim_start().starts_with("missing")),
            );
            shown.extend(lines.find(|l| l.trim_start().starts_with("unexpected")));
            let shown: Vec<&str> = shown.iter().map(|l| l.trim()).collect();
            writeln!(
                f,
                "  passed by value [{}] {}: {}",
                pass.manifest,
                pass.name,
                shown.join("; ")
            )?;
        }
        for name in &self.stale_skips {
            writeln!(
                f,
                "  STALE SKIP {name}: the skip list names it, but the suite has no such test"
            )?;
        }
        Ok(())
    }
}

/// Runs every test of `suite` against `engine`, skipping the tests `skips` names for the suite.
/// `root` is the `rdf-tests/sparql` folder.
///
/// ```no_run
/// use std::path::Path;
/// use trine_tests::w3c::engine::SparevalEngine;
/// use trine_tests::w3c::sparql::{SPAREVAL_SKIPS, SparqlSuite, run_sparql_manifest};
///
/// let root = Path::new("../shared/conformance/rdf-tests/sparql");
/// let engine = SparevalEngine::new();
/// let report = run_sparql_manifest(root, SparqlSuite::Query11, &engine, SPAREVAL_SKIPS)?;
/// print!("{report}");
/// assert!(report.is_ok());
/// # Ok::<_, trine_tests::w3c::ManifestError>(())
/// ```
///
/// # Errors
/// Fails only if a manifest itself cannot be read; a test that cannot be run (a missing input, an
/// unknown test type) is a failure in the report.
pub fn run_sparql_manifest(
    root: &Path,
    suite: SparqlSuite,
    engine: &dyn QueryEngine,
    skips: &[SparqlSkip],
) -> Result<Report, ManifestError> {
    let manifests = Manifest::read_with_includes(&root.join(suite.manifest_path()))?;
    let skips: Vec<(&'static str, &'static str)> = skips
        .iter()
        .filter(|skip| skip.suite == suite)
        .map(|skip| (skip.name, skip.reason))
        .collect();
    let mut by_value = Vec::new();
    let tally = run_entries(manifests, &skips, |manifest, folder, entry| {
        match run_test(engine, manifest, entry)? {
            Verdict::Exact => {}
            Verdict::ByValue(message) => by_value.push(Failure {
                manifest: folder.to_owned(),
                name: entry.name.clone(),
                message,
            }),
        }
        Ok(())
    });
    Ok(Report {
        suite,
        entries: tally.entries,
        passed: tally.passed,
        failures: tally.failures,
        skipped: tally.skipped,
        by_value,
        stale_skips: tally.stale_skips,
        manifests: tally.manifests,
    })
}

/// What running every entry of a suite's manifests gave.
pub(crate) struct Tally {
    pub(crate) entries: usize,
    pub(crate) passed: usize,
    pub(crate) failures: Vec<Failure>,
    pub(crate) skipped: Vec<Skip>,
    pub(crate) stale_skips: Vec<&'static str>,
    pub(crate) manifests: Vec<ManifestTally>,
}

/// Runs `run` on every entry of `manifests` (given the manifest, its folder name and the entry)
/// except those `skips` names (`(mf:name, reason)`), counting per manifest. A manifest without
/// `mf:assumedTestBase` gets the one its test IRIs imply.
pub(crate) fn run_entries(
    manifests: Vec<Manifest>,
    skips: &[(&'static str, &'static str)],
    mut run: impl FnMut(&Manifest, &str, &TestEntry) -> Result<(), String>,
) -> Tally {
    let mut report = Tally {
        entries: 0,
        passed: 0,
        failures: Vec::new(),
        skipped: Vec::new(),
        stale_skips: Vec::new(),
        manifests: Vec::new(),
    };
    for mut manifest in manifests {
        if manifest.assumed_test_base.is_none() {
            manifest.assumed_test_base = manifest.test_base_from_entries();
        }
        let folder = manifest
            .dir
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        let mut tally = ManifestTally {
            manifest: folder.clone(),
            entries: manifest.entries.len(),
            passed: 0,
            failed: 0,
            skipped: 0,
        };
        for entry in &manifest.entries {
            if let Some((_, reason)) = skips.iter().find(|(name, _)| *name == entry.name) {
                tally.skipped += 1;
                report.skipped.push(Skip {
                    manifest: folder.clone(),
                    name: entry.name.clone(),
                    reason,
                });
                continue;
            }
            match run(&manifest, &folder, entry) {
                Ok(()) => tally.passed += 1,
                Err(message) => {
                    tally.failed += 1;
                    report.failures.push(Failure {
                        manifest: folder.clone(),
                        name: entry.name.clone(),
                        message,
                    });
                }
            }
        }
        report.entries += tally.entries;
        report.passed += tally.passed;
        report.manifests.push(tally);
    }
    report.stale_skips = skips
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !report.skipped.iter().any(|skip| skip.name == *name))
        .collect();
    report
}

fn run_test(
    engine: &dyn QueryEngine,
    manifest: &Manifest,
    entry: &TestEntry,
) -> Result<Verdict, String> {
    let kind = entry
        .types
        .iter()
        .find_map(|t| classify(t))
        .ok_or_else(|| format!("no test type this runner knows among {:?}", entry.types))?;
    match kind {
        TestKind::PositiveSyntax | TestKind::NegativeSyntax => {
            let action = entry.action_iri().ok_or("the test has no mf:action file")?;
            let action = manifest.file(action).map_err(|e| e.to_string())?;
            let bytes = fs::read(&action.path)
                .map_err(|e| format!("cannot read {}: {e}", action.path.display()))?;
            let parsed = match String::from_utf8(bytes) {
                Ok(text) => engine.parse(&text, Some(&action.base_iri)),
                // A query is text: bytes that are not UTF-8 are no query at all.
                Err(e) => Err(format!("the file is not UTF-8: {e}")),
            };
            match (kind, parsed) {
                (TestKind::PositiveSyntax, Err(e)) => {
                    Err(format!("the engine rejects a valid query: {e}"))
                }
                (TestKind::NegativeSyntax, Ok(())) => {
                    Err("the engine accepts an invalid query".into())
                }
                _ => Ok(Verdict::Exact),
            }
        }
        TestKind::Evaluation => run_evaluation(engine, manifest, entry),
    }
}

fn run_evaluation(
    engine: &dyn QueryEngine,
    manifest: &Manifest,
    entry: &TestEntry,
) -> Result<Verdict, String> {
    let action = match &entry.action {
        Some(Term::BlankNode(node)) => NamedOrBlankNodeRef::from(node),
        Some(Term::NamedNode(node)) => node.into(),
        _ => return Err("the test's mf:action is not a node".into()),
    };
    let Inputs {
        query_file,
        query,
        mut dataset,
        services,
    } = read_inputs(manifest, action)?;

    // The runner reads the query itself, with the reference parser, for what the test needs beyond
    // the engine's answer: which files its FROM clauses load and whether its solutions are ordered.
    // An engine that parses what the reference parser does not still gets its answer compared.
    let analysis = SparqlParser::new()
        .with_base_iri(query_file.base_iri.as_str())
        .ok()
        .and_then(|parser| parser.parse_query(&query).ok());
    if let Some(from) = analysis.as_ref().and_then(Query::dataset) {
        for iri in from.default.iter().chain(from.named.iter().flatten()) {
            let name = GraphName::NamedNode(iri.clone());
            if dataset.graph(&name).is_empty() {
                let data = manifest
                    .file_at_test_base(iri.as_str())
                    .map_err(|e| format!("cannot load FROM {iri}: {e}"))?;
                load(&mut dataset, &data, name)?;
            }
        }
    }
    let order = analysis
        .as_ref()
        .map_or(results::Order::Unordered, results::Order::of);

    let result_file = entry
        .result_iri()
        .ok_or("the evaluation test has no mf:result file")?;
    let result_file = manifest.file(result_file).map_err(|e| e.to_string())?;
    let expected = results::read_expected(&result_file)?;
    let lax = manifest.graph.contains(TripleRef::new(
        &entry.id,
        RESULT_CARDINALITY,
        LAX_CARDINALITY,
    ));

    let base_iri = Some(query_file.base_iri.as_str());
    let outcome = if services.is_empty() {
        engine.query(&dataset, &query, base_iri)
    } else {
        engine.query_with_services(&dataset, &query, base_iri, &services)
    }
    .map_err(|e| format!("the engine failed: {e}"))?;
    results::compare(&expected, &outcome, &order, lax)
}

/// What an evaluation test's `mf:action` gives: the query and the data it runs over.
struct Inputs {
    /// The `qt:query` file.
    query_file: TestFile,
    /// Its text.
    query: String,
    /// `qt:data` in the default graph, each `qt:graphData` as a named graph.
    dataset: Dataset,
    /// The endpoints of `qt:serviceData`.
    services: Vec<LocalService>,
}

fn read_inputs(manifest: &Manifest, action: NamedOrBlankNodeRef<'_>) -> Result<Inputs, String> {
    let graph = &manifest.graph;
    let file = |term: TermRef<'_>, what: &str| match term {
        TermRef::NamedNode(iri) => manifest.file(iri.as_str()).map_err(|e| e.to_string()),
        other => Err(format!("{what} {other} is not a file")),
    };

    let query_file = graph
        .object_for_subject_predicate(action, qt::QUERY)
        .ok_or("the test has no qt:query")?;
    let query_file = file(query_file, "qt:query")?;
    let query = fs::read_to_string(&query_file.path)
        .map_err(|e| format!("cannot read {}: {e}", query_file.path.display()))?;

    let mut dataset = Dataset::new();
    for data in graph.objects_for_subject_predicate(action, qt::DATA) {
        let data = file(data, "qt:data")?;
        load(&mut dataset, &data, GraphName::DefaultGraph)?;
    }
    for data in graph.objects_for_subject_predicate(action, qt::GRAPH_DATA) {
        let data = file(data, "qt:graphData")?;
        let name = NamedNode::new(data.base_iri.as_str())
            .map_err(|e| format!("invalid graph name {}: {e}", data.base_iri))?;
        load(&mut dataset, &data, name.into())?;
    }

    let mut services = Vec::new();
    for service in graph.objects_for_subject_predicate(action, qt::SERVICE_DATA) {
        let service = match service {
            TermRef::BlankNode(node) => NamedOrBlankNodeRef::from(node),
            TermRef::NamedNode(node) => node.into(),
            other => return Err(format!("qt:serviceData {other} is not a node")),
        };
        let Some(TermRef::NamedNode(endpoint)) =
            graph.object_for_subject_predicate(service, qt::ENDPOINT)
        else {
            return Err(format!("qt:serviceData {service} has no qt:endpoint IRI"));
        };
        let mut endpoint_data = Dataset::new();
        for data in graph.objects_for_subject_predicate(service, qt::DATA) {
            let data = file(data, "qt:data")?;
            load(&mut endpoint_data, &data, GraphName::DefaultGraph)?;
        }
        services.push(LocalService {
            endpoint: endpoint.into_owned(),
            dataset: endpoint_data,
        });
    }
    Ok(Inputs {
        query_file,
        query,
        dataset,
        services,
    })
}

/// Loads `file` into `dataset`, its default graph going to `graph`. Blank nodes are renamed, so two
/// files using the same label get distinct nodes.
pub(crate) fn load(dataset: &mut Dataset, file: &TestFile, graph: GraphName) -> Result<(), String> {
    let format = rdf_format(&file.path)?;
    let parser = RdfParser::from_format(format)
        .with_base_iri(file.base_iri.as_str())
        .map_err(|e| format!("invalid base IRI {}: {e}", file.base_iri))?
        .with_default_graph(graph)
        .rename_blank_nodes();
    let reader = fs::File::open(&file.path)
        .map(BufReader::new)
        .map_err(|e| format!("cannot open {}: {e}", file.path.display()))?;
    for quad in parser.for_reader(reader) {
        let quad = quad.map_err(|e| format!("cannot parse {}: {e}", file.path.display()))?;
        dataset.insert(&quad);
    }
    Ok(())
}

/// The RDF syntax of a test file, from its extension.
fn rdf_format(path: &Path) -> Result<RdfFormat, String> {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(RdfFormat::from_extension)
        .ok_or_else(|| format!("unknown RDF syntax for {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_mf_types() {
        let classified = |local: &str| classify(&format!("{}{local}", mf::NS));
        assert_eq!(
            classified("PositiveSyntaxTest11"),
            Some(TestKind::PositiveSyntax)
        );
        assert_eq!(
            classified("NegativeSyntaxTest"),
            Some(TestKind::NegativeSyntax)
        );
        assert_eq!(
            classified("QueryEvaluationTest"),
            Some(TestKind::Evaluation)
        );
        assert_eq!(
            classified("CSVResultFormatTest"),
            Some(TestKind::Evaluation)
        );
        assert_eq!(classified("UpdateEvaluationTest"), None);
        assert_eq!(classify("http://example.com/QueryEvaluationTest"), None);
    }
}
