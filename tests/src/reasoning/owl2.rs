//! The "OWL 2 RDF-Based Semantics" test collection's `owl2rl` and `rdfs` sub-suites: each case is
//! a folder with a metadata file (its type), a premise graph and, for entailments, a conclusion.
//!
//! A positive entailment passes when every conclusion triple is in the premise's materialized
//! closure (blank nodes matched by any term); an inconsistency passes when the reasoner reports
//! one. Cases the reasoner cannot decide by design are skipped by name with the reason
//! ([`SKIPS`]), and a skip of a case that passes is reported as stale.

use std::fmt;
use std::path::Path;

use oxrdf::Graph;
use oxrdfio::{RdfFormat, RdfParser};
use trine_core::reasoner::{Profile, ReasonerOptions};

use super::entailment::{entailed, materialized_store};

/// The two sub-suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owl2Suite {
    /// `owl2rl`: 273 cases, run with [`Profile::Owl2Rl`].
    Owl2Rl,
    /// `rdfs`: 53 cases, run with [`Profile::Rdfs`].
    Rdfs,
}

impl Owl2Suite {
    /// The folder under `owl2-rdfbased/`.
    pub fn dir_name(self) -> &'static str {
        match self {
            Self::Owl2Rl => "owl2rl",
            Self::Rdfs => "rdfs",
        }
    }

    fn profile(self) -> Profile {
        match self {
            Self::Owl2Rl => Profile::Owl2Rl,
            Self::Rdfs => Profile::Rdfs,
        }
    }
}

/// Cases not run, each with the reason.
pub const SKIPS: &[(Owl2Suite, &str, &str)] = &[
    (
        Owl2Suite::Owl2Rl,
        "rdfbased-xtr-reflection-listentries",
        "needs generalized RDF: a blank node used as a property (a property chain over `rdf:first` named by a blank node); the store holds RDF triples, whose predicates are IRIs",
    ),
    (
        Owl2Suite::Owl2Rl,
        "rdfbased-xtr-reflection-subclasses",
        "needs generalized RDF: `owl:onProperty [ owl:inverseOf rdf:type ]` derives triples whose predicate is a blank node, which an RDF store cannot hold",
    ),
    (
        Owl2Suite::Rdfs,
        "rdfbased-sem-rdf-container-highval-axiom",
        "an axiom of a container membership property (`rdf:_n`) the premise never mentions: there are infinitely many, and Trine materializes them only for the `rdf:_n` the data uses",
    ),
    (
        Owl2Suite::Rdfs,
        "rdfbased-sem-rdf-container-initval-axiom",
        "an axiom of a container membership property (`rdf:_n`) the premise never mentions: there are infinitely many, and Trine materializes them only for the `rdf:_n` the data uses",
    ),
    (
        Owl2Suite::Rdfs,
        "rdfbased-sem-rdfs-container-highval-axiom",
        "an axiom of a container membership property (`rdf:_n`) the premise never mentions: there are infinitely many, and Trine materializes them only for the `rdf:_n` the data uses",
    ),
    (
        Owl2Suite::Rdfs,
        "rdfbased-sem-rdfs-container-initval-axiom",
        "an axiom of a container membership property (`rdf:_n`) the premise never mentions: there are infinitely many, and Trine materializes them only for the `rdf:_n` the data uses",
    ),
    (
        Owl2Suite::Rdfs,
        "rdfbased-sem-rdf-xmlliteral-type",
        "needs `rdfD1`: a blank node standing for a literal, typed with its datatype; Trine does not allocate a blank node for every literal",
    ),
    (
        Owl2Suite::Rdfs,
        "rdfbased-sem-rdfs-plain-notag-type",
        "needs `rdfD1`: a blank node standing for a literal, typed with its datatype; Trine does not allocate a blank node for every literal",
    ),
    (
        Owl2Suite::Rdfs,
        "rdfbased-sem-rdfs-plain-tagged-type",
        "needs `rdfD1`: a blank node standing for a literal, typed with its datatype; Trine does not allocate a blank node for every literal",
    ),
];

/// What a suite run found.
#[derive(Debug, Default)]
pub struct Owl2Report {
    /// The sub-suite's folder name.
    pub suite: &'static str,
    /// Cases found.
    pub cases: usize,
    /// Names of the cases that passed.
    pub passed: Vec<String>,
    /// Cases that failed, with why.
    pub failed: Vec<(String, String)>,
    /// Cases skipped, with why.
    pub skipped: Vec<(String, &'static str)>,
    /// Skipped cases that pass now (the skip list is out of date).
    pub stale_skips: Vec<String>,
}

impl Owl2Report {
    /// Whether nothing failed and no skip is stale.
    pub fn is_ok(&self) -> bool {
        self.failed.is_empty() && self.stale_skips.is_empty()
    }
}

impl fmt::Display for Owl2Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "owl2-rdfbased {}: {} passed, {} failed, {} skipped",
            self.suite,
            self.passed.len(),
            self.failed.len(),
            self.skipped.len()
        )?;
        for (name, why) in &self.failed {
            writeln!(f, "  FAILED {name}: {why}")?;
        }
        for (name, why) in &self.skipped {
            writeln!(f, "  skipped {name}: {why}")?;
        }
        for name in &self.stale_skips {
            writeln!(f, "  STALE SKIP {name}: it passes now")?;
        }
        Ok(())
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn graph(text: &str) -> Result<Graph, String> {
    let mut graph = Graph::new();
    for quad in RdfParser::from_format(RdfFormat::Turtle).for_slice(text.as_bytes()) {
        let quad = quad.map_err(|e| format!("conclusion: {e}"))?;
        graph.insert(quad.as_ref());
    }
    Ok(graph)
}

/// Runs one case: `Ok(())` when it passes.
fn run_case(dir: &Path, name: &str, profile: Profile) -> Result<(), String> {
    let metadata = read(&dir.join(format!("{name}.metadata.properties")))?;
    let inconsistency = metadata.contains(">INCONSISTENCY<");
    if !inconsistency && !metadata.contains(">POSITIVE_ENTAILMENT<") {
        return Err("unknown test type".into());
    }
    // An inconsistency case has one graph; an entailment case a premise and a conclusion.
    let premise_file = if inconsistency {
        "graph"
    } else {
        "premisegraph"
    };
    let premise = read(&dir.join(format!("{name}.{premise_file}.ttl")))?;
    // The whole rule table, `eq-ref` included: the suite checks reflexive `owl:sameAs`.
    let mut options = ReasonerOptions::new(profile);
    options.reflexive_same_as = true;
    let (store, report) = materialized_store(&premise, None, options)?;
    if inconsistency {
        let found = store.inconsistencies().map_err(|e| e.to_string())?;
        if found.is_empty() || report.inconsistencies.is_empty() {
            return Err(format!(
                "no inconsistency reported ({} by the materialization, {} by the check)",
                report.inconsistencies.len(),
                found.len()
            ));
        }
        return Ok(());
    }
    let conclusion = graph(&read(&dir.join(format!("{name}.conclusiongraph.ttl")))?)?;
    if entailed(&store, &conclusion)? {
        Ok(())
    } else {
        Err("a conclusion triple is missing from the closure".into())
    }
}

/// Runs every case of `suite` under `root` (the `owl2-rdfbased` folder).
///
/// # Errors
/// The suite's folder cannot be listed.
pub fn run_owl2_suite(root: &Path, suite: Owl2Suite) -> Result<Owl2Report, String> {
    let dir = root.join(suite.dir_name());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut report = Owl2Report {
        suite: suite.dir_name(),
        cases: names.len(),
        ..Owl2Report::default()
    };
    for name in names {
        let outcome = run_case(&dir.join(&name), &name, suite.profile());
        let skip = SKIPS
            .iter()
            .find(|(s, skipped, _)| *s == suite && *skipped == name);
        match (skip, outcome) {
            (Some(_), Ok(())) => report.stale_skips.push(name),
            (Some((_, _, why)), Err(_)) => report.skipped.push((name, why)),
            (None, Ok(())) => report.passed.push(name),
            (None, Err(why)) => report.failed.push((name, why)),
        }
    }
    Ok(report)
}
