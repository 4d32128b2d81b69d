//! Trine's cross-backend suite (`trine_tests::conformance`) as a WebAssembly component:
//! `cargo build -p trine-conformance-component --target wasm32-wasip2` (which `cargo xtask
//! component` does) emits a component exporting `trine:conformance/suite`. The host's plugin
//! tests load it into wasmtime and check that every case passes inside the sandbox, on memory,
//! on redb in memory and on redb files in a preopened directory, as natively.

mod bindings {
    // The generated exports are `#[unsafe(no_mangle)]` functions, and undocumented.
    #![allow(unsafe_code, missing_docs, clippy::all)]
    #[cfg(target_family = "wasm")]
    use super::Suite;
    wit_bindgen::generate!({ world: "conformance", path: "wit" });
    // Exported names such as `trine:store/api#[method]store.query` are not valid in a native
    // linker's version script: the exports exist in the WebAssembly build only (natively the
    // crate still type-checks, for clippy and tests).
    #[cfg(target_family = "wasm")]
    export!(Suite with_types_in self);
}

use std::sync::atomic::{AtomicUsize, Ordering};

use bindings::exports::trine::conformance::suite::{Guest, Outcome};
use trine_backend_redb::RedbBackend;
use trine_core::kv::MemoryBackend;
use trine_tests::conformance::{self, Reopen, Report};

/// Where the host's directory appears inside the component.
const DATA_DIR: &str = "/data";

/// The component's root: the type the generated exports call into.
pub struct Suite;

impl Guest for Suite {
    fn run(backend: String) -> Result<Vec<Outcome>, String> {
        let report = match backend.as_str() {
            "memory" => conformance::run("memory", MemoryBackend::new, Reopen::Keep),
            "redb-memory" => conformance::run(
                "redb (in-memory)",
                || RedbBackend::in_memory().expect("in-memory redb"),
                Reopen::Keep,
            ),
            "redb-file" => redb_files()?,
            other => return Err(format!("unknown backend {other:?}")),
        };
        Ok(outcomes(report))
    }
}

/// redb files in the preopened directory, each case on a file of its own, reopened by path.
fn redb_files() -> Result<Report, String> {
    let base = std::path::Path::new(DATA_DIR);
    if !base.is_dir() {
        return Err(format!("{DATA_DIR} is not preopened"));
    }
    let counter = AtomicUsize::new(0);
    Ok(conformance::run(
        "redb (file)",
        || {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            RedbBackend::open(base.join(format!("db{n}.redb"))).expect("open redb")
        },
        Reopen::with(|backend: RedbBackend| {
            let path = backend.path().expect("file-backed").to_path_buf();
            drop(backend);
            RedbBackend::open(path).expect("reopen redb")
        }),
    ))
}

fn outcomes(report: Report) -> Vec<Outcome> {
    let passed = report.passed.into_iter().map(|name| Outcome {
        name: name.to_owned(),
        error: None,
    });
    let failed = report.failed.into_iter().map(|(name, error)| Outcome {
        name: name.to_owned(),
        error: Some(error),
    });
    passed.chain(failed).collect()
}
