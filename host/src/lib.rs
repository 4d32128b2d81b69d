//! Trine's host: the [`Database`] facade, the `trine` CLI and the SPARQL HTTP server.
//!
//! [`Database::open`] takes a location string: a directory means RocksDB (the default),
//! `redb:<file>` one redb file, `memory:` memory. A [`Config`] (from a [`Preset`], with the
//! `TRINE_*` variables applied by [`Config::from_env`]) sets backend tuning, timeouts and limits.
//! Every failure is a [`HostError`] with a stable code and an HTTP status.

pub mod backup;
pub mod config;
pub mod database;
mod error;
pub mod plugin;
pub mod server;

pub use config::{Config, Preset, Secret};
pub use database::{Database, Location, OutputFormat, OutputFormats, Query, QueryForm};
pub use error::HostError;
