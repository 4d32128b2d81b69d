//! Our own N-Triples rendering of the univ-bench ontology that the LUBM data and queries use:
//! the class hierarchy, the properties with their domains, ranges, sub-properties and
//! inverses, the transitive `subOrganizationOf`, and the class definitions by intersection and
//! existential restriction that LUBM's queries need a reasoner for (Student, Chair, Employee…).
//!
//! Defined classes are written the OWL 2 way, `C owl:equivalentClass [ owl:intersectionOf
//! (…) ]`, with the list and the restrictions as blank nodes, so both the OWL 2 RL rules and a
//! plain RDF reader see well-formed lists.

use std::io::{self, Write};

use super::ntriples::{NTriplesWriter, Term};

const OWL: &str = "http://www.w3.org/2002/07/owl#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
const RDFS_SUBCLASS: &str = "http://www.w3.org/2000/01/rdf-schema#subClassOf";
const RDFS_SUBPROPERTY: &str = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf";
const RDFS_DOMAIN: &str = "http://www.w3.org/2000/01/rdf-schema#domain";
const RDFS_RANGE: &str = "http://www.w3.org/2000/01/rdf-schema#range";

/// The ontology's own IRI (the namespace without its `#`).
pub const ONTOLOGY_IRI: &str = "http://swat.cse.lehigh.edu/onto/univ-bench.owl";

/// Named classes: (local name, direct superclasses).
const CLASSES: &[(&str, &[&str])] = &[
    ("AdministrativeStaff", &["Employee"]),
    ("Article", &["Publication"]),
    ("AssistantProfessor", &["Professor"]),
    ("AssociateProfessor", &["Professor"]),
    ("Book", &["Publication"]),
    ("Chair", &["Professor"]),
    ("ClericalStaff", &["AdministrativeStaff"]),
    ("College", &["Organization"]),
    ("ConferencePaper", &["Article"]),
    ("Course", &["Work"]),
    ("Dean", &["Professor"]),
    ("Department", &["Organization"]),
    ("Director", &[]),
    ("Employee", &[]),
    ("Faculty", &["Employee"]),
    ("FullProfessor", &["Professor"]),
    ("GraduateCourse", &["Course"]),
    ("GraduateStudent", &["Person"]),
    ("Institute", &["Organization"]),
    ("JournalArticle", &["Article"]),
    ("Lecturer", &["Faculty"]),
    ("Manual", &["Publication"]),
    ("Organization", &[]),
    ("Person", &[]),
    ("PostDoc", &["Faculty"]),
    ("Professor", &["Faculty"]),
    ("Program", &["Organization"]),
    ("Publication", &[]),
    ("Research", &["Work"]),
    ("ResearchAssistant", &["Student"]),
    ("ResearchGroup", &["Organization"]),
    ("Schedule", &[]),
    ("Software", &["Publication"]),
    ("Specification", &["Publication"]),
    ("Student", &[]),
    ("SystemsStaff", &["AdministrativeStaff"]),
    ("TeachingAssistant", &[]),
    ("TechnicalReport", &["Article"]),
    ("UndergraduateStudent", &["Student"]),
    ("University", &["Organization"]),
    ("UnofficialPublication", &["Publication"]),
    ("VisitingProfessor", &["Professor"]),
    ("Work", &[]),
];

/// Defined classes: `class ≡ conjunct ⊓ ∃property.filler`, or `class ≡ ∃property.filler`
/// when the conjunct is `None`.
// One row per entry reads as a table; rustfmt would split the rows.
#[rustfmt::skip]
const DEFINITIONS: &[(&str, Option<&str>, &str, &str)] = &[
    ("Chair", Some("Person"), "headOf", "Department"),
    ("Dean", None, "headOf", "College"),
    ("Director", Some("Person"), "headOf", "Program"),
    ("Employee", Some("Person"), "worksFor", "Organization"),
    ("Student", Some("Person"), "takesCourse", "Course"),
    ("TeachingAssistant", Some("Person"), "teachingAssistantOf", "Course"),
];

/// Necessary (not sufficient) conditions: `class ⊑ ∃property.filler`.
const RESTRICTIONS: &[(&str, &str, &str)] = &[
    ("GraduateStudent", "takesCourse", "GraduateCourse"),
    ("ResearchAssistant", "worksFor", "ResearchGroup"),
];

/// Object properties: (local name, domain, range, super-property, inverse).
type ObjectProperty = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

// One row per entry reads as a table; rustfmt would split the rows.
#[rustfmt::skip]
const OBJECT_PROPERTIES: &[ObjectProperty] = &[
    ("advisor", Some("Person"), Some("Professor"), None, None),
    ("affiliatedOrganizationOf", Some("Organization"), Some("Organization"), None, None),
    ("affiliateOf", Some("Organization"), Some("Person"), None, None),
    ("degreeFrom", Some("Person"), Some("University"), None, Some("hasAlumnus")),
    ("doctoralDegreeFrom", Some("Person"), Some("University"), Some("degreeFrom"), None),
    ("hasAlumnus", Some("University"), Some("Person"), None, Some("degreeFrom")),
    ("headOf", None, None, Some("worksFor"), None),
    ("listedCourse", Some("Schedule"), Some("Course"), None, None),
    ("mastersDegreeFrom", Some("Person"), Some("University"), Some("degreeFrom"), None),
    ("member", Some("Organization"), Some("Person"), None, None),
    ("memberOf", None, None, None, Some("member")),
    ("orgPublication", Some("Organization"), Some("Publication"), None, None),
    ("publicationAuthor", Some("Publication"), Some("Person"), None, None),
    ("publicationResearch", Some("Publication"), Some("Research"), None, None),
    ("researchProject", Some("ResearchGroup"), Some("Research"), None, None),
    ("softwareDocumentation", Some("Software"), Some("Publication"), None, None),
    ("subOrganizationOf", Some("Organization"), Some("Organization"), None, None),
    ("takesCourse", None, None, None, None),
    ("teacherOf", Some("Faculty"), Some("Course"), None, None),
    ("teachingAssistantOf", Some("TeachingAssistant"), Some("Course"), None, None),
    ("undergraduateDegreeFrom", Some("Person"), Some("University"), Some("degreeFrom"), None),
    ("worksFor", None, None, Some("memberOf"), None),
];

/// Datatype properties: (local name, domain).
const DATATYPE_PROPERTIES: &[(&str, Option<&str>)] = &[
    ("age", Some("Person")),
    ("emailAddress", Some("Person")),
    ("name", None),
    ("officeNumber", None),
    ("publicationDate", Some("Publication")),
    ("researchInterest", None),
    ("softwareVersion", Some("Software")),
    ("telephone", Some("Person")),
    ("tenured", Some("Professor")),
    ("title", Some("Person")),
];

/// Writes the univ-bench ontology as N-Triples and returns the number of triples.
///
/// # Errors
/// Fails if writing to `out` fails.
pub fn write_ontology(out: &mut impl Write) -> io::Result<u64> {
    let mut w = Ontology {
        w: NTriplesWriter::new(out),
        blanks: 0,
    };
    w.write_all()?;
    w.w.finish()
}

/// The univ-bench ontology as an N-Triples document (see [`write_ontology`]).
#[must_use]
pub fn ontology_ntriples() -> String {
    let mut buf = Vec::new();
    // Writing into a Vec cannot fail, so the only result worth keeping is the bytes.
    let _ = write_ontology(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The writer plus a counter for fresh blank node labels.
struct Ontology<W: Write> {
    w: NTriplesWriter<W>,
    blanks: usize,
}

impl<W: Write> Ontology<W> {
    fn write_all(&mut self) -> io::Result<()> {
        self.w.iri(ONTOLOGY_IRI, RDF_TYPE, &owl("Ontology"))?;
        self.w
            .literal(ONTOLOGY_IRI, RDFS_LABEL, "Univ-bench Ontology")?;
        self.w.literal(
            ONTOLOGY_IRI,
            &owl("versionInfo"),
            "Trine's rendering of the LUBM univ-bench ontology",
        )?;
        for (name, parents) in CLASSES {
            let class = ub(name);
            self.w.iri(&class, RDF_TYPE, &owl("Class"))?;
            self.w.literal(&class, RDFS_LABEL, &label(name))?;
            for parent in *parents {
                self.w.iri(&class, RDFS_SUBCLASS, &ub(parent))?;
            }
        }
        for &(class, conjunct, property, filler) in DEFINITIONS {
            let restriction = self.restriction(property, filler)?;
            let definition = match conjunct {
                Some(conjunct) => {
                    let members = [Node::Named(ub(conjunct)), Node::Blank(restriction)];
                    let list = self.list(&members)?;
                    let definition = self.fresh();
                    let subject = Term::Blank(&definition);
                    self.w.triple(subject, RDF_TYPE, Term::Iri(&owl("Class")))?;
                    self.w
                        .triple(subject, &owl("intersectionOf"), list.term())?;
                    definition
                }
                // OWL 2 wants two or more operands in an intersection: a lone restriction is
                // the definition itself.
                None => restriction,
            };
            self.w.triple(
                Term::Iri(&ub(class)),
                &owl("equivalentClass"),
                Term::Blank(&definition),
            )?;
        }
        for &(class, property, filler) in RESTRICTIONS {
            let restriction = self.restriction(property, filler)?;
            self.w.triple(
                Term::Iri(&ub(class)),
                RDFS_SUBCLASS,
                Term::Blank(&restriction),
            )?;
        }
        for &(name, domain, range, parent, inverse) in OBJECT_PROPERTIES {
            let property = ub(name);
            self.w.iri(&property, RDF_TYPE, &owl("ObjectProperty"))?;
            if name == "subOrganizationOf" {
                self.w
                    .iri(&property, RDF_TYPE, &owl("TransitiveProperty"))?;
            }
            self.w.literal(&property, RDFS_LABEL, &label(name))?;
            self.domain_range(&property, domain, range)?;
            if let Some(parent) = parent {
                self.w.iri(&property, RDFS_SUBPROPERTY, &ub(parent))?;
            }
            if let Some(inverse) = inverse {
                self.w.iri(&property, &owl("inverseOf"), &ub(inverse))?;
            }
        }
        for &(name, domain) in DATATYPE_PROPERTIES {
            let property = ub(name);
            self.w.iri(&property, RDF_TYPE, &owl("DatatypeProperty"))?;
            self.w.literal(&property, RDFS_LABEL, &label(name))?;
            self.domain_range(&property, domain, None)?;
        }
        Ok(())
    }

    fn domain_range(
        &mut self,
        property: &str,
        domain: Option<&str>,
        range: Option<&str>,
    ) -> io::Result<()> {
        if let Some(domain) = domain {
            self.w.iri(property, RDFS_DOMAIN, &ub(domain))?;
        }
        if let Some(range) = range {
            self.w.iri(property, RDFS_RANGE, &ub(range))?;
        }
        Ok(())
    }

    /// Writes `[ a owl:Restriction; owl:onProperty p; owl:someValuesFrom c ]`, returns its label.
    fn restriction(&mut self, property: &str, filler: &str) -> io::Result<String> {
        let node = self.fresh();
        let subject = Term::Blank(&node);
        self.w
            .triple(subject, RDF_TYPE, Term::Iri(&owl("Restriction")))?;
        self.w
            .triple(subject, &owl("onProperty"), Term::Iri(&ub(property)))?;
        self.w
            .triple(subject, &owl("someValuesFrom"), Term::Iri(&ub(filler)))?;
        Ok(node)
    }

    /// Writes an rdf:List of `members` and returns its head (rdf:nil when empty).
    fn list(&mut self, members: &[Node]) -> io::Result<Node> {
        let cells: Vec<String> = members.iter().map(|_| self.fresh()).collect();
        for (i, (cell, member)) in cells.iter().zip(members).enumerate() {
            self.w.triple(Term::Blank(cell), RDF_FIRST, member.term())?;
            let rest = cells
                .get(i + 1)
                .map_or(Term::Iri(RDF_NIL), |next| Term::Blank(next));
            self.w.triple(Term::Blank(cell), RDF_REST, rest)?;
        }
        Ok(cells
            .into_iter()
            .next()
            .map_or_else(|| Node::Named(RDF_NIL.to_owned()), Node::Blank))
    }

    fn fresh(&mut self) -> String {
        self.blanks += 1;
        format!("ub{}", self.blanks)
    }
}

/// A list member or head: a named resource or a blank node (a restriction, a list cell).
enum Node {
    Named(String),
    Blank(String),
}

impl Node {
    fn term(&self) -> Term<'_> {
        match self {
            Self::Named(iri) => Term::Iri(iri),
            Self::Blank(label) => Term::Blank(label),
        }
    }
}

/// A readable label from a local name: `FullProfessor` → "full professor".
fn label(local: &str) -> String {
    let mut label = String::with_capacity(local.len() + 4);
    for (i, c) in local.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                label.push(' ');
            }
            label.push(c.to_ascii_lowercase());
        } else {
            label.push(c);
        }
    }
    label
}

fn ub(local: &str) -> String {
    format!("{}{local}", super::UB)
}

fn owl(local: &str) -> String {
    format!("{OWL}{local}")
}

#[cfg(test)]
mod tests {
    use super::ontology_ntriples;

    #[test]
    fn ontology_parses_and_has_the_key_axioms() {
        let text = ontology_ntriples();
        let triples = oxttl::NTriplesParser::new()
            .for_slice(text.as_bytes())
            .collect::<Result<Vec<_>, _>>();
        let triples = match triples {
            Ok(triples) => triples,
            Err(e) => panic!("ontology is not valid N-Triples: {e}"),
        };
        assert!(triples.len() > 200, "{} triples", triples.len());
        let ub = "http://swat.cse.lehigh.edu/onto/univ-bench.owl#";
        for expected in [
            format!(
                "<{ub}headOf> <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <{ub}worksFor> ."
            ),
            format!(
                "<{ub}worksFor> <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <{ub}memberOf> ."
            ),
            format!("<{ub}memberOf> <http://www.w3.org/2002/07/owl#inverseOf> <{ub}member> ."),
            format!(
                "<{ub}subOrganizationOf> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> \
                 <http://www.w3.org/2002/07/owl#TransitiveProperty> ."
            ),
            format!(
                "<{ub}FullProfessor> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{ub}Professor> ."
            ),
        ] {
            assert!(
                text.lines().any(|line| line == expected),
                "missing {expected}"
            );
        }
        // Six definitions, five of them intersections whose lists end in rdf:nil.
        let definitions = text
            .lines()
            .filter(|l| l.contains("#equivalentClass>"))
            .count();
        let intersections = text
            .lines()
            .filter(|l| l.contains("#intersectionOf>"))
            .count();
        let ends = text.lines().filter(|l| l.ends_with("#nil> .")).count();
        assert_eq!((definitions, intersections, ends), (6, 5, 5));
    }
}
