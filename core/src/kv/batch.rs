use super::{Keyspace, SortedRun};

/// One write in a [`WriteBatch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    /// Sets `key` to `value`, replacing any previous value.
    Put {
        /// Target keyspace.
        keyspace: Keyspace,
        /// Key bytes.
        key: Vec<u8>,
        /// Value bytes.
        value: Vec<u8>,
    },
    /// Removes `key` if present.
    Delete {
        /// Target keyspace.
        keyspace: Keyspace,
        /// Key bytes.
        key: Vec<u8>,
    },
    /// Sets every key of `run` to its value, in key order: one operation for millions of
    /// entries, packed in one buffer instead of one allocation per key and value.
    PutSorted {
        /// Target keyspace.
        keyspace: Keyspace,
        /// Entries with strictly increasing keys.
        run: SortedRun,
    },
}

/// An ordered list of writes across keyspaces that a backend applies atomically.
///
/// Later operations on the same key win.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBatch {
    ops: Vec<WriteOp>,
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a put.
    pub fn put(&mut self, keyspace: Keyspace, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.ops.push(WriteOp::Put {
            keyspace,
            key: key.into(),
            value: value.into(),
        });
    }

    /// Adds a delete.
    pub fn delete(&mut self, keyspace: Keyspace, key: impl Into<Vec<u8>>) {
        self.ops.push(WriteOp::Delete {
            keyspace,
            key: key.into(),
        });
    }

    /// Adds the puts of `run`, whose keys are strictly increasing.
    pub fn put_sorted(&mut self, keyspace: Keyspace, run: SortedRun) {
        if !run.is_empty() {
            self.ops.push(WriteOp::PutSorted { keyspace, run });
        }
    }

    /// Number of operations (a sorted run counts once).
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the batch has no operation.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The operations, in order.
    pub fn ops(&self) -> &[WriteOp] {
        &self.ops
    }

    /// Consumes the batch into its operations.
    pub fn into_ops(self) -> Vec<WriteOp> {
        self.ops
    }
}
