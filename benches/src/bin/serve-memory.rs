//! Server memory under large answers: `trine serve` on a RocksDB directory holding a generated
//! catalogue answers `SELECT * WHERE { ?s ?p ?o }` as JSON while this tool reads the answer and
//! samples the server's resident memory (`/proc/<pid>/status`); the growth over the server's
//! memory after a warm-up scan must stay under `--max-growth-mb` (100 by default), since answers
//! stream. Then, with a row budget below the store's size, an ORDER BY over every triple must
//! end with the budget's error (`limit_exceeded`, 422) while the server keeps answering; and a
//! client that goes away in the middle of a large answer must free the server's only query slot
//! (`--max-concurrent-queries 1`) long before the query could have ended.
//!
//! `cargo run -p trine-benches --release --bin serve-memory -- --triples 1000000`
//! (build `trine` in the same profile first: `cargo build -p trine-host --release --bin trine`).
//! Exits with status 1 when a check fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use trine_benches::compare::{Engine, ServerEngine, http, trine_program};
use trine_benches::{generate, process_memory_kib};

type Error = Box<dyn std::error::Error>;

const ACCEPT_JSON: &str = "application/sparql-results+json";

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("serve-memory: {e}");
            ExitCode::from(2)
        }
    }
}

struct Args {
    triples: u64,
    max_growth_mb: f64,
}

fn args() -> Result<Args, Error> {
    let mut parsed = Args {
        triples: 1_000_000,
        max_growth_mb: 100.0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--triples" => parsed.triples = value()?.parse()?,
            "--max-growth-mb" => parsed.max_growth_mb = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(parsed)
}

fn run() -> Result<bool, Error> {
    let args = args()?;
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("catalogue.nt");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&data)?);
    let triples = generate::write_catalogue(&mut file, args.triples)?;
    file.flush()?;
    drop(file);
    let location = dir.path().join("store");
    // The budget sits below the store's size, so sorting every triple must hit it.
    let budget = (triples / 4).max(1);
    let mut server = ServerEngine::trine(trine_program(), &location).with_serve_args([
        "--max-rows-in-memory".to_owned(),
        budget.to_string(),
        "--max-concurrent-queries".to_owned(),
        "1".to_owned(),
    ]);
    let loading = Instant::now();
    server.load(std::slice::from_ref(&data))?;
    let address = server.address()?;
    let pid = server.pid().ok_or("the server has no process id")?;
    println!(
        "serve-memory: {triples} triples loaded in {:.1} s; server pid {pid}, row budget {budget}",
        loading.elapsed().as_secs_f64()
    );
    let started_kb = rss_kb(pid)?;
    // A scan of the same data with a one-row answer warms the block cache and the dictionary,
    // so the growth measured next is the answer's own.
    let warm = http::post(
        address,
        "/query",
        "application/sparql-query",
        ACCEPT_JSON,
        b"SELECT (COUNT(?o) AS ?n) WHERE { ?s ?p ?o FILTER(isLiteral(?o) || isIRI(?o)) }",
        Duration::from_secs(600),
    )?;
    if warm.status != 200 {
        return Err(format!("the warm-up scan answered {}", warm.status).into());
    }
    let baseline_kb = rss_kb(pid)?;
    let mut ok = true;

    // 1. Every triple as JSON, read as it comes while the server's memory is sampled.
    let sampler = Sampler::start(pid);
    let streamed = Instant::now();
    let (status, bytes) = read_streaming(address, "SELECT * WHERE { ?s ?p ?o }", None)?;
    let elapsed = streamed.elapsed();
    let peak_kb = sampler.stop().max(rss_kb(pid)?);
    let growth_mb = peak_kb.saturating_sub(baseline_kb) as f64 / 1024.0;
    println!(
        "serve-memory: SELECT * as JSON: status {status}, {:.1} MB in {:.1} s; server RSS {:.0} MB \
         at start, {:.0} MB after the warm-up scan, peak {:.0} MB while answering: growth {growth_mb:.1} MB \
         (limit {} MB)",
        bytes as f64 / 1e6,
        elapsed.as_secs_f64(),
        started_kb as f64 / 1024.0,
        baseline_kb as f64 / 1024.0,
        peak_kb as f64 / 1024.0,
        args.max_growth_mb
    );
    if status != 200 || growth_mb >= args.max_growth_mb {
        println!("serve-memory: FAILED: the answer did not stream within the memory limit");
        ok = false;
    }

    // 2. A sort over every triple against the row budget.
    let sorted = http::post(
        address,
        "/query",
        "application/sparql-query",
        ACCEPT_JSON,
        b"SELECT * WHERE { ?s ?p ?o } ORDER BY ?o",
        Duration::from_secs(600),
    )?;
    let body = String::from_utf8_lossy(&sorted.body);
    let budget_error = sorted.status == 422 && body.contains("\"limit_exceeded\"");
    let alive = ask(address)?;
    println!(
        "serve-memory: ORDER BY over every triple with a budget of {budget} rows: status {}, {}; \
         the server answers afterwards: {alive}",
        sorted.status,
        body.chars().take(160).collect::<String>()
    );
    if !budget_error || !alive {
        println!("serve-memory: FAILED: expected 422 limit_exceeded and a live server");
        ok = false;
    }

    // 3. A client that leaves in the middle of a large answer frees the only query slot.
    let left = Instant::now();
    let (status, bytes) = read_streaming(address, "SELECT * WHERE { ?s ?p ?o }", Some(256 * 1024))?;
    let freed = wait_until_answering(address, Duration::from_secs(30))?;
    println!(
        "serve-memory: a client left after {} KB (status {status}); the query slot was free again \
         after {:.2} s (the whole answer took {:.1} s above)",
        bytes / 1024,
        left.elapsed().as_secs_f64(),
        elapsed.as_secs_f64()
    );
    if !freed {
        println!("serve-memory: FAILED: the abandoned query kept its slot for 30 s");
        ok = false;
    }
    Ok(ok)
}

/// The resident memory of process `pid` in KiB.
fn rss_kb(pid: u32) -> Result<u64, Error> {
    process_memory_kib(Some(pid), "VmRSS")
        .ok_or_else(|| format!("no VmRSS in /proc/{pid}/status").into())
}

/// Samples a process's resident memory every few milliseconds, keeping the highest.
struct Sampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl Sampler {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let (stopping, peaking) = (Arc::clone(&stop), Arc::clone(&peak));
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                if let Ok(kb) = rss_kb(pid) {
                    peaking.fetch_max(kb, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        Self { stop, peak, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}

/// POSTs `query` and reads the answer in pieces, dropping them: its status and how many bytes
/// came (headers included). With `leave_after`, the connection is closed once that many bytes
/// arrived.
fn read_streaming(
    address: SocketAddr,
    query: &str,
    leave_after: Option<usize>,
) -> Result<(u16, usize), Error> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(600)))?;
    write!(
        stream,
        "POST /query HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/sparql-query\r\n\
         Accept: {ACCEPT_JSON}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{query}",
        query.len()
    )?;
    let mut reader = BufReader::with_capacity(64 * 1024, stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line)?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("not an HTTP status line: {status_line:?}"))?;
    let mut total = status_line.len();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        total += read;
        if leave_after.is_some_and(|limit| total >= limit) {
            break;
        }
    }
    Ok((status, total))
}

/// Whether `ASK {}` is answered with 200.
fn ask(address: SocketAddr) -> Result<bool, Error> {
    let answer = http::post(
        address,
        "/query",
        "application/sparql-query",
        ACCEPT_JSON,
        b"ASK {}",
        Duration::from_secs(30),
    )?;
    Ok(answer.status == 200)
}

/// Polls with `ASK {}` until the server answers 200 (not 503: its one query slot is free), up
/// to `limit`.
fn wait_until_answering(address: SocketAddr, limit: Duration) -> Result<bool, Error> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ask(address)? {
            return Ok(true);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(false)
}
