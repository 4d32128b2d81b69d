//! The closure kept in a store: full materialization, and incremental maintenance of one
//! transaction's changes (semi-naive insertion, DRed deletion).

use std::sync::Arc;

use oxrdf::Term;

use super::cache::{Compiled, LookedUp, ProgramCache};
use super::compile::{self, Program};
use super::engine::{self, Budget};
use super::facts::{FactSet, Facts, Layered, StoreFacts, Triple};
use super::syntax::RuleTerm;
use super::{
    Inconsistency, MaterializeReport, Profile, ReasonerError, ReasonerOptions, Violation, tables,
};
use crate::encoding::{EncodedQuad, IndexFlags, TermId};
use crate::kv::KvBackend;
use crate::storage::{GraphScope, MetaKey, QuadPattern, QuadRead, Transaction};

fn quad([s, p, o]: Triple) -> EncodedQuad {
    EncodedQuad::new(s, p, o, TermId::DEFAULT_GRAPH)
}

fn budget(options: &ReasonerOptions) -> Budget {
    Budget {
        max_rounds: options.max_rounds,
        max_derived: options.max_derived,
        cancellation: options.cancellation.clone(),
        #[cfg(not(target_family = "wasm"))]
        deadline: options
            .timeout
            .map(|timeout| std::time::Instant::now() + timeout),
    }
}

/// Every constant the program may need, so it can be interned before the store is read.
fn vocabulary(options: &ReasonerOptions) -> Result<Vec<Term>, ReasonerError> {
    let user_rules = options.user_rules()?;
    let builtin = tables::builtin_rules(options.profile, options.reflexive_same_as)?;
    let rules = builtin.into_iter().chain(&user_rules);
    let mut terms = Vec::new();
    for iri in super::specialise::SCHEMA_PREDICATES
        .iter()
        .chain(super::specialise::SCHEMA_CLASSES)
    {
        terms.push(Term::NamedNode(oxrdf::NamedNode::new_unchecked(*iri)));
    }
    for datatype in super::datatypes::SUPPORTED {
        terms.push(datatype.into_owned().into());
    }
    for name in ["sameAs", "differentFrom", "Thing", "onProperty", "onClass"] {
        terms.push(Term::NamedNode(oxrdf::NamedNode::new_unchecked(format!(
            "http://www.w3.org/2002/07/owl#{name}"
        ))));
    }
    for iri in [
        oxrdf::vocab::rdf::TYPE,
        oxrdf::vocab::rdf::NIL,
        oxrdf::vocab::rdfs::SUB_CLASS_OF,
    ] {
        terms.push(iri.into_owned().into());
    }
    for rule in rules {
        for atom in rule.body.iter().chain(&rule.head) {
            for term in [&atom.subject, &atom.predicate, &atom.object] {
                if let RuleTerm::Constant(term) = term {
                    terms.push(term.clone());
                }
            }
        }
    }
    terms.sort_unstable_by_key(ToString::to_string);
    terms.dedup();
    Ok(terms)
}

/// Compiles the program inside a write transaction (its constants are interned first).
fn program<B: KvBackend>(
    transaction: &mut Transaction<'_, B>,
    options: &ReasonerOptions,
    facts_override: Option<&dyn Facts>,
) -> Result<Program, ReasonerError> {
    Ok(recorded_program(transaction, options, facts_override)?.0)
}

/// [`program`], with every term the compilation looked up and the id it found, which the
/// program is only valid with (see [`ProgramCache`]).
fn recorded_program<B: KvBackend>(
    transaction: &mut Transaction<'_, B>,
    options: &ReasonerOptions,
    facts_override: Option<&dyn Facts>,
) -> Result<(Program, LookedUp), ReasonerError> {
    let mut known = rustc_hash::FxHashMap::default();
    for term in vocabulary(options)? {
        let id = transaction.intern(term.as_ref())?;
        known.insert(term, id);
    }
    let reader: &Transaction<'_, B> = transaction;
    let store = StoreFacts { reader };
    let facts = facts_override.unwrap_or(&store);
    let mut looked_up = rustc_hash::FxHashMap::default();
    let program = compile::compile(
        options.profile,
        &options.user_rules()?,
        options.reflexive_same_as,
        facts,
        &mut |term| {
            let id = match known.get(term) {
                Some(id) => Some(*id),
                None => reader.term_id(term.as_ref())?,
            };
            looked_up.insert(term.clone(), id);
            Ok(id)
        },
        &|id| Ok(reader.term(id)?),
    )?;
    Ok((program, looked_up.into_iter().collect()))
}

/// Compiles the program over a read-only view: rules naming a term the store lacks are dropped.
fn read_only_program<R: QuadRead>(
    reader: &R,
    options: &ReasonerOptions,
) -> Result<Program, ReasonerError> {
    compile::compile(
        options.profile,
        &options.user_rules()?,
        options.reflexive_same_as,
        &StoreFacts { reader },
        &mut |term| Ok(reader.term_id(term.as_ref())?),
        &|id| Ok(reader.term(id)?),
    )
}

fn adjust_inferred<B: KvBackend>(
    transaction: &mut Transaction<'_, B>,
    added: u64,
    removed: u64,
) -> Result<u64, ReasonerError> {
    let current = match transaction.meta(MetaKey::InferredCount.key())? {
        Some(bytes) => u64::from_be_bytes(bytes.as_slice().try_into().unwrap_or_default()),
        None => 0,
    };
    let next = (current + added).saturating_sub(removed);
    transaction.set_meta(
        MetaKey::InferredCount.key(),
        Some(next.to_be_bytes().to_vec()),
    );
    Ok(next)
}

/// Recomputes the closure of the explicit default graph from scratch and writes the difference
/// to the inferred flags.
///
/// With a `cache`, the program it ends with is kept there for the maintenance that follows.
pub(crate) fn rematerialize<B: KvBackend>(
    transaction: &mut Transaction<'_, B>,
    options: &ReasonerOptions,
    cache: Option<&ProgramCache>,
) -> Result<MaterializeReport, ReasonerError> {
    let budget = budget(options);
    // Every quad of every graph is an upper bound of the default graph's explicit ones.
    let stored = usize::try_from(transaction.len()?).unwrap_or(0);
    let mut explicit = FactSet::with_capacity(stored);
    let mut inferred_before = Vec::new();
    let all = QuadPattern::any(GraphScope::Default);
    for item in transaction.encoded_quads(&all).with_flags() {
        let (quad, flags) = item?;
        let triple = [quad.subject, quad.predicate, quad.object];
        if flags.contains(IndexFlags::EXPLICIT) {
            explicit.insert(triple);
        }
        if flags.contains(IndexFlags::INFERRED) {
            inferred_before.push(triple);
        }
    }
    let mut generic = program(transaction, options, Some(&explicit))?;
    // The schema's own closure first, so the other rules can be specialised on all of it.
    let schema_closure = engine::saturate(&generic.schema_only(), &explicit, &explicit, &budget)?;
    let basis = Layered {
        base: &explicit,
        added: &schema_closure.derived,
        removed: None,
    };
    let mut schema = generic.schema.schema_facts(&basis)?;
    let mut program = generic.specialised(&basis)?;
    let mut saturation;
    let mut passes = 0;
    // The program and schema the closure was computed with, once they no longer change.
    let mut settled = None;
    loop {
        passes += 1;
        saturation = engine::saturate(&program, &explicit, &explicit, &budget)?;
        // Rules derived from data can extend the schema, lists and cardinalities the rules are
        // specialised on: specialise again over the closure and rerun if anything changed.
        let closure = Layered {
            base: &explicit,
            added: &saturation.derived,
            removed: None,
        };
        let (again, looked_up) = recorded_program(transaction, options, Some(&closure))?;
        let schema_now = again.schema.schema_facts(&closure)?;
        if again.same_rules(&generic) && schema_now == schema {
            settled = Some((again, looked_up, schema_now));
            break;
        }
        if passes >= 4 {
            break;
        }
        program = again.specialised(&closure)?;
        generic = again;
        schema = schema_now;
    }
    // `derived` holds facts outside the explicit set and `rederived_base` facts inside it, so
    // together they name every inferred fact once.
    let now_inferred = |triple: &Triple| {
        saturation.derived.has(triple) || saturation.rederived_base.contains(triple)
    };
    // Every default-graph quad's flags were read above: write the difference without reading
    // any of them back.
    let inferred_before: rustc_hash::FxHashSet<Triple> = inferred_before.into_iter().collect();
    let flags_of = |triple: &Triple, inferred: bool| {
        let mut flags = IndexFlags::default();
        if explicit.has(triple) {
            flags = flags.union(IndexFlags::EXPLICIT);
        }
        if inferred {
            flags = flags.union(IndexFlags::INFERRED);
        }
        flags
    };
    let mut changes = Vec::with_capacity(saturation.derived.len());
    let (mut added, mut removed) = (0, 0);
    for triple in &inferred_before {
        if !now_inferred(triple) {
            removed += 1;
            changes.push((
                quad(*triple),
                Some(flags_of(triple, true)),
                flags_of(triple, false),
            ));
        }
    }
    for triple in saturation
        .derived
        .iter()
        .chain(saturation.rederived_base.iter())
    {
        if !inferred_before.contains(triple) {
            added += 1;
            let before = flags_of(triple, false);
            changes.push((
                quad(*triple),
                (!before.is_empty()).then_some(before),
                flags_of(triple, true),
            ));
        }
    }
    transaction.set_known_flags(changes)?;
    if let Some(cache) = cache {
        match settled {
            Some((generic, looked_up, schema)) => {
                let reader: &Transaction<'_, B> = transaction;
                let compiled = Compiled::from_parts(reader, generic, program, looked_up, schema)?;
                cache.put(Arc::new(compiled));
            }
            None => cache.clear(),
        }
    }
    let total = (saturation.derived.len() + saturation.rederived_base.len()) as u64;
    transaction.set_meta(
        MetaKey::InferredCount.key(),
        Some(total.to_be_bytes().to_vec()),
    );
    let mut violations = saturation.violations;
    if options.profile != Profile::None {
        let reader: &Transaction<'_, B> = transaction;
        violations.extend(range_violations(reader, &StoreFacts { reader })?);
    }
    let inconsistencies = decode_violations(transaction, violations)?;
    Ok(MaterializeReport {
        profile: options.profile,
        rounds: saturation.rounds,
        inferred: total,
        added,
        removed,
        full_recompute: true,
        inconsistencies,
    })
}

/// Brings the closure up to date with the explicit default-graph quads a transaction touched.
pub(crate) fn maintain<B: KvBackend>(
    transaction: &mut Transaction<'_, B>,
    options: &ReasonerOptions,
    cache: &ProgramCache,
    touched: Vec<EncodedQuad>,
) -> Result<MaterializeReport, ReasonerError> {
    let budget = budget(options);
    // New facts (absent before, present now) and facts that lost their explicit flag.
    let mut inserted = FactSet::default();
    let mut deleted = FactSet::default();
    for quad in &touched {
        let before = transaction.flags_before(quad)?;
        let after = transaction.quad_flags(quad)?;
        let triple = [quad.subject, quad.predicate, quad.object];
        let was_explicit = before.is_some_and(|f| f.contains(IndexFlags::EXPLICIT));
        let is_explicit = after.is_some_and(|f| f.contains(IndexFlags::EXPLICIT));
        if before.is_none() && after.is_some() {
            inserted.insert(triple);
        } else if was_explicit && !is_explicit {
            deleted.insert(triple);
        }
    }
    if inserted.is_empty() && deleted.is_empty() {
        return Ok(MaterializeReport::unchanged(options.profile));
    }
    let cached = match cache.get(transaction)? {
        Some(cached) => cached,
        None => {
            let (generic, looked_up) = recorded_program(transaction, options, None)?;
            let reader: &Transaction<'_, B> = transaction;
            Arc::new(Compiled::new(reader, generic, looked_up)?)
        }
    };
    // The rules are specialised on the schema (TBox axioms, lists, cardinalities): a change to
    // it compiles them again and recomputes the closure, as the report says.
    if inserted
        .iter()
        .chain(deleted.iter())
        .any(|t| cached.generic.schema.is_schema_fact(t))
    {
        return rematerialize(transaction, options, Some(cache));
    }
    cache.put(Arc::clone(&cached));
    let program = &cached.specialised;
    let (mut added, mut removed) = (0, 0);
    let mut propagate = inserted;
    // Inferred schema facts the deletion took away, which may or may not come back.
    let mut schema_overdeleted = Vec::new();
    if !deleted.is_empty() {
        // Deleted facts that are gone now must be seen as present while overdeleting.
        let mut gone_now = FactSet::default();
        for triple in deleted.iter() {
            if transaction.quad_flags(&quad(*triple))?.is_none() {
                gone_now.insert(*triple);
            }
        }
        let (overdeleted, kept) = {
            let reader: &Transaction<'_, B> = transaction;
            let current = StoreFacts { reader };
            let before = Layered {
                base: &current,
                added: &gone_now,
                removed: None,
            };
            let keeps = |triple: &Triple| -> Result<bool, ReasonerError> {
                Ok(reader
                    .quad_flags(&quad(*triple))?
                    .is_some_and(|f| f.contains(IndexFlags::EXPLICIT)))
            };
            engine::overdelete(program, &before, &deleted, &keeps, &budget)?
        };
        for triple in overdeleted.iter().chain(kept.iter()) {
            if transaction.remove_encoded(&quad(*triple), IndexFlags::INFERRED)? {
                removed += 1;
            }
        }
        schema_overdeleted.extend(
            overdeleted
                .iter()
                .filter(|t| cached.generic.schema.is_schema_fact(t)),
        );
        // Rederive what still has a derivation from what is left.
        let candidates: Vec<Triple> = overdeleted.iter().chain(kept.iter()).copied().collect();
        let mut rederived = Vec::new();
        {
            let reader: &Transaction<'_, B> = transaction;
            let current = StoreFacts { reader };
            for triple in candidates {
                if engine::derivable(program, &current, &triple)? {
                    rederived.push(triple);
                }
            }
        }
        for triple in rederived {
            let present = transaction.quad_flags(&quad(triple))?.is_some();
            if transaction.insert_encoded(&quad(triple), IndexFlags::INFERRED)? {
                added += 1;
            }
            if !present {
                propagate.insert(triple);
            }
        }
    }
    let saturation = {
        let reader: &Transaction<'_, B> = transaction;
        engine::saturate(program, &StoreFacts { reader }, &propagate, &budget)?
    };
    for triple in saturation
        .derived
        .iter()
        .chain(saturation.rederived_base.iter())
    {
        if transaction.insert_encoded(&quad(*triple), IndexFlags::INFERRED)? {
            added += 1;
        }
    }
    // The rules were specialised on the schema before this change: a schema fact the change
    // derived (an axiom of a new `rdf:_n`, a subclass through a new equivalence) or took away
    // needs them specialised again, which recomputes the closure as for an explicit TBox change.
    // Facts overdeleted and derived again are no change.
    let mut schema_changed = false;
    for triple in saturation
        .derived
        .iter()
        .filter(|t| cached.generic.schema.is_schema_fact(t))
    {
        if transaction.flags_before(&quad(*triple))?.is_none() {
            schema_changed = true;
            break;
        }
    }
    for triple in &schema_overdeleted {
        if schema_changed {
            break;
        }
        schema_changed = transaction.quad_flags(&quad(*triple))?.is_none();
    }
    if schema_changed {
        return rematerialize(transaction, options, Some(cache));
    }
    let total = adjust_inferred(transaction, added, removed)?;
    Ok(MaterializeReport {
        profile: options.profile,
        rounds: saturation.rounds,
        inferred: total,
        added,
        removed,
        full_recompute: false,
        inconsistencies: decode_violations(transaction, saturation.violations)?,
    })
}

/// Every match of a constraint rule (`=> false`) in the closure a reader sees.
pub(crate) fn inconsistencies<R: QuadRead>(
    reader: &R,
    options: &ReasonerOptions,
) -> Result<Vec<Inconsistency>, ReasonerError> {
    let program = read_only_program(reader, options)?;
    let facts = StoreFacts { reader };
    let mut violations = engine::violations(&program, &facts)?;
    if options.profile != Profile::None {
        violations.extend(range_violations(reader, &facts)?);
    }
    decode_violations(reader, violations)
}

/// `dt-not-type` through `rdfs:range`: a literal value of a property whose range is a datatype
/// the literal is not in (`prp-rng` would type the literal, which a store cannot hold).
fn range_violations<R: QuadRead>(
    reader: &R,
    facts: &dyn Facts,
) -> Result<Vec<Violation>, ReasonerError> {
    let Some(range) = reader.term_id(oxrdf::vocab::rdfs::RANGE.into())? else {
        return Ok(Vec::new());
    };
    let mut ranges = Vec::new();
    facts.scan([None, Some(range), None], &mut |triple| {
        ranges.push(triple);
        Ok(true)
    })?;
    let mut out = Vec::new();
    for [property, _, datatype_id] in ranges {
        let Term::NamedNode(datatype) = reader.term(datatype_id)? else {
            continue;
        };
        if !super::datatypes::is_checkable_range(datatype.as_ref()) {
            continue;
        }
        let mut values = Vec::new();
        facts.scan([None, Some(property), None], &mut |triple| {
            if triple[2].tag().is_literal() {
                values.push(triple);
            }
            Ok(true)
        })?;
        for value in values {
            let Term::Literal(literal) = reader.term(value[2])? else {
                continue;
            };
            if !super::datatypes::is_supported(&literal) {
                continue;
            }
            let fits = super::datatypes::value(&literal)
                .is_some_and(|v| super::datatypes::datatypes_of(&v).contains(&datatype.as_ref()));
            if !fits {
                out.push(Violation {
                    rule: "dt-not-type".into(),
                    facts: vec![value, [property, range, datatype_id]],
                });
            }
        }
    }
    Ok(out)
}

fn decode_violations<R: QuadRead>(
    reader: &R,
    violations: Vec<Violation>,
) -> Result<Vec<Inconsistency>, ReasonerError> {
    let mut out = Vec::with_capacity(violations.len());
    for violation in violations {
        let mut triples = Vec::new();
        for [s, p, o] in violation.facts {
            let decoded = reader.decode_quad(&EncodedQuad::new(s, p, o, TermId::DEFAULT_GRAPH))?;
            triples.push(oxrdf::Triple::new(
                decoded.subject,
                decoded.predicate,
                decoded.object,
            ));
        }
        out.push(Inconsistency {
            rule: violation.rule,
            triples,
        });
    }
    Ok(out)
}
