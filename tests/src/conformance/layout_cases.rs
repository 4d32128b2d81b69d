//! Cases on the dictionary's layout: long literals keyed by a hash, and stores of the first
//! layout upgraded when they are opened.

use oxrdf::vocab::xsd;
use oxrdf::{GraphName, Literal, Quad, Term};
use trine_core::Store;
use trine_core::encoding::encode_term_bytes;
use trine_core::kv::{Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvSnapshot, WriteBatch};
use trine_core::storage::QuadRead;

use super::sparql_cases::sorted_rows;
use super::{
    Case, CaseResult, Context, Harness, check_valid, ensure, ex, sorted_quads, sorted_strings,
};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![
        (
            "store: long literals are found by their text, in every write path",
            long_literals_are_found,
        ),
        (
            "store: a store of the first layout is upgraded on opening",
            first_layout_is_upgraded,
        ),
    ]
}

/// The meta keys of the layout version and of an upgrade under way, and the version of a store
/// whose dictionary keyed every term by its bytes.
const FORMAT_KEY: &[u8] = b"format";
const UPGRADING_KEY: &[u8] = b"upgrading";
const FIRST_LAYOUT: u32 = 1;

/// Long literals of each kind the dictionary hashes, two of them sharing all but their last
/// character, and a short one it does not.
fn literals() -> Vec<Literal> {
    let text = "a description long enough that the dictionary keys it by a hash of its text";
    vec![
        Literal::new_simple_literal(format!("{text}.")),
        Literal::new_simple_literal(format!("{text}!")),
        Literal::new_language_tagged_literal_unchecked(text, "en"),
        Literal::new_typed_literal(text, xsd::TOKEN),
        Literal::new_simple_literal("a short literal"),
    ]
}

fn quads(subject: &str) -> Vec<Quad> {
    literals()
        .into_iter()
        .enumerate()
        .map(|(i, literal)| {
            Quad::new(
                ex(subject),
                ex(&format!("p{i}")),
                literal,
                GraphName::DefaultGraph,
            )
        })
        .collect()
}

/// Each long literal is one term whichever way it arrives: inserted, bulk-loaded into a store
/// that holds it, matched by a query constant, removed and collected.
fn long_literals_are_found<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open")?;
    store.extend(&quads("a")).context("extend")?;
    let ids = {
        let snapshot = store.snapshot().context("snapshot")?;
        literals()
            .iter()
            .map(|literal| snapshot.term_id(literal.as_ref().into()))
            .collect::<Result<Vec<_>, _>>()
            .context("ids")?
    };
    ensure!(
        ids.iter()
            .all(Option::is_some)
            .then(|| ids.iter().collect::<std::collections::HashSet<_>>().len())
            == Some(ids.len()),
        "every literal has its own id: {ids:?}"
    );
    // Again, and through the bulk loader of a store that holds them (its cache starts empty).
    store.extend(&quads("a")).context("extend again")?;
    let loaded = store.bulk_load_quads(quads("b")).context("bulk load")?;
    ensure!(loaded == 5, "{loaded} quads loaded");
    ensure!(store.len().context("len")? == 10, "every quad once");
    let snapshot = store.snapshot().context("snapshot")?;
    for (literal, id) in literals().iter().zip(&ids) {
        ensure!(
            snapshot.term_id(literal.as_ref().into()).context("id")? == *id,
            "{literal} changed its id"
        );
    }
    let rows = sorted_rows(
        &snapshot,
        &format!(
            "SELECT ?s {{ ?s ?p {} }}",
            Term::from(literals()[0].clone())
        ),
    )?;
    ensure!(
        rows == ["<http://example.com/a>", "<http://example.com/b>"],
        "a query constant finds the literal: {rows:?}"
    );
    drop(snapshot);
    check_valid(&store)?;
    for quad in quads("a").iter().chain(&quads("b")) {
        store.remove(quad).context("remove")?;
    }
    // Five literals, two subjects and five predicates.
    let removed = store.compact_dictionary().context("compact")?;
    ensure!(
        removed == 12,
        "compaction removed {removed} terms, expected 12"
    );
    check_valid(&store)?;
    store
        .extend(&quads("a"))
        .context("extend after compaction")?;
    ensure!(store.len().context("len")? == 5, "every quad back once");
    check_valid(&store)
}

/// How a store of the first layout is left before this build opens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Before {
    /// Written by the old build.
    Written,
    /// Being upgraded when it stopped: the new version and the mark written, nothing rekeyed.
    UpgradeStopped,
    /// Left by a bulk load that stopped between the two dictionary directions: a long literal's
    /// key is written and its term is not.
    LoadStopped,
}

/// A store whose dictionary keys long literals by their bytes (layout 1) is rewritten when
/// opened, also when an upgrade or a load stopped part-way: its literals are found again rather
/// than added a second time. A layout newer than this build's is refused.
fn first_layout_is_upgraded<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    for before in [Before::Written, Before::UpgradeStopped, Before::LoadStopped] {
        upgrade_from(h, before).map_err(|error| format!("{before:?}: {error}"))?;
    }
    Ok(())
}

fn upgrade_from<B: KvBackend>(h: &Harness<'_, B>, before: Before) -> CaseResult {
    let store = Store::open(h.create()).context("open")?;
    let data = quads("a");
    store.extend(&data).context("extend")?;
    // A literal whose quad is gone but whose term stays, as a stopped load leaves its new terms.
    let orphan = Quad::new(
        ex("o"),
        ex("p"),
        Literal::new_simple_literal(format!("{} (orphan)", literals()[0].value())),
        GraphName::DefaultGraph,
    );
    store.insert(&orphan).context("insert")?;
    store.remove(&orphan).context("remove")?;
    let mut terms: Vec<Term> = literals().into_iter().map(Term::from).collect();
    terms.push(orphan.object.clone());
    let ids: Vec<(Vec<u8>, Vec<u8>)> = {
        let snapshot = store.snapshot().context("snapshot")?;
        let mut ids = Vec::new();
        for term in &terms {
            let id = snapshot
                .term_id(term.as_ref())
                .context("id")?
                .ok_or("no id")?;
            let mut bytes = Vec::new();
            encode_term_bytes(term.as_ref(), &mut bytes);
            ids.push((bytes, id.to_be_bytes().to_vec()));
        }
        ids
    };
    // Rewrite the dictionary as the first layout had it: every term keyed by its bytes.
    let mut batch = WriteBatch::new();
    {
        let kv = store.backend().snapshot().context("snapshot")?;
        let mut cursor = kv
            .cursor(Keyspace::TermToId, KeyRange::all())
            .context("cursor")?;
        while let (Some(key), Some(value)) = (cursor.key(), cursor.value()) {
            if let Some((bytes, _)) = ids.iter().find(|(_, id)| id.as_slice() == value) {
                batch.delete(Keyspace::TermToId, key);
                batch.put(Keyspace::TermToId, bytes.as_slice(), value);
            }
            cursor.advance().context("advance")?;
        }
    }
    match before {
        Before::Written => batch.put(Keyspace::Meta, FORMAT_KEY, FIRST_LAYOUT.to_be_bytes()),
        Before::UpgradeStopped => batch.put(Keyspace::Meta, UPGRADING_KEY, []),
        Before::LoadStopped => {
            batch.put(Keyspace::Meta, FORMAT_KEY, FIRST_LAYOUT.to_be_bytes());
            let (_, orphan_id) = ids.last().ok_or("no orphan")?;
            batch.delete(Keyspace::IdToTerm, orphan_id.as_slice());
        }
    }
    store
        .backend()
        .write(batch, Durability::Sync)
        .context("rewrite")?;
    if before == Before::LoadStopped {
        // A loader that never finishes leaves the mark that has the store repaired on opening.
        std::mem::forget(store.bulk_loader().context("bulk loader")?);
    }
    let backend = h.reopen(store.into_backend());
    let store = Store::open(backend).context("open the first layout")?;
    check_valid(&store)?;
    {
        let snapshot = store.snapshot().context("snapshot")?;
        for (term, (_, id)) in terms.iter().zip(&ids) {
            let found = snapshot.term_id(term.as_ref()).context("id")?;
            ensure!(
                found.map(|id| id.to_be_bytes().to_vec()).as_ref() == Some(id),
                "{term} is not found after the upgrade"
            );
        }
        let version = snapshot
            .kv()
            .get(Keyspace::Meta, FORMAT_KEY)
            .context("format")?;
        ensure!(
            version.as_deref() != Some(FIRST_LAYOUT.to_be_bytes().as_slice()),
            "the layout version did not move on"
        );
        ensure!(
            !snapshot
                .kv()
                .contains(Keyspace::Meta, UPGRADING_KEY)
                .context("mark")?,
            "the upgrade is still marked as under way"
        );
    }
    store.extend(&data).context("extend")?;
    store.insert(&orphan).context("insert")?;
    ensure!(
        store.len().context("len")? == 6,
        "a literal was added twice"
    );
    let stored = sorted_quads(&store)?;
    let expected = sorted_strings(data.iter().chain([&orphan]));
    ensure!(
        stored == expected,
        "terms read back differently: {stored:?}"
    );
    check_valid(&store)?;

    // A layout newer than this build's is refused, not read.
    let mut batch = WriteBatch::new();
    batch.put(Keyspace::Meta, FORMAT_KEY, u32::MAX.to_be_bytes());
    store
        .backend()
        .write(batch, Durability::Sync)
        .context("newer layout")?;
    let backend = h.reopen(store.into_backend());
    ensure!(
        Store::open(backend).is_err(),
        "a store of a newer layout was opened"
    );
    Ok(())
}
