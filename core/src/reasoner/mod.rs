//! RDFS and OWL 2 RL reasoning, materialized into the store and kept up to date on every write.
//!
//! - **Rules**: the OWL 2 RL/RDF rule tables and the RDFS rules are written in Trine's rule
//!   language ([`parse_rules`]) and compiled to rules over ids. They are then specialised
//!   against the schema: rules over RDF lists and cardinalities become one rule per list found,
//!   and a rule that joins schema atoms with data atoms (`prp-dom`, `cax-sco`, …) becomes one
//!   rule per match of its schema atoms, so evaluation reads only the facts each rule can use.
//!   Users add their own rules in the same language.
//! - **Evaluation**: semi-naive, over ids, through hash indexes for a first materialization and
//!   through the store's sorted indexes for maintenance.
//! - **Where inferences go**: the reasoner reads the *default graph* and writes what it derives to
//!   the default graph, flagged inferred (a quad may be explicit and inferred at once). Named
//!   graphs are neither read nor written by it.
//! - **Maintenance**: with a profile set on the store ([`Store::set_reasoning`](crate::Store::set_reasoning)),
//!   every transaction's commit extends the closure from its inserted quads (semi-naive) and
//!   retracts with DRed for its deleted ones (overdelete, rederive, propagate), never a full
//!   recompute for data (ABox) changes; a change to the schema the rules are specialised on (a
//!   TBox triple such as `rdfs:subClassOf`, a list, a cardinality) specialises them again and
//!   recomputes the closure, and the report says so ([`MaterializeReport::full_recompute`]).
//! - **Inconsistencies**: rules whose head is `false` (`cax-dw`, `prp-irp`, `eq-diff1`, …) are
//!   reported with the triples that matched ([`Store::inconsistencies`](crate::Store::inconsistencies)).
//! - **Not covered**: rules that only derive triples with a literal subject (`dt-type2`, `dt-eq`,
//!   `dt-diff`, `dt-not-type`), since a store of RDF triples cannot hold them; `owl:sameAs` is
//!   materialized by the `eq-rep-*` rules (every alias gets every triple), not yet through
//!   equivalence classes with one representative.
//!
//! ```
//! use trine_core::{Store, kv::MemoryBackend, io::{LoadOptions, RdfFormat}};
//! use trine_core::reasoner::{Profile, ReasonerOptions};
//! use trine_core::oxrdf::{GraphNameRef, NamedNodeRef, QuadRef, vocab::rdf};
//!
//! let store = Store::open(MemoryBackend::new())?;
//! let data = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
//!             <http://e/Cat> rdfs:subClassOf <http://e/Animal> .
//!             <http://e/tom> a <http://e/Cat> .";
//! store.load_from_reader(RdfFormat::Turtle, data.as_bytes(), &LoadOptions::new())?;
//! let report = store.set_reasoning(ReasonerOptions::new(Profile::Rdfs))?;
//! assert!(report.inferred > 0);
//! let (tom, animal) = (NamedNodeRef::new("http://e/tom")?, NamedNodeRef::new("http://e/Animal")?);
//! assert!(store.contains(QuadRef::new(tom, rdf::TYPE, animal, GraphNameRef::DefaultGraph))?);
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```

mod cache;
mod compile;
mod datatypes;
mod engine;
mod error;
mod facts;
mod maintain;
mod specialise;
mod stats;
mod syntax;
mod tables;

use std::fmt;
use std::str::FromStr;

pub use error::ReasonerError;
pub use syntax::{Rule, RuleAtom, RuleTerm, parse_rules};

pub(crate) use cache::ProgramCache;
pub(crate) use maintain::{inconsistencies, maintain, rematerialize};
pub use stats::{ReasoningStats, RunStats};
pub(crate) use stats::{StatsRecorder, Stopwatch};

use crate::sparql::CancellationToken;

/// Which rules a store keeps materialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// No built-in rules (user rules only, if any).
    #[default]
    None,
    /// RDFS entailment (RDF 1.1 Semantics, rules `rdfD2`, `rdfs2`–`rdfs13`, axiomatic triples).
    Rdfs,
    /// The OWL 2 RL/RDF rules (W3C OWL 2 Profiles, section 4.3).
    Owl2Rl,
}

impl Profile {
    /// The profile's name: `none`, `rdfs` or `owl2rl`.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Rdfs => "rdfs",
            Self::Owl2Rl => "owl2rl",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = ReasonerError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.to_ascii_lowercase().as_str() {
            "none" => Ok(Self::None),
            "rdfs" => Ok(Self::Rdfs),
            "owl2rl" | "owl2-rl" | "owl-rl" => Ok(Self::Owl2Rl),
            _ => Err(ReasonerError::UnknownProfile(name.to_owned())),
        }
    }
}

/// What to materialize and within which limits.
#[derive(Debug, Clone)]
pub struct ReasonerOptions {
    /// The built-in rules.
    pub profile: Profile,
    /// User rules, in the syntax of [`parse_rules`] (checked by [`with_rules`](Self::with_rules)).
    pub rules: String,
    /// Materialize `eq-ref` (`x owl:sameAs x` for every term); off by default.
    pub reflexive_same_as: bool,
    /// Most semi-naive rounds per run.
    pub max_rounds: usize,
    /// Most facts one run may derive.
    pub max_derived: usize,
    /// Stop with [`ReasonerError::LimitExceeded`] after this long (not on `wasm32`).
    pub timeout: Option<std::time::Duration>,
    /// Stop with [`ReasonerError::Cancelled`] once cancelled.
    pub cancellation: CancellationToken,
}

impl ReasonerOptions {
    /// Options for `profile` with default limits (10,000 rounds, 100 million derived facts, no
    /// timeout).
    pub fn new(profile: Profile) -> Self {
        Self {
            profile,
            rules: String::new(),
            reflexive_same_as: false,
            max_rounds: 10_000,
            max_derived: 100_000_000,
            timeout: None,
            cancellation: CancellationToken::new(),
        }
    }

    /// Adds user rules.
    ///
    /// # Errors
    /// [`ReasonerError::RuleSyntax`] with the position of the first error.
    pub fn with_rules(mut self, rules: impl Into<String>) -> Result<Self, ReasonerError> {
        let rules = rules.into();
        parse_rules(&rules)?;
        self.rules = rules;
        Ok(self)
    }

    pub(crate) fn user_rules(&self) -> Result<Vec<Rule>, ReasonerError> {
        parse_rules(&self.rules)
    }

    /// Whether any rule is active.
    pub fn is_active(&self) -> bool {
        self.profile != Profile::None || !self.rules.trim().is_empty()
    }
}

/// A match of a rule whose head is `false`, in ids.
#[derive(Debug, Clone)]
pub(crate) struct Violation {
    pub(crate) rule: String,
    pub(crate) facts: Vec<facts::Triple>,
}

/// A match of a rule whose head is `false`: the data contradicts the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistency {
    /// The rule (`cax-dw`, `prp-irp`, a user rule's name, …).
    pub rule: String,
    /// The triples that matched its body.
    pub triples: Vec<oxrdf::Triple>,
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.rule)?;
        for triple in &self.triples {
            write!(f, " {triple} .")?;
        }
        Ok(())
    }
}

/// What a materialization or a maintenance step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterializeReport {
    /// The profile.
    pub profile: Profile,
    /// Semi-naive rounds run.
    pub rounds: usize,
    /// Default-graph quads flagged inferred afterwards.
    pub inferred: u64,
    /// Quads that gained the inferred flag.
    pub added: u64,
    /// Quads that lost it.
    pub removed: u64,
    /// Whether the closure was recomputed from scratch (a first materialization, or a change to
    /// the schema the rules are specialised on).
    pub full_recompute: bool,
    /// Inconsistencies found by the rules that ran (a full materialization finds all of them;
    /// maintenance finds those its changes caused).
    pub inconsistencies: Vec<Inconsistency>,
}

impl MaterializeReport {
    fn unchanged(profile: Profile) -> Self {
        Self {
            profile,
            rounds: 0,
            inferred: 0,
            added: 0,
            removed: 0,
            full_recompute: false,
            inconsistencies: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
