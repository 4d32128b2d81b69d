//! The command line, as clap parses it.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use trine_host::Preset;

/// Trine: an RDF quad store with SPARQL 1.1.
///
/// A LOCATION is a directory (a RocksDB store, created if missing), `redb:<file>` (one redb
/// file) or `memory:`. `TRINE_*` environment variables tune the database (TRINE_PRESET,
/// TRINE_QUERY_TIMEOUT_S, TRINE_MAX_ROWS_IN_MEMORY, TRINE_RESULT_CACHE_BYTES, TRINE_MAX_BODY_BYTES, TRINE_LOAD_DIR,
/// TRINE_READ_ONLY, TRINE_BLOCK_CACHE_BYTES, TRINE_WRITE_BUFFER_BYTES, TRINE_BACKUP_DIR,
/// TRINE_BACKUP_INTERVAL_S, TRINE_BACKUP_KEEP, TRINE_MAX_CONCURRENT_QUERIES,
/// TRINE_RATE_LIMIT_PER_IP); flags win over them. A TOML file (--config, or TRINE_CONFIG) sets
/// the same settings under the variables: its keys are the variables' names without TRINE_, in
/// lower case (`query_timeout_s = 30`). Logs go to stderr, filtered by RUST_LOG.
#[derive(Debug, Parser)]
#[command(name = "trine", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// TOML configuration file, applied under the TRINE_* variables and the flags
    /// [default: TRINE_CONFIG, else none].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the SPARQL 1.1 Protocol (/query, /update, /sparql) and the Graph Store Protocol
    /// (/store) over HTTP, with /health and /metrics.
    ///
    /// Stops on ctrl-c or SIGTERM after in-flight requests finish.
    Serve(ServeArgs),
    /// Load RDF files (or standard input) into the database.
    ///
    /// The syntax comes from each file's extension (.nt, .nq, .ttl, .trig, .rdf, .jsonld),
    /// optionally followed by .gz; --format overrides it and is required for standard input.
    /// Loads go through the bulk loader: fast, but a failing file leaves what was loaded before
    /// its error unless --atomic is given.
    Load(LoadArgs),
    /// Write the database (or one graph) as RDF to a file or standard output.
    Dump(DumpArgs),
    /// Run a SPARQL query and write its results to standard output.
    Query(QueryArgs),
    /// Run a SPARQL update; all of its operations apply or none does.
    Update(UpdateArgs),
    /// Print counts and sizes as JSON.
    Stats(StoreArgs),
    /// Print the health report as JSON; exits with 1 when unhealthy.
    Health(StoreArgs),
    /// Check every storage invariant (indexes agree, counts match, ids resolve) of a database,
    /// or with --backup a backup; exits with 1 on any problem.
    ///
    /// A backup is checked file by file against the SHA-256 sums of its MANIFEST.json, then a
    /// scratch copy of its store (made next to it) is opened and checked like a database, and
    /// its quad count compared with the manifest's.
    Verify(VerifyArgs),
    /// Back a RocksDB or redb database up into a new timestamped directory of --destination.
    ///
    /// The backup is a consistent copy (a RocksDB checkpoint, or a redb copy under one read
    /// transaction) with a MANIFEST.json listing every file with its size and SHA-256. Prints
    /// the backup's name, path and quad count as JSON. A database a running server holds is
    /// backed up by the server instead (`serve --backup-dir`, or POST /admin/backup).
    Backup(BackupArgs),
    /// Restore a backup into a new location: verified first, copied (never over existing
    /// data), then opened and counted.
    Restore(RestoreArgs),
    /// Compact the storage.
    Optimize(StoreArgs),
    /// Materialize the reasoning closure of the default graph (RDFS or OWL 2 RL) into the
    /// store, flagged inferred; every later write keeps it up to date, here and in `serve`.
    ///
    /// Prints the report as JSON; exits with 1 when the data is inconsistent (the report lists
    /// each rule with a false head that matched, with its triples).
    Materialize(MaterializeArgs),
    /// Run Trine as a sandboxed WebAssembly plugin: load the `trine:store` component (built by
    /// `cargo xtask component`) with wasmtime, open a store inside it and run one action, under
    /// a fuel budget and a memory limit.
    ///
    /// A store is `memory:` (gone when the command ends; --load fills it first) or
    /// `redb:/data/<file>`, a redb file in the host directory --dir, which is all of the file
    /// system the plugin sees.
    Plugin(PluginArgs),
}

/// `trine plugin`.
#[derive(Debug, Args)]
pub struct PluginArgs {
    /// The component (a `.wasm` file).
    pub component: PathBuf,
    /// The store inside the plugin: `memory:` or `redb:/data/<file>`.
    #[arg(short, long, default_value = "memory:")]
    pub location: String,
    /// The host directory the plugin sees as /data.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// RDF files to load before the action (syntax from the extension).
    #[arg(long, value_name = "FILE")]
    pub load: Vec<PathBuf>,
    /// Fuel one call may burn (about one unit per instruction) [default: 10 billion].
    #[arg(long)]
    pub fuel: Option<u64>,
    /// Memory the plugin may grow to, in MiB [default: 1024].
    #[arg(long, value_name = "MIB")]
    pub memory_mib: Option<usize>,
    #[command(subcommand)]
    pub action: PluginAction,
}

/// What `trine plugin` does with the store.
#[derive(Debug, Subcommand)]
pub enum PluginAction {
    /// Run a SPARQL query; results on standard output.
    Query {
        /// The query text.
        #[arg(short, long)]
        query: String,
        /// json, xml, csv or tsv for SELECT and ASK; an RDF syntax for graphs.
        #[arg(long, value_name = "FORMAT")]
        results_format: Option<String>,
    },
    /// Run a SPARQL update.
    Update {
        /// The update text.
        #[arg(short, long)]
        update: String,
    },
    /// Load an RDF file.
    Load {
        /// The file (syntax from its extension unless --format).
        #[arg(short, long)]
        file: PathBuf,
        /// RDF syntax: a name (ttl, nt, nq, trig, rdf, jsonld) or a media type.
        #[arg(long)]
        format: Option<String>,
    },
    /// Write every quad to standard output.
    Dump {
        /// RDF syntax.
        #[arg(long, default_value = "nq")]
        format: String,
    },
    /// Turn reasoning on and materialize (rdfs, owl2rl).
    Materialize {
        /// The profile.
        #[arg(long, default_value = "owl2rl")]
        profile: String,
    },
    /// Print the quad count and the health status as JSON.
    Stats,
}

impl Command {
    pub fn default_log_level(&self) -> &'static str {
        match self {
            Self::Serve(_) => "info",
            _ => "warn",
        }
    }
}

/// Where the database is and how it is tuned.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// Database location: a directory (RocksDB), `redb:<file>` or `memory:`.
    #[arg(short, long, value_name = "LOCATION")]
    pub location: String,
    /// Configuration preset: development, production-high-memory, production-low-memory or
    /// bulk-load [default: TRINE_PRESET, else development (bulk-load for `load`)].
    #[arg(long, value_name = "PRESET")]
    pub preset: Option<Preset>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Database location: a directory (RocksDB), `redb:<file>` or `memory:`.
    #[arg(short, long, value_name = "LOCATION", default_value = "./trine-data")]
    pub location: String,
    /// Configuration preset: development, production-high-memory, production-low-memory or
    /// bulk-load [default: TRINE_PRESET, else development].
    #[arg(long, value_name = "PRESET")]
    pub preset: Option<Preset>,
    /// Address to listen on.
    #[arg(short, long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
    pub bind: SocketAddr,
    /// Refuse every write with 403 Forbidden.
    #[arg(long)]
    pub read_only: bool,
    /// Require `Authorization: Bearer <TOKEN>` on writes (401 otherwise) and admin endpoints;
    /// reads stay open. Visible in the process list: prefer `--token-file` or `TRINE_TOKEN_FILE`.
    #[arg(long, value_name = "TOKEN", conflicts_with = "token_file")]
    pub token: Option<String>,
    /// Read that token from a file (its whole content, without a trailing line end).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Per-request query timeout in seconds; 0 for none [default: the preset's].
    #[arg(long, value_name = "N")]
    pub timeout_s: Option<u64>,
    /// Allow cross-origin requests from any origin (CORS).
    #[arg(long)]
    pub cors: bool,
    /// Bytes of answers to keep in the result cache: a repeated query is answered without
    /// running while nothing was written [default: TRINE_RESULT_CACHE_BYTES, else 0, off].
    #[arg(long, value_name = "BYTES")]
    pub result_cache_bytes: Option<usize>,
    /// Largest request body in bytes (413 beyond) [default: the preset's].
    #[arg(long, value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Rows one query may hold in memory (sorting, grouping, DISTINCT, hash-join sides, path
    /// closures); past it the query ends with `limit_exceeded`; 0 for no limit [default:
    /// TRINE_MAX_ROWS_IN_MEMORY, else the preset's].
    #[arg(long, value_name = "N")]
    pub max_rows_in_memory: Option<usize>,
    /// Directory that SPARQL `LOAD <file:…>` may read; without it `LOAD` is refused.
    #[arg(long, value_name = "DIR")]
    pub load_dir: Option<PathBuf>,
    /// Most queries (and Graph Store reads) running at once; more get 503 with Retry-After;
    /// 0 for no limit [default: TRINE_MAX_CONCURRENT_QUERIES, else the preset's].
    #[arg(long, value_name = "N")]
    pub max_concurrent_queries: Option<usize>,
    /// Most requests per second from one client IP address (bursts of as many); more get 429
    /// with Retry-After; 0 for no limit [default: TRINE_RATE_LIMIT_PER_IP, else none].
    #[arg(long, value_name = "N")]
    pub rate_limit_per_ip: Option<u32>,
    /// Take scheduled backups into this directory while serving [default: TRINE_BACKUP_DIR,
    /// else none].
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// Reasoning profile kept materialized on every write: none, rdfs or owl2rl (switching
    /// recomputes the closure) [default: TRINE_REASONING, else the store's own].
    #[arg(long, value_name = "PROFILE")]
    pub reasoning: Option<String>,
    /// Seconds between two scheduled backups [default: TRINE_BACKUP_INTERVAL_S, else 3600].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub backup_interval_s: Option<u64>,
    /// Scheduled backups to keep, older ones deleted; 0 keeps all [default: TRINE_BACKUP_KEEP,
    /// else 7].
    #[arg(long, value_name = "N")]
    pub backup_keep: Option<usize>,
}

#[derive(Debug, Args)]
pub struct MaterializeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Reasoning profile: none, rdfs or owl2rl [default: the store's current profile].
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Database location to check: a directory (RocksDB), `redb:<file>` or `memory:`.
    #[arg(
        short,
        long,
        value_name = "LOCATION",
        required_unless_present = "backup",
        conflicts_with = "backup"
    )]
    pub location: Option<String>,
    /// Configuration preset used to open the database (see `trine help serve`).
    #[arg(long, value_name = "PRESET", conflicts_with = "backup")]
    pub preset: Option<Preset>,
    /// A backup directory (holding MANIFEST.json) to check instead of a database.
    #[arg(long, value_name = "DIR")]
    pub backup: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Directory the backup is written into (created if missing), as a new subdirectory named
    /// after the current UTC time.
    #[arg(short, long, value_name = "DIR")]
    pub destination: PathBuf,
    /// Keep only the newest N backups in the destination, deleting older ones.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub keep: Option<u64>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup directory to restore (holding MANIFEST.json).
    #[arg(short, long, value_name = "DIR")]
    pub backup: PathBuf,
    /// The new location: a missing or empty directory for a RocksDB backup, `redb:<file>`
    /// naming a missing file for a redb backup.
    #[arg(short, long, value_name = "LOCATION")]
    pub location: String,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Files to load; standard input when none is given.
    #[arg(short, long, value_name = "FILE", num_args = 1..)]
    pub file: Vec<PathBuf>,
    /// RDF syntax: a name (ttl, nt, nq, trig, rdf, jsonld) or a media type.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Base IRI relative IRIs resolve against.
    #[arg(long, value_name = "IRI")]
    pub base: Option<String>,
    /// Named graph to put the triples (and default-graph quads) into.
    #[arg(long, value_name = "IRI")]
    pub graph: Option<String>,
    /// Skip some validation (IRI and language-tag syntax) for speed on trusted input. N-Triples
    /// and N-Quads files gain little from it: a strict load of them checks each distinct IRI and
    /// language tag once.
    #[arg(long)]
    pub lenient: bool,
    /// Load each file in one transaction, so a failing file loads nothing (slower, and memory
    /// grows with the file).
    #[arg(long)]
    pub atomic: bool,
}

#[derive(Debug, Args)]
pub struct DumpArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// File to write; standard output when absent.
    #[arg(short, long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// RDF syntax [default: from the file extension, else N-Quads].
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Dump only this graph: an IRI, or `default` for the default graph.
    #[arg(long, value_name = "IRI")]
    pub graph: Option<String>,
    /// Leave out what the reasoner inferred, so the dump reloads into the same explicit data.
    #[arg(long)]
    pub explicit_only: bool,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The query text.
    #[arg(
        short,
        long,
        value_name = "QUERY",
        required_unless_present = "query_file",
        conflicts_with = "query_file"
    )]
    pub query: Option<String>,
    /// A file holding the query.
    #[arg(long, value_name = "FILE")]
    pub query_file: Option<PathBuf>,
    /// Base IRI of the query.
    #[arg(long, value_name = "IRI")]
    pub base: Option<String>,
    /// Results format: json, xml, csv or tsv for SELECT and ASK; an RDF syntax (ttl, nt, nq,
    /// trig, rdf, jsonld) for CONSTRUCT and DESCRIBE [default: json, or ttl for graphs].
    #[arg(long, value_name = "FORMAT")]
    pub results_format: Option<String>,
    /// Print the query plan with estimated rows to standard error before the results; with
    /// `analyze`, run the query first and print the rows, runs and time of each operator too
    /// (EXPLAIN ANALYZE), then the results.
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "plan", value_name = "MODE")]
    pub explain: Option<ExplainMode>,
    /// Match explicit quads only, leaving out what the reasoner inferred.
    #[arg(long)]
    pub explicit_only: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The update text.
    #[arg(
        short,
        long,
        value_name = "UPDATE",
        required_unless_present = "update_file",
        conflicts_with = "update_file"
    )]
    pub update: Option<String>,
    /// A file holding the update.
    #[arg(long, value_name = "FILE")]
    pub update_file: Option<PathBuf>,
    /// Base IRI of the update.
    #[arg(long, value_name = "IRI")]
    pub base: Option<String>,
    /// Directory that `LOAD <file:…>` may read; without it `LOAD` is refused.
    #[arg(long, value_name = "DIR")]
    pub load_dir: Option<PathBuf>,
}

/// What `query --explain` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainMode {
    /// The plan with estimated rows.
    Plan,
    /// The plan after a run, with estimated and actual rows, runs and time per operator.
    Analyze,
}
