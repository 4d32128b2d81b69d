//! Id ↔ term tables, id allocation, caches and collection of dead terms.
//!
//! Dictionary ids come from one store-wide counter kept in the `meta` keyspace and written in the same
//! atomic batch as the terms it numbers, so an id is never handed out twice, even after a crash or
//! after [`Store::compact_dictionary`](crate::Store::compact_dictionary) removed the term it named.

mod allocator;
mod cache;
mod lookup;

pub(crate) use allocator::IdAllocator;
pub use cache::TermCache;
pub(crate) use lookup::decode_id;
pub use lookup::{CacheStats, Dictionary};
