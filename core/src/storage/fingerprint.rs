//! Order-independent summaries of sets of entries, so that two indexes (or the two directions
//! of the dictionary) can be compared in one sequential scan each instead of a lookup per entry.

use crate::encoding::{EncodedQuad, QuadOrder};

/// The number of entries of a set and two sums of 64-bit hashes of them. Equal sets have equal
/// fingerprints whatever order they are added in; different ones collide with negligible
/// probability (both 64-bit sums would have to agree).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct Fingerprint {
    entries: u64,
    sums: [u64; 2],
}

impl Fingerprint {
    /// Entries added.
    pub(crate) fn entries(&self) -> u64 {
        self.entries
    }

    /// Adds an index entry: its quad (in canonical order, whatever index it came from) and its
    /// stored value.
    pub(crate) fn add_quad(&mut self, quad: &EncodedQuad, value: &[u8]) {
        let [s, p, o, g] = QuadOrder::Gspo.components(quad);
        self.add_parts(&[s, p, o, g, fold(value)]);
    }

    /// Adds a dictionary pair.
    pub(crate) fn add_pair(&mut self, id: &[u8], term: &[u8]) {
        self.add_parts(&[fold(id), fold(term)]);
    }

    fn add_parts(&mut self, parts: &[u64]) {
        for (sum, seed) in self
            .sums
            .iter_mut()
            .zip([0x243f_6a88_85a3_08d3, 0x1319_8a2e_0370_7344])
        {
            let hash = parts
                .iter()
                .fold(seed, |h: u64, part| mix(h.wrapping_add(*part)));
            *sum = sum.wrapping_add(hash);
        }
        self.entries += 1;
    }
}

/// Bytes folded into one word, length included, through the mixer so that no two short
/// strings meet.
fn fold(bytes: &[u8]) -> u64 {
    bytes.chunks(8).fold(mix(bytes.len() as u64), |h, chunk| {
        let mut word = [0; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        mix(h ^ u64::from_le_bytes(word))
    })
}

/// The SplitMix64 finalizer: every input bit affects every output bit.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{TermId, TermTag};

    fn quad(n: u64) -> EncodedQuad {
        let id = |x| TermId::new(TermTag::NamedNode, x + 1);
        EncodedQuad::new(id(n), id(n + 1), id(n + 2), TermId::DEFAULT_GRAPH)
    }

    #[test]
    fn order_does_not_matter_content_does() {
        let (mut a, mut b, mut c) = (
            Fingerprint::default(),
            Fingerprint::default(),
            Fingerprint::default(),
        );
        for n in 0..100 {
            a.add_quad(&quad(n), &[]);
        }
        for n in (0..100).rev() {
            b.add_quad(&quad(n), &[]);
        }
        for n in 0..100 {
            c.add_quad(&quad(n), if n == 50 { &[2] } else { &[] });
        }
        assert_eq!(a, b);
        assert_ne!(a, c);
        let (mut d, mut e) = (Fingerprint::default(), Fingerprint::default());
        d.add_pair(b"ab", b"c");
        e.add_pair(b"a", b"bc");
        assert_ne!(d, e);
    }
}
