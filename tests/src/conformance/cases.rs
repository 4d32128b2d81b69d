//! Cases on the store built over a backend: transactions, snapshots, encoding, graphs, loading.

use oxrdf::vocab::xsd;
use oxrdf::{BlankNode, GraphName, GraphNameRef, Literal, NamedNode, Quad, Term};
use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::KvBackend;
use trine_core::storage::QuadRead;

use super::{Case, CaseResult, Context, Harness, check_valid, ensure, ex, model};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![
        (
            "store: insert, contains, remove, counts",
            insert_remove_counts,
        ),
        ("store: snapshot isolation", snapshot_isolation),
        ("store: transaction reads its own writes", read_your_writes),
        ("store: rolled-back transaction writes nothing", rollback),
        (
            "store: the write generation is odd while a writer works and moves on",
            write_generation,
        ),
        ("store: failed load writes nothing", failed_load_is_atomic),
        (
            "store: data, graphs and ids survive reopen",
            reopen_persists,
        ),
        ("store: edge-case literals round-trip", literal_round_trips),
        ("store: named graph lifecycle", named_graphs),
        (
            "store: bulk load equals transactional load",
            bulk_load_matches,
        ),
        (
            "store: several documents bulk-load as one, errors naming their document",
            bulk_load_documents,
        ),
        ("store: dictionary compaction", compact_dictionary),
        ("store: dump and reload in every syntax", dump_reload),
        (
            "store: pattern queries match a naive model (proptest)",
            model::pattern_queries_match_model,
        ),
    ]
}

fn quad(s: &str, p: &str, o: impl Into<Term>, g: impl Into<GraphName>) -> Quad {
    Quad::new(ex(s), ex(p), o, g)
}

fn open<B: KvBackend>(backend: B) -> Result<Store<B>, String> {
    Store::open(backend).context("open store")
}

fn insert_remove_counts<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let a = quad("s", "p", ex("o"), GraphName::DefaultGraph);
    let b = quad("s", "p", Literal::from(1), ex("g"));
    let c = quad("s", "q", ex("o"), ex("g"));
    ensure!(store.is_empty().context("is_empty")?, "new store is empty");
    ensure!(store.insert(&a).context("insert")?, "first insert is new");
    ensure!(
        !store.insert(&a).context("insert")?,
        "second insert is not new"
    );
    ensure!(
        store.extend([&b, &c]).context("extend")? == 2,
        "extend counts new quads"
    );
    ensure!(store.len().context("len")? == 3, "len 3");
    ensure!(store.contains(&b).context("contains")?, "contains b");
    ensure!(
        !store
            .contains(&quad("s", "p", ex("o"), ex("g")))
            .context("contains")?,
        "graphs are distinct"
    );
    let snapshot = store.snapshot().context("snapshot")?;
    let p = snapshot
        .term_id(ex("p").as_ref().into())
        .context("term id")?
        .ok_or("p has no id")?;
    ensure!(
        snapshot.predicate_count(p).context("count")? == 2,
        "per-predicate count"
    );
    drop(snapshot);
    ensure!(store.remove(&b).context("remove")?, "remove existing");
    ensure!(!store.remove(&b).context("remove")?, "remove absent");
    ensure!(
        !store
            .remove(&quad("never", "seen", ex("terms"), GraphName::DefaultGraph))
            .context("remove")?,
        "remove unknown terms"
    );
    ensure!(store.len().context("len")? == 2, "len after remove");
    check_valid(&store)
}

fn snapshot_isolation<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let a = quad("s", "p", ex("o"), GraphName::DefaultGraph);
    let b = quad("s2", "p", ex("o"), ex("g"));
    store.insert(&a).context("insert")?;
    let before = store.snapshot().context("snapshot")?;
    let mut iter = before
        .quads_for_pattern(None, None, None, None)
        .context("pattern")?;
    store.insert(&b).context("insert")?;
    store.remove(&a).context("remove")?;
    ensure!(
        before.len().context("len")? == 1,
        "old snapshot keeps its count"
    );
    ensure!(
        before.contains(a.as_ref()).context("contains")?,
        "old snapshot still sees a"
    );
    ensure!(
        !before.contains(b.as_ref()).context("contains")?,
        "old snapshot does not see b"
    );
    ensure!(
        before.named_graphs().context("graphs")?.is_empty(),
        "old snapshot sees no new graph"
    );
    let first = iter
        .next()
        .ok_or("open iterator lost a")?
        .context("iterate")?;
    ensure!(
        first == a && iter.next().is_none(),
        "open iterator sees the old state"
    );
    let after = store.snapshot().context("snapshot")?;
    ensure!(
        after.len().context("len")? == 1 && after.contains(b.as_ref()).context("contains")?,
        "new snapshot sees the writes"
    );
    Ok(())
}

fn read_your_writes<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let a = quad(
        "s",
        "p",
        Literal::new_simple_literal("a fresh literal"),
        ex("g"),
    );
    let mut transaction = store.transaction().context("transaction")?;
    transaction.insert(a.as_ref()).context("insert")?;
    ensure!(
        transaction.contains(a.as_ref()).context("contains")?,
        "transaction sees its insert"
    );
    ensure!(
        transaction.len().context("len")? == 1,
        "transaction sees its count"
    );
    let found: Vec<Quad> = transaction
        .quads_for_pattern(None, Some(ex("p").as_ref()), None, None)
        .context("pattern")?
        .collect::<Result<_, _>>()
        .context("iterate")?;
    ensure!(found == [a.clone()], "pattern in transaction: {found:?}");
    ensure!(
        transaction.named_graphs().context("graphs")?.len() == 1,
        "transaction sees its graph"
    );
    transaction.remove(a.as_ref()).context("remove")?;
    ensure!(
        !transaction.contains(a.as_ref()).context("contains")?,
        "transaction sees its remove"
    );
    transaction.insert(a.as_ref()).context("insert")?;
    transaction.commit().context("commit")?;
    ensure!(store.contains(&a).context("contains")?, "committed");
    check_valid(&store)
}

fn write_generation<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let idle = |store: &Store<B>, what: &str| -> Result<u64, String> {
        let generation = store.generation();
        ensure!(
            generation.is_multiple_of(2),
            "{what}: {generation} is odd with no writer"
        );
        Ok(generation)
    };
    let start = idle(&store, "opened")?;
    store
        .insert(&quad("s", "p", ex("o"), GraphName::DefaultGraph))
        .context("insert")?;
    let inserted = idle(&store, "after an insert")?;
    ensure!(inserted > start, "an insert moves it");
    {
        let transaction = store.transaction().context("transaction")?;
        ensure!(
            !store.generation().is_multiple_of(2),
            "odd while a transaction is open"
        );
        drop(transaction);
    }
    let rolled_back = idle(&store, "after a rollback")?;
    ensure!(
        rolled_back > inserted,
        "a rolled-back transaction moves it too"
    );
    let mut loader = store.bulk_loader().context("bulk loader")?;
    ensure!(
        !store.generation().is_multiple_of(2),
        "odd while a bulk load runs"
    );
    loader
        .add(quad("t", "p", ex("o"), GraphName::DefaultGraph))
        .context("add")?;
    loader.finish().context("finish")?;
    let loaded = idle(&store, "after a bulk load")?;
    ensure!(loaded > rolled_back, "a bulk load moves it");
    let _ = store.snapshot().context("snapshot")?.len();
    ensure!(store.generation() == loaded, "reads leave it alone");
    Ok(())
}

fn rollback<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let kept = quad("s", "p", ex("o"), GraphName::DefaultGraph);
    store.insert(&kept).context("insert")?;
    let dropped = quad(
        "new",
        "terms",
        Literal::new_simple_literal("only in a rolled-back transaction"),
        ex("g"),
    );
    {
        let mut transaction = store.transaction().context("transaction")?;
        transaction.insert(dropped.as_ref()).context("insert")?;
        transaction.remove(kept.as_ref()).context("remove")?;
    }
    let failed: Result<(), Box<dyn std::error::Error>> = store.transact(|t| {
        t.insert(dropped.as_ref())?;
        Err("abort".into())
    });
    ensure!(failed.is_err(), "transact returns the error");
    ensure!(
        store.contains(&kept).context("contains")?,
        "rolled-back remove is undone"
    );
    ensure!(
        !store.contains(&dropped).context("contains")?,
        "rolled-back insert is undone"
    );
    ensure!(store.len().context("len")? == 1, "count unchanged");
    ensure!(
        store.named_graphs().context("graphs")?.is_empty(),
        "no graph created"
    );
    // The terms of the rolled-back transaction must not linger in caches with dangling ids.
    store.insert(&dropped).context("insert after rollback")?;
    ensure!(
        store.contains(&dropped).context("contains")?,
        "insert after rollback"
    );
    check_valid(&store)
}

fn failed_load_is_atomic<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let document = "<http://e.com/a> <http://e.com/b> <http://e.com/c> .\n<http://e.com/a> <http://e.com/b> \"unterminated .\n";
    let error = store
        .load_from_reader(
            RdfFormat::NTriples,
            document.as_bytes(),
            &LoadOptions::new(),
        )
        .err()
        .ok_or("a syntax error was accepted")?;
    ensure!(
        error.to_string().contains("line 2"),
        "error names the line: {error}"
    );
    ensure!(store.is_empty().context("is_empty")?, "nothing loaded");
    let trig =
        "<http://e.com/g> { <http://e.com/a> <http://e.com/b> 1 . } <http://e.com/h> { <x> }";
    ensure!(
        store
            .load_from_reader(RdfFormat::TriG, trig.as_bytes(), &LoadOptions::new())
            .is_err(),
        "bad TriG accepted"
    );
    ensure!(
        store.is_empty().context("is_empty")? && store.named_graphs().context("graphs")?.is_empty(),
        "nothing loaded from TriG"
    );
    check_valid(&store)
}

fn reopen_persists<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let quads = [
        quad("s", "p", ex("o"), GraphName::DefaultGraph),
        quad(
            "s",
            "p",
            Literal::new_language_tagged_literal_unchecked("x", "en"),
            ex("g"),
        ),
        quad(
            "s",
            "p",
            BlankNode::new_unchecked("b1"),
            BlankNode::new_unchecked("g1"),
        ),
    ];
    store.extend(&quads).context("extend")?;
    store
        .create_named_graph(ex("empty").as_ref())
        .context("create graph")?;
    let old_id = store
        .snapshot()
        .context("snapshot")?
        .term_id(ex("s").as_ref().into())
        .context("id")?;
    store.flush().context("flush")?;
    let backend = h.reopen(store_into_backend(store));
    let store = open(backend)?;
    ensure!(store.len().context("len")? == 3, "count after reopen");
    for quad in &quads {
        ensure!(
            store.contains(quad).context("contains")?,
            "{quad} lost on reopen"
        );
    }
    ensure!(
        store.named_graphs().context("graphs")?.len() == 3,
        "graphs after reopen"
    );
    let snapshot = store.snapshot().context("snapshot")?;
    ensure!(
        snapshot.term_id(ex("s").as_ref().into()).context("id")? == old_id,
        "ids are stable"
    );
    drop(snapshot);
    let fresh = quad("brand", "new", ex("terms"), GraphName::DefaultGraph);
    store.insert(&fresh).context("insert")?;
    let snapshot = store.snapshot().context("snapshot")?;
    let new_id = snapshot
        .term_id(ex("brand").as_ref().into())
        .context("id")?
        .ok_or("no id")?;
    let old_id = old_id.ok_or("no id")?;
    ensure!(
        new_id.payload() > old_id.payload(),
        "ids are not reused after reopen"
    );
    drop(snapshot);
    check_valid(&store)
}

fn store_into_backend<B: KvBackend>(store: Store<B>) -> B {
    store.into_backend()
}

fn literal_round_trips<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let typed = |value: &str, datatype| Literal::new_typed_literal(value, datatype);
    let custom = NamedNode::new_unchecked("http://example.com/custom");
    let mut literals = vec![
        Literal::new_simple_literal(""),
        Literal::new_simple_literal("short"),
        Literal::new_simple_literal("exactly"),
        Literal::new_simple_literal("eight ch"),
        Literal::new_simple_literal("a\0nul"),
        Literal::new_simple_literal("ünïcødé ✓ 𝄞 日本語"),
        Literal::new_simple_literal("x".repeat(100_000)),
        Literal::new_simple_literal("line\nbreak\t\"quotes\""),
        Literal::new_language_tagged_literal_unchecked("chat", "fr"),
        Literal::new_language_tagged_literal_unchecked("colour", "en-GB"),
        typed("true", xsd::BOOLEAN),
        typed("1", xsd::BOOLEAN),
        typed("0", xsd::INTEGER),
        typed("-0", xsd::INTEGER),
        typed("007", xsd::INTEGER),
        typed("+5", xsd::INTEGER),
        typed("-9223372036854775808", xsd::INTEGER),
        typed("123456789012345678901234567890", xsd::INTEGER),
        typed("1.50", xsd::DECIMAL),
        typed("-0.000001", xsd::DECIMAL),
        typed("1e3", xsd::DOUBLE),
        typed("NaN", xsd::DOUBLE),
        typed("-INF", xsd::FLOAT),
        typed("2020-02-29T23:59:59.999+14:00", xsd::DATE_TIME),
        typed("2020-02-29T23:59:59.999999Z", xsd::DATE_TIME),
        typed("-0044-03-15", xsd::DATE),
        typed("not a date", xsd::DATE),
        typed("P1Y2M", xsd::DURATION),
        typed("x", custom.as_ref()),
    ];
    for datatype in [
        xsd::INT,
        xsd::LONG,
        xsd::SHORT,
        xsd::BYTE,
        xsd::NON_NEGATIVE_INTEGER,
        xsd::POSITIVE_INTEGER,
        xsd::NEGATIVE_INTEGER,
        xsd::NON_POSITIVE_INTEGER,
        xsd::UNSIGNED_INT,
        xsd::UNSIGNED_LONG,
        xsd::UNSIGNED_SHORT,
        xsd::UNSIGNED_BYTE,
    ] {
        literals.push(typed("-1", datatype));
        literals.push(typed("42", datatype));
    }
    let graph = GraphName::from(BlankNode::new_unchecked("g"));
    for (i, literal) in literals.iter().enumerate() {
        store
            .insert(&quad(&format!("s{i}"), "p", literal.clone(), graph.clone()))
            .context("insert")?;
    }
    let snapshot = store.snapshot().context("snapshot")?;
    for (i, literal) in literals.iter().enumerate() {
        let found: Vec<Quad> = snapshot
            .quads_for_pattern(None, None, Some(literal.as_ref().into()), None)
            .context("pattern")?
            .collect::<Result<_, _>>()
            .context("iterate")?;
        let expected = quad(&format!("s{i}"), "p", literal.clone(), graph.clone());
        ensure!(
            found == [expected],
            "literal {literal} came back as {found:?}"
        );
    }
    drop(snapshot);
    check_valid(&store)
}

fn named_graphs<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let g = ex("g");
    ensure!(
        store.create_named_graph(g.as_ref()).context("create")?,
        "create new graph"
    );
    ensure!(
        !store.create_named_graph(g.as_ref()).context("create")?,
        "create existing graph"
    );
    ensure!(
        store.named_graphs().context("graphs")?.len() == 1,
        "empty graph listed"
    );
    store
        .insert(&quad("s", "p", ex("o"), g.clone()))
        .context("insert")?;
    store
        .insert(&quad("s", "p", ex("o"), GraphName::DefaultGraph))
        .context("insert")?;
    let snapshot = store.snapshot().context("snapshot")?;
    let in_default = snapshot
        .quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph))
        .context("pattern")?
        .count();
    let in_g = snapshot
        .quads_for_pattern(None, None, None, Some(g.as_ref().into()))
        .context("pattern")?
        .count();
    let everywhere = snapshot
        .quads_for_pattern(Some(ex("s").as_ref().into()), None, None, None)
        .context("pattern")?
        .count();
    ensure!(
        (in_default, in_g, everywhere) == (1, 1, 2),
        "graph scopes: {in_default} {in_g} {everywhere}"
    );
    drop(snapshot);
    ensure!(
        store.clear_graph(g.as_ref()).context("clear")? == 1,
        "clear removes the graph's quads"
    );
    ensure!(
        store.named_graphs().context("graphs")?.len() == 1,
        "cleared graph still exists"
    );
    store
        .insert(&quad("s", "p", ex("o"), g.clone()))
        .context("insert")?;
    ensure!(
        store.drop_named_graph(g.as_ref()).context("drop")?,
        "drop existing graph"
    );
    ensure!(
        store.named_graphs().context("graphs")?.is_empty(),
        "dropped graph is gone"
    );
    ensure!(store.len().context("len")? == 1, "default graph untouched");
    store
        .insert(&quad("s", "p", ex("o"), ex("h")))
        .context("insert")?;
    store.clear().context("clear all")?;
    ensure!(
        store.is_empty().context("is_empty")? && store.named_graphs().context("graphs")?.is_empty(),
        "clear empties everything"
    );
    check_valid(&store)
}

fn sample_document() -> String {
    let mut document = String::new();
    for i in 0..2_000 {
        document.push_str(&format!(
            "<http://example.com/s{}> <http://example.com/p{}> \"value {}\" <http://example.com/g{}> .\n",
            i % 97, i % 7, i % 501, i % 3
        ));
        document.push_str(&format!(
            "_:b{} <http://example.com/n> \"{}\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n",
            i % 50,
            i % 300
        ));
    }
    document
}

fn bulk_load_matches<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let document = sample_document();
    let reference = open(h.create())?;
    reference
        .load_from_reader(RdfFormat::NQuads, document.as_bytes(), &LoadOptions::new())
        .context("load")?;
    let bulk = open(h.create())?;
    bulk.insert(&quad(
        "s0",
        "p0",
        Literal::new_simple_literal("value 0"),
        ex("g0"),
    ))
    .context("insert")?;
    let mut chunks = 0;
    let loaded = bulk
        .bulk_loader()
        .context("loader")?
        .with_chunk_size(777)
        .with_term_cache_capacity(100)
        .on_progress(|p| chunks = p.chunks);
    let mut loader = loaded;
    for quad in oxrdfio::RdfParser::from_format(RdfFormat::NQuads).for_reader(document.as_bytes()) {
        loader.add(quad.context("parse")?).context("add")?;
    }
    loader.finish().context("finish")?;
    ensure!(chunks > 1, "several chunks written ({chunks})");
    ensure!(
        bulk.len().context("len")? == reference.len().context("len")?,
        "same count"
    );
    let expected: std::collections::HashSet<Quad> = reference
        .quads_for_pattern(None, None, None, None)
        .context("scan")?
        .into_iter()
        .collect();
    let found: std::collections::HashSet<Quad> = bulk
        .quads_for_pattern(None, None, None, None)
        .context("scan")?
        .into_iter()
        .collect();
    ensure!(
        expected == found,
        "bulk load differs from transactional load"
    );
    check_valid(&bulk)
}

fn bulk_load_documents<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    use trine_core::io::{Document, LoadError};

    let quads = sample_document();
    let turtle =
        "@prefix ex: <http://example.com/> .\nex:s1 ex:p1 \"value 1\" ; ex:q ex:o1, ex:o2 .\n";
    let triples = "<http://example.com/s2> <http://example.com/q> <http://example.com/o3> .\n";
    let documents = || {
        vec![
            Document::reader(
                "quads",
                RdfFormat::NQuads,
                std::io::Cursor::new(quads.clone()),
            ),
            Document::reader("turtle", RdfFormat::Turtle, std::io::Cursor::new(turtle)),
            Document::reader(
                "triples",
                RdfFormat::NTriples,
                std::io::Cursor::new(triples),
            ),
        ]
    };
    let reference = open(h.create())?;
    for document in documents() {
        let format = document.format();
        let reader = document.into_reader().context("reader")?;
        reference
            .load_from_reader(format, reader, &LoadOptions::new())
            .context("load")?;
    }
    let bulk = open(h.create())?;
    let counts = bulk
        .bulk_load_documents(documents(), &LoadOptions::new(), |_| {})
        .context("bulk load")?;
    let lines = quads.lines().count() as u64;
    ensure!(counts == [lines, 3, 1], "quads per document: {counts:?}");
    let all = |store: &Store<B>| -> Result<std::collections::HashSet<Quad>, String> {
        Ok(store
            .quads_for_pattern(None, None, None, None)
            .context("scan")?
            .into_iter()
            .collect())
    };
    ensure!(
        all(&bulk)? == all(&reference)?,
        "one load of three documents differs from three transactional loads"
    );
    check_valid(&bulk)?;

    // A syntax error names its document and keeps its position; the documents are still read
    // as one load, so the store stays consistent.
    let broken = open(h.create())?;
    let bad = vec![
        Document::reader("good", RdfFormat::NTriples, std::io::Cursor::new(triples)),
        Document::reader(
            "bad.ttl",
            RdfFormat::Turtle,
            &b"@prefix ex: <http://e.com/> .\nex:s ex:p .\n"[..],
        ),
    ];
    match broken.bulk_load_documents(bad, &LoadOptions::new(), |_| {}) {
        Err(LoadError::InDocument { document, source }) => {
            ensure!(document == "bad.ttl", "the error names {document:?}");
            ensure!(
                matches!(*source, LoadError::Syntax { position: Some(p), .. } if p.line == 2),
                "a syntax error on line 2: {source}"
            );
            ensure!(
                LoadError::InDocument { document, source }.code() == "rdf_syntax",
                "the code is the syntax error's"
            );
        }
        other => return Err(format!("expected an error in bad.ttl, got {other:?}")),
    }
    check_valid(&broken)?;

    // A base IRI that does not parse fails before anything is written.
    let untouched = open(h.create())?;
    let refused = untouched.bulk_load_documents(
        documents(),
        &LoadOptions::new().with_base_iri("not an IRI"),
        |_| {},
    );
    ensure!(
        matches!(refused, Err(LoadError::InvalidBaseIri(_))),
        "a bad base IRI is refused: {refused:?}"
    );
    ensure!(untouched.is_empty().context("is_empty")?, "nothing written");
    check_valid(&untouched)
}

fn compact_dictionary<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    let gone = quad(
        "gone",
        "p",
        Literal::new_simple_literal("a literal used once"),
        GraphName::DefaultGraph,
    );
    let kept = quad("kept", "p", ex("o"), ex("g"));
    store.extend([&gone, &kept]).context("extend")?;
    let old = store
        .snapshot()
        .context("snapshot")?
        .term_id(ex("gone").as_ref().into())
        .context("id")?
        .ok_or("no id")?;
    store.remove(&gone).context("remove")?;
    let removed = store.compact_dictionary().context("compact")?;
    ensure!(
        removed == 2,
        "compaction removed {removed} terms, expected 2"
    );
    ensure!(
        store.contains(&kept).context("contains")?,
        "live quads survive"
    );
    store.insert(&gone).context("reinsert")?;
    let new = store
        .snapshot()
        .context("snapshot")?
        .term_id(ex("gone").as_ref().into())
        .context("id")?
        .ok_or("no id")?;
    ensure!(new != old, "a collected id is not reused");
    ensure!(store.contains(&gone).context("contains")?, "reinserted");
    check_valid(&store)
}

fn dump_reload<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = open(h.create())?;
    store
        .load_from_reader(
            RdfFormat::NQuads,
            sample_document().as_bytes(),
            &LoadOptions::new(),
        )
        .context("load")?;
    let default_graph: std::collections::HashSet<Quad> = store
        .quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph))
        .context("scan")?
        .into_iter()
        .collect();
    for format in [
        RdfFormat::NQuads,
        RdfFormat::TriG,
        RdfFormat::JsonLd {
            profile: Default::default(),
        },
        RdfFormat::NTriples,
        RdfFormat::Turtle,
        RdfFormat::RdfXml,
    ] {
        let dump = store
            .dump_to_writer(format, Vec::new(), None)
            .context("dump")?;
        let copy = open(h.create())?;
        copy.load_from_reader(format, dump.as_slice(), &LoadOptions::new())
            .context("reload")?;
        let expected = if format.supports_datasets() {
            store.len().context("len")?
        } else {
            default_graph.len() as u64
        };
        ensure!(
            copy.len().context("len")? == expected,
            "{format}: {} quads after reload, expected {expected}",
            copy.len().context("len")?
        );
        if format.supports_datasets() {
            // Blank node labels may change; compare the quads without blank nodes.
            let named = |store: &Store<B>| -> Result<std::collections::HashSet<Quad>, String> {
                Ok(store
                    .quads_for_pattern(None, None, None, None)
                    .context("scan")?
                    .into_iter()
                    .filter(|q| q.subject.is_named_node())
                    .collect())
            };
            ensure!(
                named(&copy)? == named(&store)?,
                "{format}: content differs after reload"
            );
        }
    }
    Ok(())
}
