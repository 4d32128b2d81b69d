//! Reading the W3C manifests the protocol runners are driven by: finding the material (an
//! error under `CI=true` when it is missing) and the few graph lookups a runner needs.

use std::path::{Path, PathBuf};

use trine_core::io::{RdfFormat, RdfParser};
use trine_core::oxrdf::{NamedNode, Term, Triple};

pub(crate) const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
pub(crate) const MF: &str = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#";

/// The folder `relative` under the conformance material; `None` (with a message) when it is
/// missing outside CI.
///
/// # Panics
/// Under `CI=true` missing material is an error, never a skip.
pub(crate) fn locate(relative: &str) -> Option<PathBuf> {
    let root = match std::env::var_os("TRINE_CONFORMANCE_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    };
    let path = root.join(relative);
    if path.is_dir() {
        return Some(path);
    }
    let in_ci = std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true"));
    assert!(
        !in_ci,
        "conformance material not found at {} (CI=true, so this is an error; set \
         TRINE_CONFORMANCE_DIR)",
        path.display()
    );
    println!(
        "skipped: conformance material not found at {} (set TRINE_CONFORMANCE_DIR)",
        path.display()
    );
    None
}

/// A manifest's triples, with the lookups a runner needs.
pub(crate) struct Manifest(Vec<Triple>);

impl Manifest {
    pub(crate) fn load(path: &Path) -> Self {
        let base = format!("file://{}", path.display());
        let triples = RdfParser::from_format(RdfFormat::Turtle)
            .with_base_iri(base.as_str())
            .expect("a base IRI")
            .for_reader(std::fs::File::open(path).expect("open the manifest"))
            .map(|quad| Triple::from(quad.expect("a valid manifest")))
            .collect();
        Self(triples)
    }

    pub(crate) fn objects<'a>(
        &'a self,
        subject: &Term,
        predicate: &str,
    ) -> impl Iterator<Item = &'a Term> + use<'a> {
        let subject = subject.clone();
        let predicate = predicate.to_owned();
        self.0.iter().filter_map(move |t| {
            (Term::from(t.subject.clone()) == subject && t.predicate.as_str() == predicate)
                .then_some(&t.object)
        })
    }

    pub(crate) fn object(&self, subject: &Term, predicate: &str) -> Option<&Term> {
        self.objects(subject, predicate).next()
    }

    pub(crate) fn text(&self, subject: &Term, predicate: &str) -> Option<String> {
        match self.object(subject, predicate)? {
            Term::Literal(literal) => Some(literal.value().to_owned()),
            Term::NamedNode(node) => Some(node.as_str().to_owned()),
            _ => None,
        }
    }

    pub(crate) fn list(&self, head: &Term) -> Vec<Term> {
        let mut items = Vec::new();
        let mut node = head.clone();
        // Bounded: a manifest list is short, and a cycle must not hang the test.
        for _ in 0..10_000 {
            if matches!(&node, Term::NamedNode(n) if n.as_str() == format!("{RDF}nil")) {
                break;
            }
            let Some(first) = self.object(&node, &format!("{RDF}first")) else {
                break;
            };
            items.push(first.clone());
            match self.object(&node, &format!("{RDF}rest")) {
                Some(rest) => node = rest.clone(),
                None => break,
            }
        }
        items
    }

    /// The manifest node (the subject typed `mf:Manifest`).
    pub(crate) fn root(&self) -> Term {
        self.0
            .iter()
            .find(|t| {
                t.predicate.as_str() == format!("{RDF}type")
                    && t.object
                        == Term::NamedNode(NamedNode::new_unchecked(format!("{MF}Manifest")))
            })
            .map(|t| Term::from(t.subject.clone()))
            .expect("a manifest")
    }
}
