use super::QuadRead;
use crate::dictionary::Dictionary;
use crate::kv::KvBackend;

/// A consistent read view of a store: it never sees writes committed after it was taken.
///
/// Read methods come from [`QuadRead`].
pub struct Snapshot<'a, B: KvBackend + 'a> {
    kv: B::Snapshot<'a>,
    dictionary: &'a Dictionary,
}

impl<'a, B: KvBackend + 'a> Snapshot<'a, B> {
    pub(crate) fn new(kv: B::Snapshot<'a>, dictionary: &'a Dictionary) -> Self {
        Self { kv, dictionary }
    }
}

impl<'a, B: KvBackend + 'a> QuadRead for Snapshot<'a, B> {
    type Kv = B::Snapshot<'a>;

    fn kv(&self) -> &Self::Kv {
        &self.kv
    }

    fn dictionary(&self) -> &Dictionary {
        self.dictionary
    }
}
