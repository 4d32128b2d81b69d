//! Graph patterns: property paths, triple patterns, `EXISTS`, `VALUES`, groups and sub-queries.

use std::collections::BTreeSet;

use super::{COUNT_VARS, QueryWriter, VARS};
use crate::differential::dataset::{GRAPHS, PREDICATES};

impl QueryWriter<'_> {
    /// A property path; `quantified` when inside `*`, `+` or `?`, which match a set of pairs.
    ///
    /// Alternatives appear only there or where multiplicity cannot show: SPARQL evaluates `p|q`
    /// as the union of `p` and `q`, with duplicates, but spareval matches it as a set.
    fn path(&mut self, depth: usize, quantified: bool) -> String {
        let p = format!(":p{}", self.rng.below(PREDICATES));
        if depth == 0 {
            return p;
        }
        match self.rng.below(9) {
            0 => format!("{p}*"),
            1 => format!("{p}+"),
            2 => format!("{p}?"),
            3 => format!("^{p}"),
            4 => format!(
                "{}/{}",
                self.path(depth - 1, quantified),
                self.path(depth - 1, quantified)
            ),
            5 if quantified || self.set_semantics => format!(
                "({}|{})",
                self.path(depth - 1, quantified),
                self.path(depth - 1, quantified)
            ),
            6 | 7 => {
                let quantifier = self.rng.pick(&["*", "+", "?"]);
                format!("({}){quantifier}", self.path(depth - 1, true))
            }
            _ => format!(":p0{}", ["*", "+", "?"][self.rng.below(3)]),
        }
    }

    /// One triple pattern, its variables added to `group`.
    ///
    /// Inside `GRAPH`, a path has a variable at its end: spareval gives `GRAPH ?g { :x :p+ :y }`
    /// once per route from `:x` to `:y` rather than once per graph.
    fn triple(&mut self, group: &mut BTreeSet<&'static str>) -> String {
        self.triples_left = self.triples_left.saturating_sub(1);
        let mut subject = if self.rng.chance(80) {
            self.var_reusing(85)
        } else {
            self.node()
        };
        let (predicate, is_path) = match self.rng.below(10) {
            0 => (self.var(), false),
            1..=3 => (self.path(2, false), true),
            _ => (format!(":p{}", self.rng.below(PREDICATES)), false),
        };
        if is_path && self.dataset_clause && !subject.starts_with('?') {
            subject = self.var_reusing(85);
        }
        if is_path && let Some(name) = Self::name_of(&subject) {
            self.path_subjects.insert(name);
        }
        // A constant object fits the predicate, so that patterns mostly match something.
        // The subject mostly joins with what came before; the object is mostly new, as a pattern
        // whose two ends are one variable (`?a :p ?a`) rarely matches.
        let object = match self.rng.below(10) {
            0..=6 => self.var_reusing(25),
            _ if is_path && (self.in_graph || self.dataset_clause) => self.var(),
            // A literal would not be in every graph: keep it off paths (zero-length matches).
            _ if is_path => self.node(),
            _ if predicate == ":p0" => self.node(),
            _ if predicate == ":p2" => self.numeric_literal(),
            _ if predicate == ":p3" => self.literal(),
            7 | 8 => self.node(),
            _ => self.literal(),
        };
        for term in [&subject, &predicate, &object] {
            if let Some(v) = term
                .strip_prefix('?')
                .and_then(|name| VARS.iter().find(|v| **v == name))
            {
                group.insert(v);
            }
        }
        format!("{subject} {predicate} {object} .")
    }

    /// `EXISTS { … }` or `NOT EXISTS { … }` over one or two triple patterns and perhaps a
    /// filter: nothing that binds a variable the outer solution may also bind (`BIND`,
    /// `VALUES`, `OPTIONAL`, `MINUS`), where SPARQL's substitution is not well defined.
    pub(super) fn exists(&mut self) -> String {
        self.exists_left -= 1;
        let triples_left = self.triples_left;
        // Only whether the pattern matches counts, never how often.
        let set_semantics = std::mem::replace(&mut self.set_semantics, true);
        let mut inner = BTreeSet::new();
        let mut parts = vec![self.triple(&mut inner)];
        if self.rng.chance(40) {
            parts.push(self.triple(&mut inner));
        }
        if self.rng.chance(30) {
            parts.push(format!("FILTER({})", self.condition(0)));
        }
        self.set_semantics = set_semantics;
        self.triples_left = triples_left;
        let not = if self.rng.chance(40) { "NOT " } else { "" };
        format!("{not}EXISTS {{ {} }}", parts.join(" "))
    }

    fn values(&mut self, group: &mut BTreeSet<&'static str>) -> String {
        let width = 1 + self.rng.below(2);
        let mut vars: Vec<String> = Vec::new();
        while vars.len() < width {
            let v = self.var();
            if !vars.contains(&v) {
                if let Some(name) = VARS.iter().find(|name| &v[1..] == **name) {
                    group.insert(name);
                }
                vars.push(v);
            }
        }
        let rows: Vec<String> = (0..1 + self.rng.below(3))
            .map(|_| {
                let cells: Vec<String> = (0..width)
                    .map(|_| match self.rng.below(5) {
                        0 => "UNDEF".to_owned(),
                        1 | 2 => self.node(),
                        _ => self.literal(),
                    })
                    .collect();
                format!("({})", cells.join(" "))
            })
            .collect();
        format!("VALUES ({}) {{ {} }}", vars.join(" "), rows.join(" "))
    }

    /// A group `{ … }`; inside `GRAPH` (see [`QueryWriter::in_graph`]) no nested `GRAPH`, no
    /// `MINUS`.
    pub(super) fn group(&mut self, depth: usize, parent: &mut BTreeSet<&'static str>) -> String {
        let mut group = BTreeSet::new();
        let mut parts = vec![self.triple(&mut group)];
        let extra = if depth == 0 { 0 } else { self.rng.below(4) };
        for _ in 0..extra {
            let part = match self.rng.below(13) {
                0 if self.triples_left > 0 => self.triple(&mut group),
                1 if self.triples_left > 0 => {
                    format!("OPTIONAL {}", self.group(depth - 1, &mut group))
                }
                2 if self.triples_left > 1 => {
                    let left = self.group(depth - 1, &mut group);
                    let right = self.group(depth - 1, &mut group);
                    format!("{{ {left} UNION {right} }}")
                }
                3 if self.triples_left > 0 && !self.in_graph => {
                    // Whether a right-hand solution matches counts, not how often.
                    let set_semantics = std::mem::replace(&mut self.set_semantics, true);
                    // The right side's variables are not in scope after it.
                    let right = self.group(depth - 1, &mut BTreeSet::new());
                    self.set_semantics = set_semantics;
                    format!("MINUS {right}")
                }
                4 | 5 => format!("FILTER({})", self.condition(2)),
                6 => match self.fresh_var(&group) {
                    Some(name) => {
                        let value = if self.rng.chance(70) {
                            self.value(2)
                        } else {
                            self.condition(1)
                        };
                        group.insert(name);
                        self.mentioned.insert(name);
                        format!("BIND({value} AS ?{name})")
                    }
                    None => format!("FILTER({})", self.condition(1)),
                },
                7 => self.values(&mut group),
                8 if self.triples_left > 0 && !self.in_graph => {
                    let graph = if self.rng.chance(50) {
                        "?g".to_owned()
                    } else {
                        format!(":{}", self.rng.pick(&GRAPHS))
                    };
                    self.in_graph = true;
                    self.graph_var = graph == "?g";
                    let inner = self.group(depth - 1, &mut group);
                    self.in_graph = false;
                    self.graph_var = false;
                    format!("GRAPH {graph} {inner}")
                }
                9 if self.triples_left > 0 && !self.graph_var => {
                    self.subquery(depth - 1, &mut group)
                }
                10 if self.exists_left > 0 && self.triples_left > 0 => {
                    format!("FILTER {}", self.exists())
                }
                _ if self.triples_left > 0 => self.triple(&mut group),
                _ => format!("FILTER({})", self.condition(1)),
            };
            parts.push(part);
        }
        parent.extend(group.iter().copied());
        format!("{{ {} }}", parts.join(" "))
    }

    /// A sub-query `{ SELECT … }`: a projection, perhaps `DISTINCT`, perhaps a slice in a total
    /// order, or a count per group. Only its projected variables join `group`.
    fn subquery(&mut self, depth: usize, group: &mut BTreeSet<&'static str>) -> String {
        // Multiplicity shows in a count and in a slice.
        let exact = !self.merged_default;
        let grouped = exact && self.rng.chance(35);
        let sliced = exact && !grouped && self.rng.chance(40);
        let distinct = !grouped && self.rng.chance(30);
        let outer_set_semantics = self.set_semantics;
        self.set_semantics = distinct || (outer_set_semantics && !grouped && !sliced);
        let mut inner = BTreeSet::new();
        let mut pattern = self.group(depth, &mut inner);
        self.set_semantics = outer_set_semantics;
        let vars: Vec<&'static str> = inner.iter().copied().collect();
        let mut projected: Vec<&'static str> = vars
            .iter()
            .copied()
            .filter(|_| self.rng.chance(60))
            .collect();
        if projected.is_empty() && !vars.is_empty() {
            projected.push(*self.rng.pick(&vars));
        }
        let count_var = COUNT_VARS.iter().copied().find(|v| !inner.contains(v));
        let text = match count_var {
            Some(count) if grouped => {
                let keys: Vec<&str> = projected.iter().copied().take(1).collect();
                let counted = if vars.is_empty() || self.rng.chance(50) {
                    "*".to_owned()
                } else {
                    format!("DISTINCT ?{}", self.rng.pick(&vars))
                };
                self.mentioned.insert(count);
                group.insert(count);
                let group_by = keys
                    .iter()
                    .map(|k| format!(" GROUP BY ?{k}"))
                    .collect::<String>();
                group.extend(keys.iter().copied());
                let keys: String = keys.iter().map(|k| format!("?{k} ")).collect();
                format!("SELECT {keys}(COUNT({counted}) AS ?{count}) WHERE {pattern}{group_by}")
            }
            _ => {
                let projection = if projected.is_empty() {
                    "*".to_owned()
                } else {
                    projected
                        .iter()
                        .map(|v| format!("?{v}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let mut tail = String::new();
                if sliced && !projected.is_empty() {
                    // The order keys cannot tell blank nodes apart, so a slice over them would
                    // keep either: they are left out.
                    let no_blanks: Vec<String> = projected
                        .iter()
                        .map(|v| format!("FILTER(!BOUND(?{v}) || !isBlank(?{v}))"))
                        .collect();
                    pattern = format!(
                        "{} {} }}",
                        pattern.strip_suffix('}').unwrap_or(&pattern),
                        no_blanks.join(" ")
                    );
                    tail = format!(
                        " ORDER BY {} LIMIT {}",
                        Self::total_order(&projected),
                        1 + self.rng.below(4)
                    );
                    if self.rng.chance(40) {
                        tail.push_str(&format!(" OFFSET {}", self.rng.below(3)));
                    }
                }
                group.extend(projected.iter().copied());
                let distinct = if distinct { "DISTINCT " } else { "" };
                format!("SELECT {distinct}{projection} WHERE {pattern}{tail}")
            }
        };
        format!("{{ {text} }}")
    }
}
