//! The fixed corpus and the random query generator.

use std::collections::BTreeSet;

use super::{GRAPHS, NODES, NUMERIC_LITERALS, PREDICATES, PROLOGUE, SplitMix64, literals};

/// Hand-written queries covering the features the generator combines.
pub fn corpus() -> Vec<String> {
    [
        "SELECT * WHERE { ?a :p0 ?b }",
        "SELECT ?a ?c WHERE { ?a :p0 ?b . ?b :p0 ?c }",
        "SELECT * WHERE { ?a :p2 ?n FILTER(?n > 1) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(isLiteral(?o) && LANG(?o) = \"en\") }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(DATATYPE(?o) = xsd:integer || DATATYPE(?o) = xsd:decimal) }",
        "SELECT * WHERE { ?a :p1 ?o FILTER(isIRI(?o)) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(CONTAINS(STR(?o), \"a\")) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(STRLEN(STR(?o)) > 2) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(?o IN (1, \"a\", \"chat\"@fr, true)) }",
        "SELECT * WHERE { ?a :p2 ?n BIND(?n * 2 + 1 AS ?m) }",
        "SELECT * WHERE { ?a :p0 ?b OPTIONAL { ?b :p2 ?n } }",
        "SELECT * WHERE { ?a :p0 ?b OPTIONAL { ?b :p2 ?n FILTER(?n > 0) } FILTER(!BOUND(?n)) }",
        "SELECT * WHERE { { ?a :p2 ?o } UNION { ?a :p3 ?o } }",
        "SELECT * WHERE { ?a :p0 ?b MINUS { ?b :p1 ?c } }",
        "SELECT * WHERE { VALUES (?a ?x) { (:i1 1) (:i2 UNDEF) (:i3 \"a\") } ?a :p0 ?b }",
        "SELECT * WHERE { GRAPH ?g { ?a :p2 ?n } }",
        "SELECT * WHERE { GRAPH :g0 { ?a :p0 ?b } ?b :p0 ?c }",
        "SELECT DISTINCT ?b WHERE { ?a :p0 ?b }",
        "SELECT ?a ?b WHERE { ?a :p0 ?b } ORDER BY STR(?a) STR(?b) LIMIT 5 OFFSET 2",
        "SELECT ?a (COUNT(*) AS ?c) WHERE { ?a :p0 ?b } GROUP BY ?a",
        "SELECT ?a (SUM(?n) AS ?s) (MIN(?n) AS ?lo) (MAX(?n) AS ?hi) WHERE { ?a :p2 ?n } GROUP BY ?a",
        "SELECT (COUNT(DISTINCT ?b) AS ?c) WHERE { ?a :p0 ?b }",
        "SELECT ?a (COUNT(?n) AS ?c) WHERE { ?a :p0 ?b OPTIONAL { ?b :p2 ?n } } GROUP BY ?a HAVING(COUNT(?n) > 0)",
        "SELECT * WHERE { :i0 :p0* ?b }",
        "SELECT * WHERE { ?a :p0+ :i1 }",
        "SELECT * WHERE { ?a :p0? ?b }",
        "SELECT * WHERE { ?a ^:p0 ?b }",
        "SELECT * WHERE { ?a :p0/:p2 ?n }",
        "SELECT * WHERE { ?a :p2|:p3 ?o }",
        "SELECT * WHERE { ?a (:p0|^:p0)* ?b FILTER(?a = :i2) }",
        "ASK { ?a :p2 42 }",
        "ASK { :i0 :p0+ :i0 }",
        "CONSTRUCT { ?b :q ?a } WHERE { ?a :p0 ?b }",
        "CONSTRUCT { ?a :sum ?m } WHERE { ?a :p2 ?n BIND(?n + 1 AS ?m) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(?o > \"2020-06-01T00:00:00Z\"^^xsd:dateTime) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(?o < \"b\") }",
    ]
    .iter()
    .map(|body| format!("{PROLOGUE}{body}"))
    .collect()
}

/// The variables the patterns use; `?g` names graphs and `?n` aggregated numbers, apart.
const VARS: [&str; 5] = ["a", "b", "c", "d", "e"];

/// Writes one random query.
struct QueryWriter<'r> {
    rng: &'r mut SplitMix64,
    /// Triple patterns left for the whole query (it has 1 to 4).
    triples_left: usize,
    /// Every variable mentioned so far, anywhere.
    mentioned: BTreeSet<&'static str>,
    /// The literals, as a query writes them.
    literals: Vec<&'static str>,
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

    /// A property path; `quantified` when inside `*`, `+` or `?`, which match a set of pairs.
    ///
    /// Alternatives appear only there: SPARQL evaluates `p|q` as the union of `p` and `q`, with
    /// duplicates, but spareval matches it as a set.
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
            5 if quantified => format!(
                "({}|{})",
                self.path(depth - 1, true),
                self.path(depth - 1, true)
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
    fn triple(&mut self, group: &mut BTreeSet<&'static str>, in_graph: bool) -> String {
        self.triples_left = self.triples_left.saturating_sub(1);
        let subject = if self.rng.chance(80) {
            self.var_reusing(85)
        } else {
            self.node()
        };
        let (predicate, is_path) = match self.rng.below(10) {
            0 => (self.var(), false),
            1..=3 => (self.path(2, false), true),
            _ => (format!(":p{}", self.rng.below(PREDICATES)), false),
        };
        // A constant object fits the predicate, so that patterns mostly match something.
        // The subject mostly joins with what came before; the object is mostly new, as a pattern
        // whose two ends are one variable (`?a :p ?a`) rarely matches.
        let object = match self.rng.below(10) {
            0..=6 => self.var_reusing(25),
            _ if is_path && in_graph => self.var(),
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

    /// A value: a variable, a constant, or a function of one.
    fn value(&mut self, depth: usize) -> String {
        let choice = if depth == 0 {
            self.rng.below(3)
        } else {
            self.rng.below(9)
        };
        match choice {
            0 | 1 => self.in_scope_var(),
            2 => self.literal(),
            3 => format!("STR({})", self.in_scope_var()),
            4 => format!("LANG({})", self.in_scope_var()),
            5 => format!("DATATYPE({})", self.in_scope_var()),
            6 => format!("STRLEN(STR({}))", self.in_scope_var()),
            7 => {
                let op = self.rng.pick(&["+", "-", "*"]);
                let right = if self.rng.chance(50) {
                    self.numeric_literal()
                } else {
                    self.in_scope_var()
                };
                format!("({} {op} {right})", self.value(depth - 1))
            }
            _ => self.node(),
        }
    }

    /// A boolean expression.
    fn condition(&mut self, depth: usize) -> String {
        let choice = if depth == 0 {
            self.rng.below(7)
        } else {
            self.rng.below(10)
        };
        match choice {
            0 => {
                let op = self.rng.pick(&["=", "!="]);
                let left = self.value(1);
                let right = if self.rng.chance(60) {
                    self.literal()
                } else {
                    self.value(1)
                };
                format!("{left} {op} {right}")
            }
            1 => {
                // SPARQL orders only numbers, simple strings, booleans and dates; spareval also
                // orders equal IRIs and literals of one language (an allowed extension) and gets
                // `true >= false` wrong, so an ordering compares with a number, a simple string or
                // a dateTime constant.
                let op = self.rng.pick(&["<", ">", "<=", ">="]);
                let left = self.value(1);
                let right = self.ordered_literal();
                format!("{left} {op} {right}")
            }
            2 => format!("BOUND({})", self.in_scope_var()),
            3 => format!("isIRI({})", self.in_scope_var()),
            4 => format!("isLiteral({})", self.in_scope_var()),
            5 => format!(
                "CONTAINS(STR({}), \"{}\")",
                self.in_scope_var(),
                self.rng.pick(&["a", "b", "i1", "1"])
            ),
            6 => {
                let items: Vec<String> = (0..1 + self.rng.below(3))
                    .map(|_| {
                        if self.rng.chance(70) {
                            self.literal()
                        } else {
                            self.node()
                        }
                    })
                    .collect();
                let not = if self.rng.chance(25) { "NOT " } else { "" };
                format!("{} {not}IN ({})", self.in_scope_var(), items.join(", "))
            }
            7 => format!("!({})", self.condition(depth - 1)),
            8 => format!(
                "({} && {})",
                self.condition(depth - 1),
                self.condition(depth - 1)
            ),
            _ => format!(
                "({} || {})",
                self.condition(depth - 1),
                self.condition(depth - 1)
            ),
        }
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

    /// A group `{ … }`; `in_graph` when inside `GRAPH` (no nested `GRAPH`, no `MINUS`).
    fn group(
        &mut self,
        depth: usize,
        in_graph: bool,
        parent: &mut BTreeSet<&'static str>,
    ) -> String {
        let mut group = BTreeSet::new();
        let mut parts = vec![self.triple(&mut group, in_graph)];
        let extra = if depth == 0 { 0 } else { self.rng.below(4) };
        for _ in 0..extra {
            let part = match self.rng.below(10) {
                0 if self.triples_left > 0 => self.triple(&mut group, in_graph),
                1 if self.triples_left > 0 => {
                    format!("OPTIONAL {}", self.group(depth - 1, in_graph, &mut group))
                }
                2 if self.triples_left > 1 => {
                    let left = self.group(depth - 1, in_graph, &mut group);
                    let right = self.group(depth - 1, in_graph, &mut group);
                    format!("{{ {left} UNION {right} }}")
                }
                3 if self.triples_left > 0 && !in_graph => {
                    format!("MINUS {}", self.group(depth - 1, in_graph, &mut group))
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
                8 if self.triples_left > 0 && !in_graph => {
                    let graph = if self.rng.chance(50) {
                        "?g".to_owned()
                    } else {
                        format!(":{}", self.rng.pick(&GRAPHS))
                    };
                    format!("GRAPH {graph} {}", self.group(depth - 1, true, &mut group))
                }
                _ if self.triples_left > 0 => self.triple(&mut group, in_graph),
                _ => format!("FILTER({})", self.condition(1)),
            };
            parts.push(part);
        }
        parent.extend(group.iter().copied());
        format!("{{ {} }}", parts.join(" "))
    }

    /// Keys that order solutions totally over `vars` (up to identical rows): each value's string,
    /// datatype and language, all simple literals or unbound, so every engine orders them alike.
    fn total_order(vars: &[&str]) -> String {
        vars.iter()
            .map(|v| format!("STR(?{v}) STR(DATATYPE(?{v})) LANG(?{v})"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn query(&mut self) -> String {
        self.triples_left = 1 + self.rng.below(4);
        let mut all = BTreeSet::new();
        let pattern = self.group(2, false, &mut all);
        // Every variable mentioned, also those only in FILTER or VALUES, so that an ORDER BY over
        // them orders `SELECT *` totally.
        let vars: Vec<&str> = self.mentioned.iter().copied().collect();
        let body = match self.rng.below(20) {
            0 | 1 => format!("ASK {pattern}"),
            2 | 3 => {
                let mut template = Vec::new();
                for _ in 0..1 + self.rng.below(2) {
                    let s = if vars.is_empty() || self.rng.chance(20) {
                        self.node()
                    } else {
                        format!("?{}", self.rng.pick(&vars))
                    };
                    let o = if vars.is_empty() || self.rng.chance(20) {
                        self.literal()
                    } else {
                        format!("?{}", self.rng.pick(&vars))
                    };
                    template.push(format!("{s} :t{} {o} .", self.rng.below(2)));
                }
                format!("CONSTRUCT {{ {} }} WHERE {pattern}", template.join(" "))
            }
            4..=6 => self.aggregate(&pattern, &vars),
            _ => self.select(&pattern, &vars),
        };
        format!("{PROLOGUE}{body}")
    }

    fn select(&mut self, pattern: &str, vars: &[&'static str]) -> String {
        let distinct = if self.rng.chance(20) { "DISTINCT " } else { "" };
        let projected: Vec<&str> = if vars.is_empty() || self.rng.chance(40) {
            Vec::new()
        } else {
            vars.iter()
                .copied()
                .filter(|_| self.rng.chance(60))
                .collect()
        };
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
        let order_vars: Vec<&str> = if projected.is_empty() {
            // `SELECT *` also projects ?g when a GRAPH ?g is there.
            let mut all = vars.to_vec();
            if pattern.contains("GRAPH ?g") {
                all.push("g");
            }
            all
        } else {
            projected.clone()
        };
        match self.rng.below(10) {
            0..=2 if !order_vars.is_empty() => {
                tail = format!(" ORDER BY {}", Self::total_order(&order_vars));
                if self.rng.chance(70) {
                    tail.push_str(&format!(" LIMIT {}", self.rng.below(6)));
                }
                if self.rng.chance(50) {
                    tail.push_str(&format!(" OFFSET {}", self.rng.below(4)));
                }
            }
            3 if !order_vars.is_empty() => {
                // A partial order: compared as a multiset, so no slice.
                tail = format!(" ORDER BY DESC(?{})", self.rng.pick(&order_vars));
            }
            _ => {}
        }
        format!("SELECT {distinct}{projection} WHERE {pattern}{tail}")
    }

    /// A grouped query: `?n` is bound by an extra `?x :p2 ?n`, so it is always a number and the
    /// numeric aggregates never meet incomparable values.
    fn aggregate(&mut self, pattern: &str, vars: &[&'static str]) -> String {
        let anchor = if vars.is_empty() {
            self.node()
        } else {
            format!("?{}", self.rng.pick(vars))
        };
        let keys: Vec<&str> = vars
            .iter()
            .copied()
            .filter(|_| self.rng.chance(30))
            .take(2)
            .collect();
        let mut projection: Vec<String> = keys.iter().map(|k| format!("?{k}")).collect();
        let aggregates = [
            "COUNT(*)",
            "COUNT(?n)",
            "COUNT(DISTINCT ?n)",
            "SUM(?n)",
            "MIN(?n)",
            "MAX(?n)",
            "AVG(?n)",
            "SUM(DISTINCT ?n)",
        ];
        for (i, aggregate) in (0..1 + self.rng.below(3)).map(|i| (i, *self.rng.pick(&aggregates))) {
            projection.push(format!("({aggregate} AS ?x{i})"));
        }
        if !vars.is_empty() && self.rng.chance(30) {
            let v = self.rng.pick(vars);
            projection.push(format!("(COUNT(?{v}) AS ?y)"));
        }
        let group_by = if keys.is_empty() {
            String::new()
        } else {
            format!(
                " GROUP BY {}",
                keys.iter()
                    .map(|k| format!("?{k}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        let having = if self.rng.chance(25) {
            format!(" HAVING(COUNT(*) > {})", self.rng.below(3))
        } else {
            String::new()
        };
        let inner = pattern.strip_suffix('}').unwrap_or(pattern);
        format!(
            "SELECT {} WHERE {inner} {anchor} :p2 ?n . }}{group_by}{having}",
            projection.join(" ")
        )
    }
}

/// `count` random queries from `seed`, each with 1 to 4 triple patterns.
pub fn generate(count: usize, seed: u64) -> Vec<String> {
    let mut rng = SplitMix64::new(seed);
    let literals = literals().into_iter().map(|(_, text)| text).collect();
    let mut writer = QueryWriter {
        rng: &mut rng,
        triples_left: 0,
        mentioned: BTreeSet::new(),
        literals,
    };
    (0..count)
        .map(|_| {
            writer.mentioned.clear();
            writer.query()
        })
        .collect()
}
