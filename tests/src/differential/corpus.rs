//! The fixed corpus: hand-written queries covering the features the generator combines.

use super::dataset::PROLOGUE;

/// Hand-written queries covering the features the generator combines.
pub fn corpus() -> Vec<String> {
    [
        "SELECT * WHERE { ?a :p0 ?b }",
        "SELECT ?a ?c WHERE { ?a :p0 ?b . ?b :p0 ?c }",
        "SELECT * WHERE { ?a :p2 ?n FILTER(?n > 1) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(isLiteral(?o) && LANG(?o) = \"en\") }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(DATATYPE(?o) = xsd:integer || DATATYPE(?o) = xsd:decimal) }",
        "SELECT * WHERE { ?a :p1 ?o FILTER(isIRI(?o)) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(CONTAINS(STR(?o), \"a\")) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(STRLEN(STR(?o)) > 2) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(?o IN (1, \"a\", \"chat\"@fr, true)) }",
        "SELECT * WHERE { ?a :p2 ?n BIND(?n * 2 + 1 AS ?m) }",
        "SELECT * WHERE { ?a :p0 ?b OPTIONAL { ?b :p2 ?n } }",
        "SELECT * WHERE { ?a :p0 ?b OPTIONAL { ?b :p2 ?n FILTER(?n > 0) } FILTER(!BOUND(?n)) }",
        "SELECT * WHERE { { ?a :p2 ?o } UNION { ?a :p3 ?o } }",
        "SELECT * WHERE { ?a :p0 ?b MINUS { ?b :p1 ?c } }",
        "SELECT * WHERE { VALUES (?a ?x) { (:i1 1) (:i2 UNDEF) (:i3 \"a\") } ?a :p0 ?b }",
        "SELECT * WHERE { GRAPH ?g { ?a :p2 ?n } }",
        "SELECT * WHERE { GRAPH :g0 { ?a :p0 ?b } ?b :p0 ?c }",
        "SELECT DISTINCT ?b WHERE { ?a :p0 ?b }",
        "SELECT ?a ?b WHERE { ?a :p0 ?b } ORDER BY STR(?a) STR(?b) LIMIT 5 OFFSET 2",
        "SELECT ?a (COUNT(*) AS ?c) WHERE { ?a :p0 ?b } GROUP BY ?a",
        "SELECT ?a (SUM(?n) AS ?s) (MIN(?n) AS ?lo) (MAX(?n) AS ?hi) WHERE { ?a :p2 ?n } GROUP BY ?a",
        "SELECT (COUNT(DISTINCT ?b) AS ?c) WHERE { ?a :p0 ?b }",
        "SELECT ?a (COUNT(?n) AS ?c) WHERE { ?a :p0 ?b OPTIONAL { ?b :p2 ?n } } GROUP BY ?a HAVING(COUNT(?n) > 0)",
        "SELECT * WHERE { :i0 :p0* ?b }",
        "SELECT * WHERE { ?a :p0+ :i1 }",
        "SELECT * WHERE { ?a :p0? ?b }",
        "SELECT * WHERE { ?a ^:p0 ?b }",
        "SELECT * WHERE { ?a :p0/:p2 ?n }",
        "SELECT * WHERE { ?a (:p0|^:p0)* ?b FILTER(?a = :i2) }",
        "ASK { ?a :p2 42 }",
        "ASK { :i0 :p0+ :i0 }",
        "CONSTRUCT { ?b :q ?a } WHERE { ?a :p0 ?b }",
        "CONSTRUCT { ?a :sum ?m } WHERE { ?a :p2 ?n BIND(?n + 1 AS ?m) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(?o > \"2020-06-01T00:00:00Z\"^^xsd:dateTime) }",
        "SELECT * WHERE { ?a :p3 ?o FILTER(?o < \"b\") }",
        // Blank nodes in the data.
        "SELECT * WHERE { ?a ?p ?b FILTER(isBlank(?a) || isBlank(?b)) }",
        "SELECT * WHERE { ?a :p0 ?b . ?b ?p ?c FILTER(isBlank(?b)) }",
        "CONSTRUCT { ?a :q _:x . _:x :r ?b } WHERE { ?a :p1 ?b }",
        // EXISTS, NOT EXISTS.
        "SELECT * WHERE { ?a :p0 ?b FILTER EXISTS { ?b :p2 ?n } }",
        "SELECT * WHERE { ?a :p0 ?b FILTER NOT EXISTS { ?b :p0 ?a } }",
        "SELECT * WHERE { ?a :p2 ?n FILTER(?n > 0 || EXISTS { ?a :p3 ?n }) }",
        "SELECT * WHERE { ?a :p0 ?b BIND(EXISTS { ?b :p1 ?c } AS ?e) }",
        // Sub-queries.
        "SELECT * WHERE { ?a :p0 ?b { SELECT ?b (COUNT(*) AS ?k) WHERE { ?b :p0 ?c } GROUP BY ?b } }",
        "SELECT * WHERE { { SELECT DISTINCT ?a WHERE { ?a :p2 ?n FILTER(!isBlank(?a)) } ORDER BY STR(?a) LIMIT 3 } ?a :p0 ?b }",
        "SELECT ?a WHERE { { SELECT ?a ?b WHERE { ?a :p1 ?b } } FILTER(isIRI(?b)) }",
        // GROUP_CONCAT and SAMPLE.
        "SELECT ?a (GROUP_CONCAT(?n; separator=\"|\") AS ?catbar0) (SAMPLE(?a) AS ?s) WHERE { ?a :p2 ?n } GROUP BY ?a",
        "SELECT (GROUP_CONCAT(DISTINCT STR(?n)) AS ?cat0) WHERE { ?a :p2 ?n }",
        "SELECT ?a (SAMPLE(?n) AS ?s) WHERE { ?a :p2 ?n } GROUP BY ?a HAVING(COUNT(DISTINCT ?n) <= 1)",
        // REGEX and the string functions.
        "SELECT * WHERE { ?a :p3 ?o FILTER(REGEX(STR(?o), \"^a\", \"i\")) }",
        "SELECT * WHERE { ?a :p0 ?b FILTER(REGEX(STR(?b), \"i[0-4]$\")) }",
        "SELECT ?o (UCASE(?o) AS ?u) (LCASE(?o) AS ?l) (STRBEFORE(?o, \"a\") AS ?sb) (STRAFTER(?o, \"a\") AS ?sa) WHERE { ?a :p3 ?o }",
        "SELECT ?o (SUBSTR(?o, 2) AS ?s1) (SUBSTR(?o, 1, 2) AS ?s2) (CONCAT(?o, \"-\", ?o) AS ?c) (REPLACE(?o, \"a\", \"z\") AS ?r) WHERE { ?a :p3 ?o }",
        "SELECT ?o (STRSTARTS(?o, \"c\") AS ?ss) (STRENDS(?o, \"t\") AS ?se) (ENCODE_FOR_URI(STR(?o)) AS ?e) (STRLANG(STR(?o), \"en\") AS ?sl) (STRDT(STR(?o), xsd:string) AS ?sd) WHERE { ?a :p3 ?o }",
        // Division and numeric casts.
        "SELECT ?n (?n / 2 AS ?h) (1 / ?n AS ?r) WHERE { ?a :p2 ?n }",
        "SELECT ?o (xsd:integer(?o) AS ?i) (xsd:decimal(?o) AS ?d) (xsd:double(?o) AS ?f) (xsd:float(?o) AS ?fl) (xsd:boolean(?o) AS ?b) (xsd:string(?n) AS ?s) WHERE { ?a :p3 ?o . ?a :p2 ?n }",
        // FROM and FROM NAMED.
        "SELECT * FROM :g0 WHERE { ?a :p2 ?n }",
        "SELECT * FROM NAMED :g1 WHERE { GRAPH ?g { ?a :p2 ?n } }",
        "SELECT * FROM :g1 WHERE { GRAPH ?g { ?a :p2 ?n } }",
        "SELECT DISTINCT * FROM :g0 FROM :g1 WHERE { ?a :p0 ?b }",
        "SELECT * FROM :g0 FROM NAMED :g0 WHERE { ?a :p2 ?n GRAPH :g0 { ?a :p0 ?b } }",
        // DESCRIBE.
        "DESCRIBE :i1",
        "DESCRIBE ?a WHERE { ?a :p2 42 }",
        "DESCRIBE * WHERE { ?a :p1 ?b FILTER(isBlank(?b)) }",
        // Alternatives where duplicates cannot show.
        "SELECT DISTINCT * WHERE { ?a :p2|:p3 ?o }",
        "ASK { :i1 :p0|^:p0 ?b }",
        "CONSTRUCT { ?a :q ?b } WHERE { ?a :p0|:p1 ?b }",
    ]
    .iter()
    .map(|body| format!("{PROLOGUE}{body}"))
    .collect()
}
