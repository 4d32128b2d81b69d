//! `trine-fuzz`: fuzzing on stable Rust. Seeds (the W3C test suites' queries, updates and RDF
//! documents, and a few of our own) are changed at random and fed to four targets: SPARQL
//! queries and updates and RDF documents in every syntax against a small store, and HTTP
//! requests to a server in this process. A panic, a hang past the limit, a 500, or a rejected
//! input that changed the store is a failure: its input is written to a file and the run exits
//! with 1. `cargo xtask fuzz --seconds N` runs each target for N seconds.
//!
//! ```text
//! trine-fuzz [--seconds N] [--target query|update|rdf|http|all] [--seed S]
//! ```

mod http;
mod mutate;
mod targets;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mutate::{Rng, mutate};

/// The message of the last panic, taken by the case that caused it.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// The case running now: its target, when it started and its input, for the watchdog.
static RUNNING: Mutex<Option<(&'static str, Instant, Vec<u8>)>> = Mutex::new(None);

/// `mutex`, locked even if a panicking case poisoned it (the driver catches those panics).
fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Ends the run when one case takes past [`targets::HANG`]: a case that never returns could not
/// be reported any other way.
fn watchdog(seed: u64) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let running = locked(&RUNNING);
            if let Some((target, started, input)) = running.as_ref()
                && started.elapsed() > targets::HANG
            {
                report_failure(
                    target,
                    seed,
                    &format!("hang: still running after {:?}", started.elapsed()),
                    input,
                );
                std::process::exit(1);
            }
        }
    });
}

/// Prints a failure and saves its input under the temporary directory.
fn report_failure(target: &str, seed: u64, message: &str, input: &[u8]) {
    let path = std::env::temp_dir().join(format!("trine-fuzz-{target}-{seed}.bin"));
    let saved = std::fs::write(&path, input).is_ok();
    let preview: String = String::from_utf8_lossy(input).chars().take(300).collect();
    println!(
        "trine-fuzz: {target}: {message}\n  input ({} bytes{}): {preview:?}",
        input.len(),
        if saved {
            format!(", saved to {}", path.display())
        } else {
            String::new()
        }
    );
}

const TARGETS: &[&str] = &["query", "update", "rdf", "http"];

/// Seeds small enough to mutate quickly.
const MAX_SEED_BYTES: u64 = 64 * 1024;

struct Seeds {
    queries: Vec<Vec<u8>>,
    updates: Vec<Vec<u8>>,
    /// Documents by syntax, in the order of [`targets::EXTENSIONS`].
    documents: Vec<Vec<Vec<u8>>>,
}

impl Seeds {
    fn collect() -> Result<Self, String> {
        let mut seeds = Self {
            queries: vec![
                b"SELECT * WHERE { ?s ?p ?o }".to_vec(),
                b"PREFIX ex: <http://e/> SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ex:p+ ?o OPTIONAL { ?o ex:q ?v FILTER(?v > 1) } } GROUP BY ?s ORDER BY DESC(?n) LIMIT 3".to_vec(),
                b"CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } MINUS { ?s <http://e/q> 42 } }".to_vec(),
                b"ASK { VALUES ?x { 1 2.0 \"3\" } BIND(STR(?x) AS ?y) FILTER(REGEX(?y, \"^[0-9]\", \"i\")) }".to_vec(),
                b"DESCRIBE <http://e/a>".to_vec(),
            ],
            updates: vec![
                b"PREFIX ex: <http://e/> INSERT DATA { ex:n ex:p \"new\" . GRAPH ex:g2 { ex:n ex:p 1 } }".to_vec(),
                b"PREFIX ex: <http://e/> DELETE { ?s ex:p ?o } INSERT { ?o ex:p ?s } WHERE { ?s ex:p ?o }".to_vec(),
                b"CLEAR GRAPH <http://e/g> ; DROP SILENT GRAPH <http://e/none> ; COPY DEFAULT TO <http://e/c>".to_vec(),
                b"DELETE WHERE { ?s ?p ?o } ; INSERT DATA { <http://e/x> <http://e/p> <http://e/y> }".to_vec(),
            ],
            documents: targets::EXTENSIONS
                .iter()
                .map(|_| vec![targets::DATA.as_bytes().to_vec()])
                .collect(),
        };
        let root = conformance_root();
        let suites = root.join("rdf-tests");
        if suites.is_dir() {
            seeds
                .walk(&suites)
                .map_err(|e| format!("{}: {e}", suites.display()))?;
        } else if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
            return Err(format!(
                "conformance material not found at {} (CI=true, so this is an error; set TRINE_CONFORMANCE_DIR)",
                suites.display()
            ));
        } else {
            println!(
                "trine-fuzz: no conformance material at {}, only the built-in seeds",
                suites.display()
            );
        }
        Ok(seeds)
    }

    fn walk(&mut self, dir: &Path) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                self.walk(&path)?;
                continue;
            }
            if std::fs::metadata(&path)?.len() > MAX_SEED_BYTES {
                continue;
            }
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            let bucket = match extension {
                "rq" => &mut self.queries,
                "ru" => &mut self.updates,
                other => match targets::EXTENSIONS.iter().position(|e| *e == other) {
                    Some(index) => &mut self.documents[index],
                    None => continue,
                },
            };
            bucket.push(std::fs::read(&path)?);
        }
        Ok(())
    }

    fn http_texts(&self) -> Vec<Vec<u8>> {
        let mut texts = self.queries.clone();
        texts.extend(self.updates.iter().cloned());
        texts.extend(
            self.documents
                .iter()
                .flat_map(|d| d.iter().take(200).cloned()),
        );
        texts
    }
}

fn conformance_root() -> PathBuf {
    match std::env::var_os("TRINE_CONFORMANCE_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    }
}

/// A seed, changed most of the time.
fn input(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let seed = rng.pick(seeds).cloned().unwrap_or_default();
    if rng.below(8) == 0 {
        return seed;
    }
    let other = rng.pick(seeds).cloned().unwrap_or_default();
    mutate(rng, &seed, &other)
}

#[derive(Default)]
struct Report {
    cases: u64,
    accepted: u64,
    failure: Option<(String, Vec<u8>)>,
}

/// Runs `case` on generated inputs until `budget` is spent or one fails.
fn fuzz(
    target: &'static str,
    budget: Duration,
    rng: &mut Rng,
    mut generate: impl FnMut(&mut Rng) -> Vec<u8>,
    mut case: impl FnMut(&mut Rng, &[u8]) -> Result<bool, String>,
) -> Report {
    let deadline = Instant::now() + budget;
    let mut report = Report::default();
    // `TRINE_FUZZ_TRACE=1` prints every input before it runs, to find what led to a failure.
    let trace = std::env::var_os("TRINE_FUZZ_TRACE").is_some();
    while Instant::now() < deadline && report.failure.is_none() {
        let input = generate(rng);
        if trace {
            let preview: String = String::from_utf8_lossy(&input).chars().take(400).collect();
            println!("trine-fuzz: {target} case {}: {preview:?}", report.cases);
        }
        take_panic();
        *locked(&RUNNING) = Some((target, Instant::now(), input.clone()));
        let outcome = catch_unwind(AssertUnwindSafe(|| case(rng, &input)));
        *locked(&RUNNING) = None;
        report.cases += 1;
        let failure = match (outcome, take_panic()) {
            (_, Some(panic)) => Some(format!("panic: {panic}")),
            (Err(_), None) => Some("panic".to_owned()),
            (Ok(Err(message)), None) => Some(message),
            (Ok(Ok(accepted)), None) => {
                report.accepted += u64::from(accepted);
                None
            }
        };
        report.failure = failure.map(|message| (message, input));
    }
    report
}

fn take_panic() -> Option<String> {
    locked(&PANIC).take()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let seconds: u64 = value("--seconds")
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let seed: u64 = value("--seed")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    let selected: Vec<&'static str> = match value("--target").as_deref() {
        None | Some("all") => TARGETS.to_vec(),
        Some(name) if TARGETS.contains(&name) => {
            vec![TARGETS[TARGETS.iter().position(|t| *t == name).unwrap_or(0)]]
        }
        Some(other) => {
            eprintln!("trine-fuzz: unknown target {other:?} (query, update, rdf, http or all)");
            return ExitCode::from(2);
        }
    };
    std::panic::set_hook(Box::new(|info| {
        *locked(&PANIC) = Some(info.to_string());
    }));
    let seeds = match Seeds::collect() {
        Ok(seeds) => seeds,
        Err(e) => {
            eprintln!("trine-fuzz: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "trine-fuzz: seed {seed}, {seconds} s per target; {} queries, {} updates, {} documents as seeds",
        seeds.queries.len(),
        seeds.updates.len(),
        seeds.documents.iter().map(Vec::len).sum::<usize>()
    );
    let budget = Duration::from_secs(seconds);
    watchdog(seed);
    let mut failed = false;
    for (index, &target) in selected.iter().enumerate() {
        let mut rng = Rng::new(seed.wrapping_add(index as u64 * 0x9E37_79B9));
        let report = match target {
            "query" => {
                let store = targets::store();
                fuzz(
                    target,
                    budget,
                    &mut rng,
                    |rng| input(rng, &seeds.queries),
                    |_, input| targets::query(&store, input),
                )
            }
            "update" => fuzz(
                target,
                budget,
                &mut rng,
                |rng| input(rng, &seeds.updates),
                |_, input| targets::update(input),
            ),
            "rdf" => {
                // Each case picks a syntax; the input comes from its own seeds most of the time.
                let syntax = std::cell::Cell::new(0);
                let mut report = fuzz(
                    target,
                    budget,
                    &mut rng,
                    |rng| {
                        syntax.set(rng.below(targets::EXTENSIONS.len()));
                        let from = if rng.below(4) == 0 {
                            rng.below(targets::EXTENSIONS.len())
                        } else {
                            syntax.get()
                        };
                        input(rng, &seeds.documents[from])
                    },
                    |_, input| {
                        let extension = targets::EXTENSIONS[syntax.get()];
                        let format = trine_core::io::RdfFormat::from_extension(extension)
                            .ok_or("unknown syntax")?;
                        targets::rdf(format, input)
                    },
                );
                report.failure = report.failure.map(|(message, input)| {
                    let extension = targets::EXTENSIONS[syntax.get()];
                    (format!("{message} (as .{extension})"), input)
                });
                report
            }
            _ => {
                let server = match http::Target::start() {
                    Ok(server) => server,
                    Err(e) => {
                        eprintln!("trine-fuzz: http: {e}");
                        return ExitCode::from(2);
                    }
                };
                let texts = seeds.http_texts();
                fuzz(
                    target,
                    budget,
                    &mut rng,
                    |rng| http::generate(rng, &texts),
                    |_, input| server.case(input),
                )
            }
        };
        println!(
            "trine-fuzz: {target}: {} cases, {} accepted, {}",
            report.cases,
            report.accepted,
            if report.failure.is_some() {
                "FAILED"
            } else {
                "no failure"
            }
        );
        if let Some((message, input)) = report.failure {
            failed = true;
            report_failure(target, seed, &message, &input);
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
