//! A store behind its own server process, as users run it: the tool's `load` fills a directory,
//! its `serve` answers SPARQL over HTTP on loopback, queried with [`super::http`]. Two tools
//! take the same arguments: the released `oxigraph` (its RocksDB store) and Trine's `trine`
//! (RocksDB by default), so the two columns are like for like.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use oxrdf::Triple;
use sparesults::{QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput};
use trine_core::io::{RdfFormat, RdfParser};

use super::Error;
use super::answer::RawAnswer;
use super::engine::{CacheReport, Engine};
use super::http;
use crate::disk_usage;

/// The Oxigraph executable's name, looked up on `PATH`.
const OXIGRAPH: &str = "oxigraph";
/// How long one query (or the server's start) may take before the run gives up on it.
const TIMEOUT: Duration = Duration::from_secs(300);
/// The response formats asked for: JSON results for SELECT and ASK, N-Triples for graphs.
const ACCEPT: &str = "application/sparql-results+json, application/n-triples;q=0.9";

/// The version line of `program`.
///
/// # Errors
/// Why it cannot be run: not installed, or failing.
pub fn version(program: &Path) -> Result<String, String> {
    let shown = program.display();
    let output = Command::new(program)
        .arg("--version")
        .output()
        .map_err(|e| format!("`{shown}` is not runnable ({e})"))?;
    if !output.status.success() {
        return Err(format!(
            "`{shown} --version` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The `oxigraph` tool on `PATH`.
#[must_use]
pub fn oxigraph_program() -> PathBuf {
    PathBuf::from(OXIGRAPH)
}

/// The `trine` executable built next to the running one (`target/<profile>/trine`, also found
/// from a test binary in `target/<profile>/deps`), as `cargo build -p trine-host --bin trine`
/// leaves it.
#[must_use]
pub fn trine_program() -> PathBuf {
    let name = format!("trine{}", std::env::consts::EXE_SUFFIX);
    let exe = std::env::current_exe().unwrap_or_default();
    exe.ancestors()
        .skip(1)
        .take(2)
        .map(|dir| dir.join(&name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// A store directory loaded by `<program> load` and served by `<program> serve`.
pub struct ServerEngine {
    program: PathBuf,
    location: PathBuf,
    log: PathBuf,
    server: Option<(Child, SocketAddr)>,
    serve_args: Vec<String>,
    /// Trine's server: report its caches (see [`Engine::cache_report`]).
    has_caches: bool,
}

/// Bytes of answers Trine's result cache may keep while it is measured.
const RESULT_CACHE_BYTES: &str = "268435456";

impl ServerEngine {
    /// Oxigraph's tool, whose store will live in `location` (created by the load), logging the
    /// server's output to `location` with a `.log` extension.
    #[must_use]
    pub fn oxigraph(location: &Path) -> Self {
        Self::new(oxigraph_program(), location, Vec::new())
    }

    /// Trine's tool `program` on a RocksDB directory `location`, with the query timeout of
    /// this runner instead of the server's default.
    #[must_use]
    pub fn trine(program: PathBuf, location: &Path) -> Self {
        let timeout = vec!["--timeout-s".to_owned(), TIMEOUT.as_secs().to_string()];
        let mut engine = Self::new(program, location, timeout);
        engine.has_caches = true;
        engine
    }

    /// Sends `query` and reads its whole answer, which must be a success.
    fn exchange(&mut self, query: &str) -> Result<http::Response, Error> {
        let address = self.address()?;
        let response = http::post(
            address,
            "/query",
            "application/sparql-query",
            ACCEPT,
            query.as_bytes(),
            TIMEOUT,
        )?;
        if response.status != 200 {
            return Err(format!(
                "HTTP {}: {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            )
            .into());
        }
        Ok(response)
    }

    fn new(program: PathBuf, location: &Path, serve_args: Vec<String>) -> Self {
        Self {
            program,
            location: location.to_path_buf(),
            log: location.with_extension("log"),
            server: None,
            serve_args,
            has_caches: false,
        }
    }

    /// The same engine, with `args` added to the arguments of every `serve` it starts (such as
    /// `--max-concurrent-queries 8`).
    #[must_use]
    pub fn with_serve_args(mut self, args: impl IntoIterator<Item = String>) -> Self {
        self.serve_args.extend(args);
        self
    }

    /// The running server's process id, if it has been started.
    #[must_use]
    pub fn pid(&self) -> Option<u32> {
        self.server.as_ref().map(|(child, _)| child.id())
    }

    /// Stops the running server as a user would, with SIGTERM (it finishes in-flight requests
    /// and flushes the store), waiting up to `grace` before killing it; the exit status, or
    /// `None` if no server was running.
    ///
    /// # Errors
    /// Fails if the signal cannot be sent or the process cannot be waited for.
    pub fn shutdown(&mut self, grace: Duration) -> Result<Option<ExitStatus>, Error> {
        let Some((mut child, _)) = self.server.take() else {
            return Ok(None);
        };
        // std has no way to send SIGTERM; `kill` with this child's own id is the portable one.
        let signalled = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        if signalled.is_ok_and(|status| status.success()) {
            let start = Instant::now();
            while start.elapsed() < grace {
                if let Some(status) = child.try_wait()? {
                    return Ok(Some(status));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        // Ending the server this run started, by its own handle.
        child.kill()?;
        Ok(Some(child.wait()?))
    }

    fn stop_server(&mut self) {
        if let Some((mut child, _)) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// A counter of the server's `/metrics` (0 when it is not there).
    fn metric(&mut self, name: &str) -> Result<u64, Error> {
        let address = self.address()?;
        let response = http::get(address, "/metrics", TIMEOUT)?;
        let text = String::from_utf8_lossy(&response.body);
        Ok(text
            .lines()
            .filter_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .find_map(|value| value.trim().parse::<f64>().ok())
            .map_or(0, |value| value as u64))
    }

    /// Starts `oxigraph serve` on a free loopback port and waits until it answers.
    fn start_server(&mut self) -> Result<SocketAddr, Error> {
        // Binding port 0 lets the system pick a free port; it is released for the server at once.
        let address = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let log = std::fs::File::create(&self.log)?;
        let mut child = Command::new(&self.program)
            .arg("serve")
            .arg("--location")
            .arg(&self.location)
            .arg("--bind")
            .arg(address.to_string())
            .args(&self.serve_args)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()?;
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait()? {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                let program = self.program.display();
                return Err(format!("`{program} serve` exited with {status}: {log}").into());
            }
            let probe = http::post(
                address,
                "/query",
                "application/sparql-query",
                ACCEPT,
                b"ASK {}",
                Duration::from_secs(2),
            );
            if probe.is_ok_and(|r| r.status == 200) {
                self.server = Some((child, address));
                return Ok(address);
            }
            if start.elapsed() > TIMEOUT {
                // Ending the server this run started, by its own handle.
                let _ = child.kill();
                let _ = child.wait();
                return Err(
                    format!("`{} serve` did not answer in time", self.program.display()).into(),
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The server's address, starting it first when it is not running.
    ///
    /// # Errors
    /// Fails if the server cannot be started or does not answer in time.
    pub fn address(&mut self) -> Result<SocketAddr, Error> {
        match &self.server {
            Some((_, address)) => Ok(*address),
            None => self.start_server(),
        }
    }
}

impl Drop for ServerEngine {
    fn drop(&mut self) {
        self.stop_server();
    }
}

impl Engine for ServerEngine {
    fn load(&mut self, files: &[PathBuf]) -> Result<(), Error> {
        let output = Command::new(&self.program)
            .arg("load")
            .arg("--location")
            .arg(&self.location)
            .arg("--file")
            .args(files)
            .stdin(Stdio::null())
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "`{} load` failed: {}",
                self.program.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            )
            .into());
        }
        Ok(())
    }

    fn triple_count(&mut self) -> Result<u64, Error> {
        // The tool prints no machine-readable count, so the server counts.
        let count = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")?;
        match count {
            RawAnswer::Solutions { rows, .. } => rows
                .first()
                .and_then(|row| row.first().cloned().flatten())
                .and_then(|term| match term {
                    oxrdf::Term::Literal(l) => l.value().parse().ok(),
                    _ => None,
                })
                .ok_or_else(|| "no count from the server".into()),
            other => Err(format!("unexpected count answer: {other:?}").into()),
        }
    }

    fn disk_bytes(&self) -> Result<Option<u64>, Error> {
        Ok(Some(disk_usage(&self.location)?))
    }

    fn time_query(&mut self, query: &str) -> Result<f64, Error> {
        let start = Instant::now();
        self.exchange(query)?;
        Ok(start.elapsed().as_secs_f64() * 1000.0)
    }

    fn cache_report(&mut self, queries: &[&str]) -> Result<Option<CacheReport>, Error> {
        if !self.has_caches {
            return Ok(None);
        }
        let parse_hits = self.metric("trine_query_cache_hits_total")?;
        let parse_misses = self.metric("trine_query_cache_misses_total")?;
        let plan_hits = self.metric("trine_plan_cache_hits_total")?;
        let plan_misses = self.metric("trine_plan_cache_misses_total")?;
        // The same store served again with the result cache on: each query's first run fills
        // it, its repeats are answered from it.
        self.stop_server();
        let plain = self.serve_args.clone();
        self.serve_args.extend([
            "--result-cache-bytes".to_owned(),
            RESULT_CACHE_BYTES.to_owned(),
        ]);
        let timed = |engine: &mut Self, query: &str| engine.time_query(query);
        let (mut first_ms, mut repeated_ms) = (0.0, 0.0);
        let measured = (|| -> Result<(), Error> {
            for query in queries {
                first_ms += timed(self, query)?;
                let mut repeats = [
                    timed(self, query)?,
                    timed(self, query)?,
                    timed(self, query)?,
                ];
                repeats.sort_by(f64::total_cmp);
                repeated_ms += repeats[1];
            }
            Ok(())
        })();
        let result_hits = measured.and_then(|()| self.metric("trine_result_cache_hits_total"));
        self.stop_server();
        self.serve_args = plain;
        Ok(Some(CacheReport {
            parse_hits,
            parse_misses,
            plan_hits,
            plan_misses,
            first_ms,
            repeated_ms,
            result_hits: result_hits?,
        }))
    }

    fn query(&mut self, query: &str) -> Result<RawAnswer, Error> {
        let response = self.exchange(query)?;
        let content_type = response.header("content-type").unwrap_or_default();
        if content_type.starts_with("application/n-triples") {
            let mut triples = Vec::new();
            for quad in RdfParser::from_format(RdfFormat::NTriples).for_slice(&response.body) {
                triples.push(Triple::from(quad?));
            }
            return Ok(RawAnswer::Graph(triples));
        }
        if !content_type.starts_with("application/sparql-results+json") {
            return Err(format!("unexpected Content-Type {content_type}").into());
        }
        match QueryResultsParser::from_format(QueryResultsFormat::Json).for_slice(&response.body)? {
            SliceQueryResultsParserOutput::Boolean(value) => Ok(RawAnswer::Boolean(value)),
            SliceQueryResultsParserOutput::Solutions(solutions) => {
                let variables = solutions.variables().to_vec();
                let mut rows = Vec::new();
                for solution in solutions {
                    rows.push(solution?.values().to_vec());
                }
                Ok(RawAnswer::Solutions { variables, rows })
            }
        }
    }
}
