//! Index entries a bulk load holds back, so that each index is written in one merged, sorted pass.
//!
//! Writing every chunk's entries as they come leaves one sorted run per chunk and index, all
//! overlapping: an LSM store then has to merge them (RocksDB rewrote the whole store once in
//! background compactions during a load, and queries right after the load searched a dozen files
//! per index). Held back and merged, a load of an empty store writes each index once, as
//! non-overlapping files.

use std::sync::{Condvar, Mutex};

use super::EncodedChunk;
use super::packed::{PackedRun, merge};
use crate::encoding::{EncodedQuad, QuadOrder};
use crate::kv::{KvBackend, KvError};
use crate::storage::StorageError;
use crate::storage::statistics::{ObjectScan, Statistics, SubjectScan};

fn poisoned() -> StorageError {
    StorageError::Corruption("an index writer panicked".into())
}

/// Bytes of one sorted run handed to [`KvBackend::ingest_sorted`] when held-back entries are
/// written: a piece of the merged stream, so memory stays bounded however much was held.
pub(super) const PIECE_BYTES: usize = 32 << 20;

/// The held-back index entries of a load, per ordering.
#[derive(Debug, Default)]
pub(super) struct PendingIndexes {
    runs: [Vec<PackedRun>; 6],
}

impl PendingIndexes {
    /// Sorts a chunk's entries in every ordering that holds them and keeps them packed.
    pub(super) fn stage(&mut self, chunk: EncodedChunk) {
        let EncodedChunk {
            quads,
            flags,
            source,
        } = chunk;
        // Freed first, so the parsed strings are gone before the runs are built.
        drop(source);
        for (order, runs) in QuadOrder::ALL.into_iter().zip(&mut self.runs) {
            // Sorting fixed-width integer tuples is much faster than sorting byte strings.
            let mut entries: Vec<([u64; 4], u8)> = quads
                .iter()
                .zip(&flags)
                .filter(|(quad, _)| order.holds(quad))
                .map(|(quad, flags)| (order.components(quad), *flags))
                .collect();
            if entries.is_empty() {
                continue;
            }
            // The chunk's quads are sorted subject first: in a single graph that is already the
            // graph-subject-predicate-object order.
            if !entries.is_sorted() {
                entries.sort_unstable();
            }
            runs.push(PackedRun::from_sorted(entries));
        }
    }

    /// Writes every held entry, each ordering as one merged stream, orderings in parallel where
    /// threads exist; holds nothing afterwards, even on failure. With `analyze`, the quads
    /// written are analyzed on the way (GSPO and GPOS streams) and the analysis returned.
    ///
    /// `first` are writes that must land before any index entry:
    /// they take the first threads, and the orderings merge and build their files meanwhile but
    /// ingest nothing until every one of them is done. So the cores are shared between both
    /// kinds of work instead of one waiting for the other.
    ///
    /// # Errors
    /// The first storage failure.
    pub(super) fn write<B: KvBackend>(
        &mut self,
        backend: &B,
        analyze: bool,
        first: Vec<FirstWrite<'_>>,
    ) -> Result<Option<Statistics>, StorageError> {
        let held = std::mem::take(&mut self.runs);
        let gate = Gate::new(first.len());
        let jobs = first.into_iter().map(Job::First).chain(
            QuadOrder::ALL
                .into_iter()
                .zip(held)
                .filter(|(_, runs)| !runs.is_empty())
                .map(|(order, runs)| Job::Index(order, runs)),
        );
        let subjects = Mutex::new(SubjectScan::default());
        let objects = Mutex::new(ObjectScan::default());
        let write = |job: Job<'_>| -> Result<(), StorageError> {
            let (order, runs) = match job {
                Job::First(first) => {
                    // Marked done even if the job panics, so no ordering waits forever.
                    let mut done = Done {
                        gate: &gate,
                        succeeded: false,
                    };
                    let result = first();
                    done.succeeded = result.is_ok();
                    return result;
                }
                Job::Index(order, runs) => (order, runs),
            };
            // The backend prepares each piece (RocksDB builds its table files) while the first
            // jobs run, and applies it once they are done.
            let ready = || gate.wait();
            let ingest = |piece| backend.ingest_sorted_when(order.keyspace(), piece, &ready);
            let merge_into = |observe: &mut dyn FnMut(&EncodedQuad)| {
                merge(&runs, PIECE_BYTES, ingest, &mut |key| {
                    if let Some(quad) = order.decode(key) {
                        observe(&quad);
                    }
                })
            };
            // Each scan is locked by its own job only: the locks are uncontended.
            match order {
                QuadOrder::Gspo if analyze => {
                    let mut scan = subjects.lock().map_err(|_| poisoned())?;
                    merge_into(&mut |quad| scan.observe(quad))?;
                }
                QuadOrder::Gpos if analyze => {
                    let mut scan = objects.lock().map_err(|_| poisoned())?;
                    merge_into(&mut |quad| scan.observe(quad))?;
                }
                _ => merge(&runs, PIECE_BYTES, ingest, &mut |_| {})?,
            }
            Ok(())
        };
        super::run_in_parallel(jobs, write)?;
        if !analyze {
            return Ok(None);
        }
        let subjects = subjects.into_inner().map_err(|_| poisoned())?;
        let objects = objects.into_inner().map_err(|_| poisoned())?;
        Ok(Some(subjects.finish(objects)))
    }
}

/// A write that must land before every index entry (see [`PendingIndexes::write`]).
pub(super) type FirstWrite<'a> = Box<dyn FnOnce() -> Result<(), StorageError> + Send + 'a>;

/// A job of [`PendingIndexes::write`].
enum Job<'a> {
    /// A write that lands before every index entry.
    First(FirstWrite<'a>),
    /// One ordering's held runs.
    Index(QuadOrder, Vec<PackedRun>),
}

/// Opens once every first job is done; fails its waiters if one failed.
struct Gate {
    /// First jobs not done yet, and whether one failed.
    state: Mutex<(usize, bool)>,
    opened: Condvar,
}

/// Marks a first job done when dropped.
struct Done<'g> {
    gate: &'g Gate,
    succeeded: bool,
}

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.gate.done(self.succeeded);
    }
}

impl Gate {
    fn new(jobs: usize) -> Self {
        Self {
            state: Mutex::new((jobs, false)),
            opened: Condvar::new(),
        }
    }

    fn done(&self, succeeded: bool) {
        if let Ok(mut state) = self.state.lock() {
            state.0 = state.0.saturating_sub(1);
            state.1 |= !succeeded;
        }
        self.opened.notify_all();
    }

    /// Waits until every first job is done. The first jobs are queued ahead of the orderings, so
    /// they are running or done whenever an ordering waits here.
    fn wait(&self) -> Result<(), KvError> {
        let stopped = || KvError::backend("bulk load", "stopped: an earlier write failed");
        let mut state = self.state.lock().map_err(|_| stopped())?;
        while state.0 > 0 && !state.1 {
            state = self.opened.wait(state).map_err(|_| stopped())?;
        }
        if state.1 {
            return Err(stopped());
        }
        Ok(())
    }
}
