//! Index entries a bulk load holds back, so that each index is written in one merged, sorted pass.
//!
//! Writing every chunk's entries as they come leaves one sorted run per chunk and index, all
//! overlapping: an LSM store then has to merge them (RocksDB rewrote the whole store once in
//! background compactions during a load, and queries right after the load searched a dozen files
//! per index). Held back and merged, a load of an empty store writes each index once, as
//! non-overlapping files.

use std::sync::Mutex;

use super::EncodedChunk;
use super::packed::{PackedRun, merge};
use crate::encoding::{EncodedQuad, QuadOrder};
use crate::kv::KvBackend;
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
    /// # Errors
    /// The first storage failure.
    pub(super) fn write<B: KvBackend>(
        &mut self,
        backend: &B,
        analyze: bool,
    ) -> Result<Option<Statistics>, StorageError> {
        let held = std::mem::take(&mut self.runs);
        let jobs: Vec<(QuadOrder, Vec<PackedRun>)> = QuadOrder::ALL
            .into_iter()
            .zip(held)
            .filter(|(_, runs)| !runs.is_empty())
            .collect();
        let subjects = Mutex::new(SubjectScan::default());
        let objects = Mutex::new(ObjectScan::default());
        let write = |(order, runs): (QuadOrder, Vec<PackedRun>)| -> Result<(), StorageError> {
            let ingest = |piece| backend.ingest_sorted(order.keyspace(), piece);
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
