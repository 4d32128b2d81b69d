//! `cargo xtask test`: every check Trine has, in the order CI runs them; `cargo xtask npm`: the
//! npm package; `cargo xtask component`: the `trine:store` WebAssembly component; `cargo xtask
//! fuzz --seconds N`: each fuzz target (SPARQL query, update, RDF syntaxes, HTTP) for N seconds;
//! `cargo xtask crash --runs N`: the crash tests, killing the server or a load N times each.
//!
//! Steps: formatting, clippy, the two components (which the host's plugin tests load), the native
//! test suites (cross-backend, W3C, host, plugin host), a short fuzzing budget, one pass of every
//! criterion bench, the WebAssembly builds of the core and the redb backend, the npm package and
//! its Node suite, the server's memory under a large streamed answer (with its row budget and a
//! client that leaves), small runs of the bulk-load benchmark (and its peak memory at a million
//! triples, which must stay under 1 GB), of the load test (concurrent
//! clients; every acknowledged write checked), of the reasoning benchmark (whose
//! LUBM answers must agree with the `reasonable` reasoner's closure) and of the comparison against
//! Oxigraph (which fails on any answer that differs), so none of them can rot.

mod npm;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

struct Step {
    name: &'static str,
    action: Action,
}

enum Action {
    /// `cargo` with these arguments.
    Cargo(&'static [&'static str]),
    /// A task of this crate: the workspace root and the cargo command.
    Task(fn(&Path, &str) -> Result<(), String>),
}

/// `cargo xtask component`: the component the host's plugin tests and `trine plugin` load, at
/// `<target>/wasm32-wasip2/debug/trine_component.wasm`.
const COMPONENT: &[&str] = &[
    "build",
    "-p",
    "trine-component",
    "-p",
    "trine-conformance-component",
    "--target",
    "wasm32-wasip2",
];

/// Where [`COMPONENT`] puts the `trine:store` component.
fn component_path(root: &Path) -> PathBuf {
    npm::target_dir(root).join("wasm32-wasip2/debug/trine_component.wasm")
}

/// What `cargo xtask build` (the README's set-up) compiles: exactly what the README's run
/// command (`cargo run -p trine-host --bin trine`) and the native tests use, so neither compiles
/// again. A plain `cargo build --workspace` unifies features across every member and left the
/// run command another 1 min 43 s of compiling.
const BUILD: &[&[&str]] = &[
    &["build", "-p", "trine-host", "--bin", "trine"],
    &["test", "--workspace", "--no-run"],
];

const STEPS: &[Step] = &[
    Step {
        name: "format",
        action: Action::Cargo(&["fmt", "--all", "--", "--check"]),
    },
    Step {
        name: "clippy",
        action: Action::Cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    },
    Step {
        name: "the trine:store component for wasm32-wasip2 (the plugin tests load it)",
        action: Action::Cargo(COMPONENT),
    },
    Step {
        name: "native tests",
        action: Action::Cargo(&["test", "--workspace", "--", "--nocapture"]),
    },
    Step {
        name: "fuzzing (a short budget per target, fixed seed; `cargo xtask fuzz --seconds N` for long runs)",
        action: Action::Cargo(&[
            "run",
            "-p",
            "trine-host",
            "--bin",
            "trine-fuzz",
            "--",
            "--seconds",
            "8",
            "--seed",
            "1",
        ]),
    },
    Step {
        name: "criterion benches (one pass each, test mode)",
        action: Action::Cargo(&["test", "-p", "trine-benches", "--benches"]),
    },
    Step {
        name: "core for wasm32-unknown-unknown",
        action: Action::Cargo(&[
            "build",
            "-p",
            "trine-core",
            "--target",
            "wasm32-unknown-unknown",
        ]),
    },
    Step {
        name: "core for wasm32-wasip2",
        action: Action::Cargo(&["build", "-p", "trine-core", "--target", "wasm32-wasip2"]),
    },
    Step {
        name: "redb backend for wasm32-wasip2",
        action: Action::Cargo(&[
            "build",
            "-p",
            "trine-backend-redb",
            "--target",
            "wasm32-wasip2",
        ]),
    },
    Step {
        name: "npm package (built, size checked) and its Node suite",
        action: Action::Task(npm::test),
    },
    Step {
        // The answer is 22 MB of JSON: held whole it would grow the server by more than 15 MB.
        name: "server memory under a large answer (100,000 triples streamed, row budget, client gone)",
        action: Action::Cargo(&[
            "run",
            "-p",
            "trine-benches",
            "--bin",
            "serve-memory",
            "--",
            "--triples",
            "100000",
            "--max-growth-mb",
            "15",
        ]),
    },
    Step {
        name: "bulk-load benchmark (smoke run)",
        action: Action::Cargo(&[
            "run",
            "-p",
            "trine-benches",
            "--bin",
            "bulk-load",
            "--",
            "--triples",
            "20000",
        ]),
    },
    Step {
        name: "bulk-load peak memory (RocksDB, 1 M triples, under 1 GB)",
        action: Action::Cargo(&[
            "run",
            "-p",
            "trine-benches",
            "--bin",
            "bulk-load",
            "--",
            "--triples",
            "1000000",
            "--backends",
            "rocksdb",
            "--max-peak-mb",
            "1000",
        ]),
    },
    Step {
        name: "load test (short run: 4 clients, 5 s, BSBM(100))",
        action: Action::Cargo(&[
            "run",
            "-p",
            "trine-benches",
            "--bin",
            "load-test",
            "--",
            "--clients",
            "4",
            "--seconds",
            "5",
            "--products",
            "100",
        ]),
    },
    Step {
        name: "reasoning benchmark (LUBM(1), answers checked against reasonable's closure)",
        action: Action::Cargo(&[
            "run",
            "-p",
            "trine-benches",
            "--bin",
            "reasoning",
            "--",
            "--lubm",
            "1",
            "--reasonable",
        ]),
    },
    Step {
        name: "Trine against Oxigraph (quick comparison, answers checked)",
        action: Action::Cargo(&[
            "run",
            "-p",
            "trine-benches",
            "--features",
            "oxigraph",
            "--bin",
            "compare",
            "--",
            "--quick",
        ]),
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let root = root();
    match args.first().map(String::as_str) {
        Some("test") => test(&root, &cargo),
        Some("build") => {
            for args in BUILD {
                println!("==> xtask: cargo {}", args.join(" "));
                if !run_cargo(&root, &cargo, args) {
                    return ExitCode::FAILURE;
                }
            }
            ExitCode::SUCCESS
        }
        Some("component") => {
            if run_cargo(&root, &cargo, COMPONENT) {
                // The path alone on standard output, for scripts (`component=$(cargo xtask component)`).
                println!("{}", component_path(&root).display());
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some("npm") => match npm::build(&root, &cargo) {
            Ok(_) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("xtask npm: {error}");
                ExitCode::FAILURE
            }
        },
        Some("fuzz") => {
            // `cargo xtask fuzz [--seconds N] [--target query|update|rdf|http|all] [--seed S]`
            let mut fuzz = vec!["run", "-p", "trine-host", "--bin", "trine-fuzz", "--"];
            fuzz.extend(args[1..].iter().map(String::as_str));
            if run_cargo(&root, &cargo, &fuzz) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some("crash") => {
            // `cargo xtask crash [--runs N]`: the SIGKILL tests with N kills each (20 in CI).
            let runs = match args.get(1..) {
                Some([flag, runs])
                    if flag == "--runs" && runs.parse::<u32>().is_ok_and(|n| n > 0) =>
                {
                    runs.clone()
                }
                Some([]) | None => "20".to_owned(),
                _ => {
                    eprintln!("usage: cargo xtask crash [--runs N]");
                    return ExitCode::FAILURE;
                }
            };
            let crash = [
                "test",
                "-p",
                "trine-host",
                "--test",
                "it",
                "--",
                "crash::",
                "--nocapture",
            ];
            if run_cargo_with(&root, &cargo, &crash, &[("TRINE_CRASH_RUNS", &runs)]) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        _ => {
            eprintln!(
                "usage: cargo xtask build | test | npm | component | fuzz [--seconds N] [--target T] [--seed S] | crash [--runs N]"
            );
            ExitCode::FAILURE
        }
    }
}

/// Runs `cargo args` in the workspace root; whether it succeeded.
fn run_cargo(root: &Path, cargo: &str, args: &[&str]) -> bool {
    run_cargo_with(root, cargo, args, &[])
}

/// [`run_cargo`] with environment variables set.
fn run_cargo_with(root: &Path, cargo: &str, args: &[&str], vars: &[(&str, &str)]) -> bool {
    Command::new(cargo)
        .current_dir(root)
        .args(args)
        .envs(vars.iter().copied())
        .status()
        .is_ok_and(|status| status.success())
}

/// The workspace root: the parent of this crate's directory, as `cargo run` gives it at run
/// time (the compile-time path would point at whichever checkout built a shared target
/// directory's binary first).
fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest
        .parent()
        .map_or_else(|| manifest.clone(), Path::to_path_buf)
}

fn test(root: &Path, cargo: &str) -> ExitCode {
    let started = Instant::now();
    let mut results = Vec::new();
    for step in STEPS {
        let began = Instant::now();
        let ok = match &step.action {
            Action::Cargo(args) => {
                println!("\n==> xtask: {} (cargo {})", step.name, args.join(" "));
                run_cargo(root, cargo, args)
            }
            Action::Task(task) => {
                println!("\n==> xtask: {}", step.name);
                match task(root, cargo) {
                    Ok(()) => true,
                    Err(error) => {
                        eprintln!("xtask: {error}");
                        false
                    }
                }
            }
        };
        results.push((step.name, ok, began.elapsed()));
        if !ok {
            break;
        }
    }
    println!("\n==> xtask summary");
    for (name, ok, elapsed) in &results {
        let verdict = if *ok { "ok" } else { "FAILED" };
        println!("  {verdict:6} {name} ({:.0} s)", elapsed.as_secs_f64());
    }
    let passed = results.iter().filter(|(_, ok, _)| *ok).count();
    let failed = results.len() - passed;
    let not_run = STEPS.len() - results.len();
    println!(
        "xtask: {passed} passed, {failed} failed, {not_run} not run ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    if failed == 0 && not_run == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's set-up builds with `cargo xtask build`, and its run command is the one
    /// [`BUILD`] compiles (with `run` for `build`), so running after the set-up compiles nothing.
    #[test]
    fn set_up_builds_what_the_readme_runs() {
        let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
        let set_up = readme
            .split("## Set-up")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("a set-up section");
        assert!(set_up.contains("\ncargo xtask build"), "{set_up}");
        assert!(!set_up.contains("cargo build"), "{set_up}");
        let run = readme
            .lines()
            .find(|line| line.starts_with("cargo run "))
            .expect("a run command");
        let run_args: Vec<&str> = run
            .split(" -- ")
            .next()
            .unwrap_or(run)
            .split_whitespace()
            .skip(2)
            .collect();
        assert_eq!(BUILD[0][0], "build");
        assert_eq!(run_args, &BUILD[0][1..], "{run}");
    }
}
