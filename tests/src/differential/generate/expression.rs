//! Expressions: values (terms, functions, arithmetic, casts) and boolean conditions.

use super::QueryWriter;

/// Regular expressions for `REGEX` and `REPLACE`: none matches the empty string (an error in
/// `REPLACE`), none uses `|` (which the report reads as a path alternative).
const PATTERNS: [&str; 7] = ["a", "^.", "[0-9]", "[bc]", "h.", "^i[0-4]", "t$"];

impl QueryWriter<'_> {
    /// A value: a variable, a constant, or a function of one.
    pub(super) fn value(&mut self, depth: usize) -> String {
        let choice = if depth == 0 {
            self.rng.below(3)
        } else {
            self.rng.below(14)
        };
        match choice {
            0 | 1 => self.in_scope_var(),
            2 => self.literal(),
            3 => format!("STR({})", self.in_scope_var()),
            4 => format!("LANG({})", self.in_scope_var()),
            5 => format!("DATATYPE({})", self.in_scope_var()),
            6 => format!("STRLEN(STR({}))", self.in_scope_var()),
            7 | 8 => {
                let op = self.rng.pick(&["+", "-", "*", "/"]);
                let right = if self.rng.chance(50) {
                    self.numeric_literal()
                } else {
                    self.in_scope_var()
                };
                format!("({} {op} {right})", self.value(depth - 1))
            }
            9 => self.string_function(depth - 1),
            10 => self.numeric_function(depth - 1),
            11 => {
                // No `xsd:string`: SPARQL's casting table (17.5) has no row for a
                // language-tagged string; spareval drops the tag, Trine raises an error.
                let cast = self.rng.pick(&[
                    "xsd:integer",
                    "xsd:decimal",
                    "xsd:double",
                    "xsd:float",
                    "xsd:boolean",
                ]);
                format!("{cast}({})", self.value(depth - 1))
            }
            12 => {
                if self.rng.chance(50) {
                    format!(
                        "IF({}, {}, {})",
                        self.condition(0),
                        self.value(depth - 1),
                        self.value(0)
                    )
                } else {
                    format!(
                        "COALESCE({}, {})",
                        self.in_scope_var(),
                        self.value(depth - 1)
                    )
                }
            }
            _ => self.node(),
        }
    }

    /// A string: a variable, its string, or a constant.
    fn string_argument(&mut self, depth: usize) -> String {
        match self.rng.below(4) {
            0 => self.in_scope_var(),
            1 if depth > 0 => self.string_function(depth - 1),
            1 | 2 => format!("STR({})", self.in_scope_var()),
            _ => self.literal(),
        }
    }

    /// One of SPARQL's string functions.
    fn string_function(&mut self, depth: usize) -> String {
        let text = self.string_argument(depth);
        match self.rng.below(10) {
            0 => format!("UCASE({text})"),
            1 => format!("LCASE({text})"),
            2 => {
                let start = self.rng.below(4);
                if self.rng.chance(50) {
                    format!("SUBSTR({text}, {start}, {})", self.rng.below(3))
                } else {
                    format!("SUBSTR({text}, {start})")
                }
            }
            3 => {
                let other = if self.rng.chance(50) {
                    self.string_argument(0)
                } else {
                    self.fragment()
                };
                format!("CONCAT({text}, {other})")
            }
            4 => format!("STRBEFORE({text}, {})", self.fragment()),
            5 => format!("STRAFTER({text}, {})", self.fragment()),
            6 => {
                let flags = if self.rng.chance(30) { ", \"i\"" } else { "" };
                format!(
                    "REPLACE({text}, \"{}\", \"Z\"{flags})",
                    self.rng.pick(&PATTERNS)
                )
            }
            7 => format!("ENCODE_FOR_URI({text})"),
            8 => format!(
                "STRLANG(STR({}), \"{}\")",
                self.in_scope_var(),
                self.rng.pick(&["en", "fr"])
            ),
            _ => format!("STRDT(STR({}), xsd:string)", self.in_scope_var()),
        }
    }

    /// A numeric function of a number.
    fn numeric_function(&mut self, depth: usize) -> String {
        let function = self.rng.pick(&["ABS", "ROUND", "CEIL", "FLOOR"]);
        format!("{function}({})", self.value(depth))
    }

    /// A boolean expression.
    pub(super) fn condition(&mut self, depth: usize) -> String {
        let choice = if depth == 0 {
            self.rng.below(12)
        } else {
            self.rng.below(15)
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
                self.equality_operand(&left);
                self.equality_operand(&right);
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
            3 => format!(
                "{}({})",
                self.rng.pick(&["isIRI", "isBlank", "isNumeric"]),
                self.in_scope_var()
            ),
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
                let left = self.in_scope_var();
                self.equality_operand(&left);
                format!("{left} {not}IN ({})", items.join(", "))
            }
            7 => {
                let flags = if self.rng.chance(30) { ", \"i\"" } else { "" };
                format!(
                    "REGEX({}, \"{}\"{flags})",
                    self.string_argument(1),
                    self.rng.pick(&PATTERNS)
                )
            }
            8 => format!(
                "{}({}, {})",
                self.rng.pick(&["STRSTARTS", "STRENDS"]),
                self.string_argument(1),
                self.fragment()
            ),
            9 => format!(
                "LANGMATCHES(LANG({}), \"{}\")",
                self.in_scope_var(),
                self.rng.pick(&["en", "*", "fr"])
            ),
            10 => format!("sameTerm({}, {})", self.in_scope_var(), self.value(1)),
            11 if self.exists_left > 0 => self.exists(),
            11 => format!("BOUND({})", self.in_scope_var()),
            12 => format!("!({})", self.condition(depth - 1)),
            13 => format!(
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
}
