//! LUBM-shaped instance data, following the published LUBM data profile (Guo, Pan and Heflin,
//! "LUBM: A benchmark for OWL knowledge base systems", 2005).
//!
//! Each department draws its own stream from `(seed, university, department)`, so University0
//! is the same in LUBM(1) and LUBM(10) and the whole output is fixed by the configuration.

use std::io::{self, Write};

use super::ntriples::NTriplesWriter;
use crate::rng::Rng;

const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

/// Degrees come from any of this many universities, generated or not, as in the profile; a
/// fixed pool (not the configured count) keeps University0's data independent of the scale.
const DEGREE_UNIVERSITIES: u64 = 1000;
/// Research interests are drawn from `Research0` … `Research{N-1}`.
const RESEARCH_AREAS: u64 = 30;

// Stream tags for `Rng::derive`, one per kind of entity that owns a stream.
const UNIVERSITY_STREAM: u64 = 1;
const DEPARTMENT_STREAM: u64 = 2;

/// How much LUBM data to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LubmConfig {
    /// Number of universities (the "N" of LUBM(N)); each has 15–25 departments.
    pub universities: usize,
    /// Seed of every random choice; the same configuration always gives the same bytes.
    pub seed: u64,
}

impl Default for LubmConfig {
    /// LUBM(1) with seed 0.
    fn default() -> Self {
        Self {
            universities: 1,
            seed: 0,
        }
    }
}

/// Writes the instance data of LUBM(`config.universities`) as N-Triples (without the
/// ontology, see [`super::write_ontology`]) and returns the number of triples written.
///
/// ```
/// use trine_benches::lubm::{LubmConfig, generate};
///
/// let triples = generate(&LubmConfig { universities: 1, seed: 0 }, &mut std::io::sink())?;
/// assert!(triples > 80_000);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
/// Fails if writing to `out` fails.
pub fn generate(config: &LubmConfig, out: &mut impl Write) -> io::Result<u64> {
    let mut w = NTriplesWriter::new(out);
    for university in 0..config.universities as u64 {
        let mut rng = Rng::derive(config.seed, &[UNIVERSITY_STREAM, university]);
        let iri = university_iri(university);
        w.iri(&iri, RDF_TYPE, ub!("University"))?;
        w.literal(&iri, ub!("name"), &format!("University{university}"))?;
        for department in 0..rng.range(15, 25) {
            Department::new(config.seed, university, department).write(&mut w)?;
        }
    }
    w.finish()
}

/// The four faculty ranks with their per-department counts and publication counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rank {
    Full,
    Associate,
    Assistant,
    Lecturer,
}

impl Rank {
    const ALL: [Self; 4] = [Self::Full, Self::Associate, Self::Assistant, Self::Lecturer];

    fn class(self) -> &'static str {
        match self {
            Self::Full => "FullProfessor",
            Self::Associate => "AssociateProfessor",
            Self::Assistant => "AssistantProfessor",
            Self::Lecturer => "Lecturer",
        }
    }

    fn class_iri(self) -> &'static str {
        match self {
            Self::Full => ub!("FullProfessor"),
            Self::Associate => ub!("AssociateProfessor"),
            Self::Assistant => ub!("AssistantProfessor"),
            Self::Lecturer => ub!("Lecturer"),
        }
    }

    /// Members of this rank per department (inclusive range).
    fn per_department(self) -> (u64, u64) {
        match self {
            Self::Full => (7, 10),
            Self::Associate => (10, 14),
            Self::Assistant => (8, 11),
            Self::Lecturer => (5, 7),
        }
    }

    /// Publications each member of this rank authors (inclusive range).
    fn publications(self) -> (u64, u64) {
        match self {
            Self::Full => (15, 20),
            Self::Associate => (10, 18),
            Self::Assistant => (5, 10),
            Self::Lecturer => (0, 5),
        }
    }

    /// Lecturers are faculty but not professors: they advise no one and list no research.
    fn is_professor(self) -> bool {
        self != Self::Lecturer
    }
}

/// A faculty member as later entities refer to it.
struct Member {
    rank: Rank,
    iri: String,
}

/// What a graduate student does besides studying.
#[derive(Debug, Clone, Copy)]
enum Role {
    Plain,
    /// Teaching assistant of the undergraduate course with this number.
    Teaching(u64),
    Research,
}

/// One department being written: its identity and its random stream.
struct Department {
    university: u64,
    number: u64,
    /// `DepartmentD.UniversityU.edu`, the host part of IRIs and e-mail addresses.
    host: String,
    iri: String,
    rng: Rng,
}

impl Department {
    fn new(seed: u64, university: u64, department: u64) -> Self {
        let host = format!("Department{department}.University{university}.edu");
        Self {
            university,
            number: department,
            iri: format!("http://www.{host}"),
            host,
            rng: Rng::derive(seed, &[DEPARTMENT_STREAM, university, department]),
        }
    }

    fn write<W: Write>(mut self, w: &mut NTriplesWriter<W>) -> io::Result<()> {
        let dept = self.iri.clone();
        w.iri(&dept, RDF_TYPE, ub!("Department"))?;
        w.literal(&dept, ub!("name"), &format!("Department{}", self.number))?;
        w.iri(
            &dept,
            ub!("subOrganizationOf"),
            &university_iri(self.university),
        )?;
        for group in 0..self.rng.range(10, 20) {
            let iri = format!("{dept}/ResearchGroup{group}");
            w.iri(&iri, RDF_TYPE, ub!("ResearchGroup"))?;
            w.iri(&iri, ub!("subOrganizationOf"), &dept)?;
        }

        let mut faculty = Vec::new();
        for rank in Rank::ALL {
            let (lo, hi) = rank.per_department();
            for index in 0..self.rng.range(lo, hi) {
                let iri = format!("{dept}/{}{index}", rank.class());
                faculty.push(Member { rank, iri });
            }
        }
        // Full professors come first in `faculty`, so this picks one of them as the chair.
        let fulls = faculty.iter().filter(|m| m.rank == Rank::Full).count();
        let chair = self.rng.index(fulls);
        let mut courses = 0;
        let mut graduate_courses = 0;
        // Every (author position, publication number), for graduate co-authors to pick from.
        let mut publications = Vec::new();
        for (position, member) in faculty.iter().enumerate() {
            let iri = &member.iri;
            w.iri(iri, RDF_TYPE, member.rank.class_iri())?;
            let local = &iri[dept.len() + 1..];
            self.person(w, iri, local)?;
            // The chair is linked by headOf alone: worksFor follows from headOf ⊑ worksFor.
            if position == chair {
                w.iri(iri, ub!("headOf"), &dept)?;
            } else {
                w.iri(iri, ub!("worksFor"), &dept)?;
            }
            w.iri(
                iri,
                ub!("undergraduateDegreeFrom"),
                &self.degree_university(),
            )?;
            w.iri(iri, ub!("mastersDegreeFrom"), &self.degree_university())?;
            w.iri(iri, ub!("doctoralDegreeFrom"), &self.degree_university())?;
            if member.rank.is_professor() {
                let area = self.rng.below(RESEARCH_AREAS);
                w.literal(iri, ub!("researchInterest"), &format!("Research{area}"))?;
            }
            for _ in 0..self.rng.range(1, 2) {
                write_course(w, iri, &dept, "Course", courses, ub!("Course"))?;
                courses += 1;
            }
            for _ in 0..self.rng.range(1, 2) {
                let class = ub!("GraduateCourse");
                write_course(w, iri, &dept, "GraduateCourse", graduate_courses, class)?;
                graduate_courses += 1;
            }
            let (lo, hi) = member.rank.publications();
            for number in 0..self.rng.range(lo, hi) {
                let publication = format!("{iri}/Publication{number}");
                w.iri(&publication, RDF_TYPE, ub!("Publication"))?;
                w.literal(&publication, ub!("name"), &format!("Publication{number}"))?;
                w.iri(&publication, ub!("publicationAuthor"), iri)?;
                publications.push((position, number));
            }
        }
        let professors: Vec<&Member> = faculty.iter().filter(|m| m.rank.is_professor()).collect();

        let undergraduates = faculty.len() as u64 * self.rng.range(8, 14);
        for index in 0..undergraduates {
            let local = format!("UndergraduateStudent{index}");
            let iri = format!("{dept}/{local}");
            w.iri(&iri, RDF_TYPE, ub!("UndergraduateStudent"))?;
            self.person(w, &iri, &local)?;
            w.iri(&iri, ub!("memberOf"), &dept)?;
            let taken = self.rng.range(2, 4) as usize;
            for course in self.distinct(taken, courses) {
                w.iri(&iri, ub!("takesCourse"), &format!("{dept}/Course{course}"))?;
            }
            if self.rng.chance(20) {
                w.iri(&iri, ub!("advisor"), &self.rng.pick(&professors).iri)?;
            }
        }

        let graduates = faculty.len() as u64 * self.rng.range(3, 4);
        let roles = self.graduate_roles(graduates, courses);
        for (index, role) in roles.into_iter().enumerate() {
            let local = format!("GraduateStudent{index}");
            let iri = format!("{dept}/{local}");
            w.iri(&iri, RDF_TYPE, ub!("GraduateStudent"))?;
            self.person(w, &iri, &local)?;
            w.iri(&iri, ub!("memberOf"), &dept)?;
            w.iri(
                &iri,
                ub!("undergraduateDegreeFrom"),
                &self.degree_university(),
            )?;
            w.iri(&iri, ub!("advisor"), &self.rng.pick(&professors).iri)?;
            let taken = self.rng.range(1, 3) as usize;
            for course in self.distinct(taken, graduate_courses) {
                let course = format!("{dept}/GraduateCourse{course}");
                w.iri(&iri, ub!("takesCourse"), &course)?;
            }
            match role {
                Role::Plain => {}
                Role::Teaching(course) => {
                    w.iri(&iri, RDF_TYPE, ub!("TeachingAssistant"))?;
                    let course = format!("{dept}/Course{course}");
                    w.iri(&iri, ub!("teachingAssistantOf"), &course)?;
                }
                Role::Research => w.iri(&iri, RDF_TYPE, ub!("ResearchAssistant"))?,
            }
            let coauthored = self.rng.range(0, 5) as usize;
            for pick in self.distinct(coauthored, publications.len() as u64) {
                let (author, number) = publications[pick as usize];
                let publication = format!("{}/Publication{number}", faculty[author].iri);
                w.iri(&publication, ub!("publicationAuthor"), &iri)?;
            }
        }
        Ok(())
    }

    /// Assigns 1/5–1/4 of the graduate students a teaching assistantship (each for a
    /// different undergraduate course) and 1/4–1/3 of the others a research assistantship.
    fn graduate_roles(&mut self, graduates: u64, courses: u64) -> Vec<Role> {
        let mut roles = vec![Role::Plain; graduates as usize];
        let mut order: Vec<usize> = (0..roles.len()).collect();
        self.rng.shuffle(&mut order);
        let mut assisted: Vec<u64> = (0..courses).collect();
        self.rng.shuffle(&mut assisted);
        let teaching = (graduates * self.rng.range(20, 25) / 100).min(courses) as usize;
        let research = (graduates * self.rng.range(25, 33) / 100) as usize;
        for (&student, &course) in order.iter().zip(&assisted).take(teaching) {
            roles[student] = Role::Teaching(course);
        }
        for &student in order.iter().skip(teaching).take(research) {
            roles[student] = Role::Research;
        }
        roles
    }

    /// Name, e-mail address and telephone number, which every person has.
    fn person<W: Write>(
        &mut self,
        w: &mut NTriplesWriter<W>,
        iri: &str,
        local: &str,
    ) -> io::Result<()> {
        w.literal(iri, ub!("name"), local)?;
        w.literal(iri, ub!("emailAddress"), &format!("{local}@{}", self.host))?;
        let phone = format!(
            "{:03}-{:03}-{:04}",
            self.rng.range(200, 999),
            self.rng.below(1000),
            self.rng.below(10_000)
        );
        w.literal(iri, ub!("telephone"), &phone)
    }

    fn degree_university(&mut self) -> String {
        university_iri(self.rng.below(DEGREE_UNIVERSITIES))
    }

    /// `count` distinct values of `0..n` (fewer if `n` is smaller), in drawing order.
    fn distinct(&mut self, count: usize, n: u64) -> Vec<u64> {
        let count = count.min(n as usize);
        let mut values = Vec::with_capacity(count);
        while values.len() < count {
            let value = self.rng.below(n);
            if !values.contains(&value) {
                values.push(value);
            }
        }
        values
    }
}

/// A course (or graduate course) with its type and name, and the teacher's `teacherOf` link.
fn write_course<W: Write>(
    w: &mut NTriplesWriter<W>,
    teacher: &str,
    dept: &str,
    kind: &str,
    number: u64,
    class: &str,
) -> io::Result<()> {
    let local = format!("{kind}{number}");
    let iri = format!("{dept}/{local}");
    w.iri(teacher, ub!("teacherOf"), &iri)?;
    w.iri(&iri, RDF_TYPE, class)?;
    w.literal(&iri, ub!("name"), &local)
}

fn university_iri(university: u64) -> String {
    format!("http://www.University{university}.edu")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::{LubmConfig, generate};

    fn bytes(universities: usize, seed: u64) -> (u64, Vec<u8>) {
        let mut buf = Vec::new();
        let count = generate(&LubmConfig { universities, seed }, &mut buf).unwrap();
        (count, buf)
    }

    #[test]
    fn same_seed_same_bytes() {
        let (count, first) = bytes(1, 7);
        assert_eq!(bytes(1, 7), (count, first.clone()));
        assert_ne!(bytes(1, 8).1, first, "the seed changes the data");
        let lines = first.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(lines, count, "one triple a line");
    }

    #[test]
    fn scales_with_universities() {
        let one = generate(&LubmConfig::default(), &mut std::io::sink()).unwrap();
        let ten = generate(
            &LubmConfig {
                universities: 10,
                seed: 0,
            },
            &mut std::io::sink(),
        )
        .unwrap();
        // 15–25 departments of about 6.7k triples each.
        assert!(
            (90_000..180_000).contains(&one),
            "LUBM(1) has 100k–170k triples: {one}"
        );
        // The ratio also depends on how many departments University0 drew (15–25).
        let ratio = ten as f64 / one as f64;
        assert!((8.0..12.0).contains(&ratio), "LUBM(10) / LUBM(1) = {ratio}");
    }

    #[test]
    #[ignore = "prints sizes and speed; run by hand with --ignored --nocapture"]
    fn report_sizes() {
        for universities in [1, 10] {
            let start = std::time::Instant::now();
            let mut out = Vec::new();
            let triples = generate(
                &LubmConfig {
                    universities,
                    seed: 0,
                },
                &mut out,
            )
            .unwrap();
            let seconds = start.elapsed().as_secs_f64();
            println!(
                "LUBM({universities}): {triples} triples, {} MB, {seconds:.2} s, {:.0} triples/s",
                out.len() / 1_000_000,
                triples as f64 / seconds
            );
        }
    }

    #[test]
    fn university0_is_the_same_at_every_scale() {
        let (_, one) = bytes(1, 3);
        let (_, two) = bytes(2, 3);
        assert!(two.starts_with(&one));
    }

    #[test]
    fn every_line_parses_as_ntriples() {
        let (count, buf) = bytes(1, 0);
        let mut parsed = 0;
        for triple in oxttl::NTriplesParser::new().for_slice(&buf) {
            if let Err(e) = triple {
                panic!("invalid N-Triples: {e}");
            }
            parsed += 1;
        }
        assert_eq!(parsed, count);
    }

    #[test]
    fn department0_has_the_entities_the_queries_name() {
        let (_, buf) = bytes(1, 0);
        let text = String::from_utf8(buf).unwrap();
        let d0 = "http://www.Department0.University0.edu";
        for subject in [
            format!("<{d0}/GraduateCourse0> "),
            format!("<{d0}/AssistantProfessor0> "),
            format!("<{d0}/AssociateProfessor0> "),
            format!("<{d0}> "),
            "<http://www.University0.edu> ".to_owned(),
        ] {
            assert!(
                text.lines().any(|l| l.starts_with(&subject)),
                "no {subject}"
            );
        }
        let heads = text.lines().filter(|l| l.contains("#headOf>")).count();
        let departments = text
            .lines()
            .filter(|l| l.ends_with("#Department> ."))
            .count();
        assert_eq!(heads, departments, "one chair per department");
    }
}
