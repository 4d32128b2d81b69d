//! The plan cache answers like planning afresh: a plan made while a constant was unknown is
//! not used once the store has it, a plan whose ids a dictionary compaction invalidated is made
//! again, a store's cache never serves another store, and a plan stays in use across small
//! writes (hits counted) but not once the data has grown materially.

use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::KvBackend;
use trine_core::sparql::QueryOptions;
use trine_core::update::UpdateOptions;

use super::sparql_cases::{sorted_rows, sorted_rows_with};
use super::{Case, CaseResult, Context, Harness, ensure};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![(
        "sparql: cached plans answer like fresh ones after writes and dictionary compaction",
        cached_plans_agree,
    )]
}

const PREFIXES: &str = "PREFIX ex: <http://e/> ";

fn data(from: usize, to: usize) -> String {
    let mut data = String::from("@prefix ex: <http://e/> .\n");
    for i in from..to {
        data.push_str(&format!("ex:s{i} ex:p ex:o{} ; ex:n {i} .\n", i % 7));
    }
    data
}

/// Runs `text` through the store's plan cache and, on the same snapshot, without it; fails
/// unless both answer the same. Gives the cached run's rows.
fn cached<B: KvBackend>(store: &Store<B>, text: &str) -> Result<Vec<String>, String> {
    let text = format!("{PREFIXES}{text}");
    let snapshot = store.snapshot().context("snapshot")?;
    let found = sorted_rows_with(&snapshot, &text, &through_cache_of(store))?;
    let expected = sorted_rows(&snapshot, &text)?;
    ensure!(
        found == expected,
        "{text}: {found:?} through the plan cache, {expected:?} planned afresh"
    );
    Ok(found)
}

/// Options that plan through `store`'s plan cache.
fn through_cache_of<B: KvBackend>(store: &Store<B>) -> QueryOptions {
    QueryOptions {
        plan_cache: Some(store.plan_cache().clone()),
        ..QueryOptions::default()
    }
}

fn update<B: KvBackend>(store: &Store<B>, text: &str) -> CaseResult {
    store
        .update(&format!("{PREFIXES}{text}"), &UpdateOptions::default())
        .context(text)?;
    Ok(())
}

fn counts<B: KvBackend>(store: &Store<B>) -> (u64, u64) {
    let cache = store.plan_cache();
    (cache.hits(), cache.misses())
}

fn cached_plans_agree<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open store")?;
    store
        .load_from_reader(
            RdfFormat::Turtle,
            data(0, 100).as_bytes(),
            &LoadOptions::new(),
        )
        .context("load")?;

    // Constants the store does not know yet: a pattern constant, a VALUES row and a path end.
    let unknown = [
        "SELECT ?s { ?s ex:p ex:new }",
        "SELECT ?s ?o { VALUES ?o { ex:new2 } ?s ex:p ?o }",
        "SELECT ?x { ex:new3 ex:p* ?x }",
    ];
    for text in unknown {
        cached(&store, text)?;
        cached(&store, text)?;
    }
    update(
        &store,
        "INSERT DATA { ex:z ex:p ex:new , ex:new2 . ex:new3 ex:p ex:o1 }",
    )?;
    for text in unknown {
        let rows = cached(&store, text)?;
        ensure!(
            rows.iter()
                .any(|row| row.contains("http://e/z>") || row.contains("o1>")),
            "{text}: {rows:?} misses the quads inserted after it was first planned"
        );
    }

    // A plan whose constants are all known serves later snapshots across a small write…
    let known = "SELECT ?s ?o { ?s ex:p ?o FILTER(?o != ex:o3) }";
    cached(&store, known)?;
    let (hits, _) = counts(&store);
    cached(&store, &known.replace(' ', "  "))?;
    ensure!(
        counts(&store).0 == hits + 1,
        "the same query with other whitespace was planned again"
    );
    update(&store, "INSERT DATA { ex:late ex:p ex:o2 }")?;
    let (hits, misses) = counts(&store);
    let rows = cached(&store, known)?;
    ensure!(
        counts(&store) == (hits + 1, misses),
        "a one-quad write dropped the plan: {:?} → {:?}",
        (hits, misses),
        counts(&store)
    );
    ensure!(
        rows.iter().any(|row| row.contains("http://e/late>")),
        "the cached plan missed a quad written after it was made"
    );
    // Another store's cache: the same text and data, other ids, a later generation and the
    // same dictionary epoch, so only the store tells the plans apart.
    let other = Store::open(h.create()).context("open other")?;
    let shifted = format!(
        "@prefix ex: <http://e/> . ex:first ex:q ex:x , ex:y .\n{}",
        data(0, 100)
    );
    other
        .load_from_reader(RdfFormat::Turtle, shifted.as_bytes(), &LoadOptions::new())
        .context("load other")?;
    while other.generation() < store.generation() {
        update(&other, "INSERT DATA {}")?;
    }
    let text = "SELECT ?o { ex:s1 ex:p ?o }";
    cached(&store, text)?;
    let snapshot = other.snapshot().context("snapshot")?;
    let found = sorted_rows_with(
        &snapshot,
        &format!("{PREFIXES}{text}"),
        &through_cache_of(&store),
    )?;
    ensure!(
        found == ["<http://e/o1>"],
        "a plan of another store answered {found:?}"
    );
    drop(snapshot);

    // A plan is made again once the data has grown materially.
    store
        .load_from_reader(
            RdfFormat::Turtle,
            data(100, 200).as_bytes(),
            &LoadOptions::new(),
        )
        .context("load more")?;
    let (hits, misses) = counts(&store);
    cached(&store, known)?;
    ensure!(
        counts(&store) == (hits, misses + 1),
        "a plan made at 200 quads served a store of 400"
    );

    // Compaction removes a term; added again, it gets a new id the old plan does not know.
    update(&store, "INSERT DATA { ex:k ex:p ex:gone }")?;
    let gone = "SELECT ?s { ?s ex:p ex:gone }";
    ensure!(cached(&store, gone)?.len() == 1, "{gone}: not found");
    update(&store, "DELETE DATA { ex:k ex:p ex:gone }")?;
    let removed = store.compact_dictionary().context("compact")?;
    ensure!(removed > 0, "compaction removed no term");
    update(&store, "INSERT DATA { ex:k ex:p ex:gone }")?;
    ensure!(
        cached(&store, gone)?.len() == 1,
        "{gone}: a plan from before the compaction was used"
    );

    Ok(())
}
