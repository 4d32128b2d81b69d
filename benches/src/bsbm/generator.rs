//! Writes a BSBM dataset as N-Triples from the [`Catalogue`]'s records.

use std::io::{self, Write};

use super::catalogue::{BsbmConfig, Catalogue, Party, PartyKind};
use super::iris;
use super::words::{date, date_time};
use super::{DC_DATE, DC_PUBLISHER, RDF_TYPE, RDFS_COMMENT, RDFS_LABEL};
use crate::lubm::ntriples::{NTriplesWriter, Term};

const XSD_INTEGER: &str = concat!("http://www.w3.org/2001/XMLSchema#", "integer");
const XSD_DATE: &str = concat!("http://www.w3.org/2001/XMLSchema#", "date");
const XSD_DATE_TIME: &str = concat!("http://www.w3.org/2001/XMLSchema#", "dateTime");
const FOAF_HOMEPAGE: &str = "http://xmlns.com/foaf/0.1/homepage";

const NUMERIC: [&str; 6] = [
    voc!("productPropertyNumeric1"),
    voc!("productPropertyNumeric2"),
    voc!("productPropertyNumeric3"),
    voc!("productPropertyNumeric4"),
    voc!("productPropertyNumeric5"),
    voc!("productPropertyNumeric6"),
];

const TEXTUAL: [&str; 6] = [
    voc!("productPropertyTextual1"),
    voc!("productPropertyTextual2"),
    voc!("productPropertyTextual3"),
    voc!("productPropertyTextual4"),
    voc!("productPropertyTextual5"),
    voc!("productPropertyTextual6"),
];

const RATINGS: [&str; 4] = [
    voc!("rating1"),
    voc!("rating2"),
    voc!("rating3"),
    voc!("rating4"),
];

/// Writes the BSBM dataset for `config` as N-Triples and returns the number of triples.
///
/// Product types and features come first, then each producer with its products, each vendor
/// with its offers, and each rating site with its reviewers and their reviews.
///
/// ```
/// use trine_benches::bsbm::{BsbmConfig, generate};
///
/// let triples = generate(&BsbmConfig { products: 100, seed: 0 }, &mut std::io::sink())?;
/// assert!(triples > 30_000);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
/// Fails if writing to `out` fails.
pub fn generate(config: &BsbmConfig, out: &mut impl Write) -> io::Result<u64> {
    let c = Catalogue::new(config);
    let mut g = Generator {
        c: &c,
        w: NTriplesWriter::new(out),
    };
    g.types_and_features()?;
    for producer in 1..=c.producers() {
        let iri = iris::producer(producer);
        g.party(
            &iri,
            voc!("Producer"),
            PartyKind::Producer,
            producer,
            "producer",
        )?;
        for product in c.producer_products(producer) {
            g.product(product, &iri)?;
        }
    }
    for vendor in 1..=c.vendors() {
        let iri = iris::vendor(vendor);
        g.party(&iri, voc!("Vendor"), PartyKind::Vendor, vendor, "vendor")?;
        for offer in c.vendor_offers(vendor) {
            g.offer(offer, &iri)?;
        }
    }
    for site in 1..=c.sites() {
        let iri = iris::site(site);
        g.party(
            &iri,
            voc!("RatingSite"),
            PartyKind::Site,
            site,
            "ratingsite",
        )?;
        for person in c.site_persons(site) {
            g.person(person, &iri)?;
            for review in c.person_reviews(person) {
                g.review(review, &iri)?;
            }
        }
    }
    g.w.finish()
}

struct Generator<'a, W: Write> {
    c: &'a Catalogue,
    w: NTriplesWriter<W>,
}

impl<W: Write> Generator<'_, W> {
    fn types_and_features(&mut self) -> io::Result<()> {
        let publisher = iris::institution();
        for number in 1..=self.c.types() {
            let iri = iris::product_type(number);
            self.w.iri(&iri, RDF_TYPE, voc!("ProductType"))?;
            let parent = match self.c.parent(number) {
                0 => voc!("Product").to_owned(),
                parent => iris::product_type(parent),
            };
            self.w.iri(
                &iri,
                "http://www.w3.org/2000/01/rdf-schema#subClassOf",
                &parent,
            )?;
            let party = self.c.party(PartyKind::Type, number);
            self.described(&iri, &party, &publisher)?;
        }
        for number in 1..=self.c.features() {
            let iri = iris::feature(number);
            self.w.iri(&iri, RDF_TYPE, voc!("ProductFeature"))?;
            let party = self.c.party(PartyKind::Feature, number);
            self.described(&iri, &party, &publisher)?;
        }
        Ok(())
    }

    /// A producer, vendor or rating site, which publishes its own description.
    fn party(
        &mut self,
        iri: &str,
        class: &str,
        kind: PartyKind,
        number: u64,
        host: &str,
    ) -> io::Result<()> {
        self.w.iri(iri, RDF_TYPE, class)?;
        let party = self.c.party(kind, number);
        self.w
            .iri(iri, FOAF_HOMEPAGE, &iris::homepage(host, number))?;
        self.w
            .iri(iri, voc!("country"), &iris::country(party.country))?;
        self.described(iri, &party, iri)
    }

    /// Label, comment, publisher and publication date, which every BSBM record carries.
    fn described(&mut self, iri: &str, party: &Party, publisher: &str) -> io::Result<()> {
        self.w.literal(iri, RDFS_LABEL, &party.label)?;
        self.w.literal(iri, RDFS_COMMENT, &party.comment)?;
        self.published(iri, publisher, party.date)
    }

    fn published(&mut self, iri: &str, publisher: &str, day: i64) -> io::Result<()> {
        self.w.iri(iri, DC_PUBLISHER, publisher)?;
        self.w.typed(iri, DC_DATE, &date(day), XSD_DATE)
    }

    fn product(&mut self, number: u64, producer: &str) -> io::Result<()> {
        let p = self.c.product(number);
        let iri = iris::product(self.c, number);
        self.w.iri(&iri, RDF_TYPE, voc!("Product"))?;
        for &ty in &p.types {
            self.w.iri(&iri, RDF_TYPE, &iris::product_type(ty))?;
        }
        self.w.literal(&iri, RDFS_LABEL, &p.label)?;
        self.w.literal(&iri, RDFS_COMMENT, &p.comment)?;
        self.w.iri(&iri, voc!("producer"), producer)?;
        for &feature in &p.features {
            self.w
                .iri(&iri, voc!("productFeature"), &iris::feature(feature))?;
        }
        for (i, (numeric, textual)) in p.numeric.iter().zip(&p.textual).enumerate() {
            if let Some(value) = numeric {
                self.w
                    .typed(&iri, NUMERIC[i], &value.to_string(), XSD_INTEGER)?;
            }
            if let Some(value) = textual {
                self.w.literal(&iri, TEXTUAL[i], value)?;
            }
        }
        self.published(&iri, producer, p.date)
    }

    fn offer(&mut self, number: u64, vendor: &str) -> io::Result<()> {
        let o = self.c.offer(number);
        let iri = iris::offer(self.c, number);
        self.w.iri(&iri, RDF_TYPE, voc!("Offer"))?;
        self.w
            .iri(&iri, voc!("product"), &iris::product(self.c, o.product))?;
        self.w.iri(&iri, voc!("vendor"), vendor)?;
        let price = format!("{}.{:02}", o.price_cents / 100, o.price_cents % 100);
        self.w.typed(&iri, voc!("price"), &price, voc!("USD"))?;
        self.w.typed(
            &iri,
            voc!("validFrom"),
            &date_time(o.valid_from),
            XSD_DATE_TIME,
        )?;
        self.w
            .typed(&iri, voc!("validTo"), &date_time(o.valid_to), XSD_DATE_TIME)?;
        let days = o.delivery_days.to_string();
        self.w
            .typed(&iri, voc!("deliveryDays"), &days, XSD_INTEGER)?;
        let page = format!("{}Offer{number}/", iris::homepage("vendor", o.vendor));
        self.w.iri(&iri, voc!("offerWebpage"), &page)?;
        self.published(&iri, vendor, o.date)
    }

    fn person(&mut self, number: u64, site: &str) -> io::Result<()> {
        let p = self.c.person(number);
        let iri = iris::person(self.c, number);
        self.w
            .iri(&iri, RDF_TYPE, "http://xmlns.com/foaf/0.1/Person")?;
        self.w
            .literal(&iri, "http://xmlns.com/foaf/0.1/name", &p.name)?;
        self.w
            .literal(&iri, "http://xmlns.com/foaf/0.1/mbox_sha1sum", &p.mbox)?;
        self.w
            .iri(&iri, voc!("country"), &iris::country(p.country))?;
        self.published(&iri, site, p.date)
    }

    fn review(&mut self, number: u64, site: &str) -> io::Result<()> {
        let r = self.c.review(number);
        let iri = iris::review(self.c, number);
        let subject = Term::Iri(&iri);
        self.w.iri(&iri, RDF_TYPE, voc!("Review"))?;
        self.w
            .iri(&iri, voc!("reviewFor"), &iris::product(self.c, r.product))?;
        self.w.iri(
            &iri,
            "http://purl.org/stuff/rev#reviewer",
            &iris::person(self.c, r.person),
        )?;
        let when = date_time(r.review_date);
        self.w
            .typed(&iri, voc!("reviewDate"), &when, XSD_DATE_TIME)?;
        let title = Term::Lang(&r.title, r.language);
        self.w
            .triple(subject, "http://purl.org/dc/elements/1.1/title", title)?;
        let text = Term::Lang(&r.text, r.language);
        self.w
            .triple(subject, "http://purl.org/stuff/rev#text", text)?;
        for (predicate, rating) in RATINGS.iter().zip(r.ratings) {
            if let Some(rating) = rating {
                self.w
                    .typed(&iri, predicate, &rating.to_string(), XSD_INTEGER)?;
            }
        }
        self.published(&iri, site, r.date)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{BsbmConfig, generate};

    fn bytes(products: usize, seed: u64) -> (u64, Vec<u8>) {
        let mut buf = Vec::new();
        let count = generate(&BsbmConfig { products, seed }, &mut buf).unwrap();
        (count, buf)
    }

    #[test]
    fn same_seed_same_bytes() {
        let (count, first) = bytes(100, 1);
        assert_eq!(bytes(100, 1), (count, first.clone()));
        assert_ne!(bytes(100, 2).1, first, "the seed changes the data");
        let lines = first.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(lines, count, "one triple a line");
    }

    #[test]
    fn ten_times_the_products_ten_times_the_triples() {
        let small = generate(
            &BsbmConfig {
                products: 200,
                seed: 0,
            },
            &mut std::io::sink(),
        )
        .unwrap();
        let large = generate(
            &BsbmConfig {
                products: 2000,
                seed: 0,
            },
            &mut std::io::sink(),
        )
        .unwrap();
        let ratio = large as f64 / small as f64;
        assert!((8.0..12.0).contains(&ratio), "{large} / {small} = {ratio}");
        let per_product = small / 200;
        assert!(
            (300..450).contains(&per_product),
            "{per_product} triples per product"
        );
    }

    #[test]
    #[ignore = "prints sizes and speed; run by hand with --ignored --nocapture"]
    fn report_sizes() {
        for products in [1000, 10_000] {
            let start = std::time::Instant::now();
            let mut out = Vec::new();
            let triples = generate(&BsbmConfig { products, seed: 0 }, &mut out).unwrap();
            let seconds = start.elapsed().as_secs_f64();
            println!(
                "BSBM({products}): {triples} triples, {} MB, {seconds:.2} s, {:.0} triples/s",
                out.len() / 1_000_000,
                triples as f64 / seconds
            );
        }
    }

    #[test]
    fn every_line_parses_as_ntriples() {
        let (count, buf) = bytes(300, 0);
        let mut parsed = 0;
        for triple in oxttl::NTriplesParser::new().for_slice(&buf) {
            if let Err(e) = triple {
                panic!("invalid N-Triples: {e}");
            }
            parsed += 1;
        }
        assert_eq!(parsed, count);
    }
}
