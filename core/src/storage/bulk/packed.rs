//! Index entries held back during a bulk load: sorted runs of one chunk, delta-encoded, merged into
//! one sorted stream when they are written.
//!
//! A chunk's entries are sorted, so consecutive keys share their leading components: an entry is
//! stored as the position of the first component that changed, the increase of that component,
//! and the components after it in full. Full components are rotated so the term tag (the high
//! byte) comes last and small payloads stay short varints. A quad then takes about 8 bytes per
//! ordering instead of the 33 of its key and flags.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::kv::SortedRun;

/// Set in an entry's header byte when a flags byte follows the entry.
const HAS_FLAGS: u8 = 0b100;

/// One ordering's entries of one chunk, strictly increasing, delta-encoded.
#[derive(Debug, Default)]
pub(super) struct PackedRun {
    bytes: Vec<u8>,
    len: usize,
}

impl PackedRun {
    /// Packs `entries` (key components and stored flags byte, strictly increasing keys).
    pub(super) fn from_sorted(entries: impl IntoIterator<Item = ([u64; 4], u8)>) -> Self {
        let mut run = Self::default();
        let mut previous = [0_u64; 4];
        for (key, flags) in entries {
            let changed = (0..4).find(|&i| key[i] != previous[i]).unwrap_or(3);
            let header = changed as u8 | if flags == 0 { 0 } else { HAS_FLAGS };
            run.bytes.push(header);
            write_varint(&mut run.bytes, key[changed].wrapping_sub(previous[changed]));
            for component in &key[changed + 1..] {
                write_varint(&mut run.bytes, component.rotate_left(8));
            }
            if flags != 0 {
                run.bytes.push(flags);
            }
            previous = key;
            run.len += 1;
        }
        run
    }

    /// Number of entries.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    fn entries(&self) -> Entries<'_> {
        Entries {
            bytes: &self.bytes,
            previous: [0; 4],
        }
    }
}

/// The entries of a [`PackedRun`], in order.
struct Entries<'a> {
    bytes: &'a [u8],
    previous: [u64; 4],
}

impl Iterator for Entries<'_> {
    type Item = ([u64; 4], u8);

    fn next(&mut self) -> Option<Self::Item> {
        let (&header, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        let changed = usize::from(header & 0b11);
        let mut key = self.previous;
        key[changed] = key[changed].wrapping_add(read_varint(&mut self.bytes));
        for component in &mut key[changed + 1..] {
            *component = read_varint(&mut self.bytes).rotate_right(8);
        }
        let mut flags = 0;
        if header & HAS_FLAGS != 0 {
            let (&byte, rest) = self.bytes.split_first()?;
            flags = byte;
            self.bytes = rest;
        }
        self.previous = key;
        Some((key, flags))
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads what [`write_varint`] wrote; runs are only ever read by this module after being written
/// by it, so a truncated varint (impossible) reads as what is there.
fn read_varint(bytes: &mut &[u8]) -> u64 {
    let mut value = 0_u64;
    let mut shift = 0;
    while let Some((&byte, rest)) = bytes.split_first() {
        *bytes = rest;
        value |= u64::from(byte & 0x7F) << shift;
        if byte < 0x80 {
            break;
        }
        shift += 7;
    }
    value
}

/// Merges `runs` into one strictly increasing stream of index entries (a key in several runs
/// comes out once: a load gives a repeated quad the same flags in every chunk) and hands it to
/// `emit` in [`SortedRun`]s of at most `piece_bytes` bytes, in key order, so each piece's keys
/// are above the previous piece's; `inspect` sees every key of the stream.
///
/// # Errors
/// The first error of `emit`.
pub(super) fn merge<E>(
    runs: &[PackedRun],
    piece_bytes: usize,
    mut emit: impl FnMut(SortedRun) -> Result<(), E>,
    // Dynamic, so the merge is compiled once whatever watches it (the npm module's size).
    inspect: &mut dyn FnMut(&[u8]),
) -> Result<(), E> {
    const ENTRY_BYTES: usize = 33;
    let total: usize = runs.iter().map(PackedRun::len).sum();
    let piece_entries = (piece_bytes / ENTRY_BYTES).max(1);
    let new_piece = |left: usize| {
        let entries = left.min(piece_entries);
        SortedRun::with_capacity(entries, entries * ENTRY_BYTES)
    };
    let mut sources: Vec<Entries<'_>> = runs.iter().map(PackedRun::entries).collect();
    // A min-heap of each source's next entry; the source index breaks ties, so equal keys from
    // two sources come out one after the other and the second is skipped.
    let mut heap = BinaryHeap::with_capacity(sources.len());
    for (index, source) in sources.iter_mut().enumerate() {
        if let Some((key, flags)) = source.next() {
            heap.push(Reverse((key, index, flags)));
        }
    }
    let mut piece = new_piece(total);
    let mut written = 0;
    let mut last: Option<[u64; 4]> = None;
    while let Some(Reverse((mut key, index, mut flags))) = heap.pop() {
        // Chunks of a load cover runs of subjects (ids are given in order of appearance), so a
        // source often holds many keys in a row below every other source's next key: take them
        // without going through the heap.
        loop {
            if last != Some(key) {
                last = Some(key);
                let value: &[u8] = if flags == 0 { &[] } else { &[flags] };
                let key = crate::encoding::QuadOrder::key_of_components(key);
                inspect(&key);
                piece.push(&key, value);
                written += 1;
                if piece.len() == piece_entries {
                    emit(std::mem::replace(&mut piece, new_piece(total - written)))?;
                }
            }
            let Some((next_key, next_flags)) = sources[index].next() else {
                break;
            };
            match heap.peek() {
                Some(Reverse((other, other_index, _)))
                    if (*other, *other_index) < (next_key, index) =>
                {
                    heap.push(Reverse((next_key, index, next_flags)));
                    break;
                }
                _ => (key, flags) = (next_key, next_flags),
            }
        }
    }
    if !piece.is_empty() {
        emit(piece)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(components: [u64; 4]) -> [u8; 32] {
        crate::encoding::QuadOrder::key_of_components(components)
    }

    #[test]
    fn entries_come_back_as_packed() {
        let tagged = |tag: u64, payload: u64| (tag << 56) | payload;
        let entries = vec![
            ([0, 0, 0, 0], 0),
            (
                [
                    0,
                    tagged(1, 5),
                    tagged(1, 9),
                    tagged(7, u64::from(u32::MAX)),
                ],
                0,
            ),
            ([0, tagged(1, 5), tagged(1, 9), tagged(11, 3)], 2),
            ([0, tagged(1, 5), tagged(1, 10), tagged(1, 1)], 0),
            ([tagged(1, 2), tagged(2, 1), 0, u64::MAX], 3),
            ([u64::MAX; 4], 0),
        ];
        let run = PackedRun::from_sorted(entries.clone());
        assert_eq!(run.len(), entries.len());
        assert_eq!(run.entries().collect::<Vec<_>>(), entries);
    }

    #[test]
    fn merging_interleaves_dedups_and_cuts_pieces_in_order() {
        let a = PackedRun::from_sorted([([0, 1, 1, 1], 0), ([0, 1, 2, 1], 0), ([0, 3, 1, 1], 0)]);
        let b = PackedRun::from_sorted([([0, 1, 2, 1], 0), ([0, 2, 0, 0], 1)]);
        let c = PackedRun::from_sorted([]);
        let mut pieces = Vec::new();
        let mut inspected = 0;
        merge::<()>(
            &[a, b, c],
            2 * 33,
            |piece| {
                pieces.push(piece);
                Ok(())
            },
            &mut |_| inspected += 1,
        )
        .expect("emitting into a vector cannot fail");
        assert_eq!(inspected, 4);
        assert_eq!(
            pieces.iter().map(SortedRun::len).collect::<Vec<_>>(),
            [2, 2]
        );
        let merged: Vec<(Vec<u8>, Vec<u8>)> = pieces
            .iter()
            .flat_map(|piece| piece.iter().map(|(k, v)| (k.to_vec(), v.to_vec())))
            .collect();
        let expected: Vec<(Vec<u8>, Vec<u8>)> = [
            ([0, 1, 1, 1], vec![]),
            ([0, 1, 2, 1], vec![]),
            ([0, 2, 0, 0], vec![1]),
            ([0, 3, 1, 1], vec![]),
        ]
        .into_iter()
        .map(|(k, v)| (key(k).to_vec(), v))
        .collect();
        assert_eq!(merged, expected);
    }

    #[test]
    fn merging_takes_long_stretches_of_one_run_in_order() {
        let run = |range: std::ops::Range<u64>| {
            PackedRun::from_sorted(range.map(|i| ([0, i / 3, i % 3, 7], (i % 2) as u8)))
        };
        let runs = [run(0..100), run(50..60), run(100..130), run(90..140)];
        let mut keys = Vec::new();
        merge::<()>(
            &runs,
            1 << 20,
            |piece| {
                keys.extend(piece.iter().map(|(k, v)| (k.to_vec(), v.to_vec())));
                Ok(())
            },
            &mut |_| {},
        )
        .expect("emitting into a vector cannot fail");
        let expected: Vec<_> = (0..140)
            .map(|i| {
                let value = if i % 2 == 1 { vec![1] } else { vec![] };
                (key([0, i / 3, i % 3, 7]).to_vec(), value)
            })
            .collect();
        assert_eq!(keys, expected);
    }

    #[test]
    fn merging_nothing_emits_nothing() {
        let mut emitted = 0;
        merge::<()>(
            &[],
            1 << 20,
            |_| {
                emitted += 1;
                Ok(())
            },
            &mut |_| {},
        )
        .expect("emitting into a vector cannot fail");
        assert_eq!(emitted, 0);
    }
}
