//! Cases on the byte-level contract itself.

use std::collections::BTreeMap;

use trine_core::kv::{
    Durability, KeyRange, Keyspace, KvBackend, KvCursor, KvSnapshot, SortedRun, WriteBatch,
};

use super::{Case, CaseResult, Context, Harness, Task, ensure, in_parallel};

pub(crate) fn cases<B: KvBackend>() -> Vec<Case<B>> {
    vec![
        ("kv: put, get, delete", put_get_delete),
        ("kv: cursor order and bounds", cursor_order_and_bounds),
        ("kv: cursor seek", cursor_seek),
        ("kv: snapshot isolation", snapshot_isolation),
        (
            "kv: batch is atomic across keyspaces",
            batch_across_keyspaces,
        ),
        ("kv: ingest sorted runs", ingest_sorted),
        (
            "kv: concurrent ingests keep every keyspace",
            concurrent_ingest,
        ),
        ("kv: data survives reopen", reopen),
        (
            "kv: mixed writes, ingests and seeks match a model",
            mixed_writes_match_a_model,
        ),
    ]
}

pub(super) fn collect(cursor: &mut impl KvCursor) -> Result<Vec<Vec<u8>>, String> {
    let mut keys = Vec::new();
    while let Some(key) = cursor.key() {
        keys.push(key.to_vec());
        cursor.advance().context("advance")?;
    }
    Ok(keys)
}

fn write(backend: &impl KvBackend, puts: &[(Keyspace, &[u8], &[u8])]) -> CaseResult {
    let mut batch = WriteBatch::new();
    for (keyspace, key, value) in puts {
        batch.put(*keyspace, *key, *value);
    }
    backend.write(batch, Durability::Buffered).context("write")
}

fn put_get_delete<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let backend = h.create();
    write(
        &backend,
        &[
            (Keyspace::IdToTerm, b"k", b"v"),
            (Keyspace::TermToId, b"k", b"w"),
        ],
    )?;
    let snapshot = backend.snapshot().context("snapshot")?;
    ensure!(
        snapshot.get(Keyspace::IdToTerm, b"k").context("get")? == Some(b"v".to_vec()),
        "get k"
    );
    ensure!(
        snapshot.get(Keyspace::TermToId, b"k").context("get")? == Some(b"w".to_vec()),
        "keyspaces are separate"
    );
    ensure!(
        snapshot
            .get(Keyspace::IdToTerm, b"missing")
            .context("get")?
            .is_none(),
        "absent key"
    );
    ensure!(
        snapshot
            .contains(Keyspace::IdToTerm, b"k")
            .context("contains")?,
        "contains"
    );
    drop(snapshot);
    write(&backend, &[(Keyspace::IdToTerm, b"k", b"")])?;
    let snapshot = backend.snapshot().context("snapshot")?;
    ensure!(
        snapshot.get(Keyspace::IdToTerm, b"k").context("get")? == Some(Vec::new()),
        "empty value is a value"
    );
    drop(snapshot);
    let mut batch = WriteBatch::new();
    batch.delete(Keyspace::IdToTerm, b"k".to_vec());
    backend.write(batch, Durability::Sync).context("delete")?;
    let snapshot = backend.snapshot().context("snapshot")?;
    ensure!(
        !snapshot
            .contains(Keyspace::IdToTerm, b"k")
            .context("contains")?,
        "deleted"
    );
    Ok(())
}

fn cursor_order_and_bounds<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let backend = h.create();
    let keys: [&[u8]; 7] = [b"", b"a", b"ab", b"abc", b"b", b"\xff", b"\xff\xff"];
    // Written in reverse to catch insertion-order leaks.
    for key in keys.iter().rev() {
        write(&backend, &[(Keyspace::Gspo, key, b"x")])?;
    }
    let snapshot = backend.snapshot().context("snapshot")?;
    let all = collect(
        &mut snapshot
            .cursor(Keyspace::Gspo, KeyRange::all())
            .context("cursor")?,
    )?;
    ensure!(all == keys.map(<[u8]>::to_vec), "full scan order: {all:?}");
    let prefix = collect(
        &mut snapshot
            .cursor(Keyspace::Gspo, KeyRange::prefix(b"a"))
            .context("cursor")?,
    )?;
    ensure!(
        prefix == [b"a".to_vec(), b"ab".to_vec(), b"abc".to_vec()],
        "prefix scan: {prefix:?}"
    );
    let ff = collect(
        &mut snapshot
            .cursor(Keyspace::Gspo, KeyRange::prefix(b"\xff"))
            .context("cursor")?,
    )?;
    ensure!(ff.len() == 2, "prefix 0xff scan: {ff:?}");
    let range = collect(
        &mut snapshot
            .cursor(
                Keyspace::Gspo,
                KeyRange::new(b"ab".to_vec(), Some(b"b".to_vec())),
            )
            .context("cursor")?,
    )?;
    ensure!(
        range == [b"ab".to_vec(), b"abc".to_vec()],
        "half-open range: {range:?}"
    );
    let empty = collect(
        &mut snapshot
            .cursor(
                Keyspace::Gspo,
                KeyRange::new(b"b".to_vec(), Some(b"a".to_vec())),
            )
            .context("cursor")?,
    )?;
    ensure!(empty.is_empty(), "inverted range is empty: {empty:?}");
    let other = collect(
        &mut snapshot
            .cursor(Keyspace::Gpos, KeyRange::all())
            .context("cursor")?,
    )?;
    ensure!(other.is_empty(), "other keyspace is empty");
    Ok(())
}

fn cursor_seek<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let backend = h.create();
    let mut batch = WriteBatch::new();
    for i in 0_u32..100 {
        batch.put(Keyspace::Gosp, (i * 2).to_be_bytes(), i.to_be_bytes());
    }
    backend
        .write(batch, Durability::Buffered)
        .context("write")?;
    let snapshot = backend.snapshot().context("snapshot")?;
    let range = KeyRange::new(
        10_u32.to_be_bytes().to_vec(),
        Some(100_u32.to_be_bytes().to_vec()),
    );
    let mut cursor = snapshot.cursor(Keyspace::Gosp, range).context("cursor")?;
    ensure!(
        cursor.key() == Some(&10_u32.to_be_bytes()[..]),
        "starts at range start"
    );
    cursor.seek(&51_u32.to_be_bytes()).context("seek")?;
    ensure!(
        cursor.key() == Some(&52_u32.to_be_bytes()[..]),
        "seek to a gap lands on the next key"
    );
    ensure!(
        cursor.value() == Some(&26_u32.to_be_bytes()[..]),
        "value after seek"
    );
    cursor.advance().context("advance")?;
    ensure!(
        cursor.key() == Some(&54_u32.to_be_bytes()[..]),
        "advance after seek"
    );
    cursor.seek(&0_u32.to_be_bytes()).context("seek")?;
    ensure!(
        cursor.key() == Some(&10_u32.to_be_bytes()[..]),
        "seek before the range clamps to its start"
    );
    cursor.seek(&98_u32.to_be_bytes()).context("seek")?;
    ensure!(
        cursor.key() == Some(&98_u32.to_be_bytes()[..]),
        "seek to an existing key"
    );
    cursor.advance().context("advance")?;
    ensure!(cursor.key().is_none(), "range end is exclusive");
    cursor.seek(&500_u32.to_be_bytes()).context("seek")?;
    ensure!(
        cursor.key().is_none() && cursor.value().is_none(),
        "seek past the end exhausts"
    );
    Ok(())
}

fn snapshot_isolation<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let backend = h.create();
    write(&backend, &[(Keyspace::Gspo, b"a", b"1")])?;
    let before = backend.snapshot().context("snapshot")?;
    let mut cursor = before
        .cursor(Keyspace::Gspo, KeyRange::all())
        .context("cursor")?;
    write(
        &backend,
        &[(Keyspace::Gspo, b"a", b"2"), (Keyspace::Gspo, b"b", b"3")],
    )?;
    let mut batch = WriteBatch::new();
    batch.delete(Keyspace::Gspo, b"a".to_vec());
    backend
        .write(batch, Durability::Buffered)
        .context("delete")?;
    ensure!(
        before.get(Keyspace::Gspo, b"a").context("get")? == Some(b"1".to_vec()),
        "old value kept"
    );
    ensure!(
        before.get(Keyspace::Gspo, b"b").context("get")?.is_none(),
        "later insert invisible"
    );
    ensure!(
        collect(&mut cursor)? == [b"a".to_vec()],
        "open cursor sees the old state"
    );
    let after = backend.snapshot().context("snapshot")?;
    ensure!(
        after.get(Keyspace::Gspo, b"a").context("get")?.is_none(),
        "new snapshot sees the delete"
    );
    ensure!(
        after.get(Keyspace::Gspo, b"b").context("get")? == Some(b"3".to_vec()),
        "new snapshot sees the insert"
    );
    Ok(())
}

fn batch_across_keyspaces<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let backend = h.create();
    let before = backend.snapshot().context("snapshot")?;
    let mut batch = WriteBatch::new();
    for keyspace in Keyspace::ALL {
        batch.put(keyspace, b"k".to_vec(), keyspace.name().as_bytes().to_vec());
    }
    batch.put(Keyspace::Meta, b"k".to_vec(), b"last wins".to_vec());
    backend.write(batch, Durability::Sync).context("write")?;
    for keyspace in Keyspace::ALL {
        ensure!(
            before.get(keyspace, b"k").context("get")?.is_none(),
            "{keyspace} leaked into an older snapshot"
        );
    }
    let after = backend.snapshot().context("snapshot")?;
    for keyspace in Keyspace::ALL {
        let expected: &[u8] = if keyspace == Keyspace::Meta {
            b"last wins"
        } else {
            keyspace.name().as_bytes()
        };
        ensure!(
            after.get(keyspace, b"k").context("get")?.as_deref() == Some(expected),
            "{keyspace} missing its write"
        );
    }
    Ok(())
}

fn ingest_sorted<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let backend = h.create();
    write(&backend, &[(Keyspace::Posg, &5_u64.to_be_bytes(), b"old")])?;
    let entries: Vec<(Vec<u8>, Vec<u8>)> = (0_u64..1000)
        .map(|i| {
            (
                i.to_be_bytes().to_vec(),
                vec![u8::try_from(i % 256).unwrap_or(0)],
            )
        })
        .collect();
    backend
        .ingest_sorted(Keyspace::Posg, entries.into())
        .context("ingest")?;
    backend
        .ingest_sorted(Keyspace::Posg, Vec::new().into())
        .context("empty ingest")?;
    let snapshot = backend.snapshot().context("snapshot")?;
    let keys = collect(
        &mut snapshot
            .cursor(Keyspace::Posg, KeyRange::all())
            .context("cursor")?,
    )?;
    ensure!(keys.len() == 1000, "ingested {} keys", keys.len());
    ensure!(
        snapshot
            .get(Keyspace::Posg, &5_u64.to_be_bytes())
            .context("get")?
            == Some(vec![5]),
        "ingest overwrites"
    );
    Ok(())
}

fn reopen<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let backend = h.create();
    write(&backend, &[(Keyspace::Ospg, b"persist", b"me")])?;
    backend
        .ingest_sorted(Keyspace::Spog, vec![(b"x".to_vec(), b"y".to_vec())].into())
        .context("ingest")?;
    backend.flush().context("flush")?;
    let backend = h.reopen(backend);
    let snapshot = backend.snapshot().context("snapshot")?;
    ensure!(
        snapshot.get(Keyspace::Ospg, b"persist").context("get")? == Some(b"me".to_vec()),
        "batch lost on reopen"
    );
    ensure!(
        snapshot.get(Keyspace::Spog, b"x").context("get")? == Some(b"y".to_vec()),
        "ingest lost on reopen"
    );
    Ok(())
}

/// The bulk loader ingests its six indexes from parallel threads (a lost-update bug once hid here).
fn concurrent_ingest<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let backend = h.create();
    let keyspaces = [
        Keyspace::Gspo,
        Keyspace::Gpos,
        Keyspace::Gosp,
        Keyspace::Spog,
        Keyspace::Posg,
        Keyspace::Ospg,
    ];
    let backend = &backend;
    let tasks: Vec<Task<'_, Result<(), trine_core::kv::KvError>>> = keyspaces
        .iter()
        .map(|&keyspace| -> Task<'_, _> {
            Box::new(move || {
                for round in 0_u64..5 {
                    let entries: SortedRun = (0_u64..200)
                        .map(|i| ((round * 1000 + i).to_be_bytes().to_vec(), Vec::new()))
                        .collect();
                    backend.ingest_sorted(keyspace, entries)?;
                }
                Ok(())
            })
        })
        .collect();
    for outcome in in_parallel(tasks) {
        outcome
            .map_err(|panic| format!("ingest thread {panic}"))?
            .context("ingest")?;
    }
    let snapshot = backend.snapshot().context("snapshot")?;
    for keyspace in keyspaces {
        let keys = collect(
            &mut snapshot
                .cursor(keyspace, KeyRange::all())
                .context("cursor")?,
        )?;
        ensure!(
            keys.len() == 1000,
            "{keyspace} holds {} keys, expected 1000",
            keys.len()
        );
    }
    Ok(())
}

/// A small deterministic generator (xorshift), so the case needs no dependency and replays exactly.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }

    fn key(&mut self) -> Vec<u8> {
        // Several lengths, so keys that are prefixes of others occur, and long keys whose first
        // 16 (or 32) bytes are shared by thousands of others.
        let key = self.below(40_000);
        match key % 7 {
            0 => key.to_be_bytes()[..6].to_vec(),
            1 | 2 => [[0; 8], (key % 3).to_be_bytes(), key.to_be_bytes()].concat(),
            3 => [
                [0; 8],
                [1; 8],
                [2; 8],
                (key % 2).to_be_bytes(),
                key.to_be_bytes(),
            ]
            .concat(),
            _ => key.to_be_bytes().to_vec(),
        }
    }
}

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

fn scan_matches(
    snapshot: &impl KvSnapshot,
    model: &Model,
    random: &mut Random,
    what: &str,
) -> CaseResult {
    let all = collect(
        &mut snapshot
            .cursor(Keyspace::Gpos, KeyRange::all())
            .context("cursor")?,
    )?;
    ensure!(
        all.len() == model.len() && all.iter().eq(model.keys()),
        "{what}: a full scan has {} keys, the model {}",
        all.len(),
        model.len()
    );
    for _ in 0..200 {
        let (start, end) = (random.key(), random.key());
        let range = KeyRange::new(start.clone(), Some(end.clone()));
        let mut cursor = snapshot.cursor(Keyspace::Gpos, range).context("cursor")?;
        // The next entries the model has from `from` on, inside the range.
        let window = |from: &[u8]| -> Vec<(&Vec<u8>, &Vec<u8>)> {
            model
                .range(from.to_vec()..)
                .take_while(|(k, _)| **k < end)
                .take(32)
                .collect()
        };
        let mut expected = window(&start);
        let mut at = 0;
        let mut steps = 0;
        loop {
            let want = expected.get(at);
            ensure!(
                cursor.key() == want.map(|(k, _)| k.as_slice())
                    && cursor.value() == want.map(|(_, v)| v.as_slice()),
                "{what}: range {start:?}..{end:?} differs after {steps} steps"
            );
            if want.is_none() || steps > 20 {
                break;
            }
            steps += 1;
            if random.below(4) == 0 {
                // Seek anywhere, backwards too.
                let target = random.key();
                cursor.seek(&target).context("seek")?;
                expected = window(if target > start { &target } else { &start });
                at = 0;
            } else {
                cursor.advance().context("advance")?;
                at += 1;
            }
        }
        let found = snapshot.get(Keyspace::Gpos, &start).context("get")?;
        ensure!(
            found.as_ref() == model.get(&start),
            "{what}: get {start:?} differs"
        );
    }
    Ok(())
}

/// Enough puts, deletes and sorted runs, in small and large batches, that backends which layer
/// their data (memtables, runs, overlays) go through each of their shapes; every read is compared
/// with a plain ordered map, and an old snapshot with the map as it was.
fn mixed_writes_match_a_model<B: KvBackend>(h: &Harness<'_, B>) -> CaseResult {
    let backend = h.create();
    let mut model = Model::new();
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut old: Option<(B::Snapshot<'_>, Model)> = None;
    for round in 0..24 {
        match round % 4 {
            // A sorted run that overwrites some keys and adds others.
            0 | 2 => {
                let mut entries = BTreeMap::new();
                for _ in 0..random.below(6_000) {
                    entries.insert(random.key(), vec![round]);
                }
                model.extend(entries.clone());
                let run: SortedRun = entries.into_iter().collect();
                if round % 8 == 0 {
                    backend
                        .ingest_sorted(Keyspace::Gpos, run)
                        .context("ingest")?;
                } else {
                    let mut batch = WriteBatch::new();
                    batch.put_sorted(Keyspace::Gpos, run);
                    backend
                        .write(batch, Durability::Buffered)
                        .context("write run")?;
                }
            }
            // Single puts and deletes, some of keys that do not exist.
            _ => {
                let mut batch = WriteBatch::new();
                for _ in 0..random.below(12_000) {
                    let key = random.key();
                    if random.below(3) == 0 {
                        batch.delete(Keyspace::Gpos, key.clone());
                        model.remove(&key);
                    } else {
                        batch.put(Keyspace::Gpos, key.clone(), vec![round, 1]);
                        model.insert(key, vec![round, 1]);
                    }
                }
                backend
                    .write(batch, Durability::Buffered)
                    .context("write")?;
            }
        }
        if round == 10 {
            old = Some((backend.snapshot().context("snapshot")?, model.clone()));
        }
        if round % 6 == 5 {
            let snapshot = backend.snapshot().context("snapshot")?;
            scan_matches(&snapshot, &model, &mut random, &format!("round {round}"))?;
        }
    }
    if let Some((snapshot, then)) = old {
        scan_matches(&snapshot, &then, &mut random, "old snapshot")?;
    }
    Ok(())
}
