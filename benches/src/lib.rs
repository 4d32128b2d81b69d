//! Data generators and helpers shared by Trine's benchmarks.

pub mod bsbm;
pub mod compare;
pub mod generate;
pub mod loadtest;
pub mod lubm;
pub mod reasoning;
pub mod rng;

use std::path::Path;

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
