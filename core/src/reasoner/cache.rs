//! The program maintenance compiled last, reused by the next transactions while everything it
//! was compiled from still holds.
//!
//! Compiling and specialising the rules costs more than maintaining the closure after a small
//! change, so a store with reasoning on keeps the last program. It is only valid while every
//! term the compilation looked up still has the id it had (a transaction that interned them may
//! have been rolled back, or the dictionary collected them) and while the schema facts and the
//! predicates in use are the same; [`ProgramCache::get`] checks both against the transaction it
//! serves, so a stale program is never used, whatever wrote to the store in between.

use std::sync::{Arc, Mutex, MutexGuard};

use oxrdf::Term;
use rustc_hash::FxHashSet;

use super::ReasonerError;
use super::compile::Program;
use super::facts::{Facts, StoreFacts, Triple};
use crate::encoding::TermId;
use crate::storage::QuadRead;

/// Every term a compilation looked up, with the id it found (`None`: not in the store).
pub(crate) type LookedUp = Vec<(Term, Option<TermId>)>;

/// What a program was compiled from.
#[derive(Debug, PartialEq, Eq)]
struct Fingerprint {
    schema: Vec<Triple>,
    predicates: Vec<TermId>,
}

impl Fingerprint {
    fn of<R: QuadRead>(reader: &R, program: &Program) -> Result<Self, ReasonerError> {
        let schema = program.schema.schema_facts(&StoreFacts { reader })?;
        Self::new(reader, schema)
    }

    /// The fingerprint of `reader` whose schema facts are `schema`.
    fn new<R: QuadRead>(reader: &R, schema: FxHashSet<Triple>) -> Result<Self, ReasonerError> {
        let mut schema: Vec<Triple> = schema.into_iter().collect();
        schema.sort_unstable();
        // The RDFS container axioms are compiled per `rdf:_n` predicate in use.
        let mut predicates = StoreFacts { reader }.predicates()?;
        predicates.sort_unstable();
        Ok(Self { schema, predicates })
    }
}

/// A program compiled for a store, with what it depends on.
#[derive(Debug)]
pub(crate) struct Compiled {
    /// The rules before specialisation: what says which facts are schema.
    pub(crate) generic: Program,
    /// The rules specialised on the schema, which maintenance runs.
    pub(crate) specialised: Program,
    /// Every term the compilation looked up, with the id it had.
    looked_up: LookedUp,
    fingerprint: Fingerprint,
}

impl Compiled {
    /// Specialises `generic` on what `reader` holds and records what that depends on.
    ///
    /// # Errors
    /// Storage failures.
    pub(crate) fn new<R: QuadRead>(
        reader: &R,
        generic: Program,
        looked_up: LookedUp,
    ) -> Result<Self, ReasonerError> {
        let specialised = generic.specialised(&StoreFacts { reader })?;
        let fingerprint = Fingerprint::of(reader, &generic)?;
        Ok(Self {
            generic,
            specialised,
            looked_up,
            fingerprint,
        })
    }

    /// A program a materialization compiled and specialised: `schema` holds the schema facts of
    /// the closure it wrote, which `reader` now holds.
    ///
    /// # Errors
    /// Storage failures.
    pub(crate) fn from_parts<R: QuadRead>(
        reader: &R,
        generic: Program,
        specialised: Program,
        looked_up: LookedUp,
        schema: FxHashSet<Triple>,
    ) -> Result<Self, ReasonerError> {
        Ok(Self {
            generic,
            specialised,
            looked_up,
            fingerprint: Fingerprint::new(reader, schema)?,
        })
    }

    fn still_fits<R: QuadRead>(&self, reader: &R) -> Result<bool, ReasonerError> {
        for (term, id) in &self.looked_up {
            if reader.term_id(term.as_ref())? != *id {
                return Ok(false);
            }
        }
        Ok(Fingerprint::of(reader, &self.generic)? == self.fingerprint)
    }
}

/// The last [`Compiled`] program of one set of reasoning options.
#[derive(Debug, Default)]
pub(crate) struct ProgramCache(Mutex<Option<Arc<Compiled>>>);

impl ProgramCache {
    fn slot(&self) -> MutexGuard<'_, Option<Arc<Compiled>>> {
        // A panic while holding the lock left at worst a stale entry, which `get` checks anyway.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached program, if it was compiled from exactly what `reader` holds now.
    ///
    /// # Errors
    /// Storage failures.
    pub(crate) fn get<R: QuadRead>(
        &self,
        reader: &R,
    ) -> Result<Option<Arc<Compiled>>, ReasonerError> {
        let Some(cached) = self.slot().clone() else {
            return Ok(None);
        };
        Ok(cached.still_fits(reader)?.then_some(cached))
    }

    /// Keeps `compiled` for the next transactions.
    pub(crate) fn put(&self, compiled: Arc<Compiled>) {
        *self.slot() = Some(compiled);
    }

    /// Forgets the cached program (the schema is changing).
    pub(crate) fn clear(&self) {
        *self.slot() = None;
    }
}
