//! Values kept out of logs and debug output.

use std::fmt;
use std::path::Path;

use crate::HostError;

/// A secret such as the server's bearer token: compared and used, never printed (`Debug` shows
/// `Secret(…)`), so a logged [`Config`](super::Config) does not leak it.
///
/// ```
/// use trine_host::Secret;
///
/// let token = Secret::from("s3cret");
/// assert_eq!(token.expose(), "s3cret");
/// assert_eq!(format!("{token:?}"), "Secret(…)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The value, for the one place that compares it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Reads a secret from a file (the whole file, without a trailing line end), so it stays out
    /// of the process list and the environment.
    ///
    /// # Errors
    /// [`HostError::Config`] if the file cannot be read or holds nothing.
    pub fn from_file(path: &Path) -> Result<Self, HostError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            HostError::Config(format!(
                "cannot read the token file {}: {e}",
                path.display()
            ))
        })?;
        let value = text.trim_end_matches(['\n', '\r']);
        if value.is_empty() {
            return Err(HostError::Config(format!(
                "the token file {} is empty",
                path.display()
            )));
        }
        Ok(Self(value.to_owned()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}
