//! The search for a one-to-one renaming of blank nodes that makes one list of rows another:
//! blank nodes coloured by the rows they occur in, then a bounded backtracking match.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use oxrdf::{BlankNode, Term};

use super::compare::{Row, erased, has_blank};

/// How many assignments the blank-node matching may try before it gives up (and reports a
/// difference, never an agreement it did not prove).
const MATCHING_BUDGET: usize = 200_000;

/// Whether some one-to-one renaming of the blank nodes of `a` makes it `b`, as multisets of rows.
///
/// Rows without blank nodes must already be equal (the erased comparison before this checks it).
/// Blank nodes are first coloured by the rows they occur in (refined a few rounds, as in the
/// Weisfeiler-Leman test), and a node of `a` is only tried against nodes of `b` of its colour.
/// Nodes are matched in breadth-first order over the rows they share, so a wrong choice shows at
/// the next node; every renaming found is checked in full, so the colouring only prunes.
pub(super) fn isomorphic(a: &[Row], b: &[Row]) -> bool {
    let a: Vec<&Row> = a.iter().filter(|row| has_blank(row)).collect();
    let b: Vec<&Row> = b.iter().filter(|row| has_blank(row)).collect();
    if a.is_empty() && b.is_empty() {
        return true;
    }
    let (rows_of_a, colours_a) = colour_blanks(&a);
    let (_, colours_b) = colour_blanks(&b);
    let mut classes_a: Vec<u64> = colours_a.values().copied().collect();
    let mut classes_b: Vec<u64> = colours_b.values().copied().collect();
    classes_a.sort_unstable();
    classes_b.sort_unstable();
    if classes_a != classes_b {
        return false;
    }
    let mut by_colour: HashMap<u64, Vec<&BlankNode>> = HashMap::new();
    for (node, colour) in &colours_b {
        by_colour.entry(*colour).or_default().push(*node);
    }
    for candidates in by_colour.values_mut() {
        candidates.sort_unstable_by_key(|node| node.as_str());
    }
    let order = matching_order(&a, &rows_of_a, &colours_a, &by_colour);
    let mut target: Vec<String> = b.iter().map(|row| render(row, &HashMap::new())).collect();
    target.sort_unstable();
    let present: HashSet<&str> = target.iter().map(String::as_str).collect();
    let mut search = Matching {
        rows: &a,
        rows_of: &rows_of_a,
        colours: &colours_a,
        candidates: &by_colour,
        present: &present,
        target: &target,
        order: &order,
        mapping: HashMap::new(),
        used: HashSet::new(),
        budget: MATCHING_BUDGET,
    };
    search.extend(0)
}

/// The blank nodes of `rows` in the order the matching tries them: from the node with the fewest
/// candidates, breadth first over the rows that hold several, then the next unvisited node.
fn matching_order<'r>(
    rows: &[&'r Row],
    rows_of: &Occurrences<'r>,
    colours: &Colours<'r>,
    candidates: &HashMap<u64, Vec<&BlankNode>>,
) -> Vec<&'r BlankNode> {
    let mut roots: Vec<&BlankNode> = rows_of.keys().copied().collect();
    roots.sort_unstable_by_key(|node| (candidates[&colours[node]].len(), node.as_str()));
    let mut order = Vec::with_capacity(roots.len());
    let mut visited: HashSet<&BlankNode> = HashSet::new();
    for root in roots {
        if !visited.insert(root) {
            continue;
        }
        let mut queue = std::collections::VecDeque::from([root]);
        while let Some(node) = queue.pop_front() {
            order.push(node);
            for i in &rows_of[node] {
                for cell in rows[*i].iter() {
                    if let Some(Term::BlankNode(other)) = cell
                        && visited.insert(other)
                    {
                        queue.push_back(other);
                    }
                }
            }
        }
    }
    order
}

/// A row as text, blank nodes renamed by `mapping` (and kept when it has no entry).
pub(super) fn render(row: &Row, mapping: &HashMap<&BlankNode, &BlankNode>) -> String {
    row.iter()
        .map(|cell| match cell {
            Some(Term::BlankNode(node)) => mapping.get(node).copied().unwrap_or(node).to_string(),
            other => erased(other),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows (by index) each blank node occurs in.
type Occurrences<'r> = HashMap<&'r BlankNode, Vec<usize>>;
/// A colour per blank node.
type Colours<'r> = HashMap<&'r BlankNode, u64>;

/// The rows each blank node of `rows` occurs in, and a colour per blank node, the same for nodes
/// that rows place alike.
fn colour_blanks<'r>(rows: &[&'r Row]) -> (Occurrences<'r>, Colours<'r>) {
    let mut occurrences: HashMap<&BlankNode, Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        for cell in row.iter() {
            if let Some(Term::BlankNode(node)) = cell {
                let rows_of = occurrences.entry(node).or_default();
                if rows_of.last() != Some(&i) {
                    rows_of.push(i);
                }
            }
        }
    }
    let mut colours: HashMap<&BlankNode, u64> = occurrences.keys().map(|n| (*n, 0)).collect();
    let mut classes = 1;
    for _ in 0..occurrences.len().min(8) {
        let next: HashMap<&BlankNode, u64> = occurrences
            .iter()
            .map(|(node, rows_of)| {
                let mut seen: Vec<Vec<String>> = rows_of
                    .iter()
                    .map(|i| {
                        rows[*i]
                            .iter()
                            .map(|cell| match cell {
                                Some(Term::BlankNode(other)) if other == *node => "*".to_owned(),
                                Some(Term::BlankNode(other)) => format!("_:{}", colours[other]),
                                other => erased(other),
                            })
                            .collect()
                    })
                    .collect();
                seen.sort_unstable();
                let mut hasher = DefaultHasher::new();
                (colours[node], seen).hash(&mut hasher);
                (*node, hasher.finish())
            })
            .collect();
        let count = next.values().collect::<HashSet<_>>().len();
        colours = next;
        if count == classes {
            break;
        }
        classes = count;
    }
    (occurrences, colours)
}

/// The backtracking search for a renaming of blank nodes (see [`isomorphic`]).
struct Matching<'a> {
    rows: &'a [&'a Row],
    rows_of: &'a Occurrences<'a>,
    colours: &'a Colours<'a>,
    candidates: &'a HashMap<u64, Vec<&'a BlankNode>>,
    /// The rows of `b`, rendered.
    present: &'a HashSet<&'a str>,
    /// The rows of `b`, rendered and sorted (a multiset).
    target: &'a [String],
    order: &'a [&'a BlankNode],
    mapping: HashMap<&'a BlankNode, &'a BlankNode>,
    used: HashSet<&'a BlankNode>,
    budget: usize,
}

impl<'a> Matching<'a> {
    fn extend(&mut self, depth: usize) -> bool {
        let Some(node) = self.order.get(depth).copied() else {
            let mut mapped: Vec<String> = self
                .rows
                .iter()
                .map(|row| render(row, &self.mapping))
                .collect();
            mapped.sort_unstable();
            return mapped == self.target;
        };
        let candidates = self.candidates;
        for candidate in candidates[&self.colours[node]].iter().copied() {
            if self.used.contains(candidate) {
                continue;
            }
            if self.budget == 0 {
                return false;
            }
            self.budget -= 1;
            self.mapping.insert(node, candidate);
            self.used.insert(candidate);
            if self.consistent(node) && self.extend(depth + 1) {
                return true;
            }
            self.mapping.remove(node);
            self.used.remove(candidate);
        }
        false
    }

    /// Whether every row with `node` whose blank nodes are all mapped now maps to a row of `b`.
    fn consistent(&self, node: &BlankNode) -> bool {
        self.rows_of[node].iter().all(|i| {
            let row = self.rows[*i];
            let complete = row.iter().all(|cell| match cell {
                Some(Term::BlankNode(other)) => self.mapping.contains_key(other),
                _ => true,
            });
            !complete || self.present.contains(render(row, &self.mapping).as_str())
        })
    }
}
