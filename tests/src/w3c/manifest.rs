//! Reading a W3C test manifest (the `mf:` vocabulary) into a list of entries.
//!
//! A manifest is a Turtle file whose `mf:Manifest` node lists its tests in the RDF list `mf:entries`.
//! It is parsed with its own `file://` IRI as base, so the inputs it names (`mf:action`,
//! `mf:result`) come out as `file://` IRIs under the manifest's folder; [`Manifest::file`] turns one
//! back into a local path, and into the IRI the test expects as base: tests are written as if they
//! were published at `mf:assumedTestBase`, not read from disk.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

use oxrdf::vocab::{rdf, rdfs};
use oxrdf::{Graph, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef};
use oxrdfio::{RdfFormat, RdfParseError, RdfParser};

/// The test-manifest vocabulary, `http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#`.
pub mod mf {
    use oxrdf::NamedNodeRef;

    /// The namespace.
    pub const NS: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";
    /// `mf:Manifest`, the class of manifests.
    pub const MANIFEST: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#Manifest",
    );
    /// `mf:entries`, the RDF list of a manifest's tests.
    pub const ENTRIES: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#entries",
    );
    /// `mf:name`, a test's name.
    pub const NAME: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#name",
    );
    /// `mf:action`, a test's input.
    pub const ACTION: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#action",
    );
    /// `mf:result`, a test's expected output.
    pub const RESULT: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#result",
    );
    /// `mf:include`, the RDF list of the manifests an aggregate manifest includes.
    pub const INCLUDE: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#include",
    );
    /// `mf:assumedTestBase`, the IRI the manifest's folder is assumed to be published at.
    pub const ASSUMED_TEST_BASE: NamedNodeRef<'static> = NamedNodeRef::new_unchecked(
        "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#assumedTestBase",
    );
}

/// The RDF test vocabulary, `http://www.w3.org/ns/rdftest#`, whose classes type the RDF 1.1 tests.
pub mod rdft {
    /// The namespace.
    pub const NS: &str = "http://www.w3.org/ns/rdftest#";
}

/// A failure to read a manifest or to locate a file it names.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The manifest (or its folder) could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The manifest is not valid Turtle.
    #[error("cannot parse {}: {source}", .path.display())]
    Syntax {
        /// The manifest file.
        path: PathBuf,
        /// The parser's error, with its position.
        source: RdfParseError,
    },
    /// The manifest parses but does not have the expected shape.
    #[error("malformed manifest {}: {message}", .path.display())]
    Malformed {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A file IRI does not lie under the manifest's folder, so it has no local path.
    #[error("{iri} is not a file under the manifest's folder {dir_iri}")]
    OutsideManifest {
        /// The IRI.
        iri: String,
        /// The manifest folder's `file://` IRI.
        dir_iri: String,
    },
}

/// A parsed manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The manifest file.
    pub path: PathBuf,
    /// The folder holding it; the files it names are under it.
    pub dir: PathBuf,
    /// The manifest's `file://` IRI, the base it was parsed with.
    pub iri: String,
    /// The folder's `file://` IRI, ending with `/`.
    pub dir_iri: String,
    /// Its `rdfs:label`.
    pub label: Option<String>,
    /// Its `mf:assumedTestBase`: the IRI its folder is assumed to be published at.
    pub assumed_test_base: Option<String>,
    /// The tests, in the order of `mf:entries`.
    pub entries: Vec<TestEntry>,
    /// The whole manifest, for properties particular to a suite.
    pub graph: Graph,
}

/// One test of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestEntry {
    /// The test's node.
    pub id: NamedOrBlankNode,
    /// Its `mf:name`.
    pub name: String,
    /// Its `rdf:type`s (IRIs).
    pub types: Vec<String>,
    /// Its `mf:action`.
    pub action: Option<Term>,
    /// Its `mf:result`.
    pub result: Option<Term>,
}

/// A file named by a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFile {
    /// Its IRI in the manifest (`file://…`).
    pub iri: String,
    /// Its local path.
    pub path: PathBuf,
    /// The IRI to parse it with as base: its place under `mf:assumedTestBase` if the manifest
    /// declares one, else its own `file://` IRI.
    pub base_iri: String,
}

impl Manifest {
    /// Reads and parses the manifest at `path`.
    ///
    /// # Errors
    /// Fails if the file cannot be read or parsed, if it has no single `mf:Manifest` node, or if
    /// `mf:entries` is not a well-formed list of tests each with an `mf:name`.
    pub fn read(path: &Path) -> Result<Self, ManifestError> {
        let io_error = |source| ManifestError::Io {
            path: path.to_owned(),
            source,
        };
        let path = std::fs::canonicalize(path).map_err(io_error)?;
        let malformed = |message: String| ManifestError::Malformed {
            path: path.clone(),
            message,
        };
        let dir = path
            .parent()
            .ok_or_else(|| malformed("the manifest has no parent folder".into()))?
            .to_owned();
        let iri = file_iri(&path).map_err(malformed)?;
        let mut dir_iri = file_iri(&dir).map_err(malformed)?;
        if !dir_iri.ends_with('/') {
            dir_iri.push('/');
        }

        let parser = RdfParser::from_format(RdfFormat::Turtle)
            .with_base_iri(iri.as_str())
            .map_err(|e| malformed(format!("its file IRI {iri} is invalid: {e}")))?;
        let file = File::open(&path).map_err(|source| ManifestError::Io {
            path: path.clone(),
            source,
        })?;
        let mut graph = Graph::new();
        for quad in parser.for_reader(BufReader::new(file)) {
            let quad = quad.map_err(|source| ManifestError::Syntax {
                path: path.clone(),
                source,
            })?;
            graph.insert(&oxrdf::Triple::from(quad));
        }

        let node = manifest_node(&graph, &iri).map_err(malformed)?;
        let label = literal_value(&graph, node.as_ref(), rdfs::LABEL);
        let assumed_test_base =
            match graph.object_for_subject_predicate(&node, mf::ASSUMED_TEST_BASE) {
                None => None,
                Some(TermRef::NamedNode(base)) => Some(base.as_str().to_owned()),
                Some(other) => {
                    return Err(malformed(format!(
                        "mf:assumedTestBase {other} is not an IRI"
                    )));
                }
            };
        let entries = match graph.object_for_subject_predicate(&node, mf::ENTRIES) {
            Some(head) => read_list(&graph, head)
                .map_err(malformed)?
                .into_iter()
                .map(|entry| read_entry(&graph, entry))
                .collect::<Result<Vec<_>, _>>()
                .map_err(malformed)?,
            None => Vec::new(),
        };
        Ok(Self {
            path,
            dir,
            iri,
            dir_iri,
            label,
            assumed_test_base,
            entries,
            graph,
        })
    }

    /// Reads the manifest at `path` and, depth first, every manifest it includes through
    /// `mf:include`: the manifest itself comes first, then each included one in list order.
    ///
    /// # Errors
    /// Fails as [`Manifest::read`] on any of them, if an `mf:include` list is malformed or names
    /// something other than a file under the including manifest's folder, or if the includes loop.
    pub fn read_with_includes(path: &Path) -> Result<Vec<Self>, ManifestError> {
        let mut manifests = Vec::new();
        let mut visiting = Vec::new();
        Self::read_into(path, &mut manifests, &mut visiting)?;
        Ok(manifests)
    }

    fn read_into(
        path: &Path,
        manifests: &mut Vec<Self>,
        visiting: &mut Vec<PathBuf>,
    ) -> Result<(), ManifestError> {
        let manifest = Self::read(path)?;
        if visiting.contains(&manifest.path) {
            return Err(ManifestError::Malformed {
                path: manifest.path,
                message: "mf:include loops back to this manifest".into(),
            });
        }
        let included = manifest.includes()?;
        visiting.push(manifest.path.clone());
        manifests.push(manifest);
        for file in included {
            Self::read_into(&file.path, manifests, visiting)?;
        }
        visiting.pop();
        Ok(())
    }

    /// The manifests this one includes through `mf:include`, in list order.
    ///
    /// # Errors
    /// Fails if the list is malformed or names something other than a file under this manifest's
    /// folder.
    pub fn includes(&self) -> Result<Vec<TestFile>, ManifestError> {
        let malformed = |message: String| ManifestError::Malformed {
            path: self.path.clone(),
            message,
        };
        let node = manifest_node(&self.graph, &self.iri).map_err(malformed)?;
        let Some(head) = self.graph.object_for_subject_predicate(&node, mf::INCLUDE) else {
            return Ok(Vec::new());
        };
        read_list(&self.graph, head)
            .map_err(malformed)?
            .into_iter()
            .map(|member| match member {
                NamedOrBlankNode::NamedNode(iri) => self.file(iri.as_str()),
                NamedOrBlankNode::BlankNode(b) => {
                    Err(malformed(format!("mf:include member {b} is not a file")))
                }
            })
            .collect()
    }

    /// The folder the manifest's tests are published under, read from their IRIs, for suites
    /// that do not declare `mf:assumedTestBase`: the SPARQL manifests name every test
    /// `<folder>manifest#name` (as `http://www.w3.org/2009/sparql/docs/tests/data-sparql11/bind/manifest#bind01`),
    /// and their expected results were produced with the inputs read at that folder.
    ///
    /// `None` if no test has such an IRI (an aggregate manifest has no tests) or if they disagree.
    pub fn test_base_from_entries(&self) -> Option<String> {
        let mut folders = self.entries.iter().filter_map(|entry| match &entry.id {
            NamedOrBlankNode::NamedNode(node) if !node.as_str().starts_with("file:") => {
                let (document, _) = node.as_str().split_once('#')?;
                let folder = folder_of(document);
                (folder.len() < document.len()).then(|| folder.to_owned())
            }
            _ => None,
        });
        let first = folders.next()?;
        folders.all(|folder| folder == first).then_some(first)
    }

    /// The local file published at `iri` under [`Manifest::assumed_test_base`] (a file named by a
    /// test input, such as a query's `FROM <data.ttl>` resolved against the query's base).
    ///
    /// # Errors
    /// Fails if the manifest has no assumed base or `iri` is not a file under its folder.
    pub fn file_at_test_base(&self, iri: &str) -> Result<TestFile, ManifestError> {
        let outside = || ManifestError::OutsideManifest {
            iri: iri.to_owned(),
            dir_iri: self
                .assumed_test_base
                .as_deref()
                .map_or_else(|| self.dir_iri.clone(), |base| folder_of(base).to_owned()),
        };
        let base = self.assumed_test_base.as_deref().ok_or_else(outside)?;
        let relative = iri.strip_prefix(folder_of(base)).ok_or_else(outside)?;
        self.file(&format!("{}{relative}", self.dir_iri))
    }

    /// The local path and base IRI of a file the manifest names by `iri`.
    ///
    /// # Errors
    /// Fails if `iri` is not under the manifest's folder.
    pub fn file(&self, iri: &str) -> Result<TestFile, ManifestError> {
        let outside = || ManifestError::OutsideManifest {
            iri: iri.to_owned(),
            dir_iri: self.dir_iri.clone(),
        };
        let relative = iri.strip_prefix(&self.dir_iri).ok_or_else(outside)?;
        if relative.is_empty() || relative.contains(['?', '#']) {
            return Err(outside());
        }
        let mut path = self.dir.clone();
        for segment in relative.split('/') {
            let segment = percent_decode(segment).ok_or_else(outside)?;
            // Resolution against the manifest's IRI removed dot segments, so these can only come
            // from encoded dots, which would step out of the folder.
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(outside());
            }
            path.push(segment);
        }
        let base_iri = match &self.assumed_test_base {
            Some(base) => format!("{}{relative}", folder_of(base)),
            None => iri.to_owned(),
        };
        Ok(TestFile {
            iri: iri.to_owned(),
            path,
            base_iri,
        })
    }
}

impl TestEntry {
    /// The test's `mf:action` if it is an IRI (a file), as for the RDF syntax suites.
    pub fn action_iri(&self) -> Option<&str> {
        match &self.action {
            Some(Term::NamedNode(node)) => Some(node.as_str()),
            _ => None,
        }
    }

    /// The test's `mf:result` if it is an IRI (a file).
    pub fn result_iri(&self) -> Option<&str> {
        match &self.result {
            Some(Term::NamedNode(node)) => Some(node.as_str()),
            _ => None,
        }
    }
}

/// The node typed `mf:Manifest`: the document itself (`<>`) in the W3C suites.
fn manifest_node(graph: &Graph, iri: &str) -> Result<NamedOrBlankNode, String> {
    let own = NamedNodeRef::new_unchecked(iri);
    if graph.contains(oxrdf::TripleRef::new(own, rdf::TYPE, mf::MANIFEST)) {
        return Ok(own.into_owned().into());
    }
    let mut manifests = graph.subjects_for_predicate_object(rdf::TYPE, mf::MANIFEST);
    match (manifests.next(), manifests.next()) {
        (Some(node), None) => Ok(node.into_owned()),
        (None, _) => Err("no node is typed mf:Manifest".into()),
        (Some(_), Some(_)) => Err("several nodes are typed mf:Manifest".into()),
    }
}

/// The members of the RDF list starting at `head`, checking it is well formed and acyclic.
pub(crate) fn read_list(graph: &Graph, head: TermRef<'_>) -> Result<Vec<NamedOrBlankNode>, String> {
    let mut members = Vec::new();
    let mut seen = HashSet::new();
    let mut node = head;
    loop {
        let cell: NamedOrBlankNodeRef<'_> = match node {
            TermRef::NamedNode(n) if n == rdf::NIL => return Ok(members),
            TermRef::NamedNode(n) => n.into(),
            TermRef::BlankNode(b) => b.into(),
            TermRef::Literal(l) => return Err(format!("list cell {l} is a literal")),
        };
        if !seen.insert(cell) {
            return Err(format!("the list of entries loops at {cell}"));
        }
        let member = match graph.object_for_subject_predicate(cell, rdf::FIRST) {
            Some(TermRef::NamedNode(n)) => n.into_owned().into(),
            Some(TermRef::BlankNode(b)) => b.into_owned().into(),
            Some(TermRef::Literal(l)) => return Err(format!("entry {l} is a literal")),
            None => return Err(format!("list cell {cell} has no rdf:first")),
        };
        members.push(member);
        node = graph
            .object_for_subject_predicate(cell, rdf::REST)
            .ok_or_else(|| format!("list cell {cell} has no rdf:rest"))?;
    }
}

fn read_entry(graph: &Graph, id: NamedOrBlankNode) -> Result<TestEntry, String> {
    let name = literal_value(graph, id.as_ref(), mf::NAME)
        .ok_or_else(|| format!("test {id} has no mf:name"))?;
    let types = graph
        .objects_for_subject_predicate(&id, rdf::TYPE)
        .filter_map(|t| match t {
            TermRef::NamedNode(n) => Some(n.as_str().to_owned()),
            _ => None,
        })
        .collect();
    let action = graph
        .object_for_subject_predicate(&id, mf::ACTION)
        .map(TermRef::into_owned);
    let result = graph
        .object_for_subject_predicate(&id, mf::RESULT)
        .map(TermRef::into_owned);
    Ok(TestEntry {
        id,
        name,
        types,
        action,
        result,
    })
}

fn literal_value(
    graph: &Graph,
    subject: NamedOrBlankNodeRef<'_>,
    predicate: NamedNodeRef<'_>,
) -> Option<String> {
    match graph.object_for_subject_predicate(subject, predicate)? {
        TermRef::Literal(literal) => Some(literal.value().to_owned()),
        _ => None,
    }
}

/// `base` up to and including its last `/`: where a relative file name is resolved.
fn folder_of(base: &str) -> &str {
    match base.rfind('/') {
        Some(end) => &base[..=end],
        None => base,
    }
}

/// The `file://` IRI of an absolute path, percent-encoding what an IRI path cannot hold.
fn file_iri(path: &Path) -> Result<String, String> {
    let text = path
        .to_str()
        .ok_or_else(|| format!("{} is not valid UTF-8", path.display()))?;
    // Windows: canonical paths are verbatim (`\\?\C:\…`) and use backslashes.
    let text = text
        .strip_prefix(r"\\?\")
        .unwrap_or(text)
        .replace('\\', "/");
    let mut iri = String::from("file://");
    if !text.starts_with('/') {
        iri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            iri.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(iri, "%{byte:02X}");
        }
    }
    Ok(iri)
}

/// Decodes `%XX` escapes; `None` if one is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut input = text.bytes();
    while let Some(byte) = input.next() {
        if byte == b'%' {
            let high = char::from(input.next()?).to_digit(16)?;
            let low = char::from(input.next()?).to_digit(16)?;
            bytes.push(u8::try_from(high * 16 + low).ok()?);
        } else {
            bytes.push(byte);
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_iris_escape_and_decode() {
        let iri = file_iri(Path::new("/a b/c%d/é.ttl")).expect("UTF-8 path");
        assert_eq!(iri, "file:///a%20b/c%25d/%C3%A9.ttl");
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("%C3%A9").as_deref(), Some("é"));
        assert_eq!(percent_decode("%G0"), None);
        assert_eq!(percent_decode("%4"), None);
    }

    #[test]
    fn files_map_to_paths_and_assumed_base() {
        let manifest = Manifest {
            path: PathBuf::from("/m/x/manifest.ttl"),
            dir: PathBuf::from("/m/x"),
            iri: "file:///m/x/manifest.ttl".into(),
            dir_iri: "file:///m/x/".into(),
            label: None,
            assumed_test_base: Some("https://example.org/tests/x/".into()),
            entries: Vec::new(),
            graph: Graph::new(),
        };
        let file = manifest
            .file("file:///m/x/sub/a%20b.rdf")
            .expect("under the folder");
        assert_eq!(file.path, Path::new("/m/x/sub/a b.rdf"));
        assert_eq!(file.base_iri, "https://example.org/tests/x/sub/a%20b.rdf");
        assert!(manifest.file("file:///m/y/a.ttl").is_err());
        assert!(manifest.file("file:///m/x/%2E%2E/a.ttl").is_err());
    }
}
