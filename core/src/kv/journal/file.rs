//! [`JournalFile`]: the few byte-level operations the journal needs from a medium.

use std::io;

/// A file the journal writes: positioned reads and writes, a length, and a sync.
pub trait JournalFile: Send + Sync + 'static {
    /// The file's length in bytes.
    ///
    /// # Errors
    /// The medium failed.
    fn len(&self) -> io::Result<u64>;

    /// Whether the file is empty.
    ///
    /// # Errors
    /// The medium failed.
    fn is_empty(&self) -> io::Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Fills `out` with the bytes at `offset`; reading past the end is an error.
    ///
    /// # Errors
    /// The medium failed, or the file is shorter.
    fn read_at(&self, offset: u64, out: &mut [u8]) -> io::Result<()>;

    /// Writes all of `data` at `offset`, growing the file if needed.
    ///
    /// # Errors
    /// The medium failed.
    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()>;

    /// Cuts or extends (with zeros) the file to `len` bytes.
    ///
    /// # Errors
    /// The medium failed.
    fn set_len(&self, len: u64) -> io::Result<()>;

    /// Makes the writes so far durable.
    ///
    /// # Errors
    /// The medium failed.
    fn sync(&self) -> io::Result<()>;
}

/// A journal file on the local file system.
#[cfg(unix)]
#[derive(Debug)]
pub struct StdFile(std::fs::File);

#[cfg(unix)]
impl StdFile {
    /// Opens `path` for reading and writing, creating it if missing.
    ///
    /// # Errors
    /// The file cannot be opened or created.
    pub fn open(path: impl AsRef<std::path::Path>) -> io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        Ok(Self(file))
    }
}

#[cfg(unix)]
impl JournalFile for StdFile {
    fn len(&self) -> io::Result<u64> {
        Ok(self.0.metadata()?.len())
    }

    fn read_at(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(&self.0, out, offset)
    }

    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        std::os::unix::fs::FileExt::write_all_at(&self.0, data, offset)
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        self.0.set_len(len)
    }

    fn sync(&self) -> io::Result<()> {
        self.0.sync_data()
    }
}
