//! The query forms (`ASK`, `CONSTRUCT`, `DESCRIBE`, grouped and plain `SELECT`), their dataset
//! clauses and solution modifiers.

use std::collections::BTreeSet;

use super::QueryWriter;
use crate::differential::dataset::PROLOGUE;

/// The dataset clauses a query may start with. Each names only graphs of the data, or `:g2`,
/// which is not one (its default graph is empty).
const DATASETS: [&str; 7] = [
    "FROM :g0 ",
    "FROM :g1 ",
    "FROM :g2 ",
    "FROM NAMED :g0 ",
    "FROM NAMED :g1 FROM NAMED :g0 ",
    "FROM :g1 FROM NAMED :g0 ",
    "FROM :g0 FROM NAMED :g0 FROM NAMED :g1 ",
];

/// A dataset whose default graph merges two graphs: spareval reads both, one after the other,
/// so a triple in both matches twice where SPARQL's merge has it once. Only where multiplicity
/// cannot show.
const MERGED_DATASET: &str = "FROM :g0 FROM :g1 ";

/// The query forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Ask,
    Construct,
    Describe,
    Aggregate,
    Select,
}

impl QueryWriter<'_> {
    /// Keys that order solutions totally over `vars` (up to identical rows, and rows that differ
    /// only in which blank nodes they hold): each value's string, datatype, language and
    /// whether it is a blank node, all simple literals or unbound, so every engine orders them
    /// alike.
    pub(super) fn total_order(vars: &[&str]) -> String {
        vars.iter()
            .map(|v| format!("STR(?{v}) STR(DATATYPE(?{v})) LANG(?{v}) STR(isBlank(?{v}))"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub(super) fn query(&mut self) -> String {
        self.triples_left = 1 + self.rng.below(4);
        self.exists_left = 1;
        self.in_graph = false;
        self.graph_var = false;
        let form = match self.rng.below(20) {
            0 | 1 => Form::Ask,
            2 | 3 => Form::Construct,
            4 => Form::Describe,
            5..=7 => Form::Aggregate,
            _ => Form::Select,
        };
        let distinct = form == Form::Select && self.rng.chance(20);
        let template_blanks = form == Form::Construct && self.rng.chance(30);
        // Where the answer is a set, duplicate solutions cannot show (a blank node in a
        // CONSTRUCT template is fresh per solution, so there they do).
        self.set_semantics = match form {
            Form::Ask | Form::Describe => true,
            Form::Construct => !template_blanks,
            Form::Select => distinct,
            Form::Aggregate => false,
        };
        // DESCRIBE describes from the store's default graph in Trine and from the query's in
        // spareval: no dataset clause there.
        let dataset = if form == Form::Describe || !self.rng.chance(12) {
            ""
        } else if self.set_semantics && self.rng.chance(25) {
            MERGED_DATASET
        } else {
            *self.rng.pick(&DATASETS)
        };
        self.dataset_clause = !dataset.is_empty();
        self.merged_default = dataset == MERGED_DATASET;
        let mut all = BTreeSet::new();
        let pattern = self.group(2, &mut all);
        // Every variable mentioned, also those only in FILTER or VALUES, so that an ORDER BY over
        // them orders `SELECT *` totally.
        let vars: Vec<&str> = self.mentioned.iter().copied().collect();
        let body = match form {
            Form::Ask => format!("ASK {dataset}{pattern}"),
            Form::Construct => self.construct(dataset, &pattern, &vars, template_blanks),
            Form::Describe => self.describe(&pattern, &vars),
            Form::Aggregate => self.aggregate(dataset, &pattern, &vars),
            Form::Select => self.select(dataset, distinct, &pattern, &vars),
        };
        format!("{PROLOGUE}{body}")
    }

    fn construct(
        &mut self,
        dataset: &str,
        pattern: &str,
        vars: &[&'static str],
        template_blanks: bool,
    ) -> String {
        let mut template = Vec::new();
        for _ in 0..1 + self.rng.below(2) {
            let s = if template_blanks && self.rng.chance(50) {
                format!("_:x{}", self.rng.below(2))
            } else if vars.is_empty() || self.rng.chance(20) {
                self.node()
            } else {
                format!("?{}", self.rng.pick(vars))
            };
            let o = if template_blanks && self.rng.chance(30) {
                format!("_:x{}", self.rng.below(2))
            } else if vars.is_empty() || self.rng.chance(20) {
                self.literal()
            } else {
                format!("?{}", self.rng.pick(vars))
            };
            template.push(format!("{s} :t{} {o} .", self.rng.below(2)));
        }
        format!(
            "CONSTRUCT {{ {} }} {dataset}WHERE {pattern}",
            template.join(" ")
        )
    }

    /// `DESCRIBE` of some of the pattern's variables and nodes, of all of them, or of a node
    /// without a pattern.
    fn describe(&mut self, pattern: &str, vars: &[&'static str]) -> String {
        match self.rng.below(5) {
            0 => format!("DESCRIBE {}", self.node()),
            1 => format!("DESCRIBE * WHERE {pattern}"),
            _ => {
                let mut targets: Vec<String> = vars
                    .iter()
                    .filter(|_| self.rng.chance(50))
                    .map(|v| format!("?{v}"))
                    .collect();
                if targets.is_empty() || self.rng.chance(20) {
                    targets.push(self.node());
                }
                format!("DESCRIBE {} WHERE {pattern}", targets.join(" "))
            }
        }
    }

    fn select(
        &mut self,
        dataset: &str,
        distinct: bool,
        pattern: &str,
        vars: &[&'static str],
    ) -> String {
        let distinct = if distinct { "DISTINCT " } else { "" };
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
                // A partial order: compared as a multiset, so no slice. On strings: spareval's
                // order of the values themselves is not total over mixed types (its sort panics
                // on some inputs, depending on their hash order).
                tail = format!(" ORDER BY DESC(STR(?{}))", self.rng.pick(&order_vars));
            }
            _ => {}
        }
        format!("SELECT {distinct}{projection} {dataset}WHERE {pattern}{tail}")
    }

    /// A grouped query: `?n` is bound by an extra `?x :p2 ?n`, so it is always a number and the
    /// numeric aggregates never meet incomparable values.
    ///
    /// `GROUP_CONCAT` results are bound to `?catN` (default separator) or `?catbarN` (`"|"`),
    /// whose parts the comparison sorts. `SAMPLE` is of a grouping key, the same in the whole
    /// group, or of `?n` in groups with one distinct `?n`, so that its choice is forced.
    fn aggregate(&mut self, dataset: &str, pattern: &str, vars: &[&'static str]) -> String {
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
            // Division and casts over numbers, so that they mostly have a value.
            "SUM(?n) / COUNT(?n)",
            "MAX(?n / 4)",
            "MIN(xsd:decimal(?n) / 3)",
            "SUM(xsd:integer(?n))",
            "AVG(xsd:double(?n))",
            "SUM(xsd:float(?n))",
        ];
        let mut one_n_per_group = false;
        for i in 0..1 + self.rng.below(3) {
            let item = match self.rng.below(16) {
                0..=8 => format!("({} AS ?x{i})", self.rng.pick(&aggregates)),
                // `?n` itself is a type error (GROUP_CONCAT takes strings), its string is not.
                9 => format!("(GROUP_CONCAT(STR(?n)) AS ?cat{i})"),
                10 if self.rng.chance(80) => {
                    format!("(GROUP_CONCAT(DISTINCT STR(?n); separator=\"|\") AS ?catbar{i})")
                }
                10 => format!("(GROUP_CONCAT(?n) AS ?cat{i})"),
                11 => {
                    // Over any variable: an IRI, a blank node or an unbound value is an error,
                    // which makes the whole aggregate one.
                    let v = if vars.is_empty() {
                        "n"
                    } else {
                        *self.rng.pick(vars)
                    };
                    format!("(GROUP_CONCAT(STR(?{v}); separator=\"|\") AS ?catbar{i})")
                }
                12 | 13 if !keys.is_empty() => {
                    let key = self.rng.pick(&keys);
                    if self.rng.chance(50) {
                        format!("(SAMPLE(?{key}) AS ?x{i})")
                    } else {
                        format!("(SAMPLE(STR(?{key})) AS ?x{i})")
                    }
                }
                _ => {
                    one_n_per_group = true;
                    format!("(SAMPLE(?n) AS ?x{i})")
                }
            };
            projection.push(item);
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
        let mut conditions = Vec::new();
        if one_n_per_group {
            conditions.push("COUNT(DISTINCT ?n) <= 1".to_owned());
        }
        if self.rng.chance(25) {
            conditions.push(format!("COUNT(*) > {}", self.rng.below(3)));
        }
        let having = if conditions.is_empty() {
            String::new()
        } else {
            format!(" HAVING({})", conditions.join(" && "))
        };
        let inner = pattern.strip_suffix('}').unwrap_or(pattern);
        format!(
            "SELECT {} {dataset}WHERE {inner} {anchor} :p2 ?n . }}{group_by}{having}",
            projection.join(" ")
        )
    }
}
