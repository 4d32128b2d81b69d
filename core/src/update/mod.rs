//! SPARQL 1.1 Update.
//!
//! `spargebra` parses a request; [`PreparedUpdate::execute`] runs all of its operations inside one
//! [`Transaction`](crate::storage::Transaction), so a request applies whole or not at all, and each
//! operation sees the effects of those before it. Readers holding a snapshot keep seeing the state
//! before the request throughout.
//!
//! ```
//! use trine_core::{Store, kv::MemoryBackend};
//! use trine_core::update::UpdateOptions;
//!
//! let store = Store::open(MemoryBackend::new())?;
//! let summary = store.update(
//!     "PREFIX : <http://example.com/>
//!      INSERT DATA { :a :knows :b . :b :knows :c } ;
//!      INSERT { ?x :reaches ?z } WHERE { ?x :knows/:knows ?z }",
//!     &UpdateOptions::default(),
//! )?;
//! assert_eq!(summary.inserted, 3);
//! assert_eq!(store.len()?, 3);
//! // A failing operation undoes the whole request.
//! assert!(store.update("CLEAR ALL ; CREATE GRAPH <http://e/g> ; CREATE GRAPH <http://e/g>", &UpdateOptions::default()).is_err());
//! assert_eq!(store.len()?, 3);
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```
//!
//! `LOAD` reads documents through a [`LoadHandler`] that the embedder installs; without one, core
//! refuses `LOAD` (silently under `SILENT`).

mod error;
mod execute;
mod loader;
mod template;

pub use error::UpdateError;
pub use execute::{PreparedUpdate, UpdateOptions, UpdateSummary};
pub use loader::{LoadHandler, LoadedDocument};
