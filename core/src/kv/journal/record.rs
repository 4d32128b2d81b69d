//! Records: the framing (payload length, CRC-32, payload) and the payload, a batch of
//! operations, each `tag, keyspace, …` with `u32` little-endian lengths:
//! put `1 ks klen key vlen value`, delete `2 ks klen key`, sorted run `3 ks count (klen key vlen value)*`.

use crate::kv::{Keyspace, KvError, SortedRun, WriteBatch, WriteOp};

/// The file header: magic, then the generation.
pub(super) const HEADER_LEN: usize = 16;
const MAGIC: &[u8; 8] = b"TRINEJ\0\x01";
/// Length and CRC before each payload.
const FRAME_LEN: usize = 8;

const PUT: u8 = 1;
const DELETE: u8 = 2;
const PUT_SORTED: u8 = 3;

/// The header of a file of `generation` (0: being written, not live yet).
pub(super) fn header(generation: u64) -> [u8; HEADER_LEN] {
    let mut out = [0; HEADER_LEN];
    out[..8].copy_from_slice(MAGIC);
    out[8..].copy_from_slice(&generation.to_le_bytes());
    out
}

/// A file's generation: `None` for an empty or unfinished file.
///
/// # Errors
/// [`KvError::Corruption`] if the file holds something else than a journal.
pub(super) fn generation(start: &[u8]) -> Result<Option<u64>, KvError> {
    if start.len() < HEADER_LEN {
        return if start.iter().all(|b| *b == 0) {
            Ok(None)
        } else {
            Err(KvError::Corruption(
                "not a Trine journal (short header)".into(),
            ))
        };
    }
    if &start[..8] != MAGIC {
        return if start[..HEADER_LEN].iter().all(|b| *b == 0) {
            Ok(None)
        } else {
            Err(KvError::Corruption("not a Trine journal".into()))
        };
    }
    let mut generation = [0; 8];
    generation.copy_from_slice(&start[8..HEADER_LEN]);
    Ok(Some(u64::from_le_bytes(generation)).filter(|g| *g > 0))
}

fn push_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    // Keys and values are far below 4 GiB: a batch lives in memory whole.
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn push_run(out: &mut Vec<u8>, keyspace: Keyspace, run: &SortedRun) {
    out.push(PUT_SORTED);
    out.push(keyspace.index() as u8);
    out.extend_from_slice(&(run.len() as u32).to_le_bytes());
    for (key, value) in run.iter() {
        push_bytes(out, key);
        push_bytes(out, value);
    }
}

/// Frames what `fill` writes as one record at the end of `out`.
fn framed(out: &mut Vec<u8>, fill: impl FnOnce(&mut Vec<u8>)) {
    let start = out.len();
    out.extend_from_slice(&[0; FRAME_LEN]);
    fill(out);
    let payload = &out[start + FRAME_LEN..];
    let len = (payload.len() as u32).to_le_bytes();
    let crc = crc32fast::hash(payload).to_le_bytes();
    out[start..start + 4].copy_from_slice(&len);
    out[start + 4..start + FRAME_LEN].copy_from_slice(&crc);
}

/// Appends the record of a batch.
pub(super) fn push_batch(out: &mut Vec<u8>, batch: &WriteBatch) {
    framed(out, |out| {
        for op in batch.ops() {
            match op {
                WriteOp::Put {
                    keyspace,
                    key,
                    value,
                } => {
                    out.push(PUT);
                    out.push(keyspace.index() as u8);
                    push_bytes(out, key);
                    push_bytes(out, value);
                }
                WriteOp::Delete { keyspace, key } => {
                    out.push(DELETE);
                    out.push(keyspace.index() as u8);
                    push_bytes(out, key);
                }
                WriteOp::PutSorted { keyspace, run } => push_run(out, *keyspace, run),
            }
        }
    });
}

/// Appends the record of one sorted run (a bulk load's ingest, or a compaction's chunk).
pub(super) fn push_sorted(out: &mut Vec<u8>, keyspace: Keyspace, run: &SortedRun) {
    framed(out, |out| push_run(out, keyspace, run));
}

/// Reads a payload's fields in order.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], KvError> {
        if self.bytes.len() < n {
            return Err(KvError::Corruption(
                "a journal record ends inside an operation".into(),
            ));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, KvError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<usize, KvError> {
        let mut word = [0; 4];
        word.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(word) as usize)
    }

    fn bytes(&mut self) -> Result<&'a [u8], KvError> {
        let len = self.u32()?;
        self.take(len)
    }

    fn keyspace(&mut self) -> Result<Keyspace, KvError> {
        let index = usize::from(self.byte()?);
        Keyspace::ALL
            .get(index)
            .copied()
            .ok_or_else(|| KvError::Corruption(format!("unknown keyspace {index} in the journal")))
    }
}

/// The batch a payload holds.
fn decode(payload: &[u8]) -> Result<WriteBatch, KvError> {
    let mut reader = Reader { bytes: payload };
    let mut batch = WriteBatch::new();
    while !reader.bytes.is_empty() {
        match reader.byte()? {
            PUT => {
                let keyspace = reader.keyspace()?;
                let key = reader.bytes()?;
                let value = reader.bytes()?;
                batch.put(keyspace, key, value);
            }
            DELETE => {
                let keyspace = reader.keyspace()?;
                batch.delete(keyspace, reader.bytes()?);
            }
            PUT_SORTED => {
                let keyspace = reader.keyspace()?;
                let count = reader.u32()?;
                let mut run = SortedRun::new();
                for _ in 0..count {
                    let key = reader.bytes()?;
                    run.push(key, reader.bytes()?);
                }
                batch.put_sorted(keyspace, run);
            }
            tag => {
                return Err(KvError::Corruption(format!(
                    "unknown operation {tag} in the journal"
                )));
            }
        }
    }
    Ok(batch)
}

/// Hands each complete record's batch in `records` (a file after its header) to `apply`, and
/// returns where the complete records end: a torn or damaged tail (a crash mid-append) is where
/// the journal stops.
///
/// # Errors
/// A record whose checksum holds but whose operations do not decode, or `apply`'s error.
pub(super) fn replay(
    records: &[u8],
    mut apply: impl FnMut(WriteBatch) -> Result<(), KvError>,
) -> Result<usize, KvError> {
    let mut at = 0;
    while records.len() - at >= FRAME_LEN {
        let mut word = [0; 4];
        word.copy_from_slice(&records[at..at + 4]);
        let len = u32::from_le_bytes(word) as usize;
        word.copy_from_slice(&records[at + 4..at + FRAME_LEN]);
        let crc = u32::from_le_bytes(word);
        let start = at + FRAME_LEN;
        let Some(payload) = records.get(start..start.saturating_add(len)) else {
            break;
        };
        if len == 0 || crc32fast::hash(payload) != crc {
            break;
        }
        apply(decode(payload)?)?;
        at = start + len;
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_a_torn_tail_is_cut() {
        let mut batch = WriteBatch::new();
        batch.put(Keyspace::Meta, b"k".to_vec(), b"v".to_vec());
        batch.delete(Keyspace::Gspo, b"gone".to_vec());
        batch.put_sorted(
            Keyspace::Spog,
            SortedRun::from(vec![
                (b"a".to_vec(), Vec::new()),
                (b"b".to_vec(), b"1".to_vec()),
            ]),
        );
        let mut bytes = Vec::new();
        push_batch(&mut bytes, &batch);
        let whole = bytes.len();
        push_sorted(
            &mut bytes,
            Keyspace::Ospg,
            &SortedRun::from(vec![(b"x".to_vec(), Vec::new())]),
        );
        let mut seen = Vec::new();
        let end = replay(&bytes, |b| {
            seen.push(b);
            Ok(())
        });
        assert_eq!(end.expect("replay"), bytes.len());
        assert_eq!(seen[0], batch);
        assert_eq!(seen.len(), 2);
        // Every cut inside the second record leaves the first one only.
        for cut in whole..bytes.len() {
            let mut count = 0;
            let end = replay(&bytes[..cut], |_| {
                count += 1;
                Ok(())
            });
            assert_eq!(end.expect("replay"), whole);
            assert_eq!(count, 1);
        }
        // A flipped byte in the second record's payload ends the journal before it.
        let mut damaged = bytes.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 0xff;
        assert_eq!(replay(&damaged, |_| Ok(())).expect("replay"), whole);
    }

    #[test]
    fn headers() {
        assert_eq!(generation(&header(7)).expect("header"), Some(7));
        assert_eq!(generation(&header(0)).expect("header"), None);
        assert_eq!(generation(&[]).expect("header"), None);
        assert!(generation(b"SQLite format 3\0").is_err());
    }
}
