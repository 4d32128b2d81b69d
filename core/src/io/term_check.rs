//! The checks a strict N-Triples or N-Quads parse makes that a lenient one skips, made on the
//! parsed terms instead, once per distinct IRI and language tag.
//!
//! In `oxttl` 0.2 lenient parsing of these syntaxes differs from strict parsing in five ways. Three
//! can be checked on the quads it gives: IRIs are not validated, language tags are not validated,
//! and a typed literal may have the datatype `rdf:langString`. Two cannot, because the parsed term
//! looks the same as one written correctly: a raw line break inside a string (a valid `\n` escape
//! gives the same value) and a character written as a `\u` surrogate pair (a `\U` escape or the raw
//! character gives the same). Those terms are not judged: [`TermCheck::quad`] answers false, and
//! the caller parses again strictly.

use std::sync::atomic::{AtomicUsize, Ordering};

use oxiri::Iri;
use oxrdf::vocab::rdf;
use oxrdf::{GraphName, Literal, NamedOrBlankNode, Quad, Term};
use oxrdfio::{RdfParser, RdfSyntaxError};
use rustc_hash::FxHashSet;

/// A short N-Triples line, to size a block's vector of quads once instead of growing it.
const ESTIMATED_LINE_BYTES: usize = 64;

/// Blocks that may be parsed twice before the rest of a document or file is parsed strictly at
/// once: one with line breaks or emoji in its literals would otherwise parse most blocks twice.
pub(super) const RETRIES_BEFORE_STRICT: usize = 4;

/// Parses the blocks of lines of one N-Triples or N-Quads document: for a strict load,
/// leniently with checked terms, and strictly where the check cannot vouch for a block; a
/// lenient load is parsed as it asks.
pub(super) struct BlockParser {
    /// The load's own parser.
    parser: RdfParser,
    /// A lenient parser, for a strict load whose blocks are tried leniently first.
    fast: Option<RdfParser>,
    check: TermCheck,
}

impl BlockParser {
    /// A parser of blocks for a load through `parser`, lenient or not.
    pub(super) fn new(parser: RdfParser, lenient: bool) -> Self {
        Self {
            fast: (!lenient).then(|| parser.clone().lenient()),
            parser,
            check: TermCheck::default(),
        }
    }

    /// `block`'s quads. `retries` counts the blocks of the document parsed twice; from
    /// [`RETRIES_BEFORE_STRICT`] on, blocks are parsed strictly at once.
    ///
    /// # Errors
    /// The strict parser's first error, positioned in the block.
    pub(super) fn parse(
        &mut self,
        block: &[u8],
        retries: &AtomicUsize,
    ) -> Result<Vec<Quad>, RdfSyntaxError> {
        if let Some(fast) = &self.fast
            && retries.load(Ordering::Relaxed) < RETRIES_BEFORE_STRICT
        {
            if let Some(quads) = checked(fast.clone(), &mut self.check, block) {
                return Ok(quads);
            }
            retries.fetch_add(1, Ordering::Relaxed);
        }
        let mut quads = Vec::with_capacity(block.len() / ESTIMATED_LINE_BYTES);
        for quad in self.parser.clone().for_slice(block) {
            quads.push(quad?);
        }
        Ok(quads)
    }
}

/// `block`'s quads parsed by the lenient `parser`, if `check` vouches that a strict parse gives
/// the same.
fn checked(parser: RdfParser, check: &mut TermCheck, block: &[u8]) -> Option<Vec<Quad>> {
    let mut quads = Vec::with_capacity(block.len() / ESTIMATED_LINE_BYTES);
    for quad in parser.for_slice(block) {
        let quad = quad.ok()?;
        if !check.quad(&quad) {
            return None;
        }
        quads.push(quad);
    }
    Some(quads)
}

/// The datatype of directional language-tagged strings (RDF 1.2), which a literal without a
/// language tag must not have either.
const DIR_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString";

/// Distinct IRIs remembered as valid before the memory is cleared: enough for the predicates,
/// classes and datatypes that recur on every line, bounded for files of millions of subjects.
const REMEMBERED: usize = 1 << 16;

/// Remembers which IRIs and language tags were found valid, so each is validated once.
#[derive(Debug, Default)]
struct TermCheck {
    iris: FxHashSet<Box<str>>,
    languages: FxHashSet<Box<str>>,
}

impl TermCheck {
    /// Whether a strict parse gives `quad` exactly as the lenient parse gave it. False when it
    /// would reject the statement, or might (see the module documentation).
    pub(super) fn quad(&mut self, quad: &Quad) -> bool {
        let subject = match &quad.subject {
            NamedOrBlankNode::NamedNode(node) => self.iri(node.as_str()),
            NamedOrBlankNode::BlankNode(_) => true,
        };
        let graph = match &quad.graph_name {
            GraphName::NamedNode(node) => self.iri(node.as_str()),
            GraphName::BlankNode(_) | GraphName::DefaultGraph => true,
        };
        subject && graph && self.iri(quad.predicate.as_str()) && self.object(&quad.object)
    }

    fn object(&mut self, object: &Term) -> bool {
        match object {
            Term::NamedNode(node) => self.iri(node.as_str()),
            Term::BlankNode(_) => true,
            Term::Literal(literal) => self.literal(literal),
        }
    }

    fn literal(&mut self, literal: &Literal) -> bool {
        if !unambiguous(literal.value(), true) {
            return false;
        }
        if let Some(language) = literal.language() {
            return self.language(language);
        }
        let datatype = literal.datatype().as_str();
        datatype != rdf::LANG_STRING.as_str() && datatype != DIR_LANG_STRING && self.iri(datatype)
    }

    fn iri(&mut self, iri: &str) -> bool {
        if self.iris.contains(iri) {
            return true;
        }
        if !unambiguous(iri, false) || Iri::parse(iri).is_err() {
            return false;
        }
        if self.iris.len() >= REMEMBERED {
            self.iris.clear();
        }
        self.iris.insert(iri.into());
        true
    }

    fn language(&mut self, language: &str) -> bool {
        if self.languages.contains(language) {
            return true;
        }
        if oxilangtag::LanguageTag::parse(language).is_err() {
            return false;
        }
        if self.languages.len() >= REMEMBERED {
            self.languages.clear();
        }
        self.languages.insert(language.into());
        true
    }
}

/// Whether `text` cannot have come from a surrogate-pair escape (it has no character outside
/// the Basic Multilingual Plane, whose UTF-8 lead bytes are 0xF0 and up) nor, when
/// `line_breaks_matter`, from a raw line break inside a string.
fn unambiguous(text: &str, line_breaks_matter: bool) -> bool {
    if line_breaks_matter {
        text.bytes().all(|b| b < 0xF0 && b != b'\n' && b != b'\r')
    } else {
        text.bytes().all(|b| b < 0xF0)
    }
}

#[cfg(test)]
mod tests {
    use oxrdf::{BlankNode, NamedNode};

    use super::*;

    fn named(iri: &str) -> NamedNode {
        NamedNode::new_unchecked(iri)
    }

    fn quad(object: impl Into<Term>) -> Quad {
        Quad::new(
            named("http://e.com/s"),
            named("http://e.com/p"),
            object,
            GraphName::DefaultGraph,
        )
    }

    #[test]
    fn valid_terms_pass_and_are_remembered() {
        let mut check = TermCheck::default();
        assert!(check.quad(&quad(named("http://e.com/o"))));
        assert!(check.quad(&quad(BlankNode::new_unchecked("b1"))));
        assert!(check.quad(&quad(Literal::new_simple_literal("a \\n b"))));
        assert!(
            check.quad(&quad(Literal::new_language_tagged_literal_unchecked(
                "chat", "fr-ca"
            )))
        );
        assert!(check.quad(&quad(Literal::new_typed_literal(
            "1",
            named("http://www.w3.org/2001/XMLSchema#integer")
        ))));
        assert!(check.iris.contains("http://e.com/p"));
        assert!(check.languages.contains("fr-ca"));
    }

    #[test]
    fn what_strict_parsing_rejects_fails() {
        let mut check = TermCheck::default();
        assert!(!check.quad(&quad(named("http://e.com/a b"))));
        assert!(!check.quad(&quad(named("relative"))));
        assert!(
            !check.quad(&quad(Literal::new_language_tagged_literal_unchecked(
                "x",
                "not a tag"
            )))
        );
        assert!(!check.quad(&quad(Literal::new_typed_literal("x", rdf::LANG_STRING))));
        assert!(!check.quad(&quad(Literal::new_typed_literal(
            "x",
            named(DIR_LANG_STRING)
        ))));
        assert!(!check.quad(&quad(Literal::new_typed_literal(
            "x",
            named("bad datatype")
        ))));
        let in_bad_graph = Quad::new(
            named("http://e.com/s"),
            named("http://e.com/p"),
            named("http://e.com/o"),
            named("http://e.com/g raph"),
        );
        assert!(!check.quad(&in_bad_graph));
        // Nothing rejected was remembered.
        assert!(!check.iris.contains("http://e.com/a b"));
    }

    #[test]
    fn terms_a_lenient_parse_cannot_vouch_for_fail() {
        let mut check = TermCheck::default();
        assert!(!check.quad(&quad(Literal::new_simple_literal("two\nlines"))));
        assert!(!check.quad(&quad(Literal::new_simple_literal("carriage\rreturn"))));
        assert!(!check.quad(&quad(Literal::new_simple_literal("emoji \u{1F600}"))));
        assert!(!check.quad(&quad(named("http://e.com/\u{1F600}"))));
        // Characters of the Basic Multilingual Plane are unambiguous.
        assert!(check.quad(&quad(Literal::new_simple_literal("\u{e9}\u{4e2d}\u{FFFD}"))));
    }

    #[test]
    fn the_memory_is_bounded() {
        let mut check = TermCheck::default();
        for i in 0..REMEMBERED + 10 {
            assert!(check.iri(&format!("http://e.com/{i}")));
        }
        assert!(check.iris.len() <= REMEMBERED);
    }
}
