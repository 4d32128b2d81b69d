//! The 14 LUBM test queries in SPARQL.
//!
//! They keep the original queries' shapes and constants (University0, Department0, its
//! GraduateCourse0, AssistantProfessor0 and AssociateProfessor0), so answers compare with
//! published LUBM results. Most need inference over the ontology to return anything useful:
//! subclasses (Q5, Q6, Q7…), sub-properties (Q5: worksFor ⊑ memberOf), inverses (Q13),
//! transitivity (Q11) and class definitions (Q6, Q12).

/// `(name, SPARQL query)` for LUBM queries Q1 to Q14, in order.
pub const QUERIES: [(&str, &str); 14] = [
    (
        "Q1",
        // Large input, high selectivity: graduate students taking one graduate course.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X WHERE {
  ?X rdf:type ub:GraduateStudent .
  ?X ub:takesCourse <http://www.Department0.University0.edu/GraduateCourse0> .
}",
    ),
    (
        "Q2",
        // A triangle: students whose undergraduate university is the one their department is in.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X ?Y ?Z WHERE {
  ?X rdf:type ub:GraduateStudent .
  ?Y rdf:type ub:University .
  ?Z rdf:type ub:Department .
  ?X ub:memberOf ?Z .
  ?Z ub:subOrganizationOf ?Y .
  ?X ub:undergraduateDegreeFrom ?Y .
}",
    ),
    (
        "Q3",
        // Publications (a class with subclasses) of one assistant professor.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X WHERE {
  ?X rdf:type ub:Publication .
  ?X ub:publicationAuthor <http://www.Department0.University0.edu/AssistantProfessor0> .
}",
    ),
    (
        "Q4",
        // Professors (three subclasses) of one department, with three properties each.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X ?Y1 ?Y2 ?Y3 WHERE {
  ?X rdf:type ub:Professor .
  ?X ub:worksFor <http://www.Department0.University0.edu> .
  ?X ub:name ?Y1 .
  ?X ub:emailAddress ?Y2 .
  ?X ub:telephone ?Y3 .
}",
    ),
    (
        "Q5",
        // Members of a department: needs memberOf's sub-properties and Person's subclasses.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X WHERE {
  ?X rdf:type ub:Person .
  ?X ub:memberOf <http://www.Department0.University0.edu> .
}",
    ),
    (
        "Q6",
        // All students: undergraduates by subclass, graduates by Student's definition.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X WHERE { ?X rdf:type ub:Student . }",
    ),
    (
        "Q7",
        // Students taking a course taught by one associate professor.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X ?Y WHERE {
  ?X rdf:type ub:Student .
  ?Y rdf:type ub:Course .
  ?X ub:takesCourse ?Y .
  <http://www.Department0.University0.edu/AssociateProfessor0> ub:teacherOf ?Y .
}",
    ),
    (
        "Q8",
        // Students of one university's departments with their e-mail addresses.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X ?Y ?Z WHERE {
  ?X rdf:type ub:Student .
  ?Y rdf:type ub:Department .
  ?X ub:memberOf ?Y .
  ?Y ub:subOrganizationOf <http://www.University0.edu> .
  ?X ub:emailAddress ?Z .
}",
    ),
    (
        "Q9",
        // A triangle: students taking a course taught by their own advisor.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X ?Y ?Z WHERE {
  ?X rdf:type ub:Student .
  ?Y rdf:type ub:Faculty .
  ?Z rdf:type ub:Course .
  ?X ub:advisor ?Y .
  ?Y ub:teacherOf ?Z .
  ?X ub:takesCourse ?Z .
}",
    ),
    (
        "Q10",
        // Q1 with Student instead of GraduateStudent: the answers come only by inference.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X WHERE {
  ?X rdf:type ub:Student .
  ?X ub:takesCourse <http://www.Department0.University0.edu/GraduateCourse0> .
}",
    ),
    (
        "Q11",
        // Research groups of a university: subOrganizationOf is transitive.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X WHERE {
  ?X rdf:type ub:ResearchGroup .
  ?X ub:subOrganizationOf <http://www.University0.edu> .
}",
    ),
    (
        "Q12",
        // Chairs: no one is typed Chair, it follows from headOf and Chair's definition.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X ?Y WHERE {
  ?X rdf:type ub:Chair .
  ?Y rdf:type ub:Department .
  ?X ub:worksFor ?Y .
  ?Y ub:subOrganizationOf <http://www.University0.edu> .
}",
    ),
    (
        "Q13",
        // Alumni: hasAlumnus is the inverse of degreeFrom, whose sub-properties the data uses.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X WHERE {
  ?X rdf:type ub:Person .
  <http://www.University0.edu> ub:hasAlumnus ?X .
}",
    ),
    (
        "Q14",
        // Large input, low selectivity, no inference.
        r"PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX ub: <http://swat.cse.lehigh.edu/onto/univ-bench.owl#>
SELECT ?X WHERE { ?X rdf:type ub:UndergraduateStudent . }",
    ),
];

#[cfg(test)]
mod tests {
    use super::QUERIES;

    #[test]
    fn every_query_parses() {
        for (i, (name, query)) in QUERIES.iter().enumerate() {
            assert_eq!(*name, format!("Q{}", i + 1));
            if let Err(e) = spargebra::SparqlParser::new().parse_query(query) {
                panic!("{name} does not parse: {e}\n{query}");
            }
        }
    }
}
