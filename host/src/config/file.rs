//! The configuration file: TOML whose keys are the `TRINE_*` variables' names without the
//! prefix, in lower case (`query_timeout_s = 30` sets what `TRINE_QUERY_TIMEOUT_S=30` does).
//!
//! ```toml
//! preset = "production-low-memory"
//! query_timeout_s = 30
//! max_concurrent_queries = 8
//! load_dir = "data"        # relative paths are relative to the file's directory
//! read_only = false
//! ```
//!
//! The file is applied under the environment, which is applied under command-line flags.

use std::path::{Path, PathBuf};

use super::env::ENV_VARS;
use crate::HostError;

/// The variable that names a configuration file when `--config` is not given.
pub const CONFIG_VAR: &str = "TRINE_CONFIG";

/// Keys whose values are paths, resolved against the file's directory when relative.
const PATH_KEYS: [&str; 2] = ["load_dir", "backup_dir"];

/// The `TRINE_*` variables the file at `path` sets (in key order; TOML allows a key once).
///
/// # Errors
/// [`HostError::Config`] when the file cannot be read or parsed, has a key that is not a known
/// setting, or a value that is not a string, a non-negative integer or a boolean.
pub(super) fn vars_of_file(path: &Path) -> Result<Vec<(String, String)>, HostError> {
    let name = path.file_name().map_or_else(
        || "the configuration file".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = std::fs::read_to_string(path)
        .map_err(|e| HostError::Config(format!("{name}: cannot be read: {e}")))?;
    let directory = path.parent().unwrap_or_else(|| Path::new(""));
    vars_of_text(&text, &name, directory)
}

/// As [`vars_of_file`], from the file's text; `name` is how messages call the file.
pub(super) fn vars_of_text(
    text: &str,
    name: &str,
    directory: &Path,
) -> Result<Vec<(String, String)>, HostError> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| HostError::Config(format!("{name}: {}", e.message())))?;
    let mut vars = Vec::new();
    for (key, value) in table {
        let variable = format!("TRINE_{}", key.to_ascii_uppercase());
        if variable == CONFIG_VAR || !ENV_VARS.iter().any(|(known, _)| *known == variable) {
            let known: Vec<String> = ENV_VARS
                .iter()
                .filter(|(known, _)| *known != CONFIG_VAR)
                .map(|(known, _)| known.trim_start_matches("TRINE_").to_ascii_lowercase())
                .collect();
            return Err(HostError::Config(format!(
                "{name}: unknown key `{key}` (known keys: {})",
                known.join(", ")
            )));
        }
        let text = match value {
            toml::Value::String(text) if PATH_KEYS.contains(&key.as_str()) && !text.is_empty() => {
                let path = PathBuf::from(&text);
                if path.is_relative() {
                    directory.join(path).to_string_lossy().into_owned()
                } else {
                    text
                }
            }
            toml::Value::String(text) => text,
            toml::Value::Integer(n) if n >= 0 => n.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(HostError::Config(format!(
                    "{name}: `{key}` must be a string, a non-negative integer or a boolean, not \
                     {}",
                    other.type_str()
                )));
            }
        };
        vars.push((variable, text));
    }
    Ok(vars)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_variables() -> Result<(), HostError> {
        let vars = vars_of_text(
            "preset = \"bulk-load\"\nquery_timeout_s = 5\nread_only = true\nload_dir = \"data\"\n",
            "trine.toml",
            Path::new("/etc/trine"),
        )?;
        assert_eq!(
            vars,
            [
                ("TRINE_LOAD_DIR".to_owned(), "/etc/trine/data".to_owned()),
                ("TRINE_PRESET".to_owned(), "bulk-load".to_owned()),
                ("TRINE_QUERY_TIMEOUT_S".to_owned(), "5".to_owned()),
                ("TRINE_READ_ONLY".to_owned(), "true".to_owned()),
            ]
        );
        Ok(())
    }

    #[test]
    fn bad_files_name_the_problem() {
        let unknown = vars_of_text("query_timeout = 5", "trine.toml", Path::new(""));
        assert!(matches!(unknown, Err(HostError::Config(m)) if m.contains("`query_timeout`")));
        let negative = vars_of_text("query_timeout_s = -1", "trine.toml", Path::new(""));
        assert!(negative.is_err());
        let table = vars_of_text("[server]\nbind = 1", "trine.toml", Path::new(""));
        assert!(table.is_err());
        let syntax = vars_of_text("query_timeout_s = ", "trine.toml", Path::new(""));
        assert!(matches!(syntax, Err(HostError::Config(m)) if m.starts_with("trine.toml")));
        let recursive = vars_of_text("config = \"other.toml\"", "trine.toml", Path::new(""));
        assert!(recursive.is_err());
    }
}
