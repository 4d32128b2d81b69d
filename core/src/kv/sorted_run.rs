/// Entries sorted by key, packed in one buffer: what [`KvBackend::ingest_sorted`](super::KvBackend::ingest_sorted)
/// takes.
///
/// One allocation holds every key and value, so a bulk load builds millions of entries without
/// millions of small allocations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortedRun {
    bytes: Vec<u8>,
    /// For each entry, where its key ends and where its value ends in `bytes`.
    ends: Vec<(usize, usize)>,
}

impl SortedRun {
    /// An empty run.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty run with room for `entries` entries of `bytes` bytes in all.
    pub fn with_capacity(entries: usize, bytes: usize) -> Self {
        Self {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(entries),
        }
    }

    /// Appends an entry; its key must be greater than the previous one (backends check it).
    pub fn push(&mut self, key: &[u8], value: &[u8]) {
        self.bytes.extend_from_slice(key);
        let key_end = self.bytes.len();
        self.bytes.extend_from_slice(value);
        self.ends.push((key_end, self.bytes.len()));
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Total bytes of keys and values.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether keys are strictly increasing.
    pub fn is_strictly_sorted(&self) -> bool {
        let mut previous: Option<&[u8]> = None;
        self.iter().all(|(key, _)| {
            let ok = previous.is_none_or(|previous| previous < key);
            previous = Some(key);
            ok
        })
    }

    /// The key of entry `index` (which must be below [`len`](Self::len)).
    pub(crate) fn key_at(&self, index: usize) -> &[u8] {
        &self.bytes[self.start_of(index)..self.ends[index].0]
    }

    /// The value of entry `index` (which must be below [`len`](Self::len)).
    pub(crate) fn value_at(&self, index: usize) -> &[u8] {
        let (key_end, value_end) = self.ends[index];
        &self.bytes[key_end..value_end]
    }

    fn start_of(&self, index: usize) -> usize {
        match index.checked_sub(1) {
            Some(previous) => self.ends[previous].1,
            None => 0,
        }
    }

    /// The entries in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&[u8], &[u8])> {
        let mut start = 0;
        self.ends.iter().map(move |&(key_end, value_end)| {
            let entry = (&self.bytes[start..key_end], &self.bytes[key_end..value_end]);
            start = value_end;
            entry
        })
    }
}

impl<K: AsRef<[u8]>, V: AsRef<[u8]>> FromIterator<(K, V)> for SortedRun {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut run = Self::new();
        for (key, value) in entries {
            run.push(key.as_ref(), value.as_ref());
        }
        run
    }
}

impl From<Vec<(Vec<u8>, Vec<u8>)>> for SortedRun {
    fn from(entries: Vec<(Vec<u8>, Vec<u8>)>) -> Self {
        entries.into_iter().collect()
    }
}
