use std::fmt;
use std::sync::OnceLock;

use redb::{AccessGuard, ReadOnlyTable, ReadTransaction, TableDefinition};
use trine_core::kv::{KeyRange, Keyspace, KvCursor, KvError, KvSnapshot};

use crate::error::kv_error;

/// Key and value type of every table: raw bytes, ordered bytewise.
pub(crate) type Bytes = &'static [u8];

/// A read-only table of a snapshot.
type Table = ReadOnlyTable<Bytes, Bytes>;

/// One stored entry: the key and the value, both pointing into redb's pages.
type Entry = (AccessGuard<'static, Bytes>, AccessGuard<'static, Bytes>);

/// How many entries [`RedbCursor::seek`] steps over before it descends the tree again: a seek
/// that lands a few keys ahead, the common case in merge and leapfrog joins, stays in the leaf.
const SEEK_PROBE: usize = 8;

/// The redb table holding `keyspace`.
pub(crate) fn definition(keyspace: Keyspace) -> TableDefinition<'static, Bytes, Bytes> {
    TableDefinition::new(keyspace.name())
}

/// A point-in-time view of a [`RedbBackend`](crate::RedbBackend): one redb read transaction.
///
/// It owns the transaction, so it outlives the borrow of the backend it came from and never
/// blocks writers; redb keeps the pages it reads until it is dropped, so a long-lived snapshot
/// holds back space reuse (and [`compact`](trine_core::kv::KvBackend::compact) fails while one
/// is alive). Tables are opened on first use.
pub struct RedbSnapshot {
    transaction: ReadTransaction,
    tables: [OnceLock<Table>; Keyspace::ALL.len()],
}

impl RedbSnapshot {
    pub(crate) fn new(transaction: ReadTransaction) -> Self {
        Self {
            transaction,
            tables: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    fn table(&self, keyspace: Keyspace) -> Result<&Table, KvError> {
        let cell = &self.tables[keyspace.index()];
        if let Some(table) = cell.get() {
            return Ok(table);
        }
        let table = self
            .transaction
            .open_table(definition(keyspace))
            .map_err(kv_error)?;
        // Another thread may have opened it meanwhile; either copy is the same table.
        Ok(cell.get_or_init(|| table))
    }
}

impl fmt::Debug for RedbSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedbSnapshot").finish_non_exhaustive()
    }
}

impl KvSnapshot for RedbSnapshot {
    type Cursor<'c> = RedbCursor<'c>;

    fn get(&self, keyspace: Keyspace, key: &[u8]) -> Result<Option<Vec<u8>>, KvError> {
        let value = self.table(keyspace)?.get(key).map_err(kv_error)?;
        Ok(value.map(|value| value.value().to_vec()))
    }

    fn contains(&self, keyspace: Keyspace, key: &[u8]) -> Result<bool, KvError> {
        Ok(self.table(keyspace)?.get(key).map_err(kv_error)?.is_some())
    }

    fn cursor(&self, keyspace: Keyspace, range: KeyRange) -> Result<RedbCursor<'_>, KvError> {
        let table = self.table(keyspace)?;
        let mut iter = table.range::<&[u8]>(range.bounds()).map_err(kv_error)?;
        let current = iter.next().transpose().map_err(kv_error)?;
        Ok(RedbCursor {
            table,
            range,
            iter,
            current,
        })
    }
}

/// A cursor over a [`RedbSnapshot`]: a redb range iterator, re-created by a far seek.
///
/// The current entry stays in redb's page (no copy); [`key`](KvCursor::key) and
/// [`value`](KvCursor::value) borrow it.
pub struct RedbCursor<'a> {
    table: &'a Table,
    range: KeyRange,
    iter: redb::Range<'static, Bytes, Bytes>,
    current: Option<Entry>,
}

impl RedbCursor<'_> {
    /// Moves to the next entry, forgetting the current one on failure.
    fn step(&mut self) -> Result<(), KvError> {
        match self.iter.next().transpose() {
            Ok(next) => {
                self.current = next;
                Ok(())
            }
            Err(error) => {
                self.current = None;
                Err(kv_error(error))
            }
        }
    }
}

impl fmt::Debug for RedbCursor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedbCursor")
            .field("range", &self.range)
            .field("key", &self.key())
            .finish_non_exhaustive()
    }
}

impl KvCursor for RedbCursor<'_> {
    fn key(&self) -> Option<&[u8]> {
        self.current.as_ref().map(|(key, _)| key.value())
    }

    fn value(&self) -> Option<&[u8]> {
        self.current.as_ref().map(|(_, value)| value.value())
    }

    fn advance(&mut self) -> Result<(), KvError> {
        self.step()
    }

    fn seek(&mut self, key: &[u8]) -> Result<(), KvError> {
        if let Some(current) = self.key() {
            if current >= key {
                if current == key {
                    return Ok(());
                }
                // An earlier key may lie between `key` and here: fall through to a fresh range.
            } else {
                // Entries come in order, so the first one reached at or past `key` is the answer;
                // running out on the way means there is none in the range.
                for _ in 0..SEEK_PROBE {
                    self.step()?;
                    match self.key() {
                        Some(next) if next < key => {}
                        _ => return Ok(()),
                    }
                }
            }
        }
        self.iter = self
            .table
            .range::<&[u8]>(self.range.bounds_from(key))
            .map_err(kv_error)?;
        self.step()
    }
}

#[cfg(test)]
mod tests {
    use trine_core::kv::{Durability, KvBackend, WriteBatch};

    use super::*;
    use crate::RedbBackend;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn collect(cursor: &mut impl KvCursor) -> Result<Vec<Vec<u8>>, KvError> {
        let mut keys = Vec::new();
        while let Some(key) = cursor.key() {
            keys.push(key.to_vec());
            cursor.advance()?;
        }
        Ok(keys)
    }

    /// Keys 0, 2, 4, … 98 as one byte each, under `Gspo`.
    fn even_keys() -> Result<RedbBackend, KvError> {
        let backend = RedbBackend::in_memory()?;
        let mut batch = WriteBatch::new();
        for key in (0..100u8).step_by(2).rev() {
            batch.put(Keyspace::Gspo, [key], [key, key]);
        }
        backend.write(batch, Durability::Buffered)?;
        Ok(backend)
    }

    #[test]
    fn cursor_walks_a_range_in_order() -> TestResult {
        let backend = even_keys()?;
        let snapshot = backend.snapshot()?;
        let mut cursor = snapshot.cursor(Keyspace::Gspo, KeyRange::new([10], Some(vec![20])))?;
        assert_eq!(cursor.value(), Some(&[10, 10][..]));
        assert_eq!(
            collect(&mut cursor)?,
            [[10], [12], [14], [16], [18]].map(Vec::from)
        );
        assert_eq!(cursor.key(), None);
        assert_eq!(cursor.value(), None);
        // Advancing past the end stays at the end.
        cursor.advance()?;
        assert_eq!(cursor.key(), None);
        let all = collect(&mut snapshot.cursor(Keyspace::Gspo, KeyRange::all())?)?;
        assert_eq!(all.len(), 50);
        assert!(all.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(collect(&mut snapshot.cursor(Keyspace::Gpos, KeyRange::all())?)?.is_empty());
        Ok(())
    }

    #[test]
    fn prefix_and_empty_ranges() -> TestResult {
        let backend = RedbBackend::in_memory()?;
        let mut batch = WriteBatch::new();
        for key in [&b"a"[..], b"ab", b"abc", b"abd", b"b", b"\xff", b"\xff\xff"] {
            batch.put(Keyspace::Meta, key, b"");
        }
        backend.write(batch, Durability::Sync)?;
        let snapshot = backend.snapshot()?;
        let prefixed = |prefix: &[u8]| {
            collect(&mut snapshot.cursor(Keyspace::Meta, KeyRange::prefix(prefix))?)
        };
        assert_eq!(
            prefixed(b"ab")?,
            [&b"ab"[..], b"abc", b"abd"].map(Vec::from)
        );
        assert_eq!(
            prefixed(b"\xff")?,
            [&b"\xff"[..], b"\xff\xff"].map(Vec::from)
        );
        assert_eq!(prefixed(b"")?.len(), 7);
        // An end before the start is an empty range, not a panic.
        let backwards = KeyRange::new(&b"b"[..], Some(b"a".to_vec()));
        assert!(collect(&mut snapshot.cursor(Keyspace::Meta, backwards)?)?.is_empty());
        Ok(())
    }

    #[test]
    fn seek_moves_to_the_first_key_at_or_after() -> TestResult {
        let backend = even_keys()?;
        let snapshot = backend.snapshot()?;
        let mut cursor = snapshot.cursor(Keyspace::Gspo, KeyRange::new([10], Some(vec![90])))?;
        // Near (within the probe), exact, and far (past the probe) targets.
        cursor.seek(&[13])?;
        assert_eq!(cursor.key(), Some(&[14][..]));
        cursor.seek(&[14])?;
        assert_eq!(cursor.key(), Some(&[14][..]));
        cursor.seek(&[61])?;
        assert_eq!(cursor.key(), Some(&[62][..]));
        assert_eq!(cursor.value(), Some(&[62, 62][..]));
        // Backwards, also before the range start, which clamps to it.
        cursor.seek(&[21])?;
        assert_eq!(cursor.key(), Some(&[22][..]));
        cursor.seek(&[0])?;
        assert_eq!(cursor.key(), Some(&[10][..]));
        // Past the range end, then back in from the exhausted state.
        cursor.seek(&[95])?;
        assert_eq!(cursor.key(), None);
        cursor.seek(&[88])?;
        assert_eq!(cursor.key(), Some(&[88][..]));
        cursor.advance()?;
        assert_eq!(cursor.key(), None);
        Ok(())
    }

    #[test]
    fn seek_after_advance_does_not_skip_back() -> TestResult {
        let backend = even_keys()?;
        let snapshot = backend.snapshot()?;
        let mut cursor = snapshot.cursor(Keyspace::Gspo, KeyRange::all())?;
        for _ in 0..5 {
            cursor.advance()?;
        }
        assert_eq!(cursor.key(), Some(&[10][..]));
        // Behind the current key, after entries the cursor stepped over.
        cursor.seek(&[3])?;
        assert_eq!(cursor.key(), Some(&[4][..]));
        Ok(())
    }

    #[test]
    fn seek_agrees_with_a_fresh_cursor() -> TestResult {
        let backend = even_keys()?;
        let snapshot = backend.snapshot()?;
        let range = KeyRange::new([7], Some(vec![77]));
        let mut cursor = snapshot.cursor(Keyspace::Gspo, range.clone())?;
        // A walk mixing forward and backward seeks of every distance.
        for target in (0..100u8).chain((0..100).rev()).chain((0..100).step_by(7)) {
            cursor.seek(&[target])?;
            let expected = snapshot
                .cursor(
                    Keyspace::Gspo,
                    KeyRange::new([target.max(7)], Some(vec![77])),
                )?
                .key()
                .map(<[u8]>::to_vec);
            assert_eq!(
                cursor.key().map(<[u8]>::to_vec),
                expected,
                "seek to {target}"
            );
        }
        Ok(())
    }

    #[test]
    fn snapshot_is_shareable_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<RedbSnapshot>();
    }
}
