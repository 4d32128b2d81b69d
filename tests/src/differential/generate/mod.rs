//! The random query generator: [`generate`] writes queries with a [`QueryWriter`], whose methods
//! live by what they write: the terms and variables here, [`expression`] (values and conditions),
//! [`pattern`] (paths, triple patterns, groups, sub-queries) and [`form`] (the query forms and
//! their modifiers).

use std::collections::BTreeSet;

use super::dataset::{NODES, NUMERIC_LITERALS, literals};
use super::rng::SplitMix64;

mod expression;
mod form;
mod pattern;

/// The variables the patterns use; `?g` names graphs and `?n` aggregated numbers, apart.
const VARS: [&str; 5] = ["a", "b", "c", "d", "e"];

/// The names a grouped sub-query may bind its count to (one not in scope inside it).
const COUNT_VARS: [&str; 2] = ["k", "m"];

/// Writes one random query.
struct QueryWriter<'r> {
    rng: &'r mut SplitMix64,
    /// Triple patterns left for the whole query (it has 1 to 4, and those of `EXISTS`).
    triples_left: usize,
    /// `EXISTS` left for the whole query.
    exists_left: usize,
    /// Every variable mentioned so far, anywhere.
    mentioned: BTreeSet<&'static str>,
    /// The literals, as a query writes them.
    literals: Vec<&'static str>,
    /// Inside `GRAPH`: no nested `GRAPH`, no `MINUS`, no path ending in a constant object.
    in_graph: bool,
    /// Inside `GRAPH ?g`: no sub-query. spareval pushes `?g` down into the sub-query's patterns,
    /// where its projection hides it, so the sub-query matches in every graph, not in `?g`'s.
    graph_var: bool,
    /// Whether the multiplicity of the solutions of the pattern being written cannot show in the
    /// answer, so that `p|q` may appear outside `*`, `+` and `?`.
    set_semantics: bool,
    /// Whether the triples of the default graph may match twice (two `FROM`): no grouped or sliced
    /// sub-query, where multiplicity would show.
    merged_default: bool,
    /// Whether the query has a dataset clause: no constant at the end of a path, as its graphs
    /// may lack the constant (see the module's notes on zero-length paths).
    dataset_clause: bool,
    /// The variables at the subject end of a property path.
    path_subjects: BTreeSet<&'static str>,
    /// The operands of `=`, `!=` and `IN` that spareval's optimizer may type by their variables
    /// (see [`QueryWriter::admissible`]).
    equality_operands: Vec<String>,
}

impl QueryWriter<'_> {
    fn node(&mut self) -> String {
        format!(":i{}", self.rng.below(NODES))
    }

    fn literal(&mut self) -> String {
        (*self.rng.pick(&self.literals)).to_owned()
    }

    /// A literal of a type SPARQL orders that spareval orders right: no booleans, no language.
    fn ordered_literal(&mut self) -> String {
        let ordered: Vec<&str> = self
            .literals
            .iter()
            .copied()
            .filter(|l| !l.contains('@') && *l != "true" && *l != "false")
            .collect();
        (*self.rng.pick(&ordered)).to_owned()
    }

    fn numeric_literal(&mut self) -> String {
        self.literals[self.rng.below(NUMERIC_LITERALS)].to_owned()
    }

    /// A short simple literal for the string functions.
    fn fragment(&mut self) -> String {
        format!("\"{}\"", self.rng.pick(&["a", "b", "h", "1", "", "at"]))
    }

    /// A variable, mostly one already mentioned, so patterns join rather than multiply.
    fn var(&mut self) -> String {
        self.var_reusing(70)
    }

    /// A variable for an expression: nearly always one mentioned already, as an expression on an
    /// unbound variable mostly fails.
    fn in_scope_var(&mut self) -> String {
        self.var_reusing(95)
    }

    /// A variable, one already mentioned with probability `percent` / 100 (if there is one).
    fn var_reusing(&mut self, percent: usize) -> String {
        let mentioned: Vec<_> = self.mentioned.iter().copied().collect();
        let name = if !mentioned.is_empty() && self.rng.chance(percent) {
            *self.rng.pick(&mentioned)
        } else {
            *self.rng.pick(&VARS)
        };
        self.mentioned.insert(name);
        format!("?{name}")
    }

    /// A variable the group has not mentioned, for `BIND`.
    fn fresh_var(&mut self, group: &BTreeSet<&'static str>) -> Option<&'static str> {
        let free: Vec<_> = VARS
            .iter()
            .copied()
            .filter(|v| !group.contains(v))
            .collect();
        if free.is_empty() {
            None
        } else {
            Some(*self.rng.pick(&free))
        }
    }

    /// The variable `text` is (`?a` gives `a`), if it is one of the generator's.
    fn name_of(text: &str) -> Option<&'static str> {
        let name = text.strip_prefix('?')?;
        VARS.iter()
            .chain(&COUNT_VARS)
            .find(|v| **v == name)
            .copied()
    }

    /// Records an operand of `=`, `!=` or `IN` whose type spareval infers from its variables.
    fn equality_operand(&mut self, operand: &str) {
        if operand.starts_with('?')
            || operand.starts_with("COALESCE(")
            || operand.starts_with("IF(")
        {
            self.equality_operands.push(operand.to_owned());
        }
    }

    /// Whether the query stays clear of a deviation of spareval's optimizer (sparopt): it takes
    /// the subject of any property path to be an IRI or a blank node, and rewrites `a = b` to
    /// `sameTerm(a, b)` when one side cannot be a literal. A zero-length or inverse path binds
    /// literals there, so `?x :p0* ?y FILTER(?x = xsd:double(?x))` holds for `?x` = 1 in SPARQL
    /// (1 = 1.0E0) and not in spareval. Such a query has a path-subject variable in an operand of
    /// `=`, `!=` or `IN` that spareval types by its variables; the generator writes another.
    fn admissible(&self) -> bool {
        !self.path_subjects.iter().any(|v| {
            let variable = format!("?{v}");
            self.equality_operands
                .iter()
                .any(|operand| operand.contains(&variable))
        })
    }
}

/// `count` random queries from `seed`, each with 1 to 4 triple patterns (and those of an
/// `EXISTS`).
pub fn generate(count: usize, seed: u64) -> Vec<String> {
    let mut rng = SplitMix64::new(seed);
    let literals = literals().into_iter().map(|(_, text)| text).collect();
    let mut writer = QueryWriter {
        rng: &mut rng,
        triples_left: 0,
        exists_left: 0,
        mentioned: BTreeSet::new(),
        literals,
        in_graph: false,
        graph_var: false,
        set_semantics: false,
        merged_default: false,
        dataset_clause: false,
        path_subjects: BTreeSet::new(),
        equality_operands: Vec::new(),
    };
    (0..count)
        .map(|_| {
            loop {
                writer.mentioned.clear();
                writer.path_subjects.clear();
                writer.equality_operands.clear();
                let query = writer.query();
                if writer.admissible() {
                    break query;
                }
            }
        })
        .collect()
}
