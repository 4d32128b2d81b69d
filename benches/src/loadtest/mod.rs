//! The load test behind the `load-test` binary: BSBM-shaped data loaded by `trine load` into a
//! fresh RocksDB directory, `trine serve` on it, and client threads mixing the BSBM explore
//! queries, Graph Store reads and SPARQL updates against it for a fixed time. Afterwards every
//! acknowledged write is looked up, the server's peak memory is read, the server is stopped with
//! SIGTERM and `trine verify` checks the store.
//!
//! The server is the one [`crate::compare`] runs ([`ServerEngine`]), over the same HTTP/1.1
//! client ([`crate::compare::http`]), on the same generated data ([`bsbm_dataset`]).
//!
//! ```no_run
//! use trine_benches::loadtest::{Config, run};
//!
//! let config = Config { clients: 4, seconds: 5, ..Config::default() };
//! let report = run(&config)?;
//! assert!(report.failures().is_empty(), "{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod client;
mod config;
mod report;
mod writes;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub use client::{ClientLog, Kind, Tally, Workload};
pub use config::{Config, USAGE};
pub use report::{KindSummary, Report, percentile, summarize};
pub use writes::{NAMESPACE, QUADS_PER_WRITE, WriteCheck, WriteId};

use crate::bsbm;
use crate::compare::{self, Engine, RawAnswer, ServerEngine, bsbm_dataset};

/// The error of the load test's setup and checks; failed requests are counted, not raised.
pub type Error = Box<dyn std::error::Error>;

/// How long the server may take to stop after SIGTERM before it is killed.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(60);

/// Runs the whole load test of `config`, printing progress lines on standard output.
///
/// # Errors
/// Fails if the data cannot be generated or loaded, the server does not start, or the writes
/// cannot be looked up afterwards; failed requests, missing writes and a failed verification
/// are in the report instead (see [`Report::failures`]).
pub fn run(config: &Config) -> Result<Report, Error> {
    let program = config
        .trine_bin
        .clone()
        .unwrap_or_else(compare::trine_program);
    let version = compare::version(&program).map_err(|why| {
        format!(
            "{why}; build it with `cargo build [--release] -p trine-host --bin trine` or pass --trine-bin"
        )
    })?;
    println!("load-test: {version} ({})", program.display());
    let dir = tempfile::tempdir()?;
    let dataset = bsbm_dataset(config.products, config.seed, config.mixes, dir.path())?;
    // The explore mix only: the analytic queries aggregate over everything, a different load.
    let queries: Vec<(String, String)> = dataset
        .queries
        .iter()
        .filter(|q| bsbm::TEMPLATES.iter().any(|(name, _)| *name == q.group))
        .map(|q| (q.label(), q.text.clone()))
        .collect();
    let location = dir.path().join("store");
    let mut server =
        ServerEngine::trine(program.clone(), &location).with_serve_args(config.serve_args());
    let load_start = Instant::now();
    server.load(&dataset.files)?;
    let load_seconds = load_start.elapsed().as_secs_f64();
    let address = server.address()?;
    let pid = server.pid().ok_or("the server is not running")?;
    let triples = server.triple_count()?;
    println!(
        "load-test: {}: {triples} triples loaded in {load_seconds:.1} s; `trine serve` (pid {pid}) on {address}; {} clients for {} s, {} queries to draw from",
        dataset.name,
        config.clients,
        config.seconds,
        queries.len()
    );

    let start = Instant::now();
    let work = Workload {
        address,
        queries: &queries,
        mix: config.mix,
        timeout: Duration::from_secs(config.timeout_s),
        deadline: start + Duration::from_secs(config.seconds),
        seed: config.seed,
    };
    let logs = drive(config.clients, &work)?;
    let elapsed_seconds = start.elapsed().as_secs_f64();

    let acknowledged: BTreeSet<WriteId> = logs
        .iter()
        .flat_map(|log| log.acknowledged.iter().copied())
        .collect();
    let answer = query_past_limits(&mut server, &writes::count_query())?;
    let writes = writes::check(&acknowledged, &answer)?;
    let peak_rss_kib = crate::process_memory_kib(Some(pid), "VmHWM");
    let exit = server.shutdown(SHUTDOWN_GRACE)?;
    let (server_exit, server_clean) = match exit {
        Some(status) => (status.to_string(), status.success()),
        None => ("not running".to_owned(), false),
    };
    let (verify_ok, verify_output) = verify(&program, &location)?;
    Ok(Report {
        dataset: dataset.name,
        triples,
        load_seconds,
        clients: config.clients,
        elapsed_seconds,
        kinds: summarize(&logs),
        errors: logs.iter().flat_map(|log| log.errors.clone()).collect(),
        writes,
        peak_rss_kib,
        server_exit,
        server_clean,
        verify_ok,
        verify_output,
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        machine: compare::machine(),
    })
}

/// Runs `clients` client threads over `work` and collects their logs.
fn drive(clients: usize, work: &Workload<'_>) -> Result<Vec<ClientLog>, Error> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients)
            .map(|client| scope.spawn(move || client::run(client, work)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().map_err(|_| "a client thread panicked".into()))
            .collect()
    })
}

/// Runs `query` on `server`, trying again a few times while it answers with a limit response
/// (a rate limit's bucket may still be empty when the clients stop).
fn query_past_limits(server: &mut ServerEngine, query: &str) -> Result<RawAnswer, Error> {
    let mut tries = 0;
    loop {
        match server.query(query) {
            Err(e)
                if tries < 10
                    && ["HTTP 429", "HTTP 503"]
                        .iter()
                        .any(|s| e.to_string().starts_with(s)) =>
            {
                tries += 1;
                std::thread::sleep(Duration::from_secs(1));
            }
            answer => return answer,
        }
    }
}

/// `trine verify` on the stopped server's store: whether it passed, and what it printed.
fn verify(program: &Path, location: &Path) -> Result<(bool, String), Error> {
    let output = Command::new(program)
        .arg("verify")
        .arg("--location")
        .arg(location)
        .output()?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), text.trim().to_owned()))
}
