//! Specialising rules against the schema.
//!
//! A rule whose body mixes schema atoms (`[?p rdfs:domain ?c]`, `[?p a owl:TransitiveProperty]`)
//! with data atoms (`[?x ?p ?y]`) becomes one rule per match of its schema atoms, the matched
//! terms written in as constants: `prp-dom` over a schema with thirty domain axioms is thirty rules
//! `[?x P ?y] => [?x a C]`, each reading only the facts of its own predicate. The schema must
//! therefore be complete before specialising (its closure is computed first), and a change to it
//! calls for specialising again (see [`SchemaVocabulary::is_schema_fact`]).

use rustc_hash::FxHashSet;

use super::ReasonerError;
use super::engine::{Atom, CompiledRule, Slot};
use super::facts::{Facts, Triple};
use crate::encoding::TermId;

/// What the compiled rules depend on beyond their tables: atoms with a schema predicate and
/// `rdf:type` atoms whose class is a schema class (property characteristics, `owl:Class`, …) are
/// specialised on its facts; RDF lists, cardinalities and `owl:sameAs` to a literal are compiled
/// into rules. A change to any of these facts compiles the program again.
#[derive(Debug, Clone, Default)]
pub(crate) struct SchemaVocabulary {
    pub(crate) predicates: Vec<TermId>,
    pub(crate) rdf_type: Option<TermId>,
    pub(crate) classes: Vec<TermId>,
    /// `owl:sameAs`: the `dt-*` rules are compiled per literal an individual is the same as.
    pub(crate) same_as: Option<TermId>,
}

/// Schema predicates, in the OWL and RDFS namespaces.
pub(crate) const SCHEMA_PREDICATES: &[&str] = &[
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/2000/01/rdf-schema#domain",
    "http://www.w3.org/2000/01/rdf-schema#range",
    "http://www.w3.org/2002/07/owl#equivalentClass",
    "http://www.w3.org/2002/07/owl#equivalentProperty",
    "http://www.w3.org/2002/07/owl#inverseOf",
    "http://www.w3.org/2002/07/owl#onProperty",
    "http://www.w3.org/2002/07/owl#someValuesFrom",
    "http://www.w3.org/2002/07/owl#allValuesFrom",
    "http://www.w3.org/2002/07/owl#hasValue",
    "http://www.w3.org/2002/07/owl#onClass",
    "http://www.w3.org/2002/07/owl#disjointWith",
    "http://www.w3.org/2002/07/owl#propertyDisjointWith",
    "http://www.w3.org/2002/07/owl#complementOf",
    // Lists and cardinalities, compiled into rules.
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#first",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest",
    "http://www.w3.org/2002/07/owl#propertyChainAxiom",
    "http://www.w3.org/2002/07/owl#hasKey",
    "http://www.w3.org/2002/07/owl#members",
    "http://www.w3.org/2002/07/owl#distinctMembers",
    "http://www.w3.org/2002/07/owl#intersectionOf",
    "http://www.w3.org/2002/07/owl#unionOf",
    "http://www.w3.org/2002/07/owl#oneOf",
    "http://www.w3.org/2002/07/owl#maxCardinality",
    "http://www.w3.org/2002/07/owl#maxQualifiedCardinality",
];

/// Schema classes: an `rdf:type` atom with one of these as its class reads the schema.
pub(crate) const SCHEMA_CLASSES: &[&str] = &[
    "http://www.w3.org/2002/07/owl#TransitiveProperty",
    "http://www.w3.org/2002/07/owl#SymmetricProperty",
    "http://www.w3.org/2002/07/owl#AsymmetricProperty",
    "http://www.w3.org/2002/07/owl#FunctionalProperty",
    "http://www.w3.org/2002/07/owl#InverseFunctionalProperty",
    "http://www.w3.org/2002/07/owl#IrreflexiveProperty",
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
    "http://www.w3.org/2002/07/owl#Class",
    "http://www.w3.org/2000/01/rdf-schema#Class",
    "http://www.w3.org/2000/01/rdf-schema#Datatype",
    "http://www.w3.org/2000/01/rdf-schema#ContainerMembershipProperty",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
    "http://www.w3.org/2002/07/owl#AllDisjointProperties",
    "http://www.w3.org/2002/07/owl#AllDisjointClasses",
    "http://www.w3.org/2002/07/owl#AllDifferent",
];

impl SchemaVocabulary {
    fn is_schema_atom(&self, atom: &Atom) -> bool {
        match (atom[1], atom[2]) {
            (Slot::Const(p), _) if self.predicates.contains(&p) => true,
            (Slot::Const(p), Slot::Const(class)) => {
                Some(p) == self.rdf_type && self.classes.contains(&class)
            }
            _ => false,
        }
    }

    /// Whether `triple` is a schema fact: one a schema atom can match.
    pub(crate) fn is_schema_fact(&self, [_, p, o]: &Triple) -> bool {
        self.predicates.contains(p)
            || (Some(*p) == self.rdf_type && self.classes.contains(o))
            || (Some(*p) == self.same_as && o.tag().is_literal())
    }

    /// Every schema fact of `facts`.
    ///
    /// # Errors
    /// Storage failures.
    pub(crate) fn schema_facts(
        &self,
        facts: &dyn Facts,
    ) -> Result<FxHashSet<Triple>, ReasonerError> {
        let mut out = FxHashSet::default();
        let mut keep = |triple: Triple| {
            out.insert(triple);
            Ok(true)
        };
        for predicate in &self.predicates {
            facts.scan([None, Some(*predicate), None], &mut keep)?;
        }
        if let Some(rdf_type) = self.rdf_type {
            for class in &self.classes {
                facts.scan([None, Some(rdf_type), Some(*class)], &mut keep)?;
            }
        }
        if let Some(same_as) = self.same_as {
            facts.scan([None, Some(same_as), None], &mut |triple| {
                if triple[2].tag().is_literal() {
                    out.insert(triple);
                }
                Ok(true)
            })?;
        }
        Ok(out)
    }

    /// Whether every body atom of `rule` reads the schema (so it can run before the others).
    pub(crate) fn reads_only_schema(&self, rule: &CompiledRule) -> bool {
        rule.body.iter().all(|atom| self.is_schema_atom(atom))
    }
}

fn substitute(atom: &Atom, bindings: &[Option<TermId>]) -> Atom {
    atom.map(|slot| match slot {
        Slot::Var(v) => bindings[v].map_or(slot, Slot::Const),
        constant @ Slot::Const(_) => constant,
    })
}

/// `rules` with every rule that mixes schema and data atoms replaced by its specialisations over
/// the schema facts of `facts`.
///
/// # Errors
/// Storage failures while reading the schema.
pub(crate) fn specialise(
    rules: Vec<CompiledRule>,
    vocabulary: &SchemaVocabulary,
    facts: &dyn Facts,
) -> Result<Vec<CompiledRule>, ReasonerError> {
    let mut out = Vec::with_capacity(rules.len());
    let mut seen: FxHashSet<(Vec<Atom>, Vec<Atom>)> = FxHashSet::default();
    for rule in rules {
        let (schema, data): (Vec<Atom>, Vec<Atom>) = rule
            .body
            .iter()
            .partition(|atom| vocabulary.is_schema_atom(atom));
        if schema.is_empty() || data.is_empty() {
            out.push(rule);
            continue;
        }
        let mut bindings = vec![None; rule.variables];
        let mut matches = Vec::new();
        super::engine::join_all(&schema, facts, &mut bindings, &mut |b| {
            let premises: Vec<Triple> = schema
                .iter()
                .filter_map(|atom| {
                    let [s, p, o] = substitute(atom, b);
                    match (s, p, o) {
                        (Slot::Const(s), Slot::Const(p), Slot::Const(o)) => Some([s, p, o]),
                        _ => None,
                    }
                })
                .collect();
            let body: Vec<Atom> = data.iter().map(|atom| substitute(atom, b)).collect();
            let head: Vec<Atom> = rule.head.iter().map(|atom| substitute(atom, b)).collect();
            matches.push((body, head, premises));
            Ok(true)
        })?;
        for (body, head, premises) in matches {
            if seen.insert((body.clone(), head.clone())) {
                let mut specialised =
                    CompiledRule::new(rule.name.clone(), body, head, rule.variables);
                specialised.premises = premises;
                out.push(specialised);
            }
        }
    }
    Ok(out)
}
