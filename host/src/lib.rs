//! Trine's host: the `Database` facade, the `trine` CLI, the HTTP server, backup, health and
//! telemetry. Filled by the host issue; the crate exists so the workspace has its final shape.
