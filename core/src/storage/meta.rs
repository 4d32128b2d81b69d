use super::StorageError;
use crate::kv::{Keyspace, KvSnapshot};

/// Version of the on-disk layout this build reads and writes. Stores of older versions are
/// upgraded when opened (`storage::upgrade`).
///
/// 2: long literals are keyed in `term2id` by a hash (`encoding::term_key`).
pub(crate) const FORMAT_VERSION: u32 = 2;

/// Keys of the `meta` keyspace.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MetaKey {
    /// The layout version, a big-endian u32.
    Format,
    /// The next dictionary id payload to hand out, a big-endian u64.
    NextId,
    /// Number of quads (explicit or inferred), a big-endian u64.
    QuadCount,
    /// The reasoning profile kept up to date on every write (`rdfs`, `owl2rl`); absent for none.
    ReasoningProfile,
    /// The user rules of that profile, as text.
    ReasoningRules,
    /// Whether `eq-ref` is on (one byte).
    ReasoningReflexive,
    /// Number of default-graph quads flagged inferred, a big-endian u64.
    InferredCount,
    /// Present while a bulk load runs: a store opened with it set is repaired first.
    BulkLoad,
    /// Present while the layout is being upgraded (see `storage::upgrade`): the store already
    /// carries the new version, so an older build refuses it, and the upgrade is finished when it
    /// is next opened.
    Upgrading,
    /// The planner's last analysis (see `storage::statistics`).
    Statistics,
    /// Quads inserted or deleted since that analysis, a big-endian u64.
    StatisticsChanges,
    /// Quads when that analysis ran, a big-endian u64.
    StatisticsAnalyzed,
}

impl MetaKey {
    pub(crate) const fn key(self) -> &'static [u8] {
        match self {
            Self::Format => b"format",
            Self::NextId => b"next_id",
            Self::QuadCount => b"quads",
            Self::ReasoningProfile => b"reasoning.profile",
            Self::ReasoningRules => b"reasoning.rules",
            Self::ReasoningReflexive => b"reasoning.eq_ref",
            Self::InferredCount => b"reasoning.inferred",
            Self::BulkLoad => b"bulk_load",
            Self::Upgrading => b"upgrading",
            Self::Statistics => b"statistics",
            Self::StatisticsChanges => b"statistics.changes",
            Self::StatisticsAnalyzed => b"statistics.analyzed",
        }
    }
}

/// Reads a big-endian u64 counter; absent means 0.
pub(crate) fn read_u64(
    kv: &impl KvSnapshot,
    keyspace: Keyspace,
    key: &[u8],
) -> Result<u64, StorageError> {
    match kv.get(keyspace, key)? {
        None => Ok(0),
        Some(value) => Ok(u64::from_be_bytes(value.as_slice().try_into().map_err(
            |_| StorageError::Corruption(format!("counter {key:?} in {keyspace} is not 8 bytes")),
        )?)),
    }
}

/// State only the single writer touches, behind the store's writer lock.
#[derive(Debug)]
pub(crate) struct WriterState {
    /// Dictionary ids: the only allocator, shared by transactions and the bulk loader.
    pub(crate) ids: crate::dictionary::IdAllocator,
}

/// The held writer lock. The store's write generation is odd while a writer holds it and moves
/// on when it lets go, so a reader that saw the same even generation before and after its read
/// knows no write came in between (see `Store::generation`).
pub(crate) struct WriterGuard<'a> {
    state: std::sync::MutexGuard<'a, WriterState>,
    generation: &'a std::sync::atomic::AtomicU64,
}

impl<'a> WriterGuard<'a> {
    pub(crate) fn new(
        state: std::sync::MutexGuard<'a, WriterState>,
        generation: &'a std::sync::atomic::AtomicU64,
    ) -> Self {
        generation.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Self { state, generation }
    }
}

impl std::ops::Deref for WriterGuard<'_> {
    type Target = WriterState;

    fn deref(&self) -> &WriterState {
        &self.state
    }
}

impl std::ops::DerefMut for WriterGuard<'_> {
    fn deref_mut(&mut self) -> &mut WriterState {
        &mut self.state
    }
}

impl Drop for WriterGuard<'_> {
    fn drop(&mut self) {
        // Before the mutex is released (fields drop after this), so the next writer's increment
        // comes after this one.
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Reads a `meta` counter through any reader.
pub(crate) fn read_meta_u64<R: super::QuadRead>(
    reader: &R,
    key: MetaKey,
) -> Result<u64, StorageError> {
    read_u64(reader.kv(), Keyspace::Meta, key.key())
}
