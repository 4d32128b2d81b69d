//! Data generators and helpers shared by Trine's benchmarks.

pub mod bsbm;
pub mod compare;
pub mod generate;
pub mod loadtest;
pub mod lubm;
pub mod reasoning;
pub mod rng;

use std::path::Path;

/// A memory figure of a process in KiB, from `/proc/<pid>/status` (`/proc/self/status` for
/// `None`): `field` is `VmRSS` (resident now) or `VmHWM` (peak resident). `None` where there
/// is no `/proc` or no such field.
#[must_use]
pub fn process_memory_kib(pid: Option<u32>, field: &str) -> Option<u64> {
    let path = pid.map_or_else(
        || "/proc/self/status".to_owned(),
        |pid| format!("/proc/{pid}/status"),
    );
    let status = std::fs::read_to_string(path).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Parses the value of command-line option `name`, naming both in the error.
///
/// # Errors
/// The value is not a `T`.
pub fn number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{name} needs a number, not {value:?}"))
}

/// Total size in bytes of the files under `path` (a file or a directory).
pub fn disk_usage(path: &Path) -> std::io::Result<u64> {
    let metadata = std::fs::metadata(path)?;
    if metadata.is_file() {
        return Ok(metadata.len());
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        total += disk_usage(&entry?.path())?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_this_process_memory() {
        if std::path::Path::new("/proc/self/status").exists() {
            let own = Some(std::process::id());
            assert!(super::process_memory_kib(own, "VmHWM").is_some_and(|kib| kib > 0));
            assert!(super::process_memory_kib(None, "VmRSS").is_some_and(|kib| kib > 0));
            assert_eq!(super::process_memory_kib(None, "VmNothing"), None);
        }
    }
}
