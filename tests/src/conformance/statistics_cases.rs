//! Cases on the planner's statistics: exact after an analysis, kept through writes, persisted.

use oxrdf::{GraphName, Literal, NamedNode, Quad};
use trine_core::Store;
use trine_core::kv::KvBackend;
use trine_core::storage::{QuadRead, Statistics};

use super::{Case, CaseResult, Context, Harness, ensure};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![(
        "store: planner statistics follow bulk loads, writes and deletes",
        statistics_follow_writes,
    )]
}

fn ex(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("http://example.com/{name}"))
}

/// 200 subjects with `type`, `p1` (one of 10 values) and two `p2`; 100 with `type`, `p1` and
/// three `p3`.
fn data() -> Vec<Quad> {
    let mut quads = Vec::new();
    for i in 0..300 {
        let s = ex(&format!("s{i}"));
        let kind = if i < 200 { "A" } else { "B" };
        quads.push(Quad::new(
            s.clone(),
            ex("type"),
            ex(kind),
            GraphName::DefaultGraph,
        ));
        quads.push(Quad::new(
            s.clone(),
            ex("p1"),
            Literal::new_simple_literal(format!("v{}", i % 10)),
            GraphName::DefaultGraph,
        ));
        let (p, n) = if i < 200 { ("p2", 2) } else { ("p3", 3) };
        for j in 0..n {
            quads.push(Quad::new(
                s.clone(),
                ex(p),
                ex(&format!("o{i}-{j}")),
                GraphName::DefaultGraph,
            ));
        }
    }
    quads
}

/// (quads, subjects, objects) of `name` as the statistics give them now.
fn predicate<B: KvBackend>(
    store: &Store<B>,
    statistics: &Statistics,
    name: &str,
) -> Result<Option<(u64, u64, u64)>, String> {
    let snapshot = store.snapshot().context("snapshot")?;
    let Some(id) = snapshot.term_id(ex(name).as_ref().into()).context("id")? else {
        return Ok(None);
    };
    let current = snapshot.predicate_count(id).context("count")?;
    Ok(statistics
        .predicate(id, current)
        .map(|p| (p.quads, p.subjects, p.objects)))
}

fn statistics_follow_writes<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let store = Store::open(h.create()).context("open")?;
    let mut loader = store.bulk_loader().context("loader")?;
    for quad in data() {
        loader.add(quad).context("add")?;
    }
    loader.finish().context("finish")?;
    let stats = store.statistics().context("statistics")?;
    ensure!(
        stats.analyzed_quads == 1_300 && stats.quads == 1_300 && stats.changes_since_analysis == 0,
        "a bulk load analyzes: {} analyzed, {} now, {} changes",
        stats.analyzed_quads,
        stats.quads,
        stats.changes_since_analysis
    );
    // Into an empty store the load analyzes the quads as it writes them: a scan must agree.
    let normalized = |mut stats: Statistics| {
        stats.predicates.sort_by_key(|p| p.predicate);
        stats
            .characteristic_sets
            .sort_by(|a, b| a.predicates.cmp(&b.predicates));
        stats
    };
    let scanned = store.analyze().context("analyze")?;
    ensure!(
        normalized(scanned) == normalized(stats.clone()),
        "the load's analysis differs from a scan's"
    );
    let p1 = predicate(&store, &stats, "p1")?;
    ensure!(p1 == Some((300, 300, 10)), "p1 after the load: {p1:?}");
    let p2 = predicate(&store, &stats, "p2")?;
    ensure!(p2 == Some((400, 200, 400)), "p2 after the load: {p2:?}");
    let snapshot = store.snapshot().context("snapshot")?;
    let id = |name: &str| {
        snapshot
            .term_id(ex(name).as_ref().into())
            .context("id")?
            .ok_or_else(|| format!("{name} unknown"))
    };
    let mut star = vec![id("p1")?, id("p2")?];
    star.sort_unstable();
    let estimate = stats.star(&star);
    ensure!(
        estimate == Some((200.0, 400.0)),
        "star p1, p2 from the characteristic sets: {estimate:?}"
    );
    let mut sizes: Vec<u64> = stats
        .characteristic_sets
        .iter()
        .map(|s| s.subjects)
        .collect();
    sizes.sort_unstable();
    ensure!(
        sizes == [100, 200],
        "two characteristic sets, of 100 and 200 subjects: {:?}",
        stats.characteristic_sets
    );
    drop(snapshot);

    // A few writes: counts move exactly, distinct counts scale, no new analysis.
    let extra: Vec<Quad> = (0..10)
        .map(|i| {
            Quad::new(
                ex(&format!("s{i}")),
                ex("p2"),
                ex(&format!("extra{i}")),
                GraphName::DefaultGraph,
            )
        })
        .collect();
    store.extend(&extra).context("insert")?;
    let stats = store.statistics().context("statistics")?;
    ensure!(
        stats.changes_since_analysis == 10 && stats.analyzed_quads == 1_300,
        "10 changes since the analysis: {}",
        stats.changes_since_analysis
    );
    let p2 = predicate(&store, &stats, "p2")?;
    ensure!(p2 == Some((410, 205, 410)), "p2 scaled: {p2:?}");

    // Past the threshold, the committing write analyzes again.
    let many: Vec<Quad> = (0..1_200)
        .map(|i| {
            Quad::new(
                ex(&format!("n{}", i % 400)),
                ex("p4"),
                Literal::from(i64::from(i)),
                GraphName::DefaultGraph,
            )
        })
        .collect();
    store.extend(&many).context("insert")?;
    let stats = store.statistics().context("statistics")?;
    ensure!(
        stats.changes_since_analysis == 0 && stats.analyzed_quads == 2_510,
        "re-analyzed after 1,210 changes: {} analyzed, {} changes",
        stats.analyzed_quads,
        stats.changes_since_analysis
    );
    let p4 = predicate(&store, &stats, "p4")?;
    ensure!(p4 == Some((1_200, 400, 1_200)), "p4 analyzed: {p4:?}");
    let p2 = predicate(&store, &stats, "p2")?;
    ensure!(p2 == Some((410, 200, 410)), "p2 analyzed: {p2:?}");

    // Deletes: the exact count falls to zero, and so do the estimates.
    let removed = store
        .transact(|txn| {
            let quads = txn
                .quads_for_pattern(None, Some(ex("p2").as_ref()), None, None)?
                .collect::<Result<Vec<_>, _>>()?;
            for quad in &quads {
                txn.remove(quad.as_ref())?;
            }
            Ok::<_, trine_core::storage::StorageError>(quads.len())
        })
        .context("delete")?;
    ensure!(removed == 410, "410 p2 quads removed ({removed})");
    let stats = store.statistics().context("statistics")?;
    let p2 = predicate(&store, &stats, "p2")?;
    ensure!(
        p2.is_none_or(|(quads, subjects, objects)| quads + subjects + objects == 0),
        "p2 gone: {p2:?}"
    );
    let analyzed = store.analyze().context("analyze")?;
    ensure!(
        analyzed.analyzed_quads == 2_100 && analyzed.changes_since_analysis == 0,
        "an explicit analysis: {} quads",
        analyzed.analyzed_quads
    );

    // The analysis survives reopening.
    let backend = h.reopen(store.into_backend());
    let store = Store::open(backend).context("reopen")?;
    let reopened = store.statistics().context("statistics")?;
    ensure!(
        reopened == analyzed,
        "statistics after reopening differ: {reopened:?} vs {analyzed:?}"
    );
    let report = store.validate().context("validate")?;
    ensure!(report.is_ok(), "invariants broken: {:?}", report.problems);
    Ok(())
}
