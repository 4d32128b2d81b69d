//! Configuration: [`Config`] with its [`Preset`]s, and the `TRINE_*` environment variables
//! ([`Config::from_env`] is the one place they are read).

mod env;
mod file;
mod limits;
mod preset;
mod secret;

pub use env::ENV_VARS;
pub use file::CONFIG_VAR;
pub use limits::Limits;
pub use preset::Preset;
pub use secret::Secret;

use std::path::{Path, PathBuf};
use std::time::Duration;

use trine_backend_rocksdb::RocksDbOptions;

use crate::backup::BackupSettings;

/// How a [`Database`](crate::Database) runs: backend tuning, limits and timeouts.
///
/// Start from a [`Preset`] and change fields; [`Config::from_env`] applies the `TRINE_*`
/// variables on top.
///
/// ```
/// use std::time::Duration;
/// use trine_host::{Config, Preset};
///
/// let mut config = Config::preset(Preset::ProductionLowMemory);
/// config.query_timeout = Some(Duration::from_secs(5));
/// assert_eq!(config.rocksdb.block_cache_bytes, 32 << 20);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The preset these values started from.
    pub preset: Preset,
    /// RocksDB tuning, used when the location is a directory.
    pub rocksdb: RocksDbOptions,
    /// Longest a query (or an update's `WHERE` clauses) may run; `None` for no limit.
    pub query_timeout: Option<Duration>,
    /// Most rows a memory-hungry query operator may hold (sort, group, distinct, join side).
    pub max_rows_in_memory: Option<usize>,
    /// Bytes of serialized answers the server's result cache keeps (repeated queries answered
    /// without running while nothing was written); 0, the default, turns it off.
    pub result_cache_bytes: usize,
    /// Largest request body the server reads, in bytes (queries, updates, uploads).
    pub max_body_bytes: usize,
    /// The directory `LOAD <file:…>` may read from; `None` refuses every `LOAD`.
    pub load_dir: Option<PathBuf>,
    /// Refuse every write (updates, loads) at the database level.
    pub read_only: bool,
    /// Pending compaction bytes above which health reports `degraded`.
    pub degraded_compaction_bytes: u64,
    /// Scheduled backups while serving (none unless a destination is set).
    pub backup: BackupSettings,
    /// How much load the HTTP server admits (concurrent queries, request rate per client).
    pub limits: Limits,
    /// The reasoning profile to keep materialized; `None` keeps whatever the store has (a
    /// store remembers its profile). Opening with another profile recomputes the closure.
    pub reasoning: Option<trine_core::reasoner::Profile>,
    /// The bearer token the HTTP server requires on writes and admin endpoints (`TRINE_TOKEN`,
    /// `TRINE_TOKEN_FILE`); `None` leaves writes open and admin endpoints closed.
    pub token: Option<Secret>,
}

impl Default for Config {
    /// The [`Preset::Development`] values.
    fn default() -> Self {
        Self::preset(Preset::Development)
    }
}

impl Config {
    /// The values of a preset.
    pub fn preset(preset: Preset) -> Self {
        preset.config()
    }

    /// [`Config::default`] (or the preset `TRINE_PRESET` names) with every `TRINE_*` variable of
    /// the process environment applied; see [`ENV_VARS`].
    ///
    /// # Errors
    /// [`HostError::Config`](crate::HostError::Config) naming the variable with a bad value.
    pub fn from_env() -> Result<Self, crate::HostError> {
        env::from_vars(std::env::vars())
    }

    /// As [`from_env`](Self::from_env), with the preset chosen by `flag` if given, else by
    /// `TRINE_PRESET`, else `default`; the other `TRINE_*` variables apply on top either way.
    /// The configuration file `TRINE_CONFIG` names, if any, applies under the environment (see
    /// [`from_sources`](Self::from_sources)).
    ///
    /// # Errors
    /// [`HostError::Config`](crate::HostError::Config) naming the variable with a bad value.
    pub fn from_env_with_preset(
        flag: Option<Preset>,
        default: Preset,
    ) -> Result<Self, crate::HostError> {
        Self::from_sources(flag, default, None)
    }

    /// The configuration from every source, each over the one before: `default`'s preset, the
    /// TOML file `file` (else the one [`CONFIG_VAR`] names, if any; keys are the variables'
    /// names without `TRINE_`, in lower case), the `TRINE_*` environment, and the preset `flag`.
    /// Callers apply their other flags on the result.
    ///
    /// # Errors
    /// [`HostError::Config`](crate::HostError::Config) for an unreadable or invalid file, or
    /// naming the variable (or key) with a bad value.
    pub fn from_sources(
        flag: Option<Preset>,
        default: Preset,
        file: Option<&Path>,
    ) -> Result<Self, crate::HostError> {
        let mut vars: Vec<(String, String)> = std::env::vars().collect();
        let file = file.map(Path::to_path_buf).or_else(|| {
            vars.iter()
                .find(|(name, _)| name == CONFIG_VAR)
                .map(|(_, value)| value.trim())
                .filter(|value| !value.is_empty())
                .map(PathBuf::from)
        });
        if let Some(path) = file {
            // After the environment: a name's first value is the one used, so the environment
            // wins over the file.
            vars.extend(file::vars_of_file(&path)?);
        }
        let has_env_preset = vars.iter().any(|(name, _)| name == "TRINE_PRESET");
        let preset = match flag {
            Some(preset) => Some(preset),
            None if has_env_preset => None,
            None => Some(default),
        };
        if let Some(preset) = preset {
            vars.retain(|(name, _)| name != "TRINE_PRESET");
            vars.push(("TRINE_PRESET".into(), preset.name().into()));
        }
        env::from_vars(vars)
    }

    /// As [`from_env`](Self::from_env), from given variables (for tests and embedders).
    ///
    /// # Errors
    /// [`HostError::Config`](crate::HostError::Config) naming the variable with a bad value.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, crate::HostError> {
        env::from_vars(vars)
    }
}
