//! An analytic query set over the BSBM data, beside the explore mix: the shapes a catalogue's
//! reports run (range filters on two numeric properties of one product, counts per class, a
//! count over a date range, a top-k by a numeric property, a text filter, and a cyclic join of
//! two products sharing a producer and a feature). Fixed texts: they read the whole data, so no
//! parameters are drawn.

/// `(name, query)` of the analytic set, `A1`–`A6`.
pub const ANALYTIC: [(&str, &str); 6] = [
    (
        "A1",
        // A star with range FILTERs on two numeric properties.
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
SELECT ?product ?a ?b WHERE {
  ?product bsbm:productPropertyNumeric1 ?a ;
           bsbm:productPropertyNumeric2 ?b .
  FILTER (?a > 1990 && ?b < 20)
}",
    ),
    (
        "A2",
        // Instances per class.
        r"SELECT ?type (COUNT(?s) AS ?count) WHERE { ?s a ?type } GROUP BY ?type",
    ),
    (
        "A3",
        // Reviews in a date range.
        r#"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT (COUNT(?review) AS ?count) WHERE {
  ?review bsbm:reviewDate ?date .
  FILTER (?date >= "2008-01-01T00:00:00"^^xsd:dateTime && ?date < "2008-03-01T00:00:00"^^xsd:dateTime)
}"#,
    ),
    (
        "A4",
        // The top ten products by a numeric property.
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
SELECT ?product ?value WHERE { ?product bsbm:productPropertyNumeric1 ?value }
ORDER BY DESC(?value)
LIMIT 10",
    ),
    (
        "A5",
        // Products whose label contains a string.
        r#"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?product ?label WHERE {
  ?product a bsbm:Product ;
           rdfs:label ?label .
  FILTER (CONTAINS(?label, "ber"))
}"#,
    ),
    (
        "A6",
        // Pairs of products sharing a producer and a feature: a cyclic four-pattern join.
        r"PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
SELECT (COUNT(*) AS ?pairs) WHERE {
  ?p1 bsbm:producer ?producer ;
      bsbm:productFeature ?feature .
  ?p2 bsbm:producer ?producer ;
      bsbm:productFeature ?feature .
  FILTER (?p1 != ?p2)
}",
    ),
];
