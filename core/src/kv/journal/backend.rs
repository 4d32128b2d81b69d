//! [`JournalBackend`]: a [`MemoryBackend`] whose committed batches are appended to a journal.

use std::sync::{Mutex, MutexGuard};

use super::file::JournalFile;
use super::record::{self, HEADER_LEN};
use crate::kv::{
    Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvError, KvSnapshot, MemoryBackend,
    MemorySnapshot, SortedRun, WriteBatch,
};

/// The live file is compacted once it is twice its size after the last compaction, and at
/// least this big.
const COMPACT_FLOOR: u64 = 4 << 20;
/// A compaction writes each keyspace in records of about this many bytes.
const CHUNK_BYTES: usize = 1 << 20;

/// A durable store over two [`JournalFile`]s (see the [module](super) for the layout). Reads are
/// the memory backend's; a write is appended to the journal, then applied.
pub struct JournalBackend<F: JournalFile> {
    memory: MemoryBackend,
    journal: Mutex<Journal<F>>,
}

struct Journal<F> {
    files: [F; 2],
    /// Which of `files` is live.
    live: usize,
    generation: u64,
    /// Where the next record goes in the live file.
    end: u64,
    /// The live file's length after the last compaction (or the opening).
    compacted: u64,
    buffer: Vec<u8>,
}

impl<F: JournalFile> std::fmt::Debug for JournalBackend<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalBackend").finish_non_exhaustive()
    }
}

impl<F: JournalFile> JournalBackend<F> {
    /// Opens the journal in `files` (two empty files start a new store), replaying it.
    ///
    /// A torn record at the end (a crash during a write) is cut off: the store holds every batch
    /// whose write returned, and no part of the one that did not.
    ///
    /// # Errors
    /// [`KvError::Io`] if a file cannot be read or written, [`KvError::Corruption`] if a file
    /// holds something else than a journal.
    pub fn open(files: [F; 2]) -> Result<Self, KvError> {
        let mut generations = [None, None];
        for (generation, file) in generations.iter_mut().zip(&files) {
            let mut start = vec![0; file.len()?.min(HEADER_LEN as u64) as usize];
            file.read_at(0, &mut start)?;
            *generation = record::generation(&start)?;
        }
        let live = match generations {
            [Some(first), Some(second)] => usize::from(second > first),
            [None, Some(_)] => 1,
            _ => 0,
        };
        let memory = MemoryBackend::new();
        let (generation, end) = match generations[live] {
            Some(generation) => {
                let file = &files[live];
                let len = file.len()?;
                let len = usize::try_from(len)
                    .map_err(|_| KvError::Corruption("the journal is too big to open".into()))?;
                let mut bytes = vec![0; len];
                file.read_at(0, &mut bytes)?;
                let valid = record::replay(&bytes[HEADER_LEN..], |batch| {
                    memory.write(batch, Durability::Buffered)
                })?;
                let end = (HEADER_LEN + valid) as u64;
                if end < len as u64 {
                    file.set_len(end)?;
                    file.sync()?;
                }
                (generation, end)
            }
            None => {
                let file = &files[0];
                file.set_len(0)?;
                file.write_at(0, &record::header(1))?;
                file.sync()?;
                (1, HEADER_LEN as u64)
            }
        };
        // The other file is an older generation or an unfinished compaction.
        let other = &files[1 - live];
        if !other.is_empty()? {
            other.set_len(0)?;
            other.sync()?;
        }
        Ok(Self {
            memory,
            journal: Mutex::new(Journal {
                files,
                live,
                generation,
                end,
                compacted: end,
                buffer: Vec::new(),
            }),
        })
    }

    /// Closes the store and hands back its files (to open it again, or elsewhere).
    pub fn into_files(self) -> [F; 2] {
        let journal = match self.journal.into_inner() {
            Ok(journal) => journal,
            Err(poisoned) => poisoned.into_inner(),
        };
        journal.files
    }

    fn lock(&self) -> MutexGuard<'_, Journal<F>> {
        // A writer that panicked left the journal as it was before its append.
        match self.journal.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Compacts when the live file has doubled; a failure leaves the live file as it was and is
    /// retried after the next doubling.
    fn maybe_compact(&self, journal: &mut Journal<F>) {
        if journal.end > COMPACT_FLOOR.max(2 * journal.compacted)
            && let Err(error) = self.compact_into_other(journal)
        {
            tracing::warn!(%error, "journal compaction failed; the live journal goes on");
            journal.compacted = journal.end;
        }
    }

    /// Writes the current contents to the other file, then makes it live.
    fn compact_into_other(&self, journal: &mut Journal<F>) -> Result<(), KvError> {
        let target = 1 - journal.live;
        let file = &journal.files[target];
        file.set_len(0)?;
        file.write_at(0, &record::header(0))?;
        let mut at = HEADER_LEN as u64;
        let snapshot = self.memory.snapshot()?;
        let mut buffer = Vec::new();
        for keyspace in Keyspace::ALL {
            let mut cursor = snapshot.cursor(keyspace, KeyRange::all())?;
            let mut run = SortedRun::new();
            loop {
                let more = if let Some(key) = cursor.key() {
                    run.push(key, cursor.value().unwrap_or_default());
                    true
                } else {
                    false
                };
                if !run.is_empty() && (!more || run.byte_len() >= CHUNK_BYTES) {
                    buffer.clear();
                    record::push_sorted(&mut buffer, keyspace, &run);
                    file.write_at(at, &buffer)?;
                    at += buffer.len() as u64;
                    run = SortedRun::new();
                }
                if !more {
                    break;
                }
                cursor.advance()?;
            }
        }
        file.sync()?;
        // The new generation's header makes this file the live one, all at once.
        file.write_at(0, &record::header(journal.generation + 1))?;
        file.sync()?;
        let old = &journal.files[journal.live];
        if let Err(error) = old.set_len(0) {
            // Harmless: its generation is lower, and the next opening empties it.
            tracing::warn!(%error, "could not empty the old journal file");
        }
        journal.live = target;
        journal.generation += 1;
        journal.end = at;
        journal.compacted = at;
        Ok(())
    }
}

impl<F: JournalFile> Journal<F> {
    /// Appends the record in `buffer` to the live file.
    fn append(&mut self, durability: Durability) -> Result<(), KvError> {
        let file = &self.files[self.live];
        if let Err(error) = file.write_at(self.end, &self.buffer) {
            // Cut what part of the record may have landed, so the next append follows the
            // last whole record (opening would cut it too).
            let _ = file.set_len(self.end);
            return Err(error.into());
        }
        if durability == Durability::Sync {
            file.sync()?;
        }
        self.end += self.buffer.len() as u64;
        Ok(())
    }
}

impl<F: JournalFile> KvBackend for JournalBackend<F> {
    type Snapshot<'a> = MemorySnapshot;

    fn name(&self) -> &'static str {
        "journal"
    }

    fn snapshot(&self) -> Result<MemorySnapshot, KvError> {
        self.memory.snapshot()
    }

    fn write(&self, batch: WriteBatch, durability: Durability) -> Result<(), KvError> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut journal = self.lock();
        journal.buffer.clear();
        record::push_batch(&mut journal.buffer, &batch);
        journal.append(durability)?;
        self.memory.write(batch, Durability::Buffered)?;
        self.maybe_compact(&mut journal);
        Ok(())
    }

    fn ingest_sorted(&self, keyspace: Keyspace, run: SortedRun) -> Result<(), KvError> {
        if run.is_empty() {
            return Ok(());
        }
        let mut journal = self.lock();
        journal.buffer.clear();
        record::push_sorted(&mut journal.buffer, keyspace, &run);
        journal.append(Durability::Buffered)?;
        self.memory.ingest_sorted(keyspace, run)?;
        self.maybe_compact(&mut journal);
        Ok(())
    }

    fn approximate_size(&self) -> Option<u64> {
        Some(self.lock().end)
    }

    fn compact(&self) -> Result<(), KvError> {
        let mut journal = self.lock();
        self.compact_into_other(&mut journal)
    }

    fn flush(&self) -> Result<(), KvError> {
        let journal = self.lock();
        journal.files[journal.live].sync()?;
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::kv::journal::StdFile;

    fn open(dir: &std::path::Path) -> JournalBackend<StdFile> {
        let files = [
            StdFile::open(dir.join("a")).expect("a"),
            StdFile::open(dir.join("b")).expect("b"),
        ];
        JournalBackend::open(files).expect("open")
    }

    fn put(backend: &JournalBackend<StdFile>, key: u64, value: &[u8]) {
        let mut batch = WriteBatch::new();
        batch.put(Keyspace::Gspo, key.to_be_bytes().to_vec(), value.to_vec());
        batch.put(Keyspace::Meta, b"last".to_vec(), key.to_be_bytes().to_vec());
        backend.write(batch, Durability::Buffered).expect("write");
    }

    fn count(backend: &JournalBackend<StdFile>) -> usize {
        let snapshot = backend.snapshot().expect("snapshot");
        let mut cursor = snapshot
            .cursor(Keyspace::Gspo, KeyRange::all())
            .expect("cursor");
        let mut n = 0;
        while cursor.key().is_some() {
            n += 1;
            cursor.advance().expect("advance");
        }
        n
    }

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("trine-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        dir
    }

    #[test]
    fn compaction_switches_files_and_keeps_everything() {
        let dir = temp_dir("compaction");
        let backend = open(&dir);
        let value = vec![7; 1000];
        for key in 0..10_000 {
            put(&backend, key % 3_000, &value);
        }
        let generation = backend.lock().generation;
        assert!(
            generation > 1,
            "10 MB of writes over 3 MB of data compacted"
        );
        drop(backend);
        let reopened = open(&dir);
        assert_eq!(count(&reopened), 3_000);
        assert_eq!(
            reopened
                .snapshot()
                .expect("snapshot")
                .get(Keyspace::Meta, b"last")
                .expect("get"),
            Some(999_u64.to_be_bytes().to_vec())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_torn_write_is_cut_on_opening() {
        let dir = temp_dir("torn");
        let backend = open(&dir);
        for key in 0..10 {
            put(&backend, key, b"v");
        }
        let live = backend.lock().live;
        let end = backend.lock().end;
        drop(backend);
        // A crash in the middle of the eleventh record: part of it reached the file.
        let path = dir.join(if live == 0 { "a" } else { "b" });
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.extend_from_slice(&[40, 0, 0, 0, 1, 2, 3, 4, 1, 5]);
        std::fs::write(&path, &bytes).expect("write");
        let reopened = open(&dir);
        assert_eq!(count(&reopened), 10);
        assert_eq!(reopened.lock().end, end);
        put(&reopened, 10, b"v");
        drop(reopened);
        assert_eq!(count(&open(&dir)), 11);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
