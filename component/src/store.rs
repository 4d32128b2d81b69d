//! The exported `store` resource over a Trine store.

use trine_backend_redb::RedbBackend;
use trine_core::io::{LoadOptions, RdfFormat, rdf_format_by_name};
use trine_core::kv::{DynBackend, MemoryBackend};
use trine_core::reasoner::{Profile, ReasonerOptions};
use trine_core::sparql::{
    PreparedQuery, QueryOptions, QueryResults, QueryResultsFormat, results_format_by_name,
};
use trine_core::update::UpdateOptions;
use trine_core::{ErrorCode, Store};

use crate::bindings::exports::trine::store::api::{
    Answer, Error, GuestStore, Health, MaterializeReport, Problem, Solutions, Stats,
    Store as StoreHandle, UpdateSummary,
};

/// The resource's state: one Trine store.
pub struct PluginStore {
    store: Store<DynBackend>,
}

fn problem(code: &str, message: impl std::fmt::Display) -> Problem {
    Problem {
        code: code.to_owned(),
        message: message.to_string(),
    }
}

/// The WIT error for a code: its family by the code, the code and message inside.
fn error(code: &str, message: impl std::fmt::Display) -> Error {
    let problem = problem(code, message);
    match code {
        "sparql_syntax" | "sparql_too_deep" | "sparql_too_complex" => Error::SparqlSyntax(problem),
        "rdf_syntax" => Error::RdfSyntax(problem),
        "limit_exceeded" | "reasoning_limit" | "timeout" | "cancelled" => {
            Error::LimitExceeded(problem)
        }
        code if code.starts_with("storage") => Error::Storage(problem),
        "unsupported_format" | "unknown_profile" | "invalid_location" | "invalid_base_iri"
        | "rule_syntax" | "invalid_rule" | "unsupported_term" | "not_acceptable" => {
            Error::InvalidInput(problem)
        }
        _ => Error::Other(problem),
    }
}

fn wit<T, E: ErrorCode>(result: Result<T, E>) -> Result<T, Error> {
    result.map_err(|e| error(e.code(), &e))
}

fn rdf_format(name: &str) -> Result<RdfFormat, Error> {
    rdf_format_by_name(name).ok_or_else(|| {
        error(
            "unsupported_format",
            format!("unknown RDF format {name:?} (a media type, an extension or a name)"),
        )
    })
}

fn results_format(name: &str) -> Result<QueryResultsFormat, Error> {
    results_format_by_name(name).ok_or_else(|| {
        error(
            "unsupported_format",
            format!("unknown SPARQL results format {name:?} (json, xml, csv, tsv or a media type)"),
        )
    })
}

impl PluginStore {
    fn open_location(location: &str) -> Result<Self, Error> {
        let backend = if matches!(location, "memory:" | "memory" | "") {
            DynBackend::new(MemoryBackend::new())
        } else if let Some(path) = location.strip_prefix("redb:") {
            DynBackend::new(wit(RedbBackend::open(path))?)
        } else {
            return Err(error(
                "invalid_location",
                format!("unknown location {location:?}: `memory:` or `redb:<path>`"),
            ));
        };
        Ok(Self {
            store: wit(Store::open(backend))?,
        })
    }

    /// Parses `query`, runs it on a snapshot and hands its (streamed) results to `read`.
    fn with_results<T>(
        &self,
        query: &str,
        read: impl FnOnce(QueryResults<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let prepared = wit(PreparedQuery::parse(query, None))?;
        let snapshot = wit(self.store.snapshot())?;
        let options = QueryOptions {
            plan_cache: Some(self.store.plan_cache().clone()),
            ..QueryOptions::default()
        };
        let execution = wit(prepared.bind(&snapshot, &options))?;
        read(wit(execution.results())?)
    }
}

impl GuestStore for PluginStore {
    fn open(location: String) -> Result<StoreHandle, Error> {
        Ok(StoreHandle::new(Self::open_location(&location)?))
    }

    fn query(&self, query: String, format: Option<String>) -> Result<String, Error> {
        let bytes = self.with_results(&query, |results| match &results {
            QueryResults::Graph(_) => {
                let format = format
                    .as_deref()
                    .map_or(Ok(RdfFormat::NTriples), rdf_format)?;
                wit(results.write_graph(format, Vec::new()))
            }
            _ => {
                let format = format
                    .as_deref()
                    .map_or(Ok(QueryResultsFormat::Json), results_format)?;
                wit(results.write(format, Vec::new()))
            }
        })?;
        String::from_utf8(bytes).map_err(|e| error("results_write", e))
    }

    fn query_rows(&self, query: String) -> Result<Answer, Error> {
        self.with_results(&query, |results| {
            Ok(match results {
                QueryResults::Boolean(value) => Answer::Boolean(value),
                QueryResults::Solutions(solutions) => {
                    let variables = solutions
                        .variables()
                        .iter()
                        .map(|v| v.as_str().to_owned())
                        .collect();
                    let mut rows = Vec::new();
                    for solution in solutions {
                        let solution = wit(solution)?;
                        rows.push(
                            solution
                                .values()
                                .iter()
                                .map(|value| value.as_ref().map(ToString::to_string))
                                .collect(),
                        );
                    }
                    Answer::Solutions(Solutions { variables, rows })
                }
                QueryResults::Graph(triples) => Answer::Triples(
                    triples
                        .map(|triple| {
                            let triple = wit(triple)?;
                            Ok((
                                triple.subject.to_string(),
                                triple.predicate.to_string(),
                                triple.object.to_string(),
                            ))
                        })
                        .collect::<Result<_, Error>>()?,
                ),
            })
        })
    }

    fn update(&self, update: String) -> Result<UpdateSummary, Error> {
        let summary = wit(self.store.update(&update, &UpdateOptions::default()))?;
        Ok(UpdateSummary {
            inserted: summary.inserted,
            deleted: summary.deleted,
        })
    }

    fn load(&self, data: String, format: String, base_iri: Option<String>) -> Result<u64, Error> {
        let format = rdf_format(&format)?;
        let mut options = LoadOptions::new();
        if let Some(base) = base_iri {
            options = options.with_base_iri(base);
        }
        wit(self
            .store
            .load_from_reader(format, data.as_bytes(), &options))
    }

    fn dump(&self, format: String) -> Result<String, Error> {
        let format = rdf_format(&format)?;
        let bytes = wit(self.store.dump_to_writer(format, Vec::new(), None))?;
        String::from_utf8(bytes).map_err(|e| error("dump_failed", e))
    }

    fn materialize(&self, profile: String) -> Result<MaterializeReport, Error> {
        let profile: Profile = wit(profile.parse())?;
        let report = wit(self.store.set_reasoning(ReasonerOptions::new(profile)))?;
        Ok(MaterializeReport {
            profile: report.profile.name().to_owned(),
            rounds: u32::try_from(report.rounds).unwrap_or(u32::MAX),
            inferred: report.inferred,
            added: report.added,
            removed: report.removed,
            inconsistencies: u32::try_from(report.inconsistencies.len()).unwrap_or(u32::MAX),
        })
    }

    fn stats(&self) -> Result<Stats, Error> {
        let status = wit(self.store.reasoning_status())?;
        Ok(Stats {
            quads: wit(self.store.len())?,
            named_graphs: wit(self.store.named_graphs())?.len() as u64,
            reasoning_profile: status.profile.name().to_owned(),
            inferred_quads: status.inferred,
        })
    }

    fn health(&self) -> Result<Health, Error> {
        let report = wit(self.store.validate())?;
        let mut reasons = report.problems;
        let inconsistencies = wit(self.store.inconsistencies())?;
        if !inconsistencies.is_empty() {
            reasons.push(format!(
                "{} inconsistencies (rules with a false head)",
                inconsistencies.len()
            ));
        }
        Ok(Health {
            status: if reasons.is_empty() {
                "healthy"
            } else {
                "degraded"
            }
            .to_owned(),
            reasons,
            quads: wit(self.store.len())?,
        })
    }
}
