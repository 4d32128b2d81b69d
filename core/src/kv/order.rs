//! Byte-string order for the hot comparisons of the memory backend and the bulk loader.
//!
//! On WebAssembly `memcmp` comes from `compiler_builtins` and compares a byte at a time; keys here
//! share long prefixes (32-byte index keys, IRIs under one namespace), so eight bytes a step is
//! several times faster. Natively the platform's `memcmp` is already vectorised.

use std::cmp::Ordering;

/// `a` compared with `b` in lexicographic byte order, exactly like `a.cmp(b)`.
#[inline]
pub(crate) fn compare(a: &[u8], b: &[u8]) -> Ordering {
    if cfg!(target_family = "wasm") {
        compare_words(a, b)
    } else {
        a.cmp(b)
    }
}

/// [`compare`] eight bytes a step.
#[inline]
fn compare_words(a: &[u8], b: &[u8]) -> Ordering {
    let common = a.len().min(b.len());
    let (a_words, a_rest) = a[..common].as_chunks::<8>();
    let (b_words, b_rest) = b[..common].as_chunks::<8>();
    for (x, y) in a_words.iter().zip(b_words) {
        if x != y {
            return u64::from_be_bytes(*x).cmp(&u64::from_be_bytes(*y));
        }
    }
    a_rest.cmp(b_rest).then(a.len().cmp(&b.len()))
}

/// Whether `a` sorts before `b`.
#[inline]
pub(crate) fn less(a: &[u8], b: &[u8]) -> bool {
    compare(a, b) == Ordering::Less
}

#[cfg(test)]
mod tests {
    use super::{compare, compare_words};

    #[test]
    fn agrees_with_the_slice_order() {
        let samples: [&[u8]; 12] = [
            b"",
            b"a",
            b"ab",
            b"abcdefgh",
            b"abcdefghi",
            b"abcdefgha",
            b"abcdefgg\xff",
            b"abcdefgh\x00",
            &[0xff; 8],
            &[0xff; 17],
            &[0; 16],
            b"abcdefghijklmnopq",
        ];
        for a in samples {
            for b in samples {
                assert_eq!(compare_words(a, b), a.cmp(b), "{a:?} against {b:?}");
                assert_eq!(compare(a, b), a.cmp(b), "{a:?} against {b:?}");
            }
        }
    }
}
