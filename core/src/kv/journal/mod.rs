//! A durable backend for media that offer only a few files: the data lives in a
//! [`MemoryBackend`], and every committed batch is appended to a journal file before it becomes
//! visible, so reopening replays the journal. Browsers' Origin Private File System is the medium
//! it was made for (the npm package's `opfs:` stores), where redb's code would not fit the
//! package's size budget; any [`JournalFile`] works, and [`StdFile`] makes it usable natively.
//!
//! # Layout
//! Two files, of which one is live. Each starts with a 16-byte header, `TRINEJ` `\0\x01` and a
//! generation (`u64` little-endian), followed by records: a payload length (`u32`), the
//! payload's CRC-32 (`u32`) and the payload, a batch of operations (see `record.rs`). A record is
//! one committed batch; a torn or damaged tail is cut off when the journal is opened, so a batch
//! is there entirely or not at all.
//!
//! When the live file grows past twice its size after the last compaction (and 4 MiB), the
//! current contents are written to the other file, which then gets the next generation in its
//! header: until that header is written the old file stays the live one, so a crash during a
//! compaction loses nothing. Opening picks the file with the highest generation.
//!
//! ```
//! use trine_core::kv::{Durability, JournalBackend, KvBackend, KvSnapshot, Keyspace, StdFile, WriteBatch};
//!
//! let dir = std::env::temp_dir().join(format!("trine-journal-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let open = || -> Result<_, Box<dyn std::error::Error>> {
//!     Ok(JournalBackend::open([StdFile::open(dir.join("a"))?, StdFile::open(dir.join("b"))?])?)
//! };
//! let backend = open()?;
//! let mut batch = WriteBatch::new();
//! batch.put(Keyspace::Meta, b"k".to_vec(), b"v".to_vec());
//! backend.write(batch, Durability::Sync)?;
//! drop(backend);
//! let reopened = open()?;
//! assert_eq!(reopened.snapshot()?.get(Keyspace::Meta, b"k")?, Some(b"v".to_vec()));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```

mod backend;
mod file;
mod record;

pub use backend::JournalBackend;
pub use file::JournalFile;
#[cfg(unix)]
pub use file::StdFile;
