//! The side-by-side comparison behind the `compare` binary: the same generated data loaded into
//! Trine (memory and RocksDB in-process, and its RocksDB store through `trine load` and
//! `trine serve` over HTTP on loopback) and Oxigraph 0.5 (its in-memory store in-process, with
//! the `oxigraph` feature; its RocksDB store through the released `oxigraph` tool, the same
//! way), the same queries run on each, every answer checked against Trine's in-memory store,
//! and one table, a JSON report and an SVG chart of the results. `trine-server` against
//! `oxigraph-rocksdb` is the like-for-like pair: both pay for HTTP and result serialization.
//!
//! ```no_run
//! use trine_benches::compare::{Config, compare};
//!
//! let config = Config { bsbm: 100, runs: 1, ..Config::default() };
//! let reports = compare(&config)?;
//! assert!(reports.iter().all(|r| r.mismatches.is_empty()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod answer;
mod config;
mod engine;
pub mod http;
#[cfg(feature = "oxigraph")]
mod oxigraph_memory;
mod report;
mod run;
mod server;
mod shape;
mod svg;

use std::path::Path;

pub use answer::{Answer, RawAnswer, check};
pub use config::{Config, USAGE};
pub use engine::{CacheReport, Engine, TrineEngine};
#[cfg(feature = "oxigraph")]
pub use oxigraph_memory::OxigraphMemoryEngine;
pub use report::{DatasetReport, RATIOS, json, table};
pub use run::{
    BenchQuery, Dataset, EngineRun, Mismatch, QueryRun, bsbm_dataset, lubm_dataset, median,
};
pub use server::{ServerEngine, trine_program, version};
pub use shape::{QueryForm, QueryShape};
pub use svg::chart;

use trine_backend_rocksdb::RocksDbBackend;
use trine_core::kv::MemoryBackend;

/// The error of the comparison's setup; failures of single queries are reported, not raised.
pub type Error = Box<dyn std::error::Error>;

/// The engines, in the order they run; the first is the reference every answer is checked
/// against.
pub const ENGINES: [&str; 5] = [
    "trine-memory",
    "trine-rocksdb",
    "trine-server",
    "oxigraph-memory",
    "oxigraph-rocksdb",
];

/// Opens engine `name` with its files (if any) under `location`.
///
/// # Errors
/// Fails for an unknown name or a store that cannot be opened.
pub fn open_engine(name: &str, location: &Path, config: &Config) -> Result<Box<dyn Engine>, Error> {
    Ok(match name {
        "trine-memory" => Box::new(TrineEngine::new(MemoryBackend::new(), None)?),
        "trine-rocksdb" => Box::new(TrineEngine::new(
            RocksDbBackend::open(location)?,
            Some(location),
        )?),
        #[cfg(feature = "oxigraph")]
        "oxigraph-memory" => Box::new(OxigraphMemoryEngine::new()?),
        "trine-server" => Box::new(ServerEngine::trine(
            configured_trine_program(config),
            location,
        )),
        "oxigraph-rocksdb" => Box::new(ServerEngine::oxigraph(location)),
        other => return Err(format!("unknown engine {other}").into()),
    })
}

/// The `trine` tool this run uses.
fn configured_trine_program(config: &Config) -> std::path::PathBuf {
    config
        .trine_bin
        .clone()
        .unwrap_or_else(server::trine_program)
}

/// The engines this run uses: all of [`ENGINES`], less Oxigraph in-process in a build without the
/// `oxigraph` feature and either tool when it is skipped or cannot be run (saying so and why on
/// standard output).
#[must_use]
pub fn engines(config: &Config) -> Vec<&'static str> {
    let in_process = cfg!(feature = "oxigraph");
    if !in_process {
        println!(
            "compare: oxigraph-memory SKIPPED: built without the `oxigraph` feature (add `--features oxigraph`)"
        );
    }
    let cli = if config.skip_oxigraph_cli {
        println!("compare: oxigraph-rocksdb skipped (--skip-oxigraph-cli)");
        false
    } else {
        match server::version(&server::oxigraph_program()) {
            Ok(version) => {
                println!("compare: oxigraph-rocksdb through {version}");
                true
            }
            Err(why) => {
                println!(
                    "compare: oxigraph-rocksdb SKIPPED: {why}; install the tool with `pip install oxigraph==0.5.13`"
                );
                false
            }
        }
    };
    let server = if config.skip_trine_server {
        println!("compare: trine-server skipped (--skip-trine-server)");
        false
    } else {
        let program = configured_trine_program(config);
        match server::version(&program) {
            Ok(version) => {
                println!(
                    "compare: trine-server through {version} ({})",
                    program.display()
                );
                true
            }
            Err(why) => {
                println!(
                    "compare: trine-server SKIPPED: {why}; build it with `cargo build [--release] -p trine-host --bin trine` or pass --trine-bin"
                );
                false
            }
        }
    };
    ENGINES
        .into_iter()
        .filter(|&name| {
            (cli || name != "oxigraph-rocksdb")
                && (in_process || name != "oxigraph-memory")
                && (server || name != "trine-server")
        })
        .collect()
}

/// Generates the datasets of `config` in a temporary directory, runs every engine over each and
/// checks the answers.
///
/// # Errors
/// Fails if the data cannot be written or an engine cannot be opened; a failing load or query
/// is a [`Mismatch`] in the report instead.
pub fn compare(config: &Config) -> Result<Vec<DatasetReport>, Error> {
    let dir = tempfile::tempdir()?;
    let engines = engines(config);
    let mut datasets = Vec::new();
    if config.lubm > 0 {
        datasets.push(lubm_dataset(config.lubm, config.seed, dir.path())?);
    }
    if config.bsbm > 0 {
        datasets.push(bsbm_dataset(
            config.bsbm,
            config.seed,
            config.mixes,
            dir.path(),
        )?);
    }
    let mut reports = Vec::new();
    for dataset in datasets {
        println!(
            "compare: {}: {} generated triples, {} queries",
            dataset.name,
            dataset.lines,
            dataset.queries.len()
        );
        let mut runs = Vec::new();
        for (i, name) in engines.iter().enumerate() {
            let location = dir.path().join(format!("store-{i}-{name}"));
            let mut engine = open_engine(name, &location, config)?;
            let result = run::run_engine(name, engine.as_mut(), &dataset, config.runs);
            println!(
                "compare: {name} on {}: loaded {} triples in {:.2} s, queries done",
                dataset.name,
                result.triples,
                result.load_seconds.unwrap_or(f64::NAN)
            );
            runs.push(result);
            // Closes the store (and stops the server) before its files go.
            drop(engine);
            if location.exists() {
                std::fs::remove_dir_all(&location)?;
            }
        }
        let mismatches = run::mismatches(&dataset, &runs);
        reports.push(DatasetReport {
            dataset,
            runs,
            mismatches,
        });
    }
    Ok(reports)
}

/// A line naming the machine: cores and memory.
#[must_use]
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!(", {:.0} GB memory", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_default();
    format!(
        "{cores} cores{memory}, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}
