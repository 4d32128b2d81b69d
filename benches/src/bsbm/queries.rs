//! The BSBM explore use case's queries as templates, and their instantiation with parameters
//! taken from the generated data.
//!
//! Q6 is left out, as in BSBM 3 (its regex over labels measures text search, not the store).
//! Two departures from the specification, both so that small datasets still give answers:
//! Q7 and Q10 name the vendors' country by a `%Country1%` parameter instead of fixing DE and
//! US, and parameters are drawn from one real product (or offer) of the data, so Q1, Q3 and Q4
//! always match at least that product.

use super::catalogue::{BsbmConfig, Catalogue, PartyKind, Product};
use super::iris;
use super::words::{TODAY, date_time};
use crate::rng::Rng;

/// `(name, template)` for explore queries Q1–Q5 and Q7–Q12; placeholders are `%Name%`.
pub const TEMPLATES: [(&str, &str); 11] = [
    (
        "Q1",
        // Products of a type with two features and a numeric property above a threshold.
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?product ?label WHERE {
  ?product rdfs:label ?label .
  ?product a %ProductType% .
  ?product bsbm:productFeature %ProductFeature1% .
  ?product bsbm:productFeature %ProductFeature2% .
  ?product bsbm:productPropertyNumeric1 ?value1 .
  FILTER (?value1 > %x%)
}
ORDER BY ?label
LIMIT 10",
    ),
    (
        "Q2",
        // Everything a product page shows.
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dc: <http://purl.org/dc/elements/1.1/>
SELECT ?label ?comment ?producer ?productFeature ?propertyTextual1 ?propertyTextual2
       ?propertyTextual3 ?propertyNumeric1 ?propertyNumeric2 ?propertyTextual4
       ?propertyTextual5 ?propertyNumeric4 WHERE {
  %ProductXYZ% rdfs:label ?label .
  %ProductXYZ% rdfs:comment ?comment .
  %ProductXYZ% bsbm:producer ?p .
  ?p rdfs:label ?producer .
  %ProductXYZ% dc:publisher ?p .
  %ProductXYZ% bsbm:productFeature ?f .
  ?f rdfs:label ?productFeature .
  %ProductXYZ% bsbm:productPropertyTextual1 ?propertyTextual1 .
  %ProductXYZ% bsbm:productPropertyTextual2 ?propertyTextual2 .
  %ProductXYZ% bsbm:productPropertyTextual3 ?propertyTextual3 .
  %ProductXYZ% bsbm:productPropertyNumeric1 ?propertyNumeric1 .
  %ProductXYZ% bsbm:productPropertyNumeric2 ?propertyNumeric2 .
  OPTIONAL { %ProductXYZ% bsbm:productPropertyTextual4 ?propertyTextual4 }
  OPTIONAL { %ProductXYZ% bsbm:productPropertyTextual5 ?propertyTextual5 }
  OPTIONAL { %ProductXYZ% bsbm:productPropertyNumeric4 ?propertyNumeric4 }
}",
    ),
    (
        "Q3",
        // Products with one feature but without another (negation by OPTIONAL + !bound).
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?product ?label WHERE {
  ?product rdfs:label ?label .
  ?product a %ProductType% .
  ?product bsbm:productFeature %ProductFeature1% .
  ?product bsbm:productPropertyNumeric1 ?p1 .
  FILTER (?p1 > %x%)
  ?product bsbm:productPropertyNumeric3 ?p3 .
  FILTER (?p3 < %y%)
  OPTIONAL {
    ?product bsbm:productFeature %ProductFeature2% .
    ?product rdfs:label ?testVar
  }
  FILTER (!bound(?testVar))
}
ORDER BY ?label
LIMIT 10",
    ),
    (
        "Q4",
        // Two alternative feature combinations (UNION), with OFFSET.
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?product ?label ?propertyTextual WHERE {
  {
    ?product rdfs:label ?label .
    ?product rdf:type %ProductType% .
    ?product bsbm:productFeature %ProductFeature1% .
    ?product bsbm:productFeature %ProductFeature2% .
    ?product bsbm:productPropertyTextual1 ?propertyTextual .
    ?product bsbm:productPropertyNumeric1 ?p1 .
    FILTER (?p1 > %x%)
  } UNION {
    ?product rdfs:label ?label .
    ?product rdf:type %ProductType% .
    ?product bsbm:productFeature %ProductFeature1% .
    ?product bsbm:productFeature %ProductFeature3% .
    ?product bsbm:productPropertyTextual1 ?propertyTextual .
    ?product bsbm:productPropertyNumeric2 ?p2 .
    FILTER (?p2 > %y%)
  }
}
ORDER BY ?label
OFFSET 5
LIMIT 10",
    ),
    (
        "Q5",
        // Products similar to a given one: shared features, close numeric properties.
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?product ?productLabel WHERE {
  ?product rdfs:label ?productLabel .
  FILTER (%ProductXYZ% != ?product)
  %ProductXYZ% bsbm:productFeature ?prodFeature .
  ?product bsbm:productFeature ?prodFeature .
  %ProductXYZ% bsbm:productPropertyNumeric1 ?origProperty1 .
  ?product bsbm:productPropertyNumeric1 ?simProperty1 .
  FILTER (?simProperty1 < (?origProperty1 + 120) && ?simProperty1 > (?origProperty1 - 120))
  %ProductXYZ% bsbm:productPropertyNumeric2 ?origProperty2 .
  ?product bsbm:productPropertyNumeric2 ?simProperty2 .
  FILTER (?simProperty2 < (?origProperty2 + 170) && ?simProperty2 > (?origProperty2 - 170))
}
ORDER BY ?productLabel
LIMIT 5",
    ),
    (
        "Q7",
        // A product with its current offers from one country's vendors and its reviews.
        r"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rev: <http://purl.org/stuff/rev#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX dc: <http://purl.org/dc/elements/1.1/>
SELECT ?productLabel ?offer ?price ?vendor ?vendorTitle ?review ?revTitle ?reviewer
       ?revName ?rating1 ?rating2 WHERE {
  %ProductXYZ% rdfs:label ?productLabel .
  OPTIONAL {
    ?offer bsbm:product %ProductXYZ% .
    ?offer bsbm:price ?price .
    ?offer bsbm:vendor ?vendor .
    ?vendor rdfs:label ?vendorTitle .
    ?vendor bsbm:country %Country1% .
    ?offer dc:publisher ?vendor .
    ?offer bsbm:validTo ?date .
    FILTER (?date > %currentDate%)
  }
  OPTIONAL {
    ?review bsbm:reviewFor %ProductXYZ% .
    ?review rev:reviewer ?reviewer .
    ?reviewer foaf:name ?revName .
    ?review dc:title ?revTitle .
    OPTIONAL { ?review bsbm:rating1 ?rating1 . }
    OPTIONAL { ?review bsbm:rating2 ?rating2 . }
  }
}",
    ),
    (
        "Q8",
        // A product's most recent English reviews.
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX dc: <http://purl.org/dc/elements/1.1/>
PREFIX rev: <http://purl.org/stuff/rev#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?title ?text ?reviewDate ?reviewer ?reviewerName ?rating1 ?rating2 ?rating3
       ?rating4 WHERE {
  ?review bsbm:reviewFor %ProductXYZ% .
  ?review dc:title ?title .
  ?review rev:text ?text .
  FILTER langMatches(lang(?text), 'EN')
  ?review bsbm:reviewDate ?reviewDate .
  ?review rev:reviewer ?reviewer .
  ?reviewer foaf:name ?reviewerName .
  OPTIONAL { ?review bsbm:rating1 ?rating1 . }
  OPTIONAL { ?review bsbm:rating2 ?rating2 . }
  OPTIONAL { ?review bsbm:rating3 ?rating3 . }
  OPTIONAL { ?review bsbm:rating4 ?rating4 . }
}
ORDER BY DESC(?reviewDate)
LIMIT 20",
    ),
    (
        "Q9",
        // Everything about a review's author.
        r"PREFIX rev: <http://purl.org/stuff/rev#>
DESCRIBE ?x WHERE { %ReviewXYZ% rev:reviewer ?x }",
    ),
    (
        "Q10",
        // Cheap, fast, still valid offers of a product from one country's vendors.
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dc: <http://purl.org/dc/elements/1.1/>
SELECT DISTINCT ?offer ?price WHERE {
  ?offer bsbm:product %ProductXYZ% .
  ?offer bsbm:vendor ?vendor .
  ?offer dc:publisher ?vendor .
  ?vendor bsbm:country %Country1% .
  ?offer bsbm:deliveryDays ?deliveryDays .
  FILTER (?deliveryDays <= 3)
  ?offer bsbm:price ?price .
  ?offer bsbm:validTo ?date .
  FILTER (?date > %currentDate%)
}
ORDER BY xsd:double(str(?price))
LIMIT 10",
    ),
    (
        "Q11",
        // Every triple an offer is in, either side.
        r"SELECT ?property ?hasValue ?isValueOf WHERE {
  { %OfferXYZ% ?property ?hasValue }
  UNION
  { ?isValueOf ?property %OfferXYZ% }
}",
    ),
    (
        "Q12",
        // An offer exported in another vocabulary (CONSTRUCT).
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX bsbm-export: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/export/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
CONSTRUCT {
  %OfferXYZ% bsbm-export:product ?productURI .
  %OfferXYZ% bsbm-export:productlabel ?productlabel .
  %OfferXYZ% bsbm-export:vendor ?vendorname .
  %OfferXYZ% bsbm-export:vendorhomepage ?vendorhomepage .
  %OfferXYZ% bsbm-export:offerURL ?offerURL .
  %OfferXYZ% bsbm-export:price ?price .
  %OfferXYZ% bsbm-export:deliveryDays ?deliveryDays .
  %OfferXYZ% bsbm-export:validuntil ?validTo
} WHERE {
  %OfferXYZ% bsbm:product ?productURI .
  ?productURI rdfs:label ?productlabel .
  %OfferXYZ% bsbm:vendor ?vendorURI .
  ?vendorURI rdfs:label ?vendorname .
  ?vendorURI foaf:homepage ?vendorhomepage .
  %OfferXYZ% bsbm:offerWebpage ?offerURL .
  %OfferXYZ% bsbm:price ?price .
  %OfferXYZ% bsbm:deliveryDays ?deliveryDays .
  %OfferXYZ% bsbm:validTo ?validTo
}",
    ),
];

/// `count` query mixes for the dataset of `config`: each mix is every template once, in
/// [`TEMPLATES`] order, with fresh parameters drawn by a generator seeded with `rng_seed`.
///
/// Parameters come from the same records the generator writes (see the module doc), so the
/// products, features, reviews and offers they name exist in `generate(config, …)`'s output.
///
/// ```
/// use trine_benches::bsbm::{BsbmConfig, instantiate};
///
/// let queries = instantiate(&BsbmConfig { products: 100, seed: 0 }, 1, 2);
/// assert_eq!(queries.len(), 22);
/// assert!(queries.iter().all(|(_, query)| !query.contains('%')));
/// ```
#[must_use]
pub fn instantiate(
    config: &BsbmConfig,
    rng_seed: u64,
    count: usize,
) -> Vec<(&'static str, String)> {
    let c = Catalogue::new(config);
    let mut rng = Rng::new(rng_seed);
    let mut queries = Vec::with_capacity(count * TEMPLATES.len());
    for _ in 0..count {
        for (name, template) in TEMPLATES {
            let params = parameters(&c, &mut rng, name);
            queries.push((name, fill(template, &params)));
        }
    }
    queries
}

/// The parameters of query `name`, drawn from the catalogue.
fn parameters(c: &Catalogue, rng: &mut Rng, name: &str) -> Vec<(&'static str, String)> {
    match name {
        "Q1" | "Q3" | "Q4" => {
            let p = c.product(rng.range(1, c.products));
            let features = distinct_features(&p, rng);
            let ty = iri(&iris::product_type(rng.pick(&p.types)));
            // Thresholds the drawn product passes, so each of these queries has an answer.
            let x = rng.range(1, 500).min(numeric(&p, 0).saturating_sub(1));
            let mut params = vec![
                ("ProductType", ty),
                ("ProductFeature1", iri(&iris::feature(features[0]))),
                ("x", x.to_string()),
            ];
            match name {
                "Q1" => params.push(("ProductFeature2", iri(&iris::feature(features[1])))),
                "Q3" => {
                    let y = numeric(&p, 2) + rng.range(1, 500);
                    params.push(("y", y.to_string()));
                    let absent = absent_feature(c, &p, rng);
                    params.push(("ProductFeature2", iri(&iris::feature(absent))));
                }
                _ => {
                    let y = rng.range(1, 500).min(numeric(&p, 1).saturating_sub(1));
                    params.push(("y", y.to_string()));
                    params.push(("ProductFeature2", iri(&iris::feature(features[1]))));
                    params.push(("ProductFeature3", iri(&iris::feature(features[2]))));
                }
            }
            params
        }
        "Q2" | "Q5" | "Q8" => {
            let product = rng.range(1, c.products);
            vec![("ProductXYZ", iri(&iris::product(c, product)))]
        }
        "Q7" | "Q10" => {
            // A product that has at least this offer, and its vendor's country.
            let offer = c.offer(rng.range(1, c.offers));
            let vendor = c.party(PartyKind::Vendor, offer.vendor);
            vec![
                ("ProductXYZ", iri(&iris::product(c, offer.product))),
                ("Country1", iri(&iris::country(vendor.country))),
                ("currentDate", current_date()),
            ]
        }
        "Q9" => {
            let review = rng.range(1, c.reviews);
            vec![("ReviewXYZ", iri(&iris::review(c, review)))]
        }
        "Q11" | "Q12" => {
            let offer = rng.range(1, c.offers);
            vec![("OfferXYZ", iri(&iris::offer(c, offer)))]
        }
        _ => Vec::new(),
    }
}

/// Three features of the product, distinct while it has that many.
fn distinct_features(p: &Product, rng: &mut Rng) -> [u64; 3] {
    let mut own = p.features.clone();
    rng.shuffle(&mut own);
    let at = |i: usize| own.get(i % own.len().max(1)).copied().unwrap_or(1);
    [at(0), at(1), at(2)]
}

/// A feature of the product's types that the product lacks (any feature if it has them all).
fn absent_feature(c: &Catalogue, p: &Product, rng: &mut Rng) -> u64 {
    let candidates: Vec<u64> = p
        .types
        .iter()
        .flat_map(|&ty| c.type_features(ty))
        .filter(|f| p.features.binary_search(f).is_err())
        .collect();
    if candidates.is_empty() {
        rng.range(1, c.features())
    } else {
        rng.pick(&candidates)
    }
}

/// Numeric property `index` (0-based); 1–3 always exist, so 0 stands in only for absent ones.
fn numeric(p: &Product, index: usize) -> u64 {
    p.numeric.get(index).copied().flatten().unwrap_or(0)
}

fn iri(value: &str) -> String {
    format!("<{value}>")
}

fn current_date() -> String {
    format!(
        "\"{}\"^^<http://www.w3.org/2001/XMLSchema#dateTime>",
        date_time(TODAY)
    )
}

/// Replaces each `%name%` of `template` by its value.
fn fill(template: &str, params: &[(&str, String)]) -> String {
    let mut query = template.to_owned();
    for (name, value) in params {
        query = query.replace(&format!("%{name}%"), value);
    }
    query
}

#[cfg(test)]
mod tests {
    use super::{BsbmConfig, TEMPLATES, instantiate};

    #[test]
    fn every_instantiated_query_parses() {
        let config = BsbmConfig {
            products: 500,
            seed: 3,
        };
        let queries = instantiate(&config, 9, 20);
        assert_eq!(queries.len(), 20 * TEMPLATES.len());
        for (name, query) in &queries {
            assert!(!query.contains('%'), "{name} keeps a placeholder:\n{query}");
            if let Err(e) = spargebra::SparqlParser::new().parse_query(query) {
                panic!("{name} does not parse: {e}\n{query}");
            }
        }
        assert_eq!(
            instantiate(&config, 9, 20),
            queries,
            "same seed, same queries"
        );
    }

    #[test]
    fn parameters_name_entities_of_the_generated_data() {
        let config = BsbmConfig {
            products: 150,
            seed: 5,
        };
        let mut data = Vec::new();
        if let Err(e) = super::super::generate(&config, &mut data) {
            panic!("{e}");
        }
        let data = String::from_utf8_lossy(&data);
        let subjects: std::collections::BTreeSet<&str> =
            data.lines().filter_map(|l| l.split(' ').next()).collect();
        for (name, query) in instantiate(&config, 1, 10) {
            for token in query.split_whitespace() {
                let token = token.trim_end_matches(['.', ')', '}']);
                if token.starts_with("<http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/instances/") {
                    assert!(
                        subjects.contains(token),
                        "{name} names {token}, absent from the data"
                    );
                }
            }
        }
    }
}
