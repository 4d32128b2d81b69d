//! Inputs for the targets: seed documents, changed the ways that find parser bugs (bytes
//! flipped, cut, repeated and spliced; tokens of the language inserted; deep nesting).

/// A small deterministic generator, seeded per run so a failure can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

/// Fragments of SPARQL and the RDF syntaxes worth inserting anywhere.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    "\"",
    "'",
    "\"\"\"",
    "\\",
    "\\u",
    "\\U0010FFFF",
    ".",
    ";",
    ",",
    "?x",
    "$y",
    "_:b",
    "@en",
    "^^",
    "<http://e/x>",
    "a",
    "SELECT",
    "*",
    "WHERE",
    "FILTER",
    "OPTIONAL",
    "UNION",
    "MINUS",
    "GRAPH",
    "SERVICE",
    "BIND",
    "VALUES",
    "EXISTS",
    "NOT",
    "GROUP BY",
    "ORDER BY",
    "LIMIT",
    "OFFSET 1",
    "DISTINCT",
    "COUNT",
    "(COUNT(*) AS ?c)",
    "INSERT DATA",
    "DELETE",
    "WHERE",
    "LOAD",
    "CLEAR ALL",
    "DROP",
    "WITH",
    "USING",
    "PREFIX",
    "BASE",
    "@prefix",
    "@base",
    "||",
    "&&",
    "!",
    "=",
    "!=",
    "+",
    "-",
    "*",
    "/",
    "1e308",
    "-0",
    "9999999999999999999999999",
    "0.0000001",
    "REGEX(?x, \"(a*)*b\")",
    "STR(",
    "IRI(",
    "xsd:dateTime(",
    "\"24:00:00\"",
    "<p>+",
    "<p>*",
    "^<p>",
    "!(<p>|^<q>)",
    "|",
    "/",
    "?",
    "\u{0}",
    "\u{FFFD}",
    "é",
    "𝔘",
    "\n",
    "\r\n",
    "\t",
    "#",
    "<?xml",
    "<rdf:RDF",
    "</rdf:RDF>",
    "{\"@id\":",
    "\"@context\"",
    "[[[",
    "]]]",
    "((((",
    "))))",
];

/// A changed copy of `seed`, sometimes spliced with `other`.
pub fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(9) {
            0 if !data.is_empty() => {
                let at = at.min(data.len() - 1);
                data[at] ^= 1 << rng.below(8);
            }
            1 => {
                let end = (at + rng.below(16)).min(data.len());
                data.drain(at..end);
            }
            2 => {
                let end = (at + rng.below(32)).min(data.len());
                let copy = data[at..end].to_vec();
                for _ in 0..=rng.below(3) {
                    data.splice(at..at, copy.iter().copied());
                }
            }
            3 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + rng.below(64)).min(other.len());
                data.splice(at..at, other[from..end].iter().copied());
            }
            4 => data.truncate(at),
            5 => {
                // Deep nesting: parsers and evaluators must refuse it cleanly.
                let depth = 1 << rng.below(14);
                let (open, close) = *rng
                    .pick(&[
                        ("{", "}"),
                        ("(", ")"),
                        ("[", "]"),
                        ("[ <p> ", " ]"),
                        ("!(", ")"),
                    ])
                    .unwrap_or(&("{", "}"));
                let mut nested = open.repeat(depth);
                nested.push_str(&close.repeat(depth));
                data.splice(at..at, nested.into_bytes());
            }
            6 => data.insert(at, rng.next() as u8),
            _ => {
                let token = rng.pick(TOKENS).copied().unwrap_or(" ");
                let mut bytes = token.as_bytes().to_vec();
                bytes.push(b' ');
                data.splice(at..at, bytes);
            }
        }
    }
    data
}
