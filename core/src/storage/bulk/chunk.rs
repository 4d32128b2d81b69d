//! The parsed quads of a chunk, kept in the batches they arrive in.
//!
//! A chunk holds a quarter of a million quads or more. Gathered into one vector, it would be
//! copied each time the vector grows, into fresh pages the kernel zeroes first: about a tenth of
//! a load's time. Kept as batches, every quad stays where it was parsed.

use oxrdf::Quad;

/// Quads per batch when quads are added one at a time.
const BATCH: usize = 16_384;

/// A chunk's quads, in batches.
#[derive(Debug, Default)]
pub(super) struct Chunk {
    batches: Vec<Vec<Quad>>,
    len: usize,
}

impl Chunk {
    /// Adds one quad.
    pub(super) fn push(&mut self, quad: Quad) {
        match self.batches.last_mut() {
            Some(batch) if batch.len() < batch.capacity() => batch.push(quad),
            _ => {
                let mut batch = Vec::with_capacity(BATCH);
                batch.push(quad);
                self.batches.push(batch);
            }
        }
        self.len += 1;
    }

    /// Adds a batch of quads, as it is.
    #[cfg(not(target_family = "wasm"))]
    pub(super) fn append(&mut self, batch: Vec<Quad>) {
        self.len += batch.len();
        if !batch.is_empty() {
            self.batches.push(batch);
        }
    }

    /// Quads held.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Whether no quad is held.
    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every quad, in the order added.
    pub(super) fn iter(&self) -> impl Iterator<Item = &Quad> {
        self.batches.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{GraphName, Literal, NamedNode};

    fn quad(i: usize) -> Quad {
        Quad::new(
            NamedNode::new_unchecked("http://e.com/s"),
            NamedNode::new_unchecked("http://e.com/p"),
            Literal::from(i as i64),
            GraphName::DefaultGraph,
        )
    }

    #[test]
    fn quads_come_back_in_the_order_added() {
        let mut chunk = Chunk::default();
        assert!(chunk.is_empty());
        for i in 0..BATCH + 10 {
            chunk.push(quad(i));
        }
        #[cfg(not(target_family = "wasm"))]
        {
            chunk.append((0..5).map(|i| quad(100_000 + i)).collect());
            chunk.append(Vec::new());
        }
        chunk.push(quad(7));
        let expected: Vec<Quad> = (0..BATCH + 10)
            .map(quad)
            .chain(
                (0..5)
                    .map(|i| quad(100_000 + i))
                    .filter(|_| cfg!(not(target_family = "wasm"))),
            )
            .chain([quad(7)])
            .collect();
        assert_eq!(chunk.len(), expected.len());
        assert!(chunk.iter().eq(expected.iter()));
    }
}
