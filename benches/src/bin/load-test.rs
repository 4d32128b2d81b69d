//! Load test of `trine serve` (issue 12): BSBM-shaped data, concurrent clients mixing the explore
//! queries, Graph Store reads and SPARQL updates for a fixed time, then every acknowledged write
//! looked up and `trine verify` run on the stopped server's store.
//!
//! `cargo build -p trine-host --bin trine && cargo run -p trine-benches --bin load-test --
//! --clients 4 --seconds 5 --products 100` (see `--help` for the rest). Prints requests per
//! second, per-kind counts, p50 and p99 latency and errors (limit responses, 503 and 429, apart),
//! the writes checked and the server's peak RSS; exits with status 1 when a request failed other
//! than by a limit response, an acknowledged write is missing, the server did not stop cleanly
//! or `trine verify` failed, and 2 when the test could not run.

use std::process::ExitCode;

use trine_benches::loadtest::{self, Config};

fn main() -> ExitCode {
    let config = match Config::from_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match loadtest::run(&config) {
        Ok(report) => {
            println!("{report}");
            if report.failures().is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("load-test: {e}");
            ExitCode::from(2)
        }
    }
}
