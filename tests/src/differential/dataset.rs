//! The dataset both engines query, and the names (namespace, prologue, nodes, predicates,
//! graphs, literals) that queries over it use.

use oxrdf::vocab::xsd;
use oxrdf::{BlankNode, Dataset, GraphName, Literal, NamedNode, Quad, Term};

use super::rng::SplitMix64;

/// The namespace of the generated data, bound to the empty prefix in every query.
pub const EX: &str = "http://example.com/";

/// The prologue every query starts with.
pub(super) const PROLOGUE: &str = "PREFIX : <http://example.com/>\n\
                        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n";

/// How many nodes (IRIs `:i0` … `:i9`) the data has.
pub(super) const NODES: usize = 10;
/// How many predicates (`:p0` … `:p3`) the data has.
pub(super) const PREDICATES: usize = 4;
/// The named graphs.
pub(super) const GRAPHS: [&str; 2] = ["g0", "g1"];
/// Random quads per graph, on top of one `:p0` edge from each node.
const QUADS_PER_GRAPH: usize = 57;

fn ex(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{EX}{name}"))
}

/// The literals of the data, in canonical lexical form, with how a query writes each.
pub(super) fn literals() -> Vec<(Literal, &'static str)> {
    let typed = |lex: &str, dt| Literal::new_typed_literal(lex, dt);
    let lang = |lex: &str, tag: &str| Literal::new_language_tagged_literal_unchecked(lex, tag);
    vec![
        (typed("-2", xsd::INTEGER), "-2"),
        (typed("0", xsd::INTEGER), "0"),
        (typed("1", xsd::INTEGER), "1"),
        (typed("2", xsd::INTEGER), "2"),
        (typed("3", xsd::INTEGER), "3"),
        (typed("10", xsd::INTEGER), "10"),
        (typed("42", xsd::INTEGER), "42"),
        (typed("1.5", xsd::DECIMAL), "1.5"),
        (typed("-0.5", xsd::DECIMAL), "-0.5"),
        (typed("2.25", xsd::DECIMAL), "2.25"),
        (Literal::new_simple_literal("a"), "\"a\""),
        (Literal::new_simple_literal("b"), "\"b\""),
        (Literal::new_simple_literal("abc"), "\"abc\""),
        (Literal::new_simple_literal("B"), "\"B\""),
        (Literal::new_simple_literal("1"), "\"1\""),
        (lang("a", "en"), "\"a\"@en"),
        (lang("chat", "en"), "\"chat\"@en"),
        (lang("chat", "fr"), "\"chat\"@fr"),
        (typed("true", xsd::BOOLEAN), "true"),
        (typed("false", xsd::BOOLEAN), "false"),
        (
            typed("2020-01-01T00:00:00Z", xsd::DATE_TIME),
            "\"2020-01-01T00:00:00Z\"^^xsd:dateTime",
        ),
        (
            typed("2021-06-15T12:30:00Z", xsd::DATE_TIME),
            "\"2021-06-15T12:30:00Z\"^^xsd:dateTime",
        ),
    ]
}

/// How many of [`literals`] are numbers (they come first).
pub(super) const NUMERIC_LITERALS: usize = 10;

/// Blank nodes per graph. Each graph has its own, so that the merge of several graphs (`FROM`
/// twice) is their union, whichever reading of "RDF merge" an engine takes.
const BLANKS: usize = 3;
/// Quads per graph with a blank node at one end (or both), on top of the others.
const BLANK_QUADS: usize = 8;

/// The dataset both engines query: about 220 quads over 10 IRIs, 3 blank nodes per graph and 4
/// predicates, in the default graph and two named graphs.
///
/// `:p0` links nodes (for paths), `:p1` gives nodes or literals, `:p2` only numbers, `:p3` any
/// literal. Every IRI node has a `:p0` edge in every graph, so each occurs in each graph. Blank
/// nodes are subjects with any predicate, and objects of `:p0` and `:p1`.
pub fn dataset() -> Dataset {
    let mut rng = SplitMix64::new(0x7121_E5EE_D5EE_D001);
    let literals = literals();
    let mut dataset = Dataset::new();
    let graphs = std::iter::once(GraphName::DefaultGraph)
        .chain(GRAPHS.iter().map(|g| GraphName::NamedNode(ex(g))));
    for (index, graph) in graphs.enumerate() {
        let blank = |k: usize| BlankNode::new_unchecked(format!("g{index}b{k}"));
        for node in 0..NODES {
            let object = ex(&format!("i{}", rng.below(NODES)));
            dataset.insert(&Quad::new(
                ex(&format!("i{node}")),
                ex("p0"),
                object,
                graph.clone(),
            ));
        }
        for _ in 0..QUADS_PER_GRAPH {
            let subject = ex(&format!("i{}", rng.below(NODES)));
            let predicate = rng.below(PREDICATES);
            let object: Term = match predicate {
                0 => ex(&format!("i{}", rng.below(NODES))).into(),
                1 if rng.chance(50) => ex(&format!("i{}", rng.below(NODES))).into(),
                2 => literals[rng.below(NUMERIC_LITERALS)].0.clone().into(),
                _ => rng.pick(&literals).0.clone().into(),
            };
            dataset.insert(&Quad::new(
                subject,
                ex(&format!("p{predicate}")),
                object,
                graph.clone(),
            ));
        }
        for _ in 0..BLANK_QUADS {
            let predicate = rng.below(PREDICATES);
            let quad = if rng.chance(60) {
                // A blank subject; its object as the predicate wants, sometimes another blank.
                let object: Term = match predicate {
                    0 | 1 if rng.chance(30) => blank(rng.below(BLANKS)).into(),
                    0 => ex(&format!("i{}", rng.below(NODES))).into(),
                    2 => literals[rng.below(NUMERIC_LITERALS)].0.clone().into(),
                    _ => rng.pick(&literals).0.clone().into(),
                };
                Quad::new(
                    blank(rng.below(BLANKS)),
                    ex(&format!("p{predicate}")),
                    object,
                    graph.clone(),
                )
            } else {
                Quad::new(
                    ex(&format!("i{}", rng.below(NODES))),
                    ex(&format!("p{}", predicate % 2)),
                    blank(rng.below(BLANKS)),
                    graph.clone(),
                )
            };
            dataset.insert(&quad);
        }
    }
    dataset
}
