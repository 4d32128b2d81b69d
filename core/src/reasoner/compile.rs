//! From rule texts and the data's schema to a [`Program`] of rules over ids.
//!
//! The fixed tables are compiled once per run by interning their constants. Rules over RDF lists
//! and cardinalities are specialised against the data: one rule per `owl:intersectionOf`,
//! `owl:propertyChainAxiom`, `owl:hasKey`, … found, with the list's members as constants. Lists
//! and cardinalities are schema facts (see [`SchemaVocabulary`]), so a change to them compiles
//! the program again.

use std::collections::HashMap;
use std::sync::Arc;

use oxrdf::vocab::{rdf, xsd};
use oxrdf::{NamedNodeRef, Term};

use super::engine::{Atom, CompiledRule, Slot};
use super::facts::{Facts, Triple};
use super::specialise::{SCHEMA_CLASSES, SCHEMA_PREDICATES, SchemaVocabulary, specialise};
use super::syntax::{Rule, RuleTerm};
use super::{Profile, ReasonerError, datatypes, tables};
use crate::encoding::TermId;

const OWL: &str = "http://www.w3.org/2002/07/owl#";

/// Turns a term into an id (allocating one, or `None` when read-only and unknown).
pub(crate) type Intern<'a> = dyn FnMut(&Term) -> Result<Option<TermId>, ReasonerError> + 'a;

/// Decodes an id back to its term.
pub(crate) type Decode<'a> = dyn Fn(TermId) -> Result<Term, ReasonerError> + 'a;

/// Compiled rules, ready for the engine.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub(crate) rules: Vec<CompiledRule>,
    /// `owl:sameAs`, whose reflexive triples are dropped unless `eq-ref` is on.
    pub(crate) same_as: Option<TermId>,
    pub(crate) reflexive_same_as: bool,
    /// Which atoms and facts are schema.
    pub(crate) schema: SchemaVocabulary,
}

impl Program {
    /// The rules that read only the schema (and the facts), which complete the schema before
    /// the others are specialised on it.
    pub(crate) fn schema_only(&self) -> Self {
        Self {
            rules: self
                .rules
                .iter()
                .filter(|rule| self.schema.reads_only_schema(rule))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// This program with its rules specialised on the schema facts of `facts`.
    ///
    /// # Errors
    /// Storage failures.
    pub(crate) fn specialised(&self, facts: &dyn Facts) -> Result<Self, ReasonerError> {
        Ok(Self {
            rules: specialise(self.rules.clone(), &self.schema, facts)?,
            ..self.clone()
        })
    }

    /// Whether a derived triple is kept: reflexive `owl:sameAs` only with `eq-ref` on.
    pub(crate) fn keeps(&self, [s, p, o]: &super::facts::Triple) -> bool {
        self.reflexive_same_as || Some(*p) != self.same_as || s != o
    }

    /// Whether two programs hold the same rules (by name and shape): the compiled tables are
    /// fixed, so a difference is in the rules compiled from the data's lists, cardinalities and
    /// literals.
    pub(crate) fn same_rules(&self, other: &Self) -> bool {
        let shape = |rule: &CompiledRule| (rule.name.clone(), rule.body.len() + rule.head.len());
        self.rules.len() == other.rules.len()
            && self
                .rules
                .iter()
                .map(shape)
                .eq(other.rules.iter().map(shape))
    }
}

fn owl(name: &str) -> Term {
    Term::NamedNode(oxrdf::NamedNode::new_unchecked(format!("{OWL}{name}")))
}

fn node(iri: NamedNodeRef<'_>) -> Term {
    Term::NamedNode(iri.into_owned())
}

struct Builder<'i, 'a> {
    intern: &'i mut Intern<'a>,
    rules: Vec<CompiledRule>,
}

impl Builder<'_, '_> {
    fn id(&mut self, term: &Term) -> Result<Option<TermId>, ReasonerError> {
        (self.intern)(term)
    }

    /// Compiles a parsed rule; a rule with a constant the store does not know (read-only) is
    /// dropped, since it can never match.
    fn add(&mut self, rule: &Rule) -> Result<(), ReasonerError> {
        let mut variables: HashMap<String, usize> = HashMap::new();
        let mut atoms = |builder: &mut Self,
                         list: &[super::syntax::RuleAtom]|
         -> Result<Option<Vec<Atom>>, ReasonerError> {
            let mut out = Vec::with_capacity(list.len());
            for atom in list {
                let mut slots = [Slot::Var(0); 3];
                for (i, term) in [&atom.subject, &atom.predicate, &atom.object]
                    .into_iter()
                    .enumerate()
                {
                    slots[i] = match term {
                        RuleTerm::Variable(name) => {
                            let next = variables.len();
                            Slot::Var(*variables.entry(name.clone()).or_insert(next))
                        }
                        RuleTerm::Constant(term) => match builder.id(term)? {
                            Some(id) => Slot::Const(id),
                            None => return Ok(None),
                        },
                    };
                }
                out.push(slots);
            }
            Ok(Some(out))
        };
        let Some(body) = atoms(self, &rule.body)? else {
            return Ok(());
        };
        let Some(head) = atoms(self, &rule.head)? else {
            return Ok(());
        };
        let count = variables.len();
        self.push(CompiledRule::new(
            rule.name.as_str().into(),
            body,
            head,
            count,
        ));
        Ok(())
    }

    fn push(&mut self, rule: CompiledRule) {
        self.rules.push(rule);
    }
}

/// Compiles the rules of `profile` plus `user_rules`, specialising the list and cardinality
/// rules against the schema found in `facts`.
///
/// # Errors
/// Storage failures while interning or reading the schema.
pub(crate) fn compile(
    profile: Profile,
    user_rules: &[Rule],
    reflexive_same_as: bool,
    facts: &dyn Facts,
    intern: &mut Intern<'_>,
    decode: &Decode<'_>,
) -> Result<Program, ReasonerError> {
    let mut builder = Builder {
        intern,
        rules: Vec::new(),
    };
    for rule in tables::builtin_rules(profile, reflexive_same_as)? {
        builder.add(rule)?;
    }
    for rule in user_rules {
        builder.add(rule)?;
    }
    if profile == Profile::Rdfs {
        container_axioms(&mut builder, facts, decode)?;
    }
    let same_as = builder.id(&owl("sameAs"))?;
    if profile == Profile::Owl2Rl {
        specialise_owl2rl(&mut builder, facts, decode)?;
    }
    let mut schema = SchemaVocabulary {
        rdf_type: builder.id(&node(rdf::TYPE))?,
        same_as,
        ..SchemaVocabulary::default()
    };
    for iri in SCHEMA_PREDICATES {
        if let Some(id) = builder.id(&Term::NamedNode(oxrdf::NamedNode::new_unchecked(*iri)))? {
            schema.predicates.push(id);
        }
    }
    for iri in SCHEMA_CLASSES {
        if let Some(id) = builder.id(&Term::NamedNode(oxrdf::NamedNode::new_unchecked(*iri)))? {
            schema.classes.push(id);
        }
    }
    Ok(Program {
        rules: builder.rules,
        same_as,
        reflexive_same_as,
        schema,
    })
}

/// The RDFS axiomatic triples of the container membership properties `rdf:_n` the data uses
/// (there are infinitely many; the others are left out).
fn container_axioms(
    builder: &mut Builder<'_, '_>,
    facts: &dyn Facts,
    decode: &Decode<'_>,
) -> Result<(), ReasonerError> {
    let rdfs = |name: &str| {
        Term::NamedNode(oxrdf::NamedNode::new_unchecked(format!(
            "http://www.w3.org/2000/01/rdf-schema#{name}"
        )))
    };
    let (Some(ty), Some(membership), Some(domain), Some(range), Some(resource)) = (
        builder.id(&node(rdf::TYPE))?,
        builder.id(&rdfs("ContainerMembershipProperty"))?,
        builder.id(&rdfs("domain"))?,
        builder.id(&rdfs("range"))?,
        builder.id(&rdfs("Resource"))?,
    ) else {
        return Ok(());
    };
    for predicate in facts.predicates()? {
        let Term::NamedNode(iri) = decode(predicate)? else {
            continue;
        };
        let is_member = iri
            .as_str()
            .strip_prefix("http://www.w3.org/1999/02/22-rdf-syntax-ns#_")
            .is_some_and(|n| {
                !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
            });
        if is_member {
            let p = c(predicate);
            let heads = vec![
                [p, c(ty), c(membership)],
                [p, c(domain), c(resource)],
                [p, c(range), c(resource)],
            ];
            builder.push(CompiledRule::new(
                "rdfs-axioms".into(),
                Vec::new(),
                heads,
                0,
            ));
        }
    }
    Ok(())
}

/// The members of the RDF list starting at `head`, or `None` for a malformed or cyclic list.
fn list(
    facts: &dyn Facts,
    first: TermId,
    rest: TermId,
    nil: TermId,
    mut head: TermId,
) -> Result<Option<Vec<TermId>>, ReasonerError> {
    let mut members = Vec::new();
    let mut seen = Vec::new();
    while head != nil {
        if seen.contains(&head) {
            return Ok(None);
        }
        seen.push(head);
        let Some(member) = one(facts, [Some(head), Some(first), None], 2)? else {
            return Ok(None);
        };
        let Some(next) = one(facts, [Some(head), Some(rest), None], 2)? else {
            return Ok(None);
        };
        members.push(member);
        head = next;
    }
    Ok(Some(members))
}

fn one(
    facts: &dyn Facts,
    pattern: [Option<TermId>; 3],
    position: usize,
) -> Result<Option<TermId>, ReasonerError> {
    let mut found = None;
    facts.scan(pattern, &mut |triple| {
        found = Some(triple[position]);
        Ok(false)
    })?;
    Ok(found)
}

fn all(facts: &dyn Facts, pattern: [Option<TermId>; 3]) -> Result<Vec<Triple>, ReasonerError> {
    let mut out = Vec::new();
    facts.scan(pattern, &mut |triple| {
        out.push(triple);
        Ok(true)
    })?;
    Ok(out)
}

/// Atoms over fresh variables numbered from `base`.
fn v(n: usize) -> Slot {
    Slot::Var(n)
}

fn c(id: TermId) -> Slot {
    Slot::Const(id)
}

fn specialise_owl2rl(
    builder: &mut Builder<'_, '_>,
    facts: &dyn Facts,
    decode: &Decode<'_>,
) -> Result<(), ReasonerError> {
    let ids = |term: Term, builder: &mut Builder<'_, '_>| builder.id(&term);
    let (Some(first), Some(rest), Some(nil), Some(ty)) = (
        ids(node(rdf::FIRST), builder)?,
        ids(node(rdf::REST), builder)?,
        ids(node(rdf::NIL), builder)?,
        ids(node(rdf::TYPE), builder)?,
    ) else {
        return Ok(());
    };
    let owl_id = |name: &str, builder: &mut Builder<'_, '_>| builder.id(&owl(name));
    let (Some(same_as), Some(sub_class), Some(thing)) = (
        owl_id("sameAs", builder)?,
        ids(node(oxrdf::vocab::rdfs::SUB_CLASS_OF), builder)?,
        owl_id("Thing", builder)?,
    ) else {
        return Ok(());
    };
    let lists = |predicate: Option<TermId>| -> Result<Vec<(TermId, Vec<TermId>)>, ReasonerError> {
        let Some(predicate) = predicate else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for [subject, _, head] in all(facts, [None, Some(predicate), None])? {
            if let Some(members) = list(facts, first, rest, nil, head)? {
                out.push((subject, members));
            }
        }
        Ok(out)
    };
    let name = |s: &str| -> Arc<str> { s.into() };

    // prp-spo2: a chain p1 … pn implies p.
    for (p, chain) in lists(owl_id("propertyChainAxiom", builder)?)? {
        if chain.is_empty() {
            continue;
        }
        let body = chain
            .iter()
            .enumerate()
            .map(|(i, pi)| [v(i), c(*pi), v(i + 1)])
            .collect();
        let n = chain.len();
        builder.push(CompiledRule::new(
            name("prp-spo2"),
            body,
            vec![[v(0), c(p), v(n)]],
            n + 1,
        ));
    }
    // prp-key: two instances of c agreeing on every key property are the same.
    for (class, keys) in lists(owl_id("hasKey", builder)?)? {
        let (x, y) = (0, 1);
        let mut body = vec![[v(x), c(ty), c(class)], [v(y), c(ty), c(class)]];
        for (i, key) in keys.iter().enumerate() {
            body.push([v(x), c(*key), v(2 + i)]);
            body.push([v(y), c(*key), v(2 + i)]);
        }
        builder.push(CompiledRule::new(
            name("prp-key"),
            body,
            vec![[v(x), c(same_as), v(y)]],
            2 + keys.len(),
        ));
    }
    // Pairwise constraints over owl:members lists, by the type of the list's owner.
    let members = owl_id("members", builder)?;
    let distinct_members = owl_id("distinctMembers", builder)?;
    for (kind, rule) in [
        ("AllDisjointProperties", "prp-adp"),
        ("AllDisjointClasses", "cax-adc"),
        ("AllDifferent", "eq-diff2"),
    ] {
        let Some(kind_id) = owl_id(kind, builder)? else {
            continue;
        };
        let mut groups = Vec::new();
        for [owner, _, _] in all(facts, [None, Some(ty), Some(kind_id)])? {
            for predicate in [
                members,
                if kind == "AllDifferent" {
                    distinct_members
                } else {
                    None
                },
            ]
            .into_iter()
            .flatten()
            {
                if let Some(head) = one(facts, [Some(owner), Some(predicate), None], 2)?
                    && let Some(items) = list(facts, first, rest, nil, head)?
                {
                    groups.push(items);
                }
            }
        }
        for items in groups {
            for (i, a) in items.iter().enumerate() {
                for b in &items[i + 1..] {
                    let body = match rule {
                        "prp-adp" => vec![[v(0), c(*a), v(1)], [v(0), c(*b), v(1)]],
                        "cax-adc" => vec![[v(0), c(ty), c(*a)], [v(0), c(ty), c(*b)]],
                        _ => vec![[c(*a), c(same_as), c(*b)]],
                    };
                    let count = if rule == "eq-diff2" { 0 } else { 2 };
                    builder.push(CompiledRule::new(name(rule), body, Vec::new(), count));
                }
            }
        }
    }
    // cls-int1, cls-int2, scm-int.
    for (class, parts) in lists(owl_id("intersectionOf", builder)?)? {
        let body = parts.iter().map(|part| [v(0), c(ty), c(*part)]).collect();
        builder.push(CompiledRule::new(
            name("cls-int1"),
            body,
            vec![[v(0), c(ty), c(class)]],
            1,
        ));
        let heads = parts.iter().map(|part| [v(0), c(ty), c(*part)]).collect();
        builder.push(CompiledRule::new(
            name("cls-int2"),
            vec![[v(0), c(ty), c(class)]],
            heads,
            1,
        ));
        let facts_ = parts
            .iter()
            .map(|part| [c(class), c(sub_class), c(*part)])
            .collect();
        builder.push(CompiledRule::new(name("scm-int"), Vec::new(), facts_, 0));
    }
    // cls-uni, scm-uni.
    for (class, parts) in lists(owl_id("unionOf", builder)?)? {
        for part in &parts {
            builder.push(CompiledRule::new(
                name("cls-uni"),
                vec![[v(0), c(ty), c(*part)]],
                vec![[v(0), c(ty), c(class)]],
                1,
            ));
        }
        let facts_ = parts
            .iter()
            .map(|part| [c(*part), c(sub_class), c(class)])
            .collect();
        builder.push(CompiledRule::new(name("scm-uni"), Vec::new(), facts_, 0));
    }
    // cls-oo: the members of an enumeration are instances of it.
    for (class, items) in lists(owl_id("oneOf", builder)?)? {
        let facts_ = items
            .iter()
            .map(|item| [c(*item), c(ty), c(class)])
            .collect();
        builder.push(CompiledRule::new(name("cls-oo"), Vec::new(), facts_, 0));
    }
    // Cardinalities 0 and 1, compared by value whatever the integer datatype.
    let on_property = owl_id("onProperty", builder)?;
    let on_class = owl_id("onClass", builder)?;
    for (qualified, property) in [(false, "maxCardinality"), (true, "maxQualifiedCardinality")] {
        let (Some(predicate), Some(on_property)) = (owl_id(property, builder)?, on_property) else {
            continue;
        };
        for [restriction, _, number] in all(facts, [None, Some(predicate), None])? {
            let Some(value) = small_count(&decode(number)?) else {
                continue;
            };
            let (x, p, u, y1, y2, k) = (c(restriction), v(0), v(1), v(2), v(3), v(4));
            let mut body = vec![[x, c(on_property), p]];
            if qualified {
                let Some(on_class) = on_class else { continue };
                body.push([x, c(on_class), k]);
            }
            body.push([u, c(ty), x]);
            body.push([u, p, y1]);
            let class_of = |y: Slot, body: &mut Vec<Atom>| {
                if qualified {
                    body.push([y, c(ty), k]);
                }
            };
            class_of(y1, &mut body);
            let rule_name = match (qualified, value) {
                (false, 0) => "cls-maxc1",
                (false, _) => "cls-maxc2",
                (true, 0) => "cls-maxqc1",
                (true, _) => "cls-maxqc3",
            };
            if value == 0 {
                builder.push(CompiledRule::new(name(rule_name), body, Vec::new(), 5));
            } else {
                body.push([u, p, y2]);
                class_of(y2, &mut body);
                builder.push(CompiledRule::new(
                    name(rule_name),
                    body,
                    vec![[y1, c(same_as), y2]],
                    5,
                ));
            }
            // cls-maxqc2/4: with owl:Thing as the class, the class test always holds.
            if qualified && let Some(on_class) = on_class {
                let mut body = vec![
                    [x, c(on_property), p],
                    [x, c(on_class), c(thing)],
                    [u, c(ty), x],
                    [u, p, y1],
                ];
                if value == 0 {
                    builder.push(CompiledRule::new(name("cls-maxqc2"), body, Vec::new(), 5));
                } else {
                    body.push([u, p, y2]);
                    builder.push(CompiledRule::new(
                        name("cls-maxqc4"),
                        body,
                        vec![[y1, c(same_as), y2]],
                        5,
                    ));
                }
            }
        }
    }
    specialise_datatypes(builder, facts, decode, ty, same_as)?;
    Ok(())
}

/// Most literals met through `owl:sameAs` for which the pairwise `dt-eq`/`dt-diff` rules are
/// compiled (they are quadratic in that number).
const MAX_PAIRWISE_LITERALS: usize = 256;

/// `dt-type2`, `dt-not-type`, `dt-eq` and `dt-diff` for the literals individuals are
/// `owl:sameAs` (see [`super::datatypes`]).
fn specialise_datatypes(
    builder: &mut Builder<'_, '_>,
    facts: &dyn Facts,
    decode: &Decode<'_>,
    ty: TermId,
    same_as: TermId,
) -> Result<(), ReasonerError> {
    let mut literals: Vec<TermId> = all(facts, [None, Some(same_as), None])?
        .into_iter()
        .map(|[_, _, object]| object)
        .filter(|object| object.tag().is_literal())
        .collect();
    literals.sort_unstable();
    literals.dedup();
    let different_from = builder.id(&owl("differentFrom"))?;
    let mut supported = Vec::new();
    for datatype in datatypes::SUPPORTED {
        if let Some(id) = builder.id(&node(*datatype))? {
            supported.push((*datatype, id));
        }
    }
    let name = |s: &str| -> Arc<str> { s.into() };
    let mut valued = Vec::new();
    for id in literals {
        let Term::Literal(literal) = decode(id)? else {
            continue;
        };
        if !datatypes::is_supported(&literal) {
            continue;
        }
        let value = datatypes::value(&literal);
        let types = value
            .as_ref()
            .map(datatypes::datatypes_of)
            .unwrap_or_default();
        let heads: Vec<Atom> = supported
            .iter()
            .filter(|(datatype, _)| types.contains(datatype))
            .map(|(_, dt)| [v(0), c(ty), c(*dt)])
            .collect();
        if !heads.is_empty() {
            builder.push(CompiledRule::new(
                name("dt-type2"),
                vec![[v(0), c(same_as), c(id)]],
                heads,
                1,
            ));
        }
        for (datatype, dt) in &supported {
            if !types.contains(datatype) {
                let body = vec![[v(0), c(same_as), c(id)], [v(0), c(ty), c(*dt)]];
                builder.push(CompiledRule::new(name("dt-not-type"), body, Vec::new(), 1));
            }
        }
        if let Some(value) = value {
            valued.push((id, value));
        }
    }
    if valued.len() > MAX_PAIRWISE_LITERALS {
        return Ok(());
    }
    for (i, (a, value_a)) in valued.iter().enumerate() {
        for (b, value_b) in &valued[i + 1..] {
            let body = vec![[v(0), c(same_as), c(*a)], [v(1), c(same_as), c(*b)]];
            if value_a == value_b {
                builder.push(CompiledRule::new(
                    name("dt-eq"),
                    body,
                    vec![[v(0), c(same_as), v(1)]],
                    2,
                ));
            } else if let Some(different_from) = different_from {
                builder.push(CompiledRule::new(
                    name("dt-diff"),
                    body,
                    // owl:differentFrom has no symmetry rule: derive both directions.
                    vec![
                        [v(0), c(different_from), v(1)],
                        [v(1), c(different_from), v(0)],
                    ],
                    2,
                ));
            }
        }
    }
    Ok(())
}

/// 0 or 1 if `term` is a literal of an integer datatype with that value.
fn small_count(term: &Term) -> Option<u8> {
    let Term::Literal(literal) = term else {
        return None;
    };
    let datatype = literal.datatype();
    let integer_like = datatype == xsd::INTEGER
        || datatype == xsd::NON_NEGATIVE_INTEGER
        || datatype == xsd::POSITIVE_INTEGER
        || datatype == xsd::INT
        || datatype == xsd::LONG
        || datatype == xsd::SHORT
        || datatype == xsd::BYTE
        || datatype == xsd::UNSIGNED_INT
        || datatype == xsd::UNSIGNED_LONG
        || datatype == xsd::UNSIGNED_SHORT
        || datatype == xsd::UNSIGNED_BYTE;
    if !integer_like {
        return None;
    }
    match literal
        .value()
        .trim()
        .trim_start_matches('+')
        .parse::<i64>()
    {
        Ok(0) => Some(0),
        Ok(1) => Some(1),
        _ => None,
    }
}
