//! A bulk load fed by several quad sources, each read on a thread of its own.
//!
//! Parsing is most of a load's work, so sources (parts of a file cut at line ends, or whole
//! documents) are read by a pool of threads; one thread encodes their quads in chunks, and a
//! holder thread sorts and packs the index entries of one chunk while the next is encoded.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use oxrdf::Quad;

use super::{BulkLoader, EncodedChunk};
use crate::kv::KvBackend;
use crate::storage::StorageError;

/// Quads a reader sends at a time.
const BATCH: usize = 16_384;

/// Batches waiting for the encoder: a few smooth out the readers' pace; more would only hold
/// parsed quads (a few hundred bytes each) in memory.
const PENDING_BATCHES: usize = 4;

/// One source of a parallel load: quads, tagged with the group (a document) they are counted in.
pub(crate) type Source<S> = (usize, S);

/// What the encoder hands the holder thread.
enum Job {
    Hold(EncodedChunk),
    /// Write what is held: the encoder has just written the terms it uses.
    Write,
}

impl<B: KvBackend> BulkLoader<'_, B> {
    /// Loads every quad of `sources`, read on up to `threads` threads, and finishes the load.
    /// Returns how many quads each of `groups` groups of sources yielded (a source's group is its
    /// tag, below `groups`).
    ///
    /// Memory stays bounded by a few batches per reader, two chunks in flight and the held index
    /// entries (see [`with_held_quads`](Self::with_held_quads)), whatever the input size.
    ///
    /// # Errors
    /// The first error a source yields (the load stops there, keeping what was written, like any
    /// bulk load), or a storage failure.
    pub(crate) fn load_parallel<S, E>(
        mut self,
        mut sources: Vec<Source<S>>,
        groups: usize,
        threads: usize,
    ) -> Result<Vec<u64>, E>
    where
        S: Iterator<Item = Result<Quad, E>> + Send,
        E: From<StorageError> + Send,
    {
        let mut counts = vec![0; groups];
        let backend = self.backend;
        let mut held = std::mem::take(&mut self.indexes);
        let readers = threads.clamp(1, sources.len().max(1));
        // Readers take sources from the end: reversed, the first sources are read first.
        sources.reverse();
        let queue = Mutex::new(sources);
        let held = std::thread::scope(|scope| {
            let (sender, batches) = sync_channel(PENDING_BATCHES);
            for _ in 0..readers {
                let sender = sender.clone();
                let queue = &queue;
                scope.spawn(move || read_sources(queue, &sender));
            }
            drop(sender);
            // A rendezvous: the encoder hands a chunk over only when the holder is free, so at
            // most two chunks are alive at once.
            let (jobs, pending) = sync_channel(0);
            let holder = scope.spawn(move || {
                for job in pending {
                    match job {
                        Job::Hold(chunk) => held.stage(chunk),
                        // The encoder has written the terms already.
                        Job::Write => {
                            held.write(backend, false, Vec::new())?;
                        }
                    }
                }
                Ok::<_, StorageError>(held)
            });
            let encoding = self.encode_from(&batches, &jobs, &mut counts);
            // Dropping the receiver stops the readers at their next send.
            drop(batches);
            drop(jobs);
            let held = holder
                .join()
                .map_err(|_| StorageError::Corruption("the index writer panicked".into()))?;
            encoding?;
            Ok::<_, E>(held?)
        })?;
        self.indexes = held;
        self.finish()?;
        Ok(counts)
    }

    /// Encodes the readers' batches in chunks and hands each to the holder; stops at the first
    /// error, or when the holder has stopped.
    fn encode_from<E: From<StorageError>>(
        &mut self,
        batches: &Receiver<Result<Source<Vec<Quad>>, E>>,
        jobs: &SyncSender<Job>,
        counts: &mut [u64],
    ) -> Result<(), E> {
        for message in batches {
            let (group, batch) = message?;
            if let Some(count) = counts.get_mut(group) {
                *count += batch.len() as u64;
            }
            self.chunk.append(batch);
            if self.chunk.len() >= self.chunk_size && !self.hand_over(jobs)? {
                return Ok(());
            }
        }
        self.hand_over(jobs)?;
        Ok(())
    }

    /// Counts a chunk handed to the holder. When the held entries are due to be written, writes
    /// the terms they use and returns true: the holder then writes its entries.
    fn hold(&mut self, quads: usize) -> Result<bool, StorageError> {
        self.held_quads += quads as u64;
        if self.held_quads < self.held_quads_limit {
            return Ok(false);
        }
        self.before_index_write()?;
        Ok(true)
    }

    /// Encodes the current chunk and hands it to the holder, with a write of what is held when
    /// that is due; `false` when the holder has stopped (its error is reported on joining it).
    fn hand_over(&mut self, jobs: &SyncSender<Job>) -> Result<bool, StorageError> {
        let Some(chunk) = self.encode_chunk()? else {
            return Ok(true);
        };
        let quads = chunk.len();
        if jobs.send(Job::Hold(chunk)).is_err() {
            return Ok(false);
        }
        if self.hold(quads)? {
            return Ok(jobs.send(Job::Write).is_ok());
        }
        Ok(true)
    }
}

/// A reader thread: takes sources from `queue` until none is left, sending their quads in
/// batches; stops at the first error (sent on) or when the encoder has stopped listening.
fn read_sources<S, E>(
    queue: &Mutex<Vec<Source<S>>>,
    sender: &SyncSender<Result<Source<Vec<Quad>>, E>>,
) where
    S: Iterator<Item = Result<Quad, E>>,
{
    loop {
        // A poisoned queue means another reader panicked; the encoder learns of it when the
        // scope ends.
        let next = queue.lock().ok().and_then(|mut queue| queue.pop());
        let Some((group, source)) = next else {
            return;
        };
        let mut batch = Vec::with_capacity(BATCH);
        for quad in source {
            match quad {
                Ok(quad) => batch.push(quad),
                Err(error) => {
                    let _ = sender.send(Err(error));
                    return;
                }
            }
            if batch.len() == BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if sender.send(Ok((group, full))).is_err() {
                    return;
                }
            }
        }
        if !batch.is_empty() && sender.send(Ok((group, batch))).is_err() {
            return;
        }
    }
}
