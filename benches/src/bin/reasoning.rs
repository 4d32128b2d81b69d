//! The reasoning benchmark (see [`trine_benches::reasoning`]).
//!
//! `cargo run -p trine-benches --bin reasoning -- --lubm 1 --lubm 10 [--backend memory|rocksdb]
//! [--reasonable] [--out target/bench]`

use std::path::PathBuf;
use std::process::ExitCode;

use trine_benches::reasoning::{ReasoningConfig, json, render, run_scale};

const USAGE: &str =
    "usage: reasoning [--lubm N]... [--backend memory|rocksdb] [--reasonable] [--out DIR]";

fn parse(args: impl Iterator<Item = String>) -> Result<ReasoningConfig, String> {
    let mut config = ReasoningConfig {
        scales: Vec::new(),
        backend: "memory".into(),
        reasonable: false,
        out: PathBuf::from("target/bench"),
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--lubm" => config.scales.push(
                value("--lubm")?
                    .parse()
                    .map_err(|e| format!("--lubm: {e}"))?,
            ),
            "--backend" => config.backend = value("--backend")?,
            "--reasonable" => config.reasonable = true,
            "--out" => config.out = PathBuf::from(value("--out")?),
            _ => return Err(format!("unknown argument {arg}\n{USAGE}")),
        }
    }
    if config.scales.is_empty() {
        config.scales.push(1);
    }
    if !matches!(config.backend.as_str(), "memory" | "rocksdb") {
        return Err(format!("unknown backend {}\n{USAGE}", config.backend));
    }
    Ok(config)
}

fn main() -> ExitCode {
    let config = match parse(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut reports = Vec::new();
    for &scale in &config.scales {
        let outcome = tempfile::tempdir().map_err(Into::into).and_then(|scratch| {
            if config.backend == "rocksdb" {
                let location = scratch.path().join("db");
                let backend = trine_backend_rocksdb::RocksDbBackend::open(&location)?;
                run_scale(scale, backend, Some(&location), &config, scratch.path())
            } else {
                run_scale(
                    scale,
                    trine_core::kv::MemoryBackend::new(),
                    None,
                    &config,
                    scratch.path(),
                )
            }
        });
        match outcome {
            Ok(report) => {
                print!("{}", render(&report, &config.backend));
                reports.push(report);
            }
            Err(e) => {
                eprintln!("reasoning: LUBM({scale}): {e}");
                return ExitCode::from(2);
            }
        }
    }
    let written = std::fs::create_dir_all(&config.out).and_then(|()| {
        let text =
            serde_json::to_string_pretty(&json(&reports, &config.backend)).unwrap_or_default();
        std::fs::write(config.out.join("reasoning.json"), text)
    });
    if let Err(e) = written {
        eprintln!("reasoning: cannot write reasoning.json: {e}");
    }
    if reports.iter().any(|r| !r.differences.is_empty()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
