//! Quad indexes, snapshots, write transactions, bulk loading and maintained statistics.
//!
//! Everything here is generic over a [`KvSnapshot`](crate::kv::KvSnapshot): a [`Snapshot`] reads a
//! backend snapshot, a [`Transaction`] reads its own uncommitted writes laid over one. Both implement
//! [`QuadRead`], so code that only reads takes either.

mod bulk;
mod error;
mod fingerprint;
mod meta;
mod pattern;
mod probe;
mod read;
mod repair;
mod snapshot;
mod statistics;
mod transaction;
mod upgrade;
mod validate;
mod values;

pub use bulk::{BulkLoader, LoadProgress};
pub use error::StorageError;
pub use pattern::{EncodedQuadIter, FlaggedQuadIter, GraphScope, QuadIter, QuadPattern};
pub use probe::{IndexProbe, ProbeCursors, QuadProbe};
pub use read::QuadRead;
pub use snapshot::{ReadVersion, Snapshot};
pub use statistics::{
    CharacteristicSet, PredicateStatistics, REANALYZE_MIN_CHANGES, StarIndex, Statistics,
};
pub use transaction::{CommitHook, Transaction, TxnKv};
pub use validate::ValidationReport;
pub use values::{IndexValues, ValueSeek};

pub(crate) use bulk::recount;
pub(crate) use meta::{FORMAT_VERSION, MetaKey, WriterGuard, WriterState, read_meta_u64};
pub(crate) use repair::{clear_loading, load_interrupted, mark_loading, repair};
pub(crate) use statistics::{needs_analysis, read_statistics};
pub(crate) use upgrade::{finish_upgrade, upgrade};
pub(crate) use validate::validate as validate_reader;
