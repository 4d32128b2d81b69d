//! Side-by-side comparison of Trine and Oxigraph on generated LUBM and BSBM data, with every
//! answer checked against Trine's in-memory store.
//!
//! `cargo run -p trine-benches --release --features oxigraph --bin compare -- --lubm 1 --bsbm 1000
//! [--runs 5] [--mixes 3] [--seed S] [--skip-oxigraph-cli] [--out target/bench]`, or `-- --quick`
//! for a smoke run. Without the `oxigraph` feature the in-process Oxigraph column is skipped. Prints one table, writes `compare.json` and `compare.svg` under the output directory, and
//! exits with status 1 when any engine's answers differ from Trine's (or a load or query fails).

use std::process::ExitCode;

use trine_benches::compare::{self, Config};

fn main() -> ExitCode {
    let config = match Config::from_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(&config) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("compare: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs the comparison and writes its outputs; returns whether every answer agreed.
fn run(config: &Config) -> Result<bool, compare::Error> {
    let start = std::time::Instant::now();
    let machine = compare::machine();
    let reports = compare::compare(config)?;
    println!();
    println!(
        "Median latency over {} runs in ms; T/O = Trine / Oxigraph (below 1: Trine faster); {machine}",
        config.runs
    );
    print!("{}", compare::table(&reports));
    std::fs::create_dir_all(&config.out)?;
    let json_path = config.out.join("compare.json");
    let svg_path = config.out.join("compare.svg");
    let json = compare::json(config, &machine, &reports);
    std::fs::write(&json_path, serde_json::to_string_pretty(&json)?)?;
    std::fs::write(&svg_path, compare::chart(&reports))?;
    println!("wrote {} and {}", json_path.display(), svg_path.display());
    let mismatches: Vec<_> = reports.iter().flat_map(|r| &r.mismatches).collect();
    for m in &mismatches {
        println!(
            "DIFFERENT ANSWERS: {} {} on {}: {}",
            m.dataset, m.query, m.engine, m.detail
        );
    }
    println!(
        "compare: {} in {:.0} s",
        if mismatches.is_empty() {
            "every answer agrees with trine-memory".to_owned()
        } else {
            format!("{} disagreements", mismatches.len())
        },
        start.elapsed().as_secs_f64()
    );
    Ok(mismatches.is_empty())
}
