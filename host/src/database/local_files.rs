//! The `LOAD` handler of the host: local files under one allowed directory, nothing else.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Component, Path, PathBuf};

use trine_core::io::RdfFormat;
use trine_core::oxrdf::NamedNode;
use trine_core::update::{LoadHandler, LoadedDocument};

/// Serves `LOAD <file:…>` from one directory.
///
/// A source is either a `file:` IRI whose path lies inside the directory (`file:///srv/data/a.ttl`
/// with the directory `/srv/data`), or a relative `file:` IRI resolved inside it (`file:a.ttl`).
/// Paths with `..` are refused outright, and the resolved file must still be inside the
/// directory once symbolic links are followed. Other schemes (`http:` among them) are refused.
/// The syntax comes from the file extension; a `.gz` suffix is decompressed first.
///
/// Error messages repeat the IRI the client gave and never the server's own paths.
#[derive(Debug, Clone)]
pub struct LocalFileLoader {
    root: PathBuf,
}

impl LocalFileLoader {
    /// Allows files under `root`.
    ///
    /// # Errors
    /// Fails if `root` does not exist or is not a directory.
    pub fn new(root: impl AsRef<Path>) -> std::io::Result<Self> {
        let root = root.as_ref().canonicalize()?;
        if !root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the LOAD directory is not a directory",
            ));
        }
        Ok(Self { root })
    }

    /// The file `source` names, if it is allowed.
    fn resolve(&self, source: &str) -> Result<PathBuf, String> {
        let Some(rest) = source.strip_prefix("file:") else {
            return Err("only file: IRIs are allowed".into());
        };
        let rest = rest.split(['?', '#']).next().unwrap_or_default();
        let path = if let Some(authority_and_path) = rest.strip_prefix("//") {
            let (host, path) = authority_and_path
                .find('/')
                .map_or((authority_and_path, ""), |i| authority_and_path.split_at(i));
            if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
                return Err("file: IRIs with a remote host are not allowed".into());
            }
            PathBuf::from(percent_decode(path)?)
        } else {
            PathBuf::from(percent_decode(rest)?)
        };
        if path
            .components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
        {
            return Err("paths with `..` are not allowed".into());
        }
        let candidate = if path.is_absolute() {
            path
        } else {
            self.root.join(path)
        };
        let resolved = candidate
            .canonicalize()
            .map_err(|_| "no such file in the LOAD directory".to_owned())?;
        if !resolved.starts_with(&self.root) {
            return Err("the file is outside the LOAD directory".into());
        }
        if !resolved.is_file() {
            return Err("not a regular file".into());
        }
        Ok(resolved)
    }
}

impl LoadHandler for LocalFileLoader {
    fn open(&self, source: &NamedNode) -> Result<LoadedDocument, String> {
        let path = self.resolve(source.as_str())?;
        let (format, gzipped) = format_of_path(&path)
            .ok_or_else(|| "unknown RDF syntax (use a known file extension)".to_owned())?;
        let file = File::open(&path).map_err(|_| "the file cannot be opened".to_owned())?;
        let reader: Box<dyn Read> = if gzipped {
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(file)))
        } else {
            Box::new(BufReader::new(file))
        };
        Ok(LoadedDocument {
            format,
            reader,
            base_iri: None,
        })
    }
}

/// The syntax a file name implies, and whether it is gzipped (`data.ttl.gz`).
pub fn format_of_path(path: &Path) -> Option<(RdfFormat, bool)> {
    let extension = path.extension()?.to_str()?;
    if extension.eq_ignore_ascii_case("gz") {
        let inner = Path::new(path.file_stem()?).extension()?.to_str()?;
        return Some((RdfFormat::from_extension(inner)?, true));
    }
    Some((RdfFormat::from_extension(extension)?, false))
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "malformed percent-encoding".to_owned())?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the path is not UTF-8".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_and_refuses_escapes() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        std::fs::create_dir(dir.path().join("sub"))?;
        std::fs::write(
            dir.path().join("sub/a b.ttl"),
            "<http://e/s> <http://e/p> 1 .",
        )?;
        let outside = tempfile::tempdir()?;
        std::fs::write(outside.path().join("x.ttl"), "")?;
        let loader = LocalFileLoader::new(dir.path())?;

        assert!(loader.resolve("file:sub/a%20b.ttl").is_ok());
        let root = dir.path().canonicalize()?;
        let absolute = format!("file://{}/sub/a%20b.ttl", root.display());
        assert!(loader.resolve(&absolute).is_ok());
        assert!(loader.resolve("file:../x.ttl").is_err());
        assert!(loader.resolve("file:sub/../../x.ttl").is_err());
        let escape = format!("file://{}/x.ttl", outside.path().display());
        assert!(loader.resolve(&escape).is_err());
        // Encoded dots are decoded before the check.
        assert!(loader.resolve("file:%2e%2e/x.ttl").is_err());
        assert!(loader.resolve("file:sub/%2E%2E/%2e%2e/x.ttl").is_err());
        #[cfg(unix)]
        {
            // A link inside that points out is refused; one that stays inside is followed.
            std::os::unix::fs::symlink(outside.path().join("x.ttl"), dir.path().join("out.ttl"))?;
            std::os::unix::fs::symlink(outside.path(), dir.path().join("outdir"))?;
            std::os::unix::fs::symlink(dir.path().join("sub/a b.ttl"), dir.path().join("in.ttl"))?;
            assert!(loader.resolve("file:out.ttl").is_err());
            assert!(loader.resolve("file:outdir/x.ttl").is_err());
            assert!(loader.resolve("file:in.ttl").is_ok());
        }
        assert!(loader.resolve("http://example.com/a.ttl").is_err());
        assert!(loader.resolve("file://remote/a.ttl").is_err());
        let error = loader.resolve("file:missing.ttl").err().unwrap_or_default();
        assert!(!error.contains(&root.display().to_string()));
        Ok(())
    }

    #[test]
    fn formats_from_extensions() {
        assert_eq!(
            format_of_path(Path::new("a.nt.gz")),
            Some((RdfFormat::NTriples, true))
        );
        assert_eq!(
            format_of_path(Path::new("a.ttl")),
            Some((RdfFormat::Turtle, false))
        );
        assert_eq!(format_of_path(Path::new("a.bin")), None);
    }
}
