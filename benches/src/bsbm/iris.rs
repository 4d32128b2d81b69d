//! Instance IRIs in BSBM's style: each record lives under the prefix of the party that
//! publishes it (`dataFromProducer3/Product141`, `dataFromVendor2/Offer77`, …).

use super::INST;
use super::catalogue::Catalogue;

/// `ProductType{number}`; the root is `ProductType1`.
pub(crate) fn product_type(number: u64) -> String {
    format!("{INST}ProductType{number}")
}

pub(crate) fn feature(number: u64) -> String {
    format!("{INST}ProductFeature{number}")
}

pub(crate) fn producer(number: u64) -> String {
    format!("{INST}dataFromProducer{number}/Producer{number}")
}

/// A product's IRI names its producer, which the catalogue knows.
pub(crate) fn product(catalogue: &Catalogue, number: u64) -> String {
    format!(
        "{INST}dataFromProducer{}/Product{number}",
        catalogue.producer_of(number)
    )
}

pub(crate) fn vendor(number: u64) -> String {
    format!("{INST}dataFromVendor{number}/Vendor{number}")
}

pub(crate) fn offer(catalogue: &Catalogue, number: u64) -> String {
    format!(
        "{INST}dataFromVendor{}/Offer{number}",
        catalogue.vendor_of(number)
    )
}

pub(crate) fn site(number: u64) -> String {
    format!("{INST}dataFromRatingSite{number}/RatingSite{number}")
}

pub(crate) fn person(catalogue: &Catalogue, number: u64) -> String {
    format!(
        "{INST}dataFromRatingSite{}/Reviewer{number}",
        catalogue.site_of(number)
    )
}

pub(crate) fn review(catalogue: &Catalogue, number: u64) -> String {
    let site = catalogue.site_of(catalogue.person_of(number));
    format!("{INST}dataFromRatingSite{site}/Review{number}")
}

/// The publisher of product types and features.
pub(crate) fn institution() -> String {
    format!("{INST}StandardizationInstitution1")
}

pub(crate) fn country(code: &str) -> String {
    format!("http://downlode.org/rdf/iso-3166/countries#{code}")
}

/// A party's web site, e.g. `http://www.vendor4.com/`.
pub(crate) fn homepage(kind: &str, number: u64) -> String {
    format!("http://www.{kind}{number}.com/")
}
