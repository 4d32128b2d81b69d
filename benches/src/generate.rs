//! A product-catalogue-shaped N-Triples generator (after the Berlin SPARQL Benchmark's data shape):
//! producers, products with types, labels, comments, numeric properties, features, prices and dates,
//! and reviews. Deterministic for a given size, so runs compare.

use std::io::{self, Write};

const NS: &str = "http://trine.example/catalogue/";

/// A small deterministic pseudo-random generator (SplitMix64), so the data needs no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: [&str; 16] = [
    "alpha", "bright", "compact", "durable", "elegant", "fast", "green", "heavy", "ideal",
    "joyful", "keen", "light", "modern", "noble", "open", "quiet",
];

fn integer(value: u64) -> String {
    format!("\"{value}\"^^<http://www.w3.org/2001/XMLSchema#integer>")
}

/// Counts the lines it writes.
struct Lines<W> {
    out: W,
    written: u64,
}

impl<W: Write> Lines<W> {
    fn line(&mut self, subject: &str, predicate: &str, object: &str) -> io::Result<()> {
        self.written += 1;
        writeln!(self.out, "<{NS}{subject}> <{NS}{predicate}> {object} .")
    }
}

/// Writes about `triples` triples of catalogue data; returns how many were written.
///
/// # Errors
/// Fails if writing fails.
pub fn write_catalogue(out: &mut impl Write, triples: u64) -> io::Result<u64> {
    let mut rng = Rng(42);
    let mut lines = Lines { out, written: 0 };
    let producers = (triples / 2_000).max(1);
    let features = (triples / 200).max(10);
    let types = 50;
    let people = triples / 50 + 1;
    for producer in 0..producers {
        let s = format!("producer{producer}");
        lines.line(&s, "type", &format!("<{NS}Producer>"))?;
        lines.line(&s, "label", &format!("\"Producer {producer}\""))?;
        lines.line(&s, "country", &format!("<{NS}country{}>", producer % 40))?;
    }
    let mut product = 0;
    while lines.written < triples {
        let s = format!("product{product}");
        let (a, b) = (WORDS[rng.below(16) as usize], WORDS[rng.below(16) as usize]);
        lines.line(
            &s,
            "type",
            &format!("<{NS}ProductType{}>", rng.below(types)),
        )?;
        lines.line(&s, "label", &format!("\"{a} {b} {product}\"@en"))?;
        let comment = format!("\"A {a}, {b} product, number {product}, of lasting quality.\"");
        lines.line(&s, "comment", &comment)?;
        lines.line(
            &s,
            "producer",
            &format!("<{NS}producer{}>", rng.below(producers)),
        )?;
        // Three distinct features, so every generated triple is distinct.
        let first = rng.below(features);
        for k in 0..3 {
            lines.line(
                &s,
                "feature",
                &format!("<{NS}feature{}>", (first + k) % features),
            )?;
        }
        lines.line(&s, "numeric1", &integer(rng.below(2_000)))?;
        let price = format!(
            "\"{}.{:02}\"^^<http://www.w3.org/2001/XMLSchema#decimal>",
            rng.below(10_000),
            rng.below(100)
        );
        lines.line(&s, "price", &price)?;
        let date = format!(
            "\"2024-{:02}-{:02}T{:02}:00:00Z\"^^<http://www.w3.org/2001/XMLSchema#dateTime>",
            1 + rng.below(12),
            1 + rng.below(28),
            rng.below(24)
        );
        lines.line(&s, "date", &date)?;
        if product % 2 == 0 {
            let review = format!("review{product}");
            lines.line(&review, "reviewFor", &format!("<{NS}{s}>"))?;
            lines.line(&review, "rating", &integer(1 + rng.below(10)))?;
            lines.line(
                &review,
                "reviewer",
                &format!("<{NS}person{}>", rng.below(people)),
            )?;
        }
        product += 1;
    }
    Ok(lines.written)
}
