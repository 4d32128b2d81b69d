//! The `TRINE_*` environment variables: the only place the host reads the environment for
//! configuration.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use super::{Config, Preset};
use crate::HostError;

/// Every variable [`Config::from_env`] reads, with what it sets.
pub const ENV_VARS: &[(&str, &str)] = &[
    (
        "TRINE_PRESET",
        "preset to start from (development, production-high-memory, …)",
    ),
    (
        "TRINE_QUERY_TIMEOUT_S",
        "query timeout in seconds; 0 for none",
    ),
    (
        "TRINE_MAX_ROWS_IN_MEMORY",
        "row limit of sort, group and distinct; 0 for none",
    ),
    (
        "TRINE_RESULT_CACHE_BYTES",
        "bytes of answers the server's result cache keeps; 0 (the default) for none",
    ),
    (
        "TRINE_MAX_BODY_BYTES",
        "largest HTTP request body, in bytes",
    ),
    (
        "TRINE_LOAD_DIR",
        "directory that SPARQL LOAD may read files from",
    ),
    ("TRINE_READ_ONLY", "true to refuse every write"),
    (
        "TRINE_TOKEN",
        "bearer token the server requires on writes and admin endpoints",
    ),
    (
        "TRINE_TOKEN_FILE",
        "file holding that token (kept out of the environment)",
    ),
    (
        "TRINE_BLOCK_CACHE_BYTES",
        "RocksDB block cache capacity, in bytes",
    ),
    (
        "TRINE_WRITE_BUFFER_BYTES",
        "RocksDB memtable size of each large keyspace, in bytes",
    ),
    (
        "TRINE_BACKUP_DIR",
        "directory scheduled backups are written to while serving",
    ),
    (
        "TRINE_BACKUP_INTERVAL_S",
        "seconds between two scheduled backups",
    ),
    (
        "TRINE_BACKUP_KEEP",
        "scheduled backups kept (older ones deleted); 0 keeps all",
    ),
    (
        "TRINE_MAX_CONCURRENT_QUERIES",
        "most queries running at once (503 beyond); 0 for no limit",
    ),
    (
        "TRINE_RATE_LIMIT_PER_IP",
        "most requests per second from one client IP (429 beyond); 0 for no limit",
    ),
    (
        "TRINE_REASONING",
        "reasoning profile kept materialized on every write: none, rdfs or owl2rl",
    ),
    (
        "TRINE_CONFIG",
        "TOML configuration file applied under these variables (--config wins)",
    ),
];

/// Variables Trine's own test suites and tools read, not configuration: set while running them
/// (the README's test command sets `TRINE_CONFORMANCE_DIR`), they are not reported as unknown.
const TOOL_VARS: &[&str] = &[
    "TRINE_CONFORMANCE_DIR",
    "TRINE_CRASH_RUNS",
    "TRINE_FUZZ_TRACE",
    "TRINE_BIN",
    "TRINE_COMPONENT",
];

/// Whether `name` is a variable Trine knows: configuration, or one of its tools' own.
fn is_known(name: &str) -> bool {
    ENV_VARS.iter().any(|(known, _)| *known == name) || TOOL_VARS.contains(&name)
}

pub(super) fn from_vars(
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<Config, HostError> {
    let vars: Vec<(String, String)> = vars
        .into_iter()
        .filter(|(name, _)| name.starts_with("TRINE_"))
        .collect();
    let get = |name: &str| {
        vars.iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.trim())
    };
    let mut config = match get("TRINE_PRESET") {
        Some(name) => Config::preset(
            Preset::from_str(name).map_err(|e| HostError::Config(format!("TRINE_PRESET: {e}")))?,
        ),
        None => Config::default(),
    };
    if let Some(value) = get("TRINE_QUERY_TIMEOUT_S") {
        let seconds: u64 = number("TRINE_QUERY_TIMEOUT_S", value)?;
        config.query_timeout = (seconds > 0).then(|| Duration::from_secs(seconds));
    }
    if let Some(value) = get("TRINE_MAX_ROWS_IN_MEMORY") {
        let rows: usize = number("TRINE_MAX_ROWS_IN_MEMORY", value)?;
        config.max_rows_in_memory = (rows > 0).then_some(rows);
    }
    if let Some(value) = get("TRINE_RESULT_CACHE_BYTES") {
        config.result_cache_bytes = number("TRINE_RESULT_CACHE_BYTES", value)?;
    }
    if let Some(value) = get("TRINE_MAX_BODY_BYTES") {
        config.max_body_bytes = number("TRINE_MAX_BODY_BYTES", value)?;
    }
    if let Some(value) = get("TRINE_LOAD_DIR") {
        config.load_dir = (!value.is_empty()).then(|| PathBuf::from(value));
    }
    if let Some(value) = get("TRINE_READ_ONLY") {
        config.read_only = boolean("TRINE_READ_ONLY", value)?;
    }
    match (get("TRINE_TOKEN"), get("TRINE_TOKEN_FILE")) {
        (Some(_), Some(_)) => {
            return Err(HostError::Config(
                "TRINE_TOKEN and TRINE_TOKEN_FILE: set one, not both".into(),
            ));
        }
        (Some(token), None) if !token.is_empty() => config.token = Some(token.into()),
        (None, Some(path)) if !path.is_empty() => {
            config.token = Some(super::Secret::from_file(std::path::Path::new(path))?);
        }
        _ => {}
    }
    if let Some(value) = get("TRINE_BLOCK_CACHE_BYTES") {
        config.rocksdb.block_cache_bytes = number("TRINE_BLOCK_CACHE_BYTES", value)?;
    }
    if let Some(value) = get("TRINE_WRITE_BUFFER_BYTES") {
        config.rocksdb.write_buffer_bytes = number("TRINE_WRITE_BUFFER_BYTES", value)?;
    }
    if let Some(value) = get("TRINE_BACKUP_DIR") {
        config.backup.destination = (!value.is_empty()).then(|| PathBuf::from(value));
    }
    if let Some(value) = get("TRINE_BACKUP_INTERVAL_S") {
        let seconds: u64 = number("TRINE_BACKUP_INTERVAL_S", value)?;
        if seconds == 0 {
            return Err(HostError::Config(
                "TRINE_BACKUP_INTERVAL_S: the interval must be above 0".into(),
            ));
        }
        config.backup.interval = Duration::from_secs(seconds);
    }
    if let Some(value) = get("TRINE_BACKUP_KEEP") {
        let keep: usize = number("TRINE_BACKUP_KEEP", value)?;
        config.backup.keep = (keep > 0).then_some(keep);
    }
    if let Some(value) = get("TRINE_REASONING") {
        config.reasoning = Some(
            value
                .parse()
                .map_err(|e| HostError::Config(format!("TRINE_REASONING: {e}")))?,
        );
    }
    config.limits.apply_vars(get)?;
    for (name, _) in &vars {
        if !is_known(name) {
            tracing::warn!(variable = %name, "unknown TRINE_ variable ignored");
        }
    }
    Ok(config)
}

fn number<T: FromStr>(name: &str, value: &str) -> Result<T, HostError> {
    value
        .parse()
        .map_err(|_| HostError::Config(format!("{name}: {value:?} is not a valid number")))
}

fn boolean(name: &str, value: &str) -> Result<bool, HostError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(HostError::Config(format!(
            "{name}: {value:?} is not a boolean (true or false)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn presets_and_overrides_apply() -> Result<(), HostError> {
        let config = from_vars(vars(&[
            ("TRINE_PRESET", "production-low-memory"),
            ("TRINE_QUERY_TIMEOUT_S", "0"),
            ("TRINE_READ_ONLY", "true"),
            ("TRINE_BLOCK_CACHE_BYTES", "1048576"),
            ("PATH", "/bin"),
        ]))?;
        assert_eq!(config.preset, Preset::ProductionLowMemory);
        assert_eq!(config.query_timeout, None);
        assert!(config.read_only);
        assert_eq!(config.rocksdb.block_cache_bytes, 1 << 20);
        assert_eq!(config.rocksdb.max_open_files, 256);
        Ok(())
    }

    #[test]
    fn the_token_comes_from_a_variable_or_a_file() -> Result<(), HostError> {
        let config = from_vars(vars(&[("TRINE_TOKEN", "s3cret")]))?;
        assert_eq!(
            config.token.as_ref().map(super::super::Secret::expose),
            Some("s3cret")
        );
        assert!(
            !format!("{config:?}").contains("s3cret"),
            "the token leaks into Debug"
        );
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("token");
        std::fs::write(&file, "from-a-file\n")?;
        let path = file.to_string_lossy().into_owned();
        let config = from_vars(vars(&[("TRINE_TOKEN_FILE", &path)]))?;
        assert_eq!(
            config.token.as_ref().map(super::super::Secret::expose),
            Some("from-a-file")
        );
        let both = from_vars(vars(&[("TRINE_TOKEN", "a"), ("TRINE_TOKEN_FILE", &path)]));
        assert!(matches!(both, Err(HostError::Config(_))));
        std::fs::write(&file, "\n")?;
        let empty = from_vars(vars(&[("TRINE_TOKEN_FILE", &path)]));
        assert!(matches!(empty, Err(HostError::Config(m)) if m.contains("empty")));
        Ok(())
    }

    #[test]
    fn only_unknown_variables_are_reported() {
        assert!(is_known("TRINE_QUERY_TIMEOUT_S"));
        assert!(is_known("TRINE_CONFORMANCE_DIR"));
        // A misspelt setting is what the warning is for.
        assert!(!is_known("TRINE_QUERY_TIMEOUT"));
        assert!(!is_known("TRINE_TOKENFILE"));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let error = from_vars(vars(&[("TRINE_MAX_BODY_BYTES", "lots")]));
        assert!(matches!(error, Err(HostError::Config(m)) if m.contains("TRINE_MAX_BODY_BYTES")));
        assert!(from_vars(vars(&[("TRINE_PRESET", "huge")])).is_err());
    }
}
