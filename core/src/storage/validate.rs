use std::collections::HashSet;

use super::fingerprint::Fingerprint;
use super::{QuadRead, StorageError};
use crate::encoding::{IndexFlags, QuadOrder, TermId};
use crate::kv::{KeyRange, Keyspace, KvCursor, KvSnapshot};

/// What [`validate`](crate::Store::validate) found; empty `problems` means the store is consistent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationReport {
    /// Quads counted in the GSPO index.
    pub quads: u64,
    /// Dictionary entries.
    pub terms: u64,
    /// Each inconsistency found, in words.
    pub problems: Vec<String>,
}

impl ValidationReport {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Dictionary ids remembered as present while validating (bounded memory on huge stores).
const KNOWN_IDS: usize = 4_000_000;

/// Checks every invariant the storage layer maintains, by full scans.
///
/// The six indexes are compared through order-independent fingerprints, one sequential scan
/// each; only when one differs from GSPO are the quads it gets wrong named, by looking each
/// GSPO entry up in it.
pub(crate) fn validate(reader: &impl QuadRead) -> Result<ValidationReport, StorageError> {
    let mut report = ValidationReport::default();
    let kv = reader.kv();
    let mut predicate_counts = std::collections::HashMap::<TermId, u64>::new();
    let mut graphs = HashSet::new();
    let (mut every, mut named) = (Fingerprint::default(), Fingerprint::default());
    let mut known = HashSet::new();
    let mut gspo = kv.cursor(Keyspace::Gspo, KeyRange::all())?;
    while let Some(key) = gspo.key() {
        let Some(quad) = QuadOrder::Gspo.decode(key) else {
            report.problems.push(format!("malformed GSPO key {key:?}"));
            gspo.advance()?;
            continue;
        };
        let value = gspo.value().unwrap_or_default();
        if IndexFlags::from_value(value).is_empty() {
            report
                .problems
                .push(format!("{quad:?} has no flags in GSPO"));
        }
        report.quads += 1;
        *predicate_counts.entry(quad.predicate).or_default() += 1;
        every.add_quad(&quad, value);
        if quad.graph != TermId::DEFAULT_GRAPH {
            named.add_quad(&quad, value);
            graphs.insert(quad.graph);
        }
        for id in [quad.subject, quad.predicate, quad.object, quad.graph] {
            // Ids recur across quads: each is looked up once.
            if !id.is_dictionary() || known.contains(&id) {
                continue;
            }
            if kv.get(Keyspace::IdToTerm, &id.to_be_bytes())?.is_none() {
                report
                    .problems
                    .push(format!("{id:?} of {quad:?} is not in the dictionary"));
            } else if known.len() < KNOWN_IDS {
                known.insert(id);
            }
        }
        gspo.advance()?;
    }
    drop(gspo);

    let mut differing = Vec::new();
    for order in QuadOrder::ALL {
        if order == QuadOrder::Gspo {
            continue;
        }
        // Graph-last orders hold named-graph quads only.
        let expected = if QuadOrder::GRAPH_FIRST.contains(&order) {
            every
        } else {
            named
        };
        let mut found = Fingerprint::default();
        let mut cursor = kv.cursor(order.keyspace(), KeyRange::all())?;
        while let Some(key) = cursor.key() {
            match order.decode(key) {
                Some(quad) => found.add_quad(&quad, cursor.value().unwrap_or_default()),
                None => report
                    .problems
                    .push(format!("malformed {order:?} key {key:?}")),
            }
            cursor.advance()?;
        }
        if found != expected {
            report
                .problems
                .push(if found.entries() == expected.entries() {
                    format!("{order:?} does not hold the same quads as GSPO")
                } else {
                    format!(
                        "{order:?} holds {} entries, expected {}",
                        found.entries(),
                        expected.entries()
                    )
                });
            differing.push(order);
        }
    }
    if !differing.is_empty() {
        name_differences(kv, &differing, &mut report)?;
    }

    let stored = reader.len()?;
    if stored != report.quads {
        report.problems.push(format!(
            "quad count says {stored}, GSPO holds {}",
            report.quads
        ));
    }
    for (predicate, expected) in &predicate_counts {
        let stored = reader.predicate_count(*predicate)?;
        if stored != *expected {
            report.problems.push(format!(
                "count of {predicate:?} says {stored}, found {expected}"
            ));
        }
    }
    if count(kv, Keyspace::Stats)? != predicate_counts.len() as u64 {
        report
            .problems
            .push("stats hold counts for absent predicates".into());
    }
    let declared: HashSet<_> = reader.named_graph_ids()?.into_iter().collect();
    for graph in graphs.difference(&declared) {
        report
            .problems
            .push(format!("graph {graph:?} has quads but is not declared"));
    }
    let dictionary = super::repair::DictionaryDirections::scan(kv)?;
    let [ids, keys] = dictionary.entries;
    report.terms = ids;
    if keys != ids {
        report
            .problems
            .push(format!("{ids} ids but {keys} terms in the dictionary"));
    } else if !dictionary.agree() {
        report
            .problems
            .push("the dictionary's two directions hold different pairs".into());
    }
    Ok(report)
}

/// Names each GSPO quad that `orders` hold with other flags or not at all.
fn name_differences(
    kv: &impl KvSnapshot,
    orders: &[QuadOrder],
    report: &mut ValidationReport,
) -> Result<(), StorageError> {
    let mut gspo = kv.cursor(Keyspace::Gspo, KeyRange::all())?;
    while let Some(key) = gspo.key() {
        if let Some(quad) = QuadOrder::Gspo.decode(key) {
            let stored = gspo.value().map(<[u8]>::to_vec);
            for order in orders {
                if order.holds(&quad) && kv.get(order.keyspace(), &order.key(&quad))? != stored {
                    report
                        .problems
                        .push(format!("{quad:?} differs between GSPO and {order:?}"));
                }
            }
        }
        gspo.advance()?;
    }
    Ok(())
}

fn count(kv: &impl KvSnapshot, keyspace: Keyspace) -> Result<u64, StorageError> {
    let mut cursor = kv.cursor(keyspace, KeyRange::all())?;
    let mut count = 0;
    while cursor.key().is_some() {
        count += 1;
        cursor.advance()?;
    }
    Ok(count)
}
