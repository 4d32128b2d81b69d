//! The W3C RDF 1.1 Semantics entailment tests (`rdf-tests/rdf/rdf11/rdf-mt`), run through a
//! memory store materialized with the `rdfs` profile.
//!
//! Each test names a premise (`mf:action`), a conclusion (`mf:result`: a graph, or the literal
//! `false` for "the premise is inconsistent"), an entailment regime (`simple`, `RDF` or `RDFS`) and
//! the datatypes to recognize and not to recognize. The premise is loaded (N-Triples or Turtle, by
//! its file extension, with the base IRI [`Manifest::file`] gives) and materialized; then
//! - a conclusion graph is entailed when every triple of it is in the closure, its blank nodes
//!   matched by any term ([`entailed`]), or when the premise is inconsistent (an inconsistent
//!   graph entails every graph);
//! - `false` is entailed when the reasoner reports an inconsistency.
//!
//! A `PositiveEntailmentTest` passes when the conclusion is entailed, a `NegativeEntailmentTest`
//! when it is not.
//!
//! Which tests run (the suite's README): a positive test passes when the implementation finds the
//! entailment under the test's regime *or a stronger one*, and RDFS entailment includes RDF and
//! simple entailment; so every positive test runs under `rdfs`. A negative test holds under its
//! regime *or a weaker one*, with none of its unrecognized datatypes recognized; run under a
//! stronger configuration (RDFS for a `simple` or `RDF` test, or with a datatype recognized that the
//! test lists as unrecognized) it only says something when the non-entailment still holds there.
//! Such a test runs only when [`CHECKED_UNDER_RDFS`] names it with why it still holds; otherwise it
//! is skipped with the reason. The datatypes Trine recognizes are read from the profile itself: the
//! `ddd rdf:type rdfs:Datatype` axioms it materializes on an empty store (RDF 1.1 Semantics states
//! those exactly for the recognized datatypes).
//!
//! Tests that need what Trine does not do are skipped by name ([`SKIPS`]); a skipped test that
//! passes is reported as a stale skip, as is a name in either list that matches no test (or a
//! [`CHECKED_UNDER_RDFS`] entry for a test that does not need it).

use std::fmt;
use std::path::Path;

use oxrdf::vocab::{rdf, rdfs, xsd};
use oxrdf::{Graph, GraphNameRef, NamedNodeRef, NamedOrBlankNode, QuadRef, Term, TermRef};
use oxrdfio::{RdfFormat, RdfParser};
use trine_core::Store;
use trine_core::kv::MemoryBackend;
use trine_core::reasoner::{Profile, ReasonerOptions};

use super::entailment::{entailed, materialized_store_in};
use crate::w3c::manifest::{Manifest, TestEntry, TestFile};

/// `mf:PositiveEntailmentTest`.
const POSITIVE_ENTAILMENT_TEST: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
    "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#PositiveEntailmentTest",
);
/// `mf:NegativeEntailmentTest`.
const NEGATIVE_ENTAILMENT_TEST: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
    "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#NegativeEntailmentTest",
);
/// `mf:entailmentRegime`.
const ENTAILMENT_REGIME: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
    "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#entailmentRegime",
);
/// `mf:unrecognizedDatatypes`.
const UNRECOGNIZED_DATATYPES: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
    "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#unrecognizedDatatypes",
);

const VALUE_EQUALITY: &str = "needs D-entailment by value: the two literals have different lexical forms but denote the \
     same value, so the premise entails the conclusion; Trine compares literals as terms (its \
     reasoner has no `dt-eq`, whose triples have a literal subject, and the store keeps lexical \
     forms as written)";
const FLOAT_VALUE_EQUALITY: &str = "needs xsd:float recognized, which Trine's rdfs profile does not state `rdfs:Datatype` of, \
     and D-entailment by value: the two literals have different lexical forms but round to the \
     same xsd:float, so the premise entails the conclusion; Trine compares literals as terms \
     (its reasoner has no `dt-eq`, whose triples have a literal subject)";

/// Tests not run as passing, each with the reason: they need what Trine does not do. They are
/// still run, and one that passes is reported as a stale skip.
pub const SKIPS: &[(&str, &str)] = &[
    (
        "datatypes-non-well-formed-literal-2",
        "`\"flargh\"^^xsd:integer` is ill-typed, and an ill-typed literal of a recognized datatype \
         makes the graph inconsistent on its own (RDF 1.1 Semantics, section 7.2); Trine \
         recognizes xsd:integer but reports an ill-typed literal only as the value of a property \
         whose `rdfs:range` is a datatype, and the premise has no `rdfs:range`",
    ),
    (
        "xmlsch-02-whitespace-facet-2",
        "needs xsd:int recognized: `\" 3 \"^^xsd:int` is ill-typed (the lexical space of xsd:int \
         has no whitespace), which makes the premise inconsistent; Trine's rdfs profile does not \
         state `xsd:int rdf:type rdfs:Datatype`, and it reports an ill-typed literal only as the \
         value of a property whose `rdfs:range` is a datatype, and the premise has no \
         `rdfs:range`",
    ),
    (
        "xmlsch-02-whitespace-facet-4",
        "the same premise and expected result as xmlsch-02-whitespace-facet-2: needs xsd:int \
         recognized and an ill-typed literal reported without an `rdfs:range`",
    ),
    (
        "datatypes-semantic-equivalence-within-type-1",
        VALUE_EQUALITY,
    ),
    (
        "datatypes-semantic-equivalence-within-type-2",
        VALUE_EQUALITY,
    ),
    (
        "datatypes-semantic-equivalence-between-datatypes",
        VALUE_EQUALITY,
    ),
    ("float-round-same", FLOAT_VALUE_EQUALITY),
    ("float-infinity", FLOAT_VALUE_EQUALITY),
    ("double-round-same", VALUE_EQUALITY),
    ("double-infinity", VALUE_EQUALITY),
    (
        "literal-type",
        "needs `rdfD1`: a blank node standing for the literal `\"42\"^^xsd:integer`, typed \
         `xsd:integer`; Trine does not allocate a blank node for every literal",
    ),
];

/// Negative tests whose configuration is weaker than Trine's (a regime weaker than RDFS, or a
/// datatype Trine recognizes listed as unrecognized) that are run anyway, each with why its
/// non-entailment still holds under RDFS with the datatypes Trine recognizes.
pub const CHECKED_UNDER_RDFS: &[(&str, &str)] = &[
    (
        "datatypes-test009",
        "`\"10\"` is a string and `\"10\"^^xsd:integer` an integer, distinct values whether \
         xsd:integer is recognized or not, and no RDFS rule relates them",
    ),
    (
        "rdf-charmod-uris-test003",
        "two distinct IRIs; RDFS has no equality, so no rule relates their triples",
    ),
    (
        "rdf-charmod-uris-test004",
        "two distinct IRIs; RDFS has no equality, so no rule relates their triples",
    ),
    (
        "rdfms-xmllang-test007a",
        "literals with different language tags are different values; no RDFS rule derives a \
         triple with a literal object from one with another",
    ),
    (
        "rdfms-xmllang-test007b",
        "literals with and without a language tag are different values; no RDFS rule derives a \
         triple with a literal object from one with another",
    ),
    (
        "rdfms-xmllang-test007c",
        "literals with and without a language tag are different values; no RDFS rule derives a \
         triple with a literal object from one with another",
    ),
    (
        "statement-entailment-test001",
        "RDFS gives reification no meaning beyond the domains and ranges of `rdf:subject`, \
         `rdf:predicate` and `rdf:object`; the manifest runs the same pair under RDFS as \
         statement-entailment-test003",
    ),
    (
        "statement-entailment-test002",
        "no RDFS rule derives an `rdf:Statement` from a triple; its comment in the manifest says \
         the same holds under RDFS (statement-entailment-test004)",
    ),
    (
        "statement-entailment-test004",
        "its comment says it is test002 under RDFS entailment, though its regime is \"RDF\": no \
         RDFS rule derives an `rdf:Statement` from a triple",
    ),
    (
        "float-zero",
        "`0` and `-0` are different xsd:float values, and distinct literals of an unrecognized \
         datatype need not co-denote; no RDFS rule relates the triples",
    ),
    (
        "float-round-different",
        "16777206.5 and 16777207.5 round to different xsd:float values (16777206 and \
         16777208), and distinct literals of an unrecognized datatype need not co-denote",
    ),
    (
        "double-zero",
        "`0` and `-0` are different xsd:double values; no RDFS rule relates the triples",
    ),
    (
        "double-round-different",
        "9007199254740990.5 and 9007199254740991.5 round to different xsd:double values, and \
         no RDFS rule relates the triples",
    ),
];

/// What a run of the suite found. Its `Display` prints a summary line, then every failure, skip
/// and stale list entry with its reason.
#[derive(Debug, Default)]
pub struct RdfMtReport {
    /// Tests in the manifest's `mf:entries`.
    pub entries: usize,
    /// Names of the tests that passed.
    pub passed: Vec<String>,
    /// Tests that failed, with why.
    pub failed: Vec<(String, String)>,
    /// Tests skipped, with why.
    pub skipped: Vec<(String, String)>,
    /// Entries of [`SKIPS`] or [`CHECKED_UNDER_RDFS`] that are out of date, with why.
    pub stale_skips: Vec<(String, String)>,
}

impl RdfMtReport {
    /// Whether nothing failed and no skip is stale.
    pub fn is_ok(&self) -> bool {
        self.failed.is_empty() && self.stale_skips.is_empty()
    }
}

impl fmt::Display for RdfMtReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "rdf-mt rdfs: {} passed, {} failed, {} skipped",
            self.passed.len(),
            self.failed.len(),
            self.skipped.len()
        )?;
        for (name, why) in &self.failed {
            writeln!(f, "  FAILED {name}: {}", why.replace('\n', "\n    "))?;
        }
        for (name, why) in &self.skipped {
            writeln!(f, "  skipped {name}: {why}")?;
        }
        for (name, why) in &self.stale_skips {
            writeln!(f, "  STALE SKIP {name}: {why}")?;
        }
        Ok(())
    }
}

/// An entailment regime of the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Regime {
    Simple,
    Rdf,
    Rdfs,
}

impl Regime {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "simple" => Some(Self::Simple),
            "RDF" => Some(Self::Rdf),
            "RDFS" => Some(Self::Rdfs),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Simple => "simple",
            Self::Rdf => "RDF",
            Self::Rdfs => "RDFS",
        }
    }
}

/// One test, read from the manifest.
struct Case {
    positive: bool,
    regime: Regime,
    unrecognized: Vec<String>,
    premise: TestFile,
    /// `None` for `mf:result false`.
    conclusion: Option<TestFile>,
}

fn read_case(manifest: &Manifest, entry: &TestEntry) -> Result<Case, String> {
    let positive = entry
        .types
        .iter()
        .any(|t| t == POSITIVE_ENTAILMENT_TEST.as_str());
    let negative = entry
        .types
        .iter()
        .any(|t| t == NEGATIVE_ENTAILMENT_TEST.as_str());
    if positive == negative {
        return Err(format!(
            "not exactly one of mf:PositiveEntailmentTest and mf:NegativeEntailmentTest among {:?}",
            entry.types
        ));
    }
    let regime = match manifest
        .graph
        .object_for_subject_predicate(&entry.id, ENTAILMENT_REGIME)
    {
        Some(TermRef::Literal(literal)) => Regime::parse(literal.value())
            .ok_or_else(|| format!("unknown entailment regime {literal}"))?,
        other => return Err(format!("mf:entailmentRegime is {other:?}, not a literal")),
    };
    let unrecognized = match manifest
        .graph
        .object_for_subject_predicate(&entry.id, UNRECOGNIZED_DATATYPES)
    {
        Some(head) => iri_list(&manifest.graph, head)?,
        None => Vec::new(),
    };
    let premise = entry.action_iri().ok_or("the test has no mf:action file")?;
    let premise = manifest.file(premise).map_err(|e| e.to_string())?;
    let conclusion = match &entry.result {
        Some(Term::NamedNode(file)) => {
            Some(manifest.file(file.as_str()).map_err(|e| e.to_string())?)
        }
        Some(Term::Literal(literal))
            if literal.datatype() == xsd::BOOLEAN && literal.value() == "false" =>
        {
            None
        }
        other => return Err(format!("mf:result is {other:?}, neither a file nor false")),
    };
    Ok(Case {
        positive,
        regime,
        unrecognized,
        premise,
        conclusion,
    })
}

/// The IRIs of the RDF list starting at `head`.
fn iri_list(graph: &Graph, head: TermRef<'_>) -> Result<Vec<String>, String> {
    crate::w3c::manifest::read_list(graph, head)?
        .into_iter()
        .map(|member| match member {
            NamedOrBlankNode::NamedNode(iri) => Ok(iri.into_string()),
            NamedOrBlankNode::BlankNode(node) => Err(format!("list member {node} is not an IRI")),
        })
        .collect()
}

/// The datatypes the `rdfs` profile recognizes: those it states `rdf:type rdfs:Datatype` of on an
/// empty store.
struct Recognized(Store<MemoryBackend>);

impl Recognized {
    fn new() -> Result<Self, String> {
        let (store, _) = materialized_store_in(
            RdfFormat::Turtle,
            "",
            None,
            ReasonerOptions::new(Profile::Rdfs),
        )?;
        Ok(Self(store))
    }

    fn contains(&self, datatype: &str) -> Result<bool, String> {
        let datatype = NamedNodeRef::new(datatype).map_err(|e| format!("{datatype}: {e}"))?;
        self.0
            .contains(QuadRef::new(
                datatype,
                rdf::TYPE,
                rdfs::DATATYPE,
                GraphNameRef::DefaultGraph,
            ))
            .map_err(|e| e.to_string())
    }
}

/// Why the test's configuration is weaker than Trine's, if it is: its regime is weaker than RDFS,
/// or it lists as unrecognized a datatype Trine recognizes.
fn weaker_configuration(case: &Case, recognized: &Recognized) -> Result<Option<String>, String> {
    if case.regime != Regime::Rdfs {
        return Ok(Some(format!(
            "entailment regime {} is not run: Trine's profiles are rdfs and owl2rl",
            case.regime.name()
        )));
    }
    for datatype in &case.unrecognized {
        if recognized.contains(datatype)? {
            return Ok(Some(format!(
                "mf:unrecognizedDatatypes lists <{datatype}>, which Trine's rdfs profile \
                 recognizes (it states `<{datatype}> rdf:type rdfs:Datatype`)"
            )));
        }
    }
    Ok(None)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn format_of(file: &TestFile) -> Result<RdfFormat, String> {
    file.path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(RdfFormat::from_extension)
        .ok_or_else(|| format!("unknown syntax for {}", file.path.display()))
}

fn graph(file: &TestFile) -> Result<Graph, String> {
    let parser = RdfParser::from_format(format_of(file)?)
        .with_base_iri(file.base_iri.as_str())
        .map_err(|e| format!("invalid base IRI {}: {e}", file.base_iri))?;
    let text = read(&file.path)?;
    let mut graph = Graph::new();
    for quad in parser.for_slice(text.as_bytes()) {
        let quad = quad.map_err(|e| format!("{}: {e}", file.path.display()))?;
        graph.insert(quad.as_ref());
    }
    Ok(graph)
}

/// Runs one test: `Ok(())` when it passes, else why not.
fn run_case(case: &Case) -> Result<(), String> {
    let premise = read(&case.premise.path)?;
    let (store, report) = materialized_store_in(
        format_of(&case.premise)?,
        &premise,
        Some(&case.premise.base_iri),
        ReasonerOptions::new(Profile::Rdfs),
    )?;
    let found = store.inconsistencies().map_err(|e| e.to_string())?;
    if found.is_empty() != report.inconsistencies.is_empty() {
        return Err(format!(
            "the materialization reports {} inconsistencies and the check {}",
            report.inconsistencies.len(),
            found.len()
        ));
    }
    let inconsistent = !found.is_empty();
    let listed = || {
        found
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    };
    let Some(conclusion) = &case.conclusion else {
        return match (case.positive, inconsistent) {
            (true, true) | (false, false) => Ok(()),
            (true, false) => {
                Err("the premise is inconsistent, but no inconsistency is reported".into())
            }
            (false, true) => Err(format!(
                "the premise is consistent, but inconsistencies are reported: {}",
                listed()
            )),
        };
    };
    if inconsistent {
        // An inconsistent graph entails every graph.
        return if case.positive {
            Ok(())
        } else {
            Err(format!(
                "the premise is reported inconsistent, so it entails the conclusion: {}",
                listed()
            ))
        };
    }
    let holds = entailed(&store, &graph(conclusion)?)?;
    match (case.positive, holds) {
        (true, true) | (false, false) => Ok(()),
        (true, false) => Err("a conclusion triple is missing from the closure".into()),
        (false, true) => Err("the conclusion is in the closure, but is not entailed".into()),
    }
}

/// Runs every test of the manifest in `dir` (the `rdf-mt` folder) with the `rdfs` profile.
///
/// # Errors
/// The manifest cannot be read, or the profile cannot be materialized on an empty store. A test
/// that cannot be run (a missing file, an unknown regime) is a failure in the report.
pub fn run_rdf_mt(dir: &Path) -> Result<RdfMtReport, String> {
    let manifest = Manifest::read(&dir.join("manifest.ttl")).map_err(|e| e.to_string())?;
    let recognized = Recognized::new()?;
    let mut report = RdfMtReport {
        entries: manifest.entries.len(),
        ..RdfMtReport::default()
    };
    let mut checks_used = Vec::new();
    for entry in &manifest.entries {
        let name = entry.name.clone();
        let case = match read_case(&manifest, entry) {
            Ok(case) => case,
            Err(why) => {
                report.failed.push((name, why));
                continue;
            }
        };
        let skip = SKIPS
            .iter()
            .find(|(skipped, _)| *skipped == name)
            .map(|(_, why)| *why);
        // A positive test may run under a stronger configuration; a negative one only if checked.
        let weaker = if case.positive {
            None
        } else {
            weaker_configuration(&case, &recognized)?
        };
        if let Some(why) = weaker {
            if CHECKED_UNDER_RDFS
                .iter()
                .any(|(checked, _)| *checked == name)
            {
                checks_used.push(name.clone());
            } else if skip.is_none() {
                report.skipped.push((
                    name,
                    format!(
                        "{why}; as a negative test it is not run under RDFS unless \
                         CHECKED_UNDER_RDFS says why its non-entailment still holds there"
                    ),
                ));
                continue;
            }
        }
        match (skip, run_case(&case)) {
            (Some(_), Ok(())) => report.stale_skips.push((name, "it passes now".to_owned())),
            (Some(why), Err(_)) => report.skipped.push((name, why.to_owned())),
            (None, Ok(())) => report.passed.push(name),
            (None, Err(why)) => report.failed.push((name, why)),
        }
    }
    for (name, _) in SKIPS {
        if !manifest.entries.iter().any(|entry| entry.name == *name) {
            report
                .stale_skips
                .push(((*name).to_owned(), "the manifest has no such test".into()));
        }
    }
    for (name, _) in CHECKED_UNDER_RDFS {
        if !checks_used.iter().any(|used| used == name) {
            report.stale_skips.push((
                (*name).to_owned(),
                "CHECKED_UNDER_RDFS names it, but the manifest has no negative test of that \
                 name whose configuration is weaker than Trine's"
                    .into(),
            ));
        }
    }
    Ok(report)
}
