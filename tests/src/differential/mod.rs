//! A differential test of Trine's SPARQL engine against `spareval` (the oracle).
//!
//! [`dataset`](dataset()) builds a small, deterministic dataset, blank nodes included;
//! [`corpus`](corpus()) is a fixed set of hand-written queries and [`generate`](generate()) makes
//! random ones from a seed. [`run`](run()) asks both engines each query and counts where they
//! agree. Answers compare up to a renaming of blank nodes (each engine may label them as it
//! likes), solutions as a multiset unless the query orders them totally, graphs (`CONSTRUCT`,
//! `DESCRIBE`) as sets of triples.
//!
//! The generator stays away from the places where spareval is known to deviate from SPARQL (the
//! W3C runner's `SPAREVAL_SKIPS` lists them), so that a difference means a bug in Trine:
//! - a `GRAPH ?g` variable is never used inside its own pattern (spareval binds it there), and
//!   `MINUS` never appears inside `GRAPH ?g` (spareval counts `?g` as shared by both sides);
//! - `GRAPH` is never nested, and `VALUES` never binds the graph variable;
//! - zero-length paths (`p*`, `p?`) only have variables or IRIs that occur in every graph at their
//!   ends (spareval gives no zero-length match for a constant absent from the data); a query with
//!   `FROM` or `FROM NAMED` keeps constants off path ends altogether, as its graphs may be empty;
//! - literals are written in canonical form (spareval's `STR` of a number is its value's form);
//! - no `xsd:date` (spareval does not compare them);
//! - alternatives (`p|q`) only where the multiplicity of solutions cannot show (inside `*`, `+`,
//!   `?`, `EXISTS`, `MINUS`, and in `ASK`, `DESCRIBE`, `SELECT DISTINCT` and `CONSTRUCT` without
//!   blank nodes in the template): SPARQL gives the union of both sides, duplicates included, and
//!   spareval a set (`?a :p0|:p0 ?b` gives each pair once);
//! - `<`, `>`, `<=`, `>=` only against a number, simple string or dateTime constant: spareval gets
//!   `true >= false` wrong (false) and orders equal IRIs and same-language literals, where SPARQL
//!   raises an error (an extension the standard allows, but Trine does not make it);
//! - inside `GRAPH`, no path with constants at both ends: spareval gives
//!   `GRAPH ?g { :i2 :p0+ :i5 }` once per route rather than once per graph;
//! - no sub-query inside `GRAPH ?g`: spareval evaluates `GRAPH ?g { SELECT … }` once, over
//!   every graph, rather than once per graph;
//! - no `ORDER BY` on values of mixed types (only on their strings): spareval's order is not
//!   total there, and its sort panics on some inputs;
//! - no variable at the subject end of a property path in an operand of `=`, `!=` or `IN`
//!   (spareval's optimizer rewrites them to `sameTerm` there; see `generate`);
//! - `GROUP_CONCAT` over the strings of values, or over numbers (a type error: SPARQL defines it
//!   by `CONCAT`, which takes strings), never over language-tagged strings (spareval keeps a tag
//!   its inputs share); its order is free, so its parts compare as a multiset;
//! - two `FROM` graphs only where multiplicity cannot show: spareval reads one graph after the
//!   other, so a triple in both matches twice, where SPARQL's merge has it once;
//! - no `xsd:string(…)` cast: SPARQL's casting table has no row for a language-tagged string,
//!   which spareval casts (dropping the tag) and Trine rejects;
//! - `SAMPLE` only where its choice is forced: over a grouping key, or over `?n` in groups
//!   with one distinct `?n` (`HAVING(COUNT(DISTINCT ?n) <= 1)`);
//! - `DESCRIBE` never with `FROM`: both engines describe a resource by its triples in the store's
//!   default graph, following blank-node objects, but with `FROM` spareval reads the query's
//!   default graph and Trine the store's (SPARQL leaves the description to the implementation);
//! - no `RAND`, `NOW`, `UUID`, `BNODE`, whose answers are not deterministic.
//!
//! The parts, a file each: `rng` (the seeded generator), `dataset` (the data and the names
//! queries use), `corpus`, `generate` (a folder: the writer, its expressions, its patterns, its
//! query forms), `compare` (answers in comparable form, and whether two agree), `isomorphism`
//! (the search for a renaming of blank nodes), `report` (what a run found, and how it prints) and
//! `run`.

mod compare;
mod corpus;
mod dataset;
mod generate;
mod isomorphism;
mod report;
mod rng;
mod run;

pub use compare::same_answer;
pub use corpus::corpus;
pub use dataset::{EX, dataset};
pub use generate::generate;
pub use report::{CONSTRUCTS, ConstructTally, Difference, Report};
pub use rng::SplitMix64;
pub use run::run;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(generate(50, 7), generate(50, 7));
        assert_ne!(generate(50, 7), generate(50, 8));
        assert_eq!(dataset(), dataset());
        let size = dataset().len();
        assert!((170..=235).contains(&size), "{size} quads");
        let blanks = dataset()
            .iter()
            .filter(|q| q.subject.is_blank_node() || q.object.is_blank_node())
            .count();
        assert!(blanks >= 15, "{blanks} quads with blank nodes");
    }
}
