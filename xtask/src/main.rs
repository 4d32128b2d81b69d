//! `cargo xtask test`: every check Trine has, in the order CI runs them.
//!
//! Steps: formatting, clippy, the native test suites (cross-backend, W3C, host), one pass of every
//! criterion bench, the WebAssembly builds of the core and the redb backend, and small runs of the
//! bulk-load benchmark, of the reasoning benchmark (whose LUBM answers must agree with the
//! `reasonable` reasoner's closure) and of the comparison against Oxigraph (which fails on any
//! answer that differs), so none of them can rot.

use std::process::{Command, ExitCode};
use std::time::Instant;

struct Step {
    name: &'static str,
    args: &'static [&'static str],
}

const STEPS: &[Step] = &[
    Step {
        name: "format",
        args: &["fmt", "--all", "--", "--check"],
    },
    Step {
        name: "clippy",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    },
    Step {
        name: "native tests",
        args: &["test", "--workspace", "--", "--nocapture"],
    },
    Step {
        name: "criterion benches (one pass each, test mode)",
        args: &["test", "-p", "trine-benches", "--benches"],
    },
    Step {
        name: "core for wasm32-unknown-unknown",
        args: &[
            "build",
            "-p",
            "trine-core",
            "--target",
            "wasm32-unknown-unknown",
        ],
    },
    Step {
        name: "core for wasm32-wasip2",
        args: &["build", "-p", "trine-core", "--target", "wasm32-wasip2"],
    },
    Step {
        name: "redb backend for wasm32-wasip2",
        args: &[
            "build",
            "-p",
            "trine-backend-redb",
            "--target",
            "wasm32-wasip2",
        ],
    },
    Step {
        name: "bulk-load benchmark (smoke run)",
        args: &[
            "run",
            "-p",
            "trine-benches",
            "--bin",
            "bulk-load",
            "--",
            "--triples",
            "20000",
        ],
    },
    Step {
        name: "reasoning benchmark (LUBM(1), answers checked against reasonable's closure)",
        args: &[
            "run",
            "-p",
            "trine-benches",
            "--bin",
            "reasoning",
            "--",
            "--lubm",
            "1",
            "--reasonable",
        ],
    },
    Step {
        name: "Trine against Oxigraph (quick comparison, answers checked)",
        args: &[
            "run",
            "-p",
            "trine-benches",
            "--features",
            "oxigraph",
            "--bin",
            "compare",
            "--",
            "--quick",
        ],
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => test(),
        _ => {
            eprintln!("usage: cargo xtask test");
            ExitCode::FAILURE
        }
    }
}

fn test() -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let started = Instant::now();
    let mut results = Vec::new();
    for step in STEPS {
        println!("\n==> xtask: {} (cargo {})", step.name, step.args.join(" "));
        let began = Instant::now();
        let ok = Command::new(&cargo)
            .args(step.args)
            .status()
            .is_ok_and(|status| status.success());
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
