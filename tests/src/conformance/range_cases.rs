//! Range FILTERs on a pattern's object become key ranges over inline ids (the scan skips the
//! integers and date-times the comparison rejects), with the same answers as the FILTER alone:
//! literals kept in the dictionary (non-canonical forms, doubles, decimals), date-times with and
//! without time zones near the ends, other tags, in snapshots and in an update's transaction.

use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::KvBackend;
use trine_core::storage::Snapshot;

use super::sparql_cases::{forms_agree, sorted_rows};
use super::{Case, CaseResult, Context, Harness, ensure};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![(
        "sparql: range filters scan key ranges with the answers of the filter alone",
        ranges_agree,
    )]
}

const PREFIXES: &str = "PREFIX ex: <http://e/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>";

/// Date-times in four forms (UTC, an offset, no time zone, a non-canonical fraction), integers
/// canonical and not, decimals, doubles, strings and IRIs on the same predicates.
fn data() -> String {
    let mut data = String::from(
        "@prefix ex: <http://e/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n",
    );
    for i in 0..240 {
        let (month, day, hour) = (1 + i % 4, 1 + i % 28, i % 24);
        let stamp = format!("2008-{month:02}-{day:02}T{hour:02}:00:00");
        let when = match i % 5 {
            0 => format!("\"{stamp}Z\"^^xsd:dateTime"),
            1 => format!("\"{stamp}+05:00\"^^xsd:dateTime"),
            2 => format!("\"{stamp}\"^^xsd:dateTime"),
            3 => format!("\"{stamp}.000Z\"^^xsd:dateTime"),
            _ => format!("\"{stamp}\""),
        };
        let n = i % 15;
        let number = match i % 6 {
            0 => format!("\"0{n}\"^^xsd:integer"),
            1 => format!("{n}.5"),
            2 => format!("\"{n}e0\"^^xsd:double"),
            3 => format!("ex:n{n}"),
            _ => format!("{n}"),
        };
        data.push_str(&format!("ex:s{i} ex:when {when} ; ex:n {number} .\n"));
    }
    // Just outside and inside the ends, by less and more than the 14 hours a missing time zone
    // leaves open.
    for (name, when) in [
        ("early13", "2007-12-31T11:00:00"),
        ("early15", "2007-12-31T09:00:00"),
        ("late13", "2008-03-01T13:00:00"),
        ("late15", "2008-03-01T15:00:00"),
        ("edge", "2008-01-01T00:00:00Z"),
        ("before", "2007-12-31T23:59:59.999Z"),
    ] {
        data.push_str(&format!("ex:{name} ex:when \"{when}\"^^xsd:dateTime .\n"));
    }
    data
}

/// Queries with range FILTERs, each with the same FILTER written so that no range is taken
/// from it (`!(a < b)` for `a >= b`).
const PAIRS: &[(&str, &str)] = &[
    (
        "SELECT ?s ?d { ?s ex:when ?d FILTER(?d >= \"2008-01-01T00:00:00Z\"^^xsd:dateTime && ?d < \"2008-03-01T00:00:00\"^^xsd:dateTime) }",
        "SELECT ?s ?d { ?s ex:when ?d FILTER(!(?d < \"2008-01-01T00:00:00Z\"^^xsd:dateTime) && !(?d >= \"2008-03-01T00:00:00\"^^xsd:dateTime)) }",
    ),
    (
        "SELECT ?s ?d { ?s ex:when ?d FILTER(\"2008-02-10T12:30:00+01:00\"^^xsd:dateTime > ?d) }",
        "SELECT ?s ?d { ?s ex:when ?d FILTER(!(\"2008-02-10T12:30:00+01:00\"^^xsd:dateTime <= ?d)) }",
    ),
    (
        "SELECT ?s ?n { ?s ex:n ?n FILTER(?n > 3 && ?n <= 10) }",
        "SELECT ?s ?n { ?s ex:n ?n FILTER(!(?n <= 3) && !(?n > 10)) }",
    ),
    (
        "SELECT ?s ?n { ?s ex:n ?n FILTER(?n = 7) }",
        "SELECT ?s ?n { ?s ex:n ?n FILTER(!(?n != 7)) }",
    ),
    (
        "SELECT ?s ?d { ?s ex:when ?d FILTER(\"2008-02-01T20:00:00Z\"^^xsd:dateTime = ?d) }",
        "SELECT ?s ?d { ?s ex:when ?d FILTER(!(\"2008-02-01T20:00:00Z\"^^xsd:dateTime != ?d)) }",
    ),
    (
        "SELECT ?s ?n { ?s ex:n ?n FILTER(7 <= ?n) }",
        "SELECT ?s ?n { ?s ex:n ?n FILTER(!(7 > ?n)) }",
    ),
    (
        "SELECT ?s ?n ?d { ?s ex:n ?n ; ex:when ?d FILTER(?n >= 5 && ?d < \"2008-02-15T00:00:00Z\"^^xsd:dateTime) }",
        "SELECT ?s ?n ?d { ?s ex:n ?n ; ex:when ?d FILTER(!(?n < 5) && !(?d >= \"2008-02-15T00:00:00Z\"^^xsd:dateTime)) }",
    ),
];

fn rows<B: KvBackend>(snapshot: &Snapshot<'_, B>, text: &str) -> Result<Vec<String>, String> {
    sorted_rows(snapshot, &format!("{PREFIXES} {text}"))
}

fn ranges_agree<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    store
        .load_from_reader(RdfFormat::Turtle, data().as_bytes(), &LoadOptions::new())
        .context("load")?;
    let snapshot = store.snapshot().context("snapshot")?;
    forms_agree(&snapshot, PREFIXES, PAIRS, "key range", &|node| {
        node.detail.contains("key range")
    })?;
    let (edge, _) = PAIRS[0];
    let found = rows(&snapshot, edge)?;
    for (name, expected) in [
        ("early13", false),
        ("early15", false),
        ("late13", false),
        ("late15", false),
        ("edge", true),
        ("before", false),
    ] {
        let present = found
            .iter()
            .any(|row| row.contains(&format!("http://e/{name}>")));
        ensure!(
            present == expected,
            "{name}: present {present}, expected {expected}"
        );
    }
    drop(snapshot);
    // In an update, the WHERE reads the transaction's own writes through the range.
    let summary = store
        .update(
            &format!(
                "{PREFIXES} INSERT DATA {{ ex:new ex:n 8 . ex:old ex:n 2 }} ; \
                 INSERT {{ ?s ex:mid true }} WHERE {{ ?s ex:n ?n FILTER(?n >= 8 && ?n <= 8) }}"
            ),
            &trine_core::update::UpdateOptions::default(),
        )
        .context("update")?;
    let snapshot = store.snapshot().context("snapshot")?;
    let marked = rows(&snapshot, "SELECT ?s { ?s ex:mid true }")?;
    let expected = rows(
        &snapshot,
        "SELECT ?s { ?s ex:n ?n FILTER(!(?n < 8) && !(?n > 8)) }",
    )?;
    ensure!(
        marked == expected && marked.iter().any(|row| row.contains("http://e/new>")),
        "marked {marked:?}, expected {expected:?} with ex:new"
    );
    ensure!(
        summary.inserted == 2 + marked.len() as u64,
        "{} inserted, {} marked",
        summary.inserted,
        marked.len()
    );
    Ok(())
}
