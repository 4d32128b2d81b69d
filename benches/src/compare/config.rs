//! The comparison's command line.

use std::path::PathBuf;

use crate::number;

/// What one comparison run does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// LUBM universities; 0 skips LUBM.
    pub lubm: usize,
    /// BSBM products; 0 skips BSBM.
    pub bsbm: usize,
    /// Timed runs per query and engine, after one untimed warm-up run.
    pub runs: usize,
    /// Instantiations of each BSBM template (query mixes).
    pub mixes: usize,
    /// Seed of both generators and of the BSBM parameters.
    pub seed: u64,
    /// Leave out Oxigraph's RocksDB store (the `oxigraph` command-line tool).
    pub skip_oxigraph_cli: bool,
    /// Leave out Trine's server (the `trine` tool).
    pub skip_trine_server: bool,
    /// The `trine` executable; by default the one built next to this program.
    pub trine_bin: Option<PathBuf>,
    /// Where the JSON report and the SVG chart go.
    pub out: PathBuf,
}

impl Default for Config {
    /// LUBM(1) and BSBM with 1000 products, 5 runs, 3 mixes, seed 0, output in `target/bench`.
    fn default() -> Self {
        Self {
            lubm: 1,
            bsbm: 1000,
            runs: 5,
            mixes: 3,
            seed: 0,
            skip_oxigraph_cli: false,
            skip_trine_server: false,
            trine_bin: None,
            out: PathBuf::from("target/bench"),
        }
    }
}

/// The usage text printed for `--help` and after a bad argument.
pub const USAGE: &str = "\
usage: compare [--lubm N] [--bsbm N] [--runs N] [--mixes N] [--seed S] [--skip-oxigraph-cli]
               [--skip-trine-server] [--trine-bin FILE] [--out DIR] [--quick]
  --lubm N             LUBM universities (default 1; 0 skips LUBM)
  --bsbm N             BSBM products (default 1000; 0 skips BSBM)
  --runs N             timed runs per query and engine, after a warm-up (default 5)
  --mixes N            instantiations of each BSBM query (default 3)
  --seed S             seed of the data and of the BSBM parameters (default 0)
  --skip-oxigraph-cli  leave out Oxigraph's RocksDB store through the `oxigraph` tool
  --skip-trine-server  leave out Trine's RocksDB store through the `trine` tool
  --trine-bin FILE     the `trine` tool (default: the one built next to `compare`, as
                       `cargo build [--release] -p trine-host --bin trine` leaves it)
  --out DIR            where compare.json and compare.svg go (default target/bench)
  --quick              smoke run: --lubm 1 --bsbm 100 --runs 1 --mixes 1 --skip-oxigraph-cli
                       (later arguments still override it)";

impl Config {
    /// Reads the arguments (without the program name).
    ///
    /// # Errors
    /// A message naming the bad argument; `Err(USAGE)` for `--help`.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut config = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--lubm" => config.lubm = number(&arg, &value("--lubm")?)?,
                "--bsbm" => config.bsbm = number(&arg, &value("--bsbm")?)?,
                "--runs" => config.runs = number::<usize>(&arg, &value("--runs")?)?.max(1),
                "--mixes" => config.mixes = number::<usize>(&arg, &value("--mixes")?)?.max(1),
                "--seed" => config.seed = number(&arg, &value("--seed")?)?,
                "--out" => config.out = PathBuf::from(value("--out")?),
                "--skip-oxigraph-cli" => config.skip_oxigraph_cli = true,
                "--skip-trine-server" => config.skip_trine_server = true,
                "--trine-bin" => config.trine_bin = Some(PathBuf::from(value("--trine-bin")?)),
                "--quick" => {
                    config.lubm = 1;
                    config.bsbm = 100;
                    config.runs = 1;
                    config.mixes = 1;
                    config.skip_oxigraph_cli = true;
                }
                "--help" | "-h" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown argument {other}\n{USAGE}")),
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        Config::from_args(args.iter().map(|a| (*a).to_owned()))
    }

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(parse(&[]).unwrap(), Config::default());
        let config = parse(&["--lubm", "2", "--bsbm", "50", "--runs", "0", "--seed", "7"]).unwrap();
        assert_eq!(
            (config.lubm, config.bsbm, config.runs, config.seed),
            (2, 50, 1, 7)
        );
        let quick = parse(&["--quick", "--runs", "3"]).unwrap();
        assert!(quick.skip_oxigraph_cli);
        assert_eq!((quick.bsbm, quick.runs), (100, 3));
    }

    #[test]
    fn bad_arguments() {
        assert!(parse(&["--lubm"]).is_err());
        assert!(parse(&["--lubm", "x"]).is_err());
        assert!(parse(&["--frobnicate"]).is_err());
    }
}
