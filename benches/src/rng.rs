//! A small seeded pseudo-random generator for the benchmark data generators.
//!
//! SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
//! one `u64` of state, good enough statistics for synthetic data, and pure std, so the generators
//! need no dependency and the same seed always yields the same bytes on every platform.

/// Added to the state on every step: the odd constant from the SplitMix64 paper (2^64 / φ).
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// A deterministic pseudo-random number generator (SplitMix64).
///
/// ```
/// use trine_benches::rng::Rng;
///
/// let mut a = Rng::new(7);
/// let mut b = Rng::new(7);
/// assert_eq!(a.range(1, 6), b.range(1, 6));
/// ```
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose whole output is determined by `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// An independent stream for one entity, e.g. `Rng::derive(seed, &[PRODUCT, 42])`.
    ///
    /// Generators seed one stream per entity so that an entity's values can be recomputed on
    /// their own (a query instantiator needs product 42's features without generating the
    /// other products) and so that growing a dataset leaves the existing entities unchanged.
    #[must_use]
    pub fn derive(seed: u64, parts: &[u64]) -> Self {
        let mut state = mix(seed);
        for &part in parts {
            // Mixing after each part keeps (1, 2) and (2, 1) apart, which a plain xor would not.
            state = mix(state ^ mix(part.wrapping_add(GOLDEN_GAMMA)));
        }
        Self { state }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// A value in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift (Lemire 2019) instead of `%`: no division, and the bias is at most
        // n / 2^64, far below anything a benchmark could notice.
        let wide = u128::from(self.next_u64()) * u128::from(n);
        (wide >> 64) as u64
    }

    /// A value in `lo..=hi` (inclusive on both ends); `lo` when `hi < lo`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        match (hi - lo).checked_add(1) {
            Some(span) => lo + self.below(span),
            // The full u64 range: every value is allowed.
            None => self.next_u64(),
        }
    }

    /// An index into a collection of `len` items (`0..len`); 0 when `len` is 0.
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// `true` with probability `percent` / 100 (always for 100 and above).
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A uniformly chosen element of `items` (by value: the tables it serves hold `&str`s,
    /// numbers and references).
    ///
    /// # Panics
    /// If `items` is empty; callers pass fixed, non-empty tables.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// Shuffles `items` in place (Fisher–Yates), so every order is equally likely.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

/// The SplitMix64 output function: a bijection on `u64` with strong avalanche.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn derived_streams_differ_by_order() {
        let mut a = Rng::derive(0, &[1, 2]);
        let mut b = Rng::derive(0, &[2, 1]);
        assert_ne!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn range_is_inclusive_and_bounded() {
        let mut rng = Rng::new(3);
        let mut seen = [false; 4];
        for _ in 0..1000 {
            let v = rng.range(7, 10);
            assert!((7..=10).contains(&v));
            seen[(v - 7) as usize] = true;
        }
        assert!(seen.iter().all(|&s| s), "every value of 7..=10 is drawn");
        assert_eq!(rng.range(5, 5), 5);
        assert_eq!(rng.range(9, 2), 9);
        assert_eq!(rng.below(0), 0);
        let _ = rng.range(0, u64::MAX);
    }

    #[test]
    fn chance_extremes() {
        let mut rng = Rng::new(4);
        assert!((0..100).all(|_| !rng.chance(0)));
        assert!((0..100).all(|_| rng.chance(100)));
        let hits = (0..10_000).filter(|_| rng.chance(20)).count();
        assert!(
            (1_700..2_300).contains(&hits),
            "about 20% of 10000, got {hits}"
        );
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut rng = Rng::new(5);
        let mut items: Vec<u32> = (0..50).collect();
        rng.shuffle(&mut items);
        assert_ne!(items, (0..50).collect::<Vec<_>>());
        items.sort_unstable();
        assert_eq!(items, (0..50).collect::<Vec<_>>());
        assert_eq!(rng.pick(&[9]), 9);
    }
}
