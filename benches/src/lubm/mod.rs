//! A LUBM-shaped benchmark: the Lehigh University Benchmark's univ-bench ontology, a
//! deterministic generator of its university data, and its 14 queries.
//!
//! The generator follows the published LUBM data profile (Guo, Pan and Heflin, 2005): per
//! university 15–25 departments; per department 7–10 full, 10–14 associate and 8–11 assistant
//! professors and 5–7 lecturers, 8–14 undergraduates and 3–4 graduate students per faculty
//! member, 10–20 research groups, courses and graduate courses (1–2 of each per faculty member),
//! publications by rank, advisors, teaching and research assistants, degrees and one chair.
//! A university averages about 135k triples (20 departments; the original LUBM(1), whose
//! University0 has 15, has 100k) and the size grows linearly with the number of universities.
//! It is written from the profile, not from the original Java generator, so counts match the
//! profile's ranges but not the original files triple for triple.
//!
//! ```
//! use trine_benches::lubm::{LubmConfig, QUERIES, generate, ontology_ntriples};
//!
//! let mut data = Vec::new();
//! let triples = generate(&LubmConfig { universities: 1, seed: 0 }, &mut data)?;
//! assert_eq!(data.iter().filter(|&&b| b == b'\n').count() as u64, triples);
//! assert!(ontology_ntriples().contains("subOrganizationOf"));
//! assert_eq!(QUERIES[0].0, "Q1");
//! # Ok::<(), std::io::Error>(())
//! ```

/// The univ-bench namespace, `ub:` in the queries.
pub const UB: &str = "http://swat.cse.lehigh.edu/onto/univ-bench.owl#";

/// A univ-bench IRI as a `&'static str`, so the generator formats no vocabulary at run time.
macro_rules! ub {
    ($local:literal) => {
        concat!("http://swat.cse.lehigh.edu/onto/univ-bench.owl#", $local)
    };
}

mod generator;
pub(crate) mod ntriples;
mod ontology;
mod queries;

pub use generator::{LubmConfig, generate};
pub use ontology::{ONTOLOGY_IRI, ontology_ntriples, write_ontology};
pub use queries::QUERIES;

#[cfg(test)]
mod tests {
    #[test]
    fn macro_matches_namespace() {
        assert_eq!(ub!("name"), format!("{}name", super::UB));
    }
}
