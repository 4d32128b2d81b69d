use super::QuadRead;
use crate::dictionary::Dictionary;
use crate::kv::KvBackend;

/// A consistent read view of a store: it never sees writes committed after it was taken.
///
/// Read methods come from [`QuadRead`].
pub struct Snapshot<'a, B: KvBackend + 'a> {
    kv: B::Snapshot<'a>,
    dictionary: &'a Dictionary,
    version: Option<ReadVersion>,
}

impl<'a, B: KvBackend + 'a> Snapshot<'a, B> {
    pub(crate) fn new(
        kv: B::Snapshot<'a>,
        dictionary: &'a Dictionary,
        version: Option<ReadVersion>,
    ) -> Self {
        Self {
            kv,
            dictionary,
            version,
        }
    }
}

/// Which state of which store a read view sees, for caches of what is derived from the data
/// (query plans): two views with equal versions read the same quads and the same dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadVersion {
    /// The store, unique among the stores opened by this process.
    pub store: u64,
    /// The store's write generation ([`Store::generation`](crate::Store::generation)).
    pub generation: u64,
    /// How many times the store removed dictionary entries ([`Dictionary::removals`]): ids
    /// read at one epoch name the same terms at any later generation of the same epoch.
    pub dictionary_epoch: u64,
}

impl<'a, B: KvBackend + 'a> QuadRead for Snapshot<'a, B> {
    type Kv = B::Snapshot<'a>;

    fn kv(&self) -> &Self::Kv {
        &self.kv
    }

    fn dictionary(&self) -> &Dictionary {
        self.dictionary
    }

    fn read_version(&self) -> Option<ReadVersion> {
        self.version
    }
}
