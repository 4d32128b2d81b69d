//! SHA-256 of files, computed while reading (or copying) them in one pass.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

/// The name of the algorithm, as the manifest records it.
pub const ALGORITHM: &str = "sha256";

/// Bytes read at a time.
const CHUNK: usize = 256 * 1024;

/// The size and the lowercase hex SHA-256 of a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digested {
    /// Bytes read.
    pub size: u64,
    /// Lowercase hex SHA-256.
    pub sha256: String,
}

/// Reads `path` to its end and digests it.
///
/// # Errors
/// Fails if the file cannot be read.
pub fn digest_file(path: &Path) -> io::Result<Digested> {
    copy_digesting(&mut File::open(path)?, &mut io::sink())
}

/// Copies `source` to the new file `target` (which must not exist), syncs it, and returns the
/// digest of the bytes copied, so a copy is checked against the manifest without a second read.
///
/// # Errors
/// Fails if `target` exists or either file fails.
pub fn copy_file_digesting(source: &Path, target: &Path) -> io::Result<Digested> {
    let mut input = File::open(source)?;
    let mut output = File::options().write(true).create_new(true).open(target)?;
    let digest = copy_digesting(&mut input, &mut output)?;
    output.sync_all()?;
    Ok(digest)
}

fn copy_digesting(input: &mut impl Read, output: &mut impl Write) -> io::Result<Digested> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; CHUNK];
    let mut size = 0_u64;
    loop {
        let read = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let chunk = &buffer[..read];
        hasher.update(chunk);
        output.write_all(chunk)?;
        size += read as u64;
    }
    Ok(Digested {
        size,
        sha256: hex(&hasher.finalize()),
    })
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc")?;
        let digest = digest_file(&path)?;
        assert_eq!(digest.size, 3);
        assert_eq!(
            digest.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let copy = dir.path().join("copy");
        assert_eq!(copy_file_digesting(&path, &copy)?, digest);
        assert_eq!(std::fs::read(&copy)?, b"abc");
        assert!(copy_file_digesting(&path, &copy).is_err());
        Ok(())
    }
}
