//! Test suites for Trine.
//!
//! - [`conformance`]: the cross-backend suite. Every [`KvBackend`](trine_core::kv::KvBackend) must pass
//!   it; whoever writes a new backend checks it with one call to [`conformance::run`].
//! - [`w3c`]: runners for the W3C test suites, reading their manifests from `../shared/conformance`
//!   (or `$TRINE_CONFORMANCE_DIR`).
//! - [`reasoning`]: the OWL 2 RL and RDFS entailment suites through a store with a reasoning profile.

pub mod conformance;
pub mod differential;
pub mod reasoning;
pub mod w3c;
