//! Location strings: which backend a database lives in, and where.

use std::fmt;
use std::path::PathBuf;

use crate::HostError;

/// Where a database lives, parsed from a location string.
///
/// - `memory:` keeps everything in memory, gone when the process ends;
/// - `redb:<file>` is one redb file;
/// - anything else is a directory holding a RocksDB store (the default backend), created if
///   missing; `rocksdb:<dir>` says so explicitly.
///
/// ```
/// use trine_host::Location;
///
/// assert_eq!(Location::parse("memory:")?, Location::Memory);
/// assert_eq!(Location::parse("redb:data.redb")?, Location::Redb("data.redb".into()));
/// assert_eq!(Location::parse("./trine-data")?, Location::RocksDb("./trine-data".into()));
/// # Ok::<_, trine_host::HostError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// In memory.
    Memory,
    /// A redb file.
    Redb(PathBuf),
    /// A RocksDB directory.
    RocksDb(PathBuf),
}

impl Location {
    /// Parses a location string.
    ///
    /// # Errors
    /// [`HostError::Location`] for an empty string or a scheme with no path.
    pub fn parse(location: &str) -> Result<Self, HostError> {
        let location = location.trim();
        if location.is_empty() {
            return Err(HostError::Location("the location is empty".into()));
        }
        if location == "memory:" || location == "memory" {
            return Ok(Self::Memory);
        }
        let path = |rest: &str, what: &str| {
            if rest.is_empty() {
                Err(HostError::Location(format!(
                    "{what} needs a path after the colon"
                )))
            } else {
                Ok(PathBuf::from(rest))
            }
        };
        if let Some(rest) = location.strip_prefix("redb:") {
            return Ok(Self::Redb(path(rest, "redb:")?));
        }
        if let Some(rest) = location.strip_prefix("rocksdb:") {
            return Ok(Self::RocksDb(path(rest, "rocksdb:")?));
        }
        Ok(Self::RocksDb(PathBuf::from(location)))
    }

    /// The backend's name, as in reports.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Memory => "memory",
            Self::Redb(_) => "redb",
            Self::RocksDb(_) => "rocksdb",
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Memory => f.write_str("memory:"),
            Self::Redb(path) => write!(f, "redb:{}", path.display()),
            Self::RocksDb(path) => write!(f, "{}", path.display()),
        }
    }
}
