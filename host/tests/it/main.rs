//! Integration tests of the host: the HTTP server in-process on loopback, and the `trine`
//! binary through `std::process::Command`.

mod admission;
mod backup;
mod cli;
mod config_file;
mod crash;
mod graph_store;
mod limits;
mod observability;
mod plugin;
mod protocol;
mod reasoning;
mod service_description;
mod support;
mod w3c_graph_store;
mod w3c_manifest;
mod w3c_protocol;
