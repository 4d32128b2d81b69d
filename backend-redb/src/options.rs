/// Cache that [`RedbOptions::default`] asks for: redb's own default, 1 GiB.
pub const DEFAULT_CACHE_SIZE: usize = 1024 * 1024 * 1024;

/// Cache for [`RedbBackend::in_memory`](crate::RedbBackend::in_memory): every page is already in
/// memory there, and redb's cache would hold a second copy of the hot ones.
pub const IN_MEMORY_CACHE_SIZE: usize = 32 * 1024 * 1024;

/// Buffered commits after which one is made durable anyway (see [`RedbOptions::sync_every`]).
pub const DEFAULT_SYNC_EVERY_COMMITS: u32 = 256;

/// Buffered bytes after which a commit is made durable anyway (see [`RedbOptions::sync_every`]).
pub const DEFAULT_SYNC_EVERY_BYTES: u64 = 64 * 1024 * 1024;

/// How a [`RedbBackend`](crate::RedbBackend) opens its database.
///
/// ```
/// use trine_backend_redb::{RedbBackend, RedbOptions};
///
/// let options = RedbOptions::default().cache_size(64 << 20).sync_every(100, 16 << 20);
/// let backend = RedbBackend::in_memory_with(&options)?;
/// # Ok::<(), trine_core::kv::KvError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedbOptions {
    pub(crate) cache_size: usize,
    pub(crate) sync_every_commits: u32,
    pub(crate) sync_every_bytes: u64,
    pub(crate) quick_repair: bool,
}

impl Default for RedbOptions {
    fn default() -> Self {
        Self {
            cache_size: DEFAULT_CACHE_SIZE,
            sync_every_commits: DEFAULT_SYNC_EVERY_COMMITS,
            sync_every_bytes: DEFAULT_SYNC_EVERY_BYTES,
            quick_repair: false,
        }
    }
}

impl RedbOptions {
    /// Bytes of memory redb may use to cache pages (default [`DEFAULT_CACHE_SIZE`]).
    #[must_use]
    pub fn cache_size(mut self, bytes: usize) -> Self {
        self.cache_size = bytes;
        self
    }

    /// Bounds what a crash can take from [`Durability::Buffered`](trine_core::kv::Durability)
    /// writes on a file.
    ///
    /// Buffered writes are committed without an fsync and redb only persists them with the next
    /// durable commit, so a crash of the process loses every buffered write since the last one.
    /// With this set, a buffered write is committed durably once `commits` buffered commits or
    /// `bytes` bytes of keys and values have accumulated since the last durable commit. `0`
    /// disables either bound; `(1, _)` makes every write durable. Defaults:
    /// [`DEFAULT_SYNC_EVERY_COMMITS`] and [`DEFAULT_SYNC_EVERY_BYTES`].
    ///
    /// Durable commits also let redb reuse the pages that buffered commits freed, so the bounds
    /// keep the file from growing during long runs of buffered writes.
    #[must_use]
    pub fn sync_every(mut self, commits: u32, bytes: u64) -> Self {
        self.sync_every_commits = commits;
        self.sync_every_bytes = bytes;
        self
    }

    /// Saves redb's allocator state with each durable commit (default `false`).
    ///
    /// Reopening a file after a crash then takes moments instead of a walk over the whole file, at
    /// the price of a second fsync per durable commit (redb's quick-repair and two-phase commit).
    #[must_use]
    pub fn quick_repair(mut self, enabled: bool) -> Self {
        self.quick_repair = enabled;
        self
    }

    /// The redb builder these options describe.
    pub(crate) fn builder(&self) -> redb::Builder {
        let mut builder = redb::Builder::new();
        builder.set_cache_size(self.cache_size);
        builder
    }
}
