//! The load test's command line.

use std::path::PathBuf;

use crate::number;

/// What one load test does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Concurrent client threads.
    pub clients: usize,
    /// How long the clients drive the server, in seconds.
    pub seconds: u64,
    /// BSBM products of the generated data.
    pub products: usize,
    /// Seed of the data, of the query parameters and of each client's choices.
    pub seed: u64,
    /// Instantiations of the BSBM explore mix the clients draw their queries from.
    pub mixes: usize,
    /// Percentages of queries, Graph Store reads and updates; they need not add up to 100.
    pub mix: [u64; 3],
    /// Longest a client waits for one response, in seconds (a longer wait is an error).
    pub timeout_s: u64,
    /// Passed to `trine serve --max-concurrent-queries` (503 beyond); `None` keeps its default.
    pub max_concurrent_queries: Option<usize>,
    /// Passed to `trine serve --rate-limit-per-ip` (429 beyond); `None` keeps its default.
    pub rate_limit_per_ip: Option<u32>,
    /// The `trine` executable; by default the one built next to this program.
    pub trine_bin: Option<PathBuf>,
}

impl Default for Config {
    /// 4 clients for 10 s on BSBM(100), seed 0, 10 mixes, 70 % queries, 15 % Graph Store
    /// reads, 15 % updates, 60 s response timeout, the server's own limits.
    fn default() -> Self {
        Self {
            clients: 4,
            seconds: 10,
            products: 100,
            seed: 0,
            mixes: 10,
            mix: [70, 15, 15],
            timeout_s: 60,
            max_concurrent_queries: None,
            rate_limit_per_ip: None,
            trine_bin: None,
        }
    }
}

/// The usage text printed for `--help` and after a bad argument.
pub const USAGE: &str = "\
usage: load-test [--clients N] [--seconds S] [--products N] [--seed S] [--mixes N]
                 [--mix Q,G,U] [--timeout-s N] [--max-concurrent-queries N]
                 [--rate-limit-per-ip N] [--trine-bin FILE]
  --clients N                 concurrent client threads (default 4)
  --seconds S                 how long they drive the server (default 10)
  --products N                BSBM products of the generated data (default 100)
  --seed S                    seed of the data, the query parameters and the clients (default 0)
  --mixes N                   instantiations of the BSBM explore mix to draw queries from
                              (default 10)
  --mix Q,G,U                 weights of queries, Graph Store reads and updates (default 70,15,15)
  --timeout-s N               longest wait for one response, an error beyond (default 60)
  --max-concurrent-queries N  passed to `trine serve` (503 beyond; default: the server's)
  --rate-limit-per-ip N       passed to `trine serve` (429 beyond; default: the server's)
  --trine-bin FILE            the `trine` tool (default: the one built next to `load-test`, as
                              `cargo build [--release] -p trine-host --bin trine` leaves it)";

impl Config {
    /// Reads the arguments (without the program name).
    ///
    /// # Errors
    /// A message naming the bad argument; `Err(USAGE)` for `--help`.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut config = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value = || {
                args.next()
                    .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--clients" => config.clients = number::<usize>(&arg, &value()?)?.max(1),
                "--seconds" => config.seconds = number::<u64>(&arg, &value()?)?.max(1),
                "--products" => config.products = number::<usize>(&arg, &value()?)?.max(1),
                "--seed" => config.seed = number(&arg, &value()?)?,
                "--mixes" => config.mixes = number::<usize>(&arg, &value()?)?.max(1),
                "--mix" => config.mix = mix(&value()?)?,
                "--timeout-s" => config.timeout_s = number::<u64>(&arg, &value()?)?.max(1),
                "--max-concurrent-queries" => {
                    config.max_concurrent_queries = Some(number(&arg, &value()?)?);
                }
                "--rate-limit-per-ip" => config.rate_limit_per_ip = Some(number(&arg, &value()?)?),
                "--trine-bin" => config.trine_bin = Some(PathBuf::from(value()?)),
                "--help" | "-h" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown argument {other}\n{USAGE}")),
            }
        }
        Ok(config)
    }

    /// The arguments this configuration adds to `trine serve`.
    #[must_use]
    pub fn serve_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(n) = self.max_concurrent_queries {
            args.extend(["--max-concurrent-queries".to_owned(), n.to_string()]);
        }
        if let Some(n) = self.rate_limit_per_ip {
            args.extend(["--rate-limit-per-ip".to_owned(), n.to_string()]);
        }
        args
    }
}

/// Three comma-separated weights, not all zero.
fn mix(value: &str) -> Result<[u64; 3], String> {
    let weights: Vec<u64> = value
        .split(',')
        .map(|w| number("--mix", w.trim()))
        .collect::<Result<_, _>>()?;
    match weights.as_slice() {
        &[q, g, u] if q + g + u > 0 => Ok([q, g, u]),
        _ => Err(format!(
            "--mix needs three weights (queries, Graph Store reads, updates), not all 0: {value:?}"
        )),
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
        let config = parse(&[
            "--clients",
            "32",
            "--seconds",
            "60",
            "--products",
            "1000",
            "--mix",
            "1, 0, 1",
            "--max-concurrent-queries",
            "8",
        ])
        .unwrap();
        assert_eq!(
            (config.clients, config.seconds, config.products, config.mix),
            (32, 60, 1000, [1, 0, 1])
        );
        assert_eq!(config.serve_args(), ["--max-concurrent-queries", "8"]);
        assert!(Config::default().serve_args().is_empty());
    }

    #[test]
    fn bad_arguments() {
        assert!(parse(&["--clients"]).is_err());
        assert!(parse(&["--seconds", "x"]).is_err());
        assert!(parse(&["--mix", "1,2"]).is_err());
        assert!(parse(&["--mix", "0,0,0"]).is_err());
        assert!(parse(&["--frobnicate"]).is_err());
    }
}
