//! Checkpoints: a consistent copy of the store in a new directory, as one redb file.

use std::fs;
use std::io;
use std::path::Path;

use redb::{Builder, ReadTransaction};
use trine_core::kv::{Keyspace, KvError};

use crate::error::kv_error;
use crate::snapshot::definition;

/// The file a checkpoint directory holds: `RedbBackend::open(dir.join(CHECKPOINT_FILE))` opens it.
pub const CHECKPOINT_FILE: &str = "trine.redb";

/// Name of the file while it is written; renamed to [`CHECKPOINT_FILE`] once complete.
const PARTIAL_FILE: &str = "trine.redb.partial";

/// Cache for the copy: it is written once, in order, and never read back.
const COPY_CACHE_SIZE: usize = 16 * 1024 * 1024;

/// Copies every keyspace as `source` sees it into `target/`[`CHECKPOINT_FILE`].
pub(crate) fn write_checkpoint(source: &ReadTransaction, target: &Path) -> Result<(), KvError> {
    create_empty_dir(target)?;
    let partial = target.join(PARTIAL_FILE);
    let copy = Builder::new()
        .set_cache_size(COPY_CACHE_SIZE)
        .create(&partial)
        .map_err(kv_error)?;
    // A transaction per keyspace bounds the memory the copy holds before it commits; only the
    // rename below makes the copy visible, so the commits need not be one. Each is durable, so
    // the file is complete on disk before it is renamed.
    for keyspace in Keyspace::ALL {
        let input = source.open_table(definition(keyspace)).map_err(kv_error)?;
        let transaction = copy.begin_write().map_err(kv_error)?;
        {
            let mut output = transaction
                .open_table(definition(keyspace))
                .map_err(kv_error)?;
            for entry in input.range::<&[u8]>(..).map_err(kv_error)? {
                let (key, value) = entry.map_err(kv_error)?;
                output
                    .insert(key.value(), value.value())
                    .map_err(kv_error)?;
            }
        }
        transaction.commit().map_err(kv_error)?;
    }
    copy.close().map_err(kv_error)?;
    fs::rename(&partial, target.join(CHECKPOINT_FILE))?;
    sync_dir(target)
}

/// Creates `dir`, or accepts it if it exists and is empty, so a checkpoint never mixes with
/// other files.
fn create_empty_dir(dir: &Path) -> Result<(), KvError> {
    match fs::create_dir(dir) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            if fs::read_dir(dir)?.next().is_none() {
                Ok(())
            } else {
                Err(KvError::Io(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("checkpoint target {} is not empty", dir.display()),
                )))
            }
        }
        Err(error) => Err(error.into()),
    }
}

/// Persists the rename: on Unix a directory entry is durable only once its directory is synced.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), KvError> {
    fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Elsewhere there is no portable way to sync a directory; the file itself is synced.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), KvError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use trine_core::kv::{Durability, KeyRange, KvBackend, KvCursor, KvSnapshot, WriteBatch};

    use super::*;
    use crate::RedbBackend;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn fill(backend: &RedbBackend, count: u32) -> Result<(), KvError> {
        let mut batch = WriteBatch::new();
        for i in 0..count {
            for keyspace in Keyspace::ALL {
                batch.put(
                    keyspace,
                    i.to_be_bytes().to_vec(),
                    keyspace.name().as_bytes(),
                );
            }
        }
        backend.write(batch, Durability::Buffered)
    }

    fn count(snapshot: &impl KvSnapshot, keyspace: Keyspace) -> Result<usize, KvError> {
        let mut cursor = snapshot.cursor(keyspace, KeyRange::all())?;
        let mut count = 0;
        while cursor.key().is_some() {
            count += 1;
            cursor.advance()?;
        }
        Ok(count)
    }

    #[test]
    fn reopen_keeps_the_data() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("store.redb");
        {
            let backend = RedbBackend::open(&path)?;
            assert_eq!(backend.path(), Some(path.as_path()));
            assert!(!backend.is_in_memory());
            fill(&backend, 100)?;
            let mut batch = WriteBatch::new();
            batch.delete(Keyspace::Meta, 7u32.to_be_bytes().to_vec());
            backend.write(batch, Durability::Sync)?;
            assert!(backend.approximate_size().unwrap_or_default() > 0);
        }
        let backend = RedbBackend::open(&path)?;
        let snapshot = backend.snapshot()?;
        assert_eq!(count(&snapshot, Keyspace::Gspo)?, 100);
        assert_eq!(count(&snapshot, Keyspace::Meta)?, 99);
        assert_eq!(
            snapshot.get(Keyspace::Ospg, &3u32.to_be_bytes())?,
            Some(b"ospg".to_vec())
        );
        Ok(())
    }

    #[test]
    fn a_file_is_locked_while_open() -> TestResult {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("store.redb");
        let backend = RedbBackend::open(&path)?;
        assert!(RedbBackend::open(&path).is_err());
        backend.close()?;
        RedbBackend::open(&path)?;
        Ok(())
    }

    #[test]
    fn checkpoint_opens_with_the_data() -> TestResult {
        let dir = tempfile::tempdir()?;
        let backend = RedbBackend::open(dir.path().join("store.redb"))?;
        fill(&backend, 500)?;
        let target = dir.path().join("backup");
        backend.checkpoint(&target)?;
        // Later writes are not in it.
        fill(&backend, 600)?;

        let names: Vec<_> = fs::read_dir(&target)?
            .map(|entry| entry.map(|entry| entry.file_name()))
            .collect::<Result<_, _>>()?;
        assert_eq!(names, [CHECKPOINT_FILE]);
        let copy = RedbBackend::open(target.join(CHECKPOINT_FILE))?;
        let snapshot = copy.snapshot()?;
        for keyspace in Keyspace::ALL {
            assert_eq!(count(&snapshot, keyspace)?, 500, "{keyspace}");
        }
        assert_eq!(
            snapshot.get(Keyspace::Posg, &42u32.to_be_bytes())?,
            Some(b"posg".to_vec())
        );

        // A second checkpoint into the same, now non-empty, directory is refused.
        assert!(matches!(backend.checkpoint(&target), Err(KvError::Io(_))));
        Ok(())
    }

    #[test]
    fn checkpoint_of_an_in_memory_store() -> TestResult {
        let dir = tempfile::tempdir()?;
        let backend = RedbBackend::in_memory()?;
        fill(&backend, 10)?;
        let target = dir.path().join("empty-already");
        fs::create_dir(&target)?;
        backend.checkpoint(&target)?;
        let copy = RedbBackend::open(target.join(CHECKPOINT_FILE))?;
        assert_eq!(count(&copy.snapshot()?, Keyspace::Gosp)?, 10);
        Ok(())
    }

    #[test]
    fn compact_keeps_the_data_and_does_not_grow() -> TestResult {
        let dir = tempfile::tempdir()?;
        let backend = RedbBackend::open(dir.path().join("store.redb"))?;
        fill(&backend, 5_000)?;
        let mut batch = WriteBatch::new();
        for i in 0..4_000u32 {
            for keyspace in Keyspace::ALL {
                batch.delete(keyspace, i.to_be_bytes().to_vec());
            }
        }
        backend.write(batch, Durability::Sync)?;
        let before = backend.approximate_size().unwrap_or_default();
        backend.compact()?;
        assert!(backend.approximate_size().unwrap_or_default() <= before);
        assert_eq!(count(&backend.snapshot()?, Keyspace::Spog)?, 1_000);
        Ok(())
    }
}
