//! Oxigraph's in-memory store, in-process through the `oxigraph` crate (the `oxigraph` feature).

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use oxrdf::Term;

use super::Error;
use super::answer::RawAnswer;
use super::engine::Engine;

/// Oxigraph's in-memory store, in-process through the `oxigraph` crate.
pub struct OxigraphMemoryEngine {
    store: oxigraph::store::Store,
}

impl OxigraphMemoryEngine {
    /// An engine over an empty in-memory store.
    ///
    /// # Errors
    /// Fails if Oxigraph cannot create the store.
    pub fn new() -> Result<Self, Error> {
        Ok(Self {
            store: oxigraph::store::Store::new()?,
        })
    }
}

impl Engine for OxigraphMemoryEngine {
    fn load(&mut self, files: &[PathBuf]) -> Result<(), Error> {
        for file in files {
            let mut loader = self.store.bulk_loader();
            loader.load_from_reader(
                oxigraph::io::RdfFormat::NTriples,
                BufReader::new(File::open(file)?),
            )?;
            loader.commit()?;
        }
        Ok(())
    }

    fn triple_count(&mut self) -> Result<u64, Error> {
        Ok(u64::try_from(self.store.len()?)?)
    }

    fn disk_bytes(&self) -> Result<Option<u64>, Error> {
        Ok(None)
    }

    fn query(&mut self, query: &str) -> Result<RawAnswer, Error> {
        use oxigraph::sparql::{QueryResults, SparqlEvaluator};
        let results = SparqlEvaluator::new()
            .parse_query(query)?
            .on_store(&self.store)
            .execute()?;
        Ok(match results {
            QueryResults::Solutions(solutions) => {
                let variables = solutions.variables().to_vec();
                let mut rows = Vec::new();
                for solution in solutions {
                    let values: Vec<Option<Term>> = solution?.values().to_vec();
                    rows.push(values);
                }
                RawAnswer::Solutions { variables, rows }
            }
            QueryResults::Boolean(value) => RawAnswer::Boolean(value),
            QueryResults::Graph(triples) => {
                RawAnswer::Graph(triples.collect::<Result<Vec<_>, _>>()?)
            }
        })
    }
}
