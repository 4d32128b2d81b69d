//! Integration tests of the host: the HTTP server in-process on loopback, and the `trine`
//! binary through `std::process::Command`.

mod cli;
mod limits;
mod observability;
mod protocol;
mod support;
mod w3c_protocol;
