//! Writes BSBM-shaped data and its query mix for benchmarks outside Rust (the npm package's Node
//! benchmark against the `oxigraph` npm package).
//!
//! `cargo run -p trine-benches --bin bsbm-export -- --products 1000 --mixes 2 --out DIR` writes
//! `DIR/bsbm.nt` and `DIR/queries.json` (`[{"group": "Q1", "instance": 0, "text": "…"}, …]`).

use std::path::PathBuf;
use std::process::ExitCode;

use trine_benches::compare::bsbm_dataset;

fn main() -> ExitCode {
    let mut products = 1000;
    let mut mixes = 1;
    let mut out = PathBuf::from("target/bench/bsbm-export");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let parsed = match (arg.as_str(), value) {
            ("--products", Some(v)) => v.parse().map(|n| products = n).is_ok(),
            ("--mixes", Some(v)) => v.parse().map(|n| mixes = n).is_ok(),
            ("--out", Some(v)) => {
                out = PathBuf::from(v);
                true
            }
            _ => false,
        };
        if !parsed {
            eprintln!("usage: bsbm-export [--products N] [--mixes M] [--out DIR]");
            return ExitCode::from(2);
        }
    }
    let written = std::fs::create_dir_all(&out)
        .map_err(|e| e.to_string())
        .and_then(|()| bsbm_dataset(products, 0, mixes, &out).map_err(|e| e.to_string()))
        .and_then(|dataset| {
            let queries: Vec<_> = dataset
                .queries
                .iter()
                .map(|q| serde_json::json!({"group": q.group, "instance": q.instance, "text": q.text}))
                .collect();
            let json = serde_json::to_string_pretty(&queries).map_err(|e| e.to_string())?;
            std::fs::write(out.join("queries.json"), json).map_err(|e| e.to_string())?;
            Ok(dataset)
        });
    match written {
        Ok(dataset) => {
            println!(
                "wrote {} ({} lines) and {} queries to {}",
                dataset.name,
                dataset.lines,
                dataset.queries.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("bsbm-export: {error}");
            ExitCode::FAILURE
        }
    }
}
