//! Trine's storage-agnostic core: term encoding, dictionary, quad indexes, transactions, loading.
//!
//! The core runs over any [`kv::KvBackend`]: [`kv::MemoryBackend`] here, redb and RocksDB in their
//! own crates. It builds for native targets and for `wasm32-unknown-unknown` and `wasm32-wasip2`.
//!
//! Layers, bottom up: [`kv`] (the byte-level contract), [`encoding`] (fixed-width ids and keys),
//! [`dictionary`] (id ↔ term), [`storage`] (indexes, snapshots, transactions, bulk loads),
//! [`io`] (RDF syntaxes) and [`Store`], the public face.

pub mod dictionary;
pub mod encoding;
mod error_code;
pub mod io;
pub mod kv;
pub mod reasoner;
pub mod sparql;
pub mod storage;
pub mod store;
pub mod update;

pub use error_code::ErrorCode;
pub use oxrdf;
pub use store::Store;
