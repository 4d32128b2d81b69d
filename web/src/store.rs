//! The store and prepared queries, as JavaScript classes.

use js_sys::{Array, Object, Reflect, Uint32Array};
use trine_core::Store;
use trine_core::io::LoadOptions;
use trine_core::kv::{DynBackend, JournalBackend, MemoryBackend};
use trine_core::oxrdf::{GraphName, Quad, Variable};
use trine_core::reasoner::{MaterializeReport, Profile, ReasonerOptions};
use trine_core::sparql::{PreparedQuery, QueryCache, QueryOptions, QueryResults};
use trine_core::update::{PreparedUpdate, UpdateOptions};
use wasm_bindgen::prelude::*;

use crate::error::{OrJs, ToJs, js_error};
use crate::formats::{rdf_format, results_format};
use crate::terms::{self, QUAD, TERM};

/// Documents of at least this many quads are written through the bulk loader.
const BULK_LOAD_QUADS: usize = 10_000;

/// Sets `key` on a fresh object (cannot fail).
fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &key.into(), &value.into());
}

/// Strings for the page, packed as `{text, lengths}`: one string and each part's length in UTF-16
/// code units (the package's `unpack` slices them apart). Crossing into JavaScript costs per
/// string, so one crossing for a whole result instead of three per term.
fn strings(values: Vec<String>) -> JsValue {
    let mut text = String::with_capacity(values.iter().map(String::len).sum());
    let mut lengths = Vec::with_capacity(values.len());
    for value in &values {
        let units = if value.is_ascii() {
            value.len()
        } else {
            value.chars().map(char::len_utf16).sum()
        };
        lengths.push(u32::try_from(units).unwrap_or(u32::MAX));
        text.push_str(value);
    }
    let packed = Object::new();
    set(&packed, "text", text);
    set(&packed, "lengths", Uint32Array::from(lengths.as_slice()));
    packed.into()
}

/// A Trine store in memory. JavaScript users reach it through the package's `Store` class.
#[wasm_bindgen]
pub struct WasmStore {
    store: Store<DynBackend>,
    /// Queries parsed before, by text: `query` skips the parser for a text it has seen.
    queries: QueryCache,
}

/// Query texts whose parse `WasmStore::query` keeps.
const QUERY_CACHE: usize = 128;

#[wasm_bindgen]
impl WasmStore {
    /// An empty store.
    ///
    /// # Errors
    /// None in practice: opening a fresh memory backend only writes two keys to a map.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<WasmStore, JsValue> {
        let store = Store::open(DynBackend::new(MemoryBackend::new())).or_js()?;
        Ok(Self {
            store,
            queries: QueryCache::new(QUERY_CACHE),
        })
    }

    /// A durable store in two OPFS files (the core's journal backend), through their
    /// synchronous access handles (dedicated workers only; `js/index.js` opens them). The store
    /// owns the handles and closes them when freed.
    ///
    /// # Errors
    /// A file holds something else than a Trine journal, or cannot be read (`storage_*` codes).
    #[wasm_bindgen(js_name = openOpfs)]
    pub fn open_opfs(
        first: web_sys::FileSystemSyncAccessHandle,
        second: web_sys::FileSystemSyncAccessHandle,
    ) -> Result<WasmStore, JsValue> {
        let files = [
            crate::opfs::OpfsFile::new(first),
            crate::opfs::OpfsFile::new(second),
        ];
        let backend = JournalBackend::open(files).or_js()?;
        let store = Store::open(DynBackend::new(backend)).or_js()?;
        Ok(Self {
            store,
            queries: QueryCache::new(QUERY_CACHE),
        })
    }

    /// Adds a quad (twelve strings); returns whether it was new.
    ///
    /// # Errors
    /// An invalid term (`invalid_term`) or a storage failure.
    pub fn add(&self, quad: Vec<String>) -> Result<bool, JsValue> {
        let quad = terms::decode_quad(&quad)?;
        self.store.insert(&quad).or_js()
    }

    /// Adds many quads (twelve strings each) in one transaction; returns how many were new.
    ///
    /// # Errors
    /// As [`add`](Self::add); then none is added.
    #[wasm_bindgen(js_name = addAll)]
    pub fn add_all(&self, quads: Vec<String>) -> Result<f64, JsValue> {
        if !quads.len().is_multiple_of(QUAD) {
            return Err(js_error(
                "invalid_term",
                "quads come as twelve strings each",
            ));
        }
        let decoded = quads
            .chunks(QUAD)
            .map(terms::decode_quad)
            .collect::<Result<Vec<Quad>, _>>()?;
        Ok(self.store.extend(&decoded).or_js()? as f64)
    }

    /// Removes a quad; returns whether it was there.
    ///
    /// # Errors
    /// As [`add`](Self::add).
    pub fn delete(&self, quad: Vec<String>) -> Result<bool, JsValue> {
        let quad = terms::decode_quad(&quad)?;
        self.store.remove(&quad).or_js()
    }

    /// Whether the store holds a quad.
    ///
    /// # Errors
    /// As [`add`](Self::add).
    pub fn has(&self, quad: Vec<String>) -> Result<bool, JsValue> {
        let quad = terms::decode_quad(&quad)?;
        self.store.contains(&quad).or_js()
    }

    /// The quads matching a pattern of twelve strings (the empty kind matches anything; `D` as
    /// the graph is the default graph only), twelve strings each.
    ///
    /// # Errors
    /// An invalid term, or a storage failure.
    #[wasm_bindgen(js_name = match)]
    pub fn match_quads(&self, pattern: Vec<String>) -> Result<JsValue, JsValue> {
        if pattern.len() != QUAD {
            return Err(js_error("invalid_term", "a pattern is twelve strings"));
        }
        let term = |i: usize| terms::decode(&pattern[i * TERM..(i + 1) * TERM]);
        let subject = term(0)?.map(terms::subject).transpose()?;
        let predicate = term(1)?.map(terms::predicate).transpose()?;
        let object = term(2)?;
        let graph = terms::decode_graph(&pattern[3 * TERM..])?;
        let quads = self
            .store
            .quads_for_pattern(
                subject.as_ref().map(Into::into),
                predicate.as_ref().map(Into::into),
                object.as_ref().map(Into::into),
                graph.as_ref().map(Into::into),
            )
            .or_js()?;
        let mut out = Vec::with_capacity(quads.len() * QUAD);
        for quad in &quads {
            terms::encode_quad(quad, &mut out);
        }
        Ok(strings(out))
    }

    /// Number of quads.
    ///
    /// # Errors
    /// A storage failure.
    pub fn size(&self) -> Result<f64, JsValue> {
        Ok(self.store.len().or_js()? as f64)
    }

    /// Parses a query through this store's cache of parsed queries: a text seen before skips
    /// the parser.
    ///
    /// # Errors
    /// A syntax error (`sparql_syntax`) with its position in the message.
    pub fn prepare(
        &self,
        query: &str,
        base_iri: Option<String>,
    ) -> Result<WasmPreparedQuery, JsValue> {
        let query = self.queries.parse(query, base_iri.as_deref()).or_js()?;
        Ok(WasmPreparedQuery { query })
    }

    /// Runs a SPARQL query: see [`WasmPreparedQuery::run`].
    ///
    /// # Errors
    /// A syntax error (`sparql_syntax`, with its position in the message) or an evaluation
    /// failure.
    pub fn query(
        &self,
        query: &str,
        base_iri: Option<String>,
        explicit_only: bool,
        format: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let query = self.queries.parse(query, base_iri.as_deref()).or_js()?;
        WasmPreparedQuery { query }.run(self, Vec::new(), explicit_only, format)
    }

    /// Applies a SPARQL update in one transaction; returns `{inserted, deleted}`.
    ///
    /// # Errors
    /// A syntax error or an evaluation failure; then nothing changed.
    pub fn update(&self, update: &str, base_iri: Option<String>) -> Result<JsValue, JsValue> {
        let prepared = PreparedUpdate::parse(update, base_iri.as_deref()).or_js()?;
        let summary = self
            .store
            .run_update(&prepared, &UpdateOptions::default())
            .or_js()?;
        let out = Object::new();
        set(&out, "inserted", summary.inserted as f64);
        set(&out, "deleted", summary.deleted as f64);
        Ok(out.into())
    }

    /// Parses `data` (UTF-8 bytes: the page encodes strings with `TextEncoder`, which is far faster
    /// than passing a string across) in `format` and adds its quads in one transaction (into `graph`, three
    /// strings or none, for triple syntaxes); returns how many quads were read.
    ///
    /// # Errors
    /// An unknown format, a syntax error (`rdf_syntax`, with its position); then nothing changed.
    pub fn load(
        &self,
        data: &[u8],
        format: &str,
        base_iri: Option<String>,
        graph: Vec<String>,
    ) -> Result<f64, JsValue> {
        let format = rdf_format(format)?;
        let mut options = LoadOptions::new();
        if let Some(base) = base_iri {
            options = options.with_base_iri(base);
        }
        if !graph.is_empty()
            && let Some(graph) = terms::decode_graph(&graph)?
        {
            options = options.to_graph(graph);
        }
        // Parsed in full first, so a syntax error changes nothing; then large documents take the
        // bulk loader's sorted runs, which cost far less than a transaction's overlay (and nothing
        // can see the store half-written: it is only reachable from this thread).
        let quads = trine_core::io::parse_slice(data, format, &options).map_err(|e| e.to_js())?;
        let read = quads.len();
        if read < BULK_LOAD_QUADS {
            self.store.extend(&quads).or_js()?;
        } else {
            self.store.bulk_load_quads(quads).or_js()?;
        }
        Ok(read as f64)
    }

    /// Serializes the store (or one graph, three strings) in `format`.
    ///
    /// # Errors
    /// An unknown format or a storage failure.
    pub fn dump(
        &self,
        format: &str,
        graph: Vec<String>,
        explicit_only: bool,
    ) -> Result<String, JsValue> {
        let format = rdf_format(format)?;
        let graph: Option<GraphName> = if graph.is_empty() {
            None
        } else {
            terms::decode_graph(&graph)?
        };
        let bytes = self
            .store
            .dump_to_writer_with(
                format,
                Vec::new(),
                graph.as_ref().map(Into::into),
                explicit_only,
            )
            .or_js()?;
        String::from_utf8(bytes).map_err(|e| js_error("dump_failed", e))
    }

    /// Turns reasoning on with `profile` (`rdfs`, `owl2rl`, or `none` to turn it off) and
    /// optional user rules, and materializes the closure; every later write keeps it.
    ///
    /// # Errors
    /// An unknown profile, a rule that does not parse (`rule_syntax`, with its position), a
    /// limit; then nothing changed.
    #[wasm_bindgen(js_name = setReasoning)]
    pub fn set_reasoning(&self, profile: &str, rules: Option<String>) -> Result<JsValue, JsValue> {
        let profile: Profile = profile.parse().or_js()?;
        let mut options = ReasonerOptions::new(profile);
        if let Some(rules) = rules {
            options = options.with_rules(rules).or_js()?;
        }
        let report = self.store.set_reasoning(options).or_js()?;
        Ok(report_object(&report))
    }

    /// Recomputes the closure with the reasoning options in force.
    ///
    /// # Errors
    /// A limit or a storage failure.
    pub fn materialize(&self) -> Result<JsValue, JsValue> {
        let report = self.store.materialize().or_js()?;
        Ok(report_object(&report))
    }

    /// The reasoning profile in force (`none` when reasoning is off).
    #[wasm_bindgen(js_name = reasoningProfile)]
    pub fn reasoning_profile(&self) -> String {
        self.store.reasoning().profile.name().to_owned()
    }

    /// Matches of rules with a false head: `[{rule, quads}]`, the triples as flat quads.
    ///
    /// # Errors
    /// A storage failure.
    pub fn inconsistencies(&self) -> Result<Array, JsValue> {
        let found = self.store.inconsistencies().or_js()?;
        Ok(found
            .iter()
            .map(|inconsistency| {
                let mut flat = Vec::new();
                for triple in &inconsistency.triples {
                    let quad = triple.clone().in_graph(GraphName::DefaultGraph);
                    terms::encode_quad(&quad, &mut flat);
                }
                let out = Object::new();
                set(&out, "rule", inconsistency.rule.as_str());
                set(&out, "quads", strings(flat));
                JsValue::from(out)
            })
            .collect())
    }
}

fn report_object(report: &MaterializeReport) -> JsValue {
    let out = Object::new();
    set(&out, "profile", report.profile.name());
    set(&out, "rounds", report.rounds as f64);
    set(&out, "inferred", report.inferred as f64);
    set(&out, "added", report.added as f64);
    set(&out, "removed", report.removed as f64);
    set(&out, "fullRecompute", report.full_recompute);
    set(&out, "inconsistencies", report.inconsistencies.len() as f64);
    out.into()
}

/// A parsed SPARQL query, run many times with different values for its variables.
#[wasm_bindgen]
pub struct WasmPreparedQuery {
    query: PreparedQuery,
}

#[wasm_bindgen]
impl WasmPreparedQuery {
    /// Parses `query`.
    ///
    /// # Errors
    /// A syntax error (`sparql_syntax`) with its position in the message.
    #[wasm_bindgen(constructor)]
    pub fn new(query: &str, base_iri: Option<String>) -> Result<WasmPreparedQuery, JsValue> {
        let query = PreparedQuery::parse(query, base_iri.as_deref()).or_js()?;
        Ok(Self { query })
    }

    /// `select`, `ask`, `construct` or `describe`.
    pub fn form(&self) -> String {
        format!("{:?}", self.query.kind()).to_ascii_lowercase()
    }

    /// Runs the query over `store` with `bindings` (`[name, kind, value, extra]` per variable).
    ///
    /// Without `format`: SELECT gives `{kind: "select", variables, terms}` (three strings per
    /// variable per row, the empty kind where unbound), ASK `{kind: "ask", boolean}`, CONSTRUCT
    /// and DESCRIBE `{kind: "graph", terms}` (twelve strings per triple, in the default graph).
    /// With `format` (a results format for SELECT and ASK, an RDF syntax for the others) the
    /// results serialized as a string.
    ///
    /// # Errors
    /// An invalid binding, an evaluation failure, or a format that does not fit the form
    /// (`not_acceptable`).
    pub fn run(
        &self,
        store: &WasmStore,
        bindings: Vec<String>,
        explicit_only: bool,
        format: Option<String>,
    ) -> Result<JsValue, JsValue> {
        if !bindings.len().is_multiple_of(1 + TERM) {
            return Err(js_error(
                "invalid_term",
                "bindings come as a name and three strings each",
            ));
        }
        let mut values = Vec::new();
        for binding in bindings.chunks(1 + TERM) {
            let name = binding[0].trim_start_matches(['?', '$']);
            let variable = Variable::new(name)
                .map_err(|e| js_error("invalid_term", format!("invalid variable {name:?}: {e}")))?;
            let Some(value) = terms::decode(&binding[1..])? else {
                continue;
            };
            values.push((variable, value));
        }
        let snapshot = store.store.snapshot().or_js()?;
        let options = QueryOptions {
            explicit_only,
            // Used when no variable is bound in advance: a query run again skips planning.
            plan_cache: Some(store.store.plan_cache().clone()),
            ..QueryOptions::default()
        };
        let execution = self.query.bind_with(&snapshot, &options, &values).or_js()?;
        let results = execution.results().or_js()?;
        if let Some(format) = format {
            let bytes = match &results {
                QueryResults::Graph(_) => results
                    .write_graph(rdf_format(&format)?, Vec::new())
                    .or_js()?,
                _ => results
                    .write(results_format(&format)?, Vec::new())
                    .or_js()?,
            };
            return String::from_utf8(bytes)
                .map(JsValue::from)
                .map_err(|e| js_error("results_write", e));
        }
        let out = Object::new();
        match results {
            QueryResults::Boolean(value) => {
                set(&out, "kind", "ask");
                set(&out, "boolean", value);
            }
            QueryResults::Solutions(solutions) => {
                set(&out, "kind", "select");
                let variables: Vec<String> = solutions
                    .variables()
                    .iter()
                    .map(|v| v.as_str().to_owned())
                    .collect();
                let mut flat = Vec::new();
                for solution in solutions {
                    for value in solution.or_js()?.values() {
                        match value {
                            Some(term) => terms::encode(term.as_ref(), &mut flat),
                            None => terms::encode_none(&mut flat),
                        }
                    }
                }
                set(&out, "variables", strings(variables));
                set(&out, "terms", strings(flat));
            }
            QueryResults::Graph(triples) => {
                set(&out, "kind", "graph");
                let mut flat = Vec::new();
                for triple in triples {
                    let quad = triple.or_js()?.in_graph(GraphName::DefaultGraph);
                    terms::encode_quad(&quad, &mut flat);
                }
                set(&out, "terms", strings(flat));
            }
        }
        Ok(out.into())
    }
}
