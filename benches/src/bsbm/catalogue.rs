//! Every fact of a BSBM dataset, computed from the configuration alone.
//!
//! The generator writes these records and the query instantiator reads them, so the two cannot
//! drift apart: a query's product, feature, review or offer is one the data really has. Each
//! entity draws its values from its own stream `(seed, kind, number)`, so one record costs the
//! same to recompute whatever the dataset's size.
//!
//! Numbers start at 1, as in BSBM's instance IRIs (`Product1`, `ProductType1` is the root).

use std::ops::Range;

use super::words::{self, COUNTRIES, LANGUAGES, TODAY};
use crate::rng::Rng;

/// How much BSBM data to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BsbmConfig {
    /// Number of products, BSBM's scale factor (at least 1 is generated); the dataset has
    /// about 350 triples per product.
    pub products: usize,
    /// Seed of every random choice; the same configuration always gives the same bytes.
    pub seed: u64,
}

impl Default for BsbmConfig {
    /// 1000 products (about 350k triples) with seed 0.
    fn default() -> Self {
        Self {
            products: 1000,
            seed: 0,
        }
    }
}

// Stream tags for `Rng::derive`, one per kind of record.
const LAYOUT: u64 = 1;
const TYPE: u64 = 2;
const FEATURE: u64 = 3;
const PRODUCER: u64 = 4;
const PRODUCT: u64 = 5;
const VENDOR: u64 = 6;
const OFFER: u64 = 7;
const SITE: u64 = 8;
const PERSON: u64 = 9;
const REVIEW: u64 = 10;

/// Offers and reviews per product, the BSBM ratios.
const OFFERS_PER_PRODUCT: u64 = 20;
const REVIEWS_PER_PRODUCT: u64 = 10;

/// The dataset's shape: counts, the type tree, and which producer, vendor, reviewer and rating
/// site owns which numbers. Owners hold contiguous blocks, as in BSBM, where each producer's
/// products (each vendor's offers, each site's reviewers and reviews) share its IRI prefix.
#[derive(Debug, Clone)]
pub(crate) struct Catalogue {
    seed: u64,
    /// Number of products.
    pub products: u64,
    /// `parents[t - 1]` is the parent of type `t`; 0 for the root.
    parents: Vec<u64>,
    /// Types at the deepest level: the only types products are directly typed with.
    pub leaves: Range<u64>,
    /// `features[t - 1]` are the features type `t` owns (the root owns none).
    features: Vec<Range<u64>>,
    /// First product of each producer, ascending.
    producer_starts: Vec<u64>,
    /// Total offers, and the first offer of each vendor.
    pub offers: u64,
    vendor_starts: Vec<u64>,
    /// Total reviews, and the first review of each reviewer.
    pub reviews: u64,
    person_starts: Vec<u64>,
    /// First reviewer of each rating site.
    site_starts: Vec<u64>,
}

/// A product and everything said about it.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    /// Its leaf type first, then the ancestors below the root (the root stands for all).
    pub types: Vec<u64>,
    /// Sorted, from the features of its types.
    pub features: Vec<u64>,
    pub label: String,
    pub comment: String,
    /// `productPropertyNumeric1..=6`; 1–3 always present, 4–6 sometimes.
    pub numeric: [Option<u64>; 6],
    /// `productPropertyTextual1..=6`, present exactly like the numeric ones.
    pub textual: [Option<String>; 6],
    pub date: i64,
}

/// An offer of a product by a vendor.
#[derive(Debug, Clone)]
pub(crate) struct Offer {
    pub vendor: u64,
    pub product: u64,
    pub price_cents: u64,
    pub valid_from: i64,
    pub valid_to: i64,
    pub delivery_days: u64,
    pub date: i64,
}

/// A review of a product by a reviewer of a rating site.
#[derive(Debug, Clone)]
pub(crate) struct Review {
    pub person: u64,
    pub product: u64,
    pub review_date: i64,
    pub title: String,
    pub text: String,
    pub language: &'static str,
    /// `rating1..=4`, each 1–10 and absent for about three reviews in ten.
    pub ratings: [Option<u64>; 4],
    pub date: i64,
}

/// A reviewer.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub name: String,
    /// 40 hexadecimal digits.
    pub mbox: String,
    pub country: &'static str,
    pub date: i64,
}

/// The common shape of producers, vendors, rating sites, reviewers, types and features.
#[derive(Debug, Clone)]
pub(crate) struct Party {
    pub label: String,
    pub comment: String,
    pub country: &'static str,
    pub date: i64,
}

impl Catalogue {
    /// Lays out a dataset of `config.products` products (at least one).
    pub fn new(config: &BsbmConfig) -> Self {
        let products = (config.products as u64).max(1);
        let (parents, leaves) = type_tree(products);
        let mut features = Vec::with_capacity(parents.len());
        let mut next_feature = 1;
        for (index, &parent) in parents.iter().enumerate() {
            let count = if parent == 0 {
                0
            } else {
                Rng::derive(config.seed, &[TYPE, index as u64 + 1]).range(10, 30)
            };
            features.push(next_feature..next_feature + count);
            next_feature += count;
        }
        let mut rng = Rng::derive(config.seed, &[LAYOUT]);
        // Block sizes follow the BSBM means: about 50 products per producer, 2000 offers per
        // vendor, 20 reviews per reviewer, and here 500 reviewers per rating site.
        let producer_starts = blocks(&mut rng, products, 25, 75);
        let offers = products * OFFERS_PER_PRODUCT;
        let vendor_starts = blocks(&mut rng, offers, 1_000, 3_000);
        let reviews = products * REVIEWS_PER_PRODUCT;
        let person_starts = blocks(&mut rng, reviews, 1, 39);
        let site_starts = blocks(&mut rng, person_starts.len() as u64, 300, 700);
        Self {
            seed: config.seed,
            products,
            parents,
            leaves,
            features,
            producer_starts,
            offers,
            vendor_starts,
            reviews,
            person_starts,
            site_starts,
        }
    }

    /// Number of product types, the root included.
    pub fn types(&self) -> u64 {
        self.parents.len() as u64
    }

    /// The parent of type `number` (0 for the root).
    pub fn parent(&self, number: u64) -> u64 {
        slot(&self.parents, number).copied().unwrap_or(0)
    }

    /// The features type `number` owns.
    pub fn type_features(&self, number: u64) -> Range<u64> {
        slot(&self.features, number).cloned().unwrap_or(0..0)
    }

    /// Number of product features over all types.
    pub fn features(&self) -> u64 {
        self.features.last().map_or(0, |r| r.end - 1)
    }

    pub fn producers(&self) -> u64 {
        self.producer_starts.len() as u64
    }

    pub fn vendors(&self) -> u64 {
        self.vendor_starts.len() as u64
    }

    pub fn persons(&self) -> u64 {
        self.person_starts.len() as u64
    }

    pub fn sites(&self) -> u64 {
        self.site_starts.len() as u64
    }

    /// The products of `producer`, the offers of `vendor`, and so on: a block's numbers.
    pub fn producer_products(&self, producer: u64) -> Range<u64> {
        block(&self.producer_starts, producer, self.products)
    }

    pub fn vendor_offers(&self, vendor: u64) -> Range<u64> {
        block(&self.vendor_starts, vendor, self.offers)
    }

    pub fn person_reviews(&self, person: u64) -> Range<u64> {
        block(&self.person_starts, person, self.reviews)
    }

    pub fn site_persons(&self, site: u64) -> Range<u64> {
        block(&self.site_starts, site, self.persons())
    }

    /// The owner of `number` among blocks: producer of a product, vendor of an offer…
    pub fn producer_of(&self, product: u64) -> u64 {
        owner(&self.producer_starts, product)
    }

    pub fn vendor_of(&self, offer: u64) -> u64 {
        owner(&self.vendor_starts, offer)
    }

    pub fn person_of(&self, review: u64) -> u64 {
        owner(&self.person_starts, review)
    }

    pub fn site_of(&self, person: u64) -> u64 {
        owner(&self.site_starts, person)
    }

    /// Labels, comment and date of a product type, feature, producer, vendor or site.
    pub fn party(&self, kind: PartyKind, number: u64) -> Party {
        let mut rng = Rng::derive(self.seed, &[kind.stream(), number, 1]);
        Party {
            label: words::text(&mut rng, 1, 3),
            comment: words::text(&mut rng, 20, 50),
            country: rng.pick(&COUNTRIES),
            date: TODAY - rng.range(100, 800) as i64,
        }
    }

    pub fn product(&self, number: u64) -> Product {
        let mut rng = Rng::derive(self.seed, &[PRODUCT, number]);
        let leaf = self.leaves.start + rng.below(self.leaves.end - self.leaves.start);
        let mut types = vec![leaf];
        while let Some(&last) = types.last() {
            match self.parent(last) {
                0 | 1 => break,
                parent => types.push(parent),
            }
        }
        let mut features = Vec::new();
        for &ty in &types {
            features.extend(self.type_features(ty).filter(|_| rng.chance(33)));
        }
        if features.is_empty() {
            // Every product has a feature, so Q5's "shares a feature" has something to share.
            let own = self.type_features(leaf);
            features.push(own.start + rng.below(own.end - own.start));
        }
        features.sort_unstable();
        let label = words::text(&mut rng, 1, 3);
        let comment = words::text(&mut rng, 50, 150);
        let mut numeric = [None; 6];
        let mut textual: [Option<String>; 6] = Default::default();
        for (i, (n, t)) in numeric.iter_mut().zip(&mut textual).enumerate() {
            let present = match i {
                0..=2 => true,
                3 | 4 => rng.chance(75),
                _ => rng.chance(50),
            };
            if present {
                *n = Some(rng.range(1, 2000));
                *t = Some(words::text(&mut rng, 3, 15));
            }
        }
        Product {
            types,
            features,
            label,
            comment,
            numeric,
            textual,
            date: TODAY - rng.range(100, 800) as i64,
        }
    }

    pub fn offer(&self, number: u64) -> Offer {
        let mut rng = Rng::derive(self.seed, &[OFFER, number]);
        let valid_from = TODAY - rng.range(0, 90) as i64;
        Offer {
            vendor: self.vendor_of(number),
            product: rng.range(1, self.products),
            price_cents: rng.range(500, 1_000_000),
            valid_from,
            valid_to: valid_from + rng.range(30, 150) as i64,
            delivery_days: rng.range(1, 21),
            date: valid_from - rng.range(0, 30) as i64,
        }
    }

    pub fn review(&self, number: u64) -> Review {
        let mut rng = Rng::derive(self.seed, &[REVIEW, number]);
        let person = self.person_of(number);
        let review_date = TODAY - rng.range(0, 365) as i64;
        let language = rng.pick(&LANGUAGES);
        let title = words::text(&mut rng, 4, 15);
        let text = words::text(&mut rng, 50, 200);
        let mut ratings = [None; 4];
        for rating in &mut ratings {
            if rng.chance(70) {
                *rating = Some(rng.range(1, 10));
            }
        }
        Review {
            person,
            product: rng.range(1, self.products),
            review_date,
            title,
            text,
            language,
            ratings,
            date: review_date + rng.range(0, 7) as i64,
        }
    }

    pub fn person(&self, number: u64) -> Person {
        let mut rng = Rng::derive(self.seed, &[PERSON, number]);
        Person {
            name: words::person_name(&mut rng),
            mbox: words::sha1_like(&mut rng),
            country: rng.pick(&COUNTRIES),
            date: TODAY - rng.range(0, 365) as i64,
        }
    }
}

/// The record kinds that share the [`Party`] shape.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PartyKind {
    Type,
    Feature,
    Producer,
    Vendor,
    Site,
}

impl PartyKind {
    fn stream(self) -> u64 {
        match self {
            Self::Type => TYPE,
            Self::Feature => FEATURE,
            Self::Producer => PRODUCER,
            Self::Vendor => VENDOR,
            Self::Site => SITE,
        }
    }
}

/// The product type tree in breadth-first numbering: `(parents, leaves)`.
///
/// Its size grows with the scale as BSBM's does: with `k = round(log10(products))`, the root
/// has `2k` children, every other inner type 8, and there are `k / 2 + 1` levels below the
/// root (1000 products: 6 + 48 types; 10 000: 8 + 64 + 512), so a leaf keeps about 20 products.
fn type_tree(products: u64) -> (Vec<u64>, Range<u64>) {
    let k = ((products as f64).log10().round() as u64).max(1);
    let levels = k / 2 + 1;
    let mut parents = vec![0];
    let mut level = 1..2;
    for depth in 0..levels {
        let branching = if depth == 0 { 2 * k } else { 8 };
        let start = parents.len() as u64 + 1;
        for parent in level.clone() {
            parents.extend(std::iter::repeat_n(parent, branching as usize));
        }
        level = start..parents.len() as u64 + 1;
    }
    (parents, level)
}

/// Splits `1..=total` into consecutive blocks of `lo..=hi` numbers (the last may be shorter)
/// and returns each block's first number.
fn blocks(rng: &mut Rng, total: u64, lo: u64, hi: u64) -> Vec<u64> {
    let mut starts = Vec::new();
    let mut next = 1;
    while next <= total {
        starts.push(next);
        next += rng.range(lo, hi);
    }
    starts
}

/// The numbers of block `owner` (1-based) given the blocks' starts and the last number.
fn block(starts: &[u64], owner: u64, total: u64) -> Range<u64> {
    let start = slot(starts, owner).copied().unwrap_or(total + 1);
    let end = slot(starts, owner + 1).copied().unwrap_or(total + 1);
    start..end
}

/// The entry of 1-based `number` in a table indexed from 0; `None` for 0 or past the end.
fn slot<T>(table: &[T], number: u64) -> Option<&T> {
    table.get((number as usize).checked_sub(1)?)
}

/// The block (1-based) that holds `number`.
fn owner(starts: &[u64], number: u64) -> u64 {
    starts.partition_point(|&start| start <= number) as u64
}

#[cfg(test)]
mod tests {
    use super::{BsbmConfig, Catalogue, type_tree};

    #[test]
    fn type_tree_grows_with_scale() {
        assert_eq!(type_tree(1000).0.len(), 1 + 6 + 48);
        assert_eq!(type_tree(1000).1, 8..56);
        assert_eq!(type_tree(10_000).0.len(), 1 + 8 + 64 + 512);
        assert_eq!(type_tree(100).0.len(), 1 + 4 + 32);
        assert_eq!(type_tree(1).0.len(), 1 + 2);
    }

    #[test]
    fn blocks_cover_every_number_once() {
        let c = Catalogue::new(&BsbmConfig::default());
        let mut next = 1;
        for producer in 1..=c.producers() {
            let block = c.producer_products(producer);
            assert_eq!(block.start, next);
            assert!(block.clone().all(|p| c.producer_of(p) == producer));
            next = block.end;
        }
        assert_eq!(next, c.products + 1);
        assert_eq!(c.vendor_offers(c.vendors()).end, c.offers + 1);
        assert_eq!(c.person_reviews(c.persons()).end, c.reviews + 1);
        assert_eq!(c.site_persons(c.sites()).end, c.persons() + 1);
        assert!(
            (14..=30).contains(&c.producers()),
            "{} producers",
            c.producers()
        );
        assert!((7..=20).contains(&c.vendors()), "{} vendors", c.vendors());
    }

    #[test]
    fn products_use_their_types_features() {
        let c = Catalogue::new(&BsbmConfig::default());
        for number in 1..=100 {
            let p = c.product(number);
            assert!(c.leaves.contains(&p.types[0]));
            assert!(!p.features.is_empty());
            for f in &p.features {
                assert!(p.types.iter().any(|&t| c.type_features(t).contains(f)));
            }
            assert!(p.numeric[..3].iter().all(Option::is_some));
        }
    }
}
