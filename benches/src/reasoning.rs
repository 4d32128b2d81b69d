//! The reasoning benchmark: OWL 2 RL materialization of LUBM-shaped data, incremental
//! maintenance against recomputation, and a check of the LUBM answers against the closure the
//! `reasonable` reasoner computes (when its Python package is installed).
//!
//! `cargo run -p trine-benches --bin reasoning -- --lubm 1 --lubm 10 [--backend rocksdb]
//! [--reasonable] [--out target/bench]`: prints one block per scale and writes
//! `reasoning.json`; exits with status 1 when an answer differs from `reasonable`'s.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use oxrdf::{GraphName, NamedNode, Quad};
use trine_core::Store;
use trine_core::kv::KvBackend;
use trine_core::reasoner::{Profile, ReasonerOptions};

use crate::compare::{Answer, Engine, Error, TrineEngine, check, lubm_dataset, median};
use crate::lubm::UB;

/// What to run.
#[derive(Debug, Clone)]
pub struct ReasoningConfig {
    /// LUBM scales (universities).
    pub scales: Vec<usize>,
    /// `memory` or `rocksdb`.
    pub backend: String,
    /// Also run `reasonable` and compare answers and times.
    pub reasonable: bool,
    /// Where `reasoning.json` goes.
    pub out: PathBuf,
}

/// The figures of one scale.
#[derive(Debug, Clone, Default)]
pub struct ScaleReport {
    /// `LUBM(n)`.
    pub dataset: String,
    /// Explicit triples loaded.
    pub explicit: u64,
    /// Quads flagged inferred after materializing.
    pub inferred: u64,
    /// Seconds of Trine's first materialization.
    pub materialize_s: f64,
    /// Milliseconds to delete one ABox triple, closure maintained: the median of
    /// [`ABOX_SAMPLES`] triples.
    pub abox_delete_ms: f64,
    /// Milliseconds of the first of those deletions (the first maintained commit, cold caches).
    pub abox_delete_first_ms: f64,
    /// Milliseconds to insert it back, closure maintained: the median.
    pub abox_insert_ms: f64,
    /// Milliseconds to delete one TBox axiom, closure maintained.
    pub tbox_delete_ms: f64,
    /// Milliseconds of a full recomputation of the same closure.
    pub recompute_ms: f64,
    /// Seconds `reasonable` took in `reason()`, when it ran.
    pub reasonable_s: Option<f64>,
    /// Triples in `reasonable`'s closure, when it ran.
    pub reasonable_triples: Option<u64>,
    /// LUBM queries whose answers agree with `reasonable`'s closure, of those run.
    pub agreeing: Option<(usize, usize)>,
    /// Each disagreement.
    pub differences: Vec<String>,
}

/// ABox triples deleted (and inserted back) one at a time: one sample of a millisecond-scale
/// operation says little.
pub const ABOX_SAMPLES: usize = 7;

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn ub(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{UB}{local}"))
}

/// Runs one scale on a store over `backend`.
///
/// # Errors
/// Generation, load, reasoning or query failures.
pub fn run_scale<B: KvBackend>(
    universities: usize,
    backend: B,
    location: Option<&Path>,
    config: &ReasoningConfig,
    scratch: &Path,
) -> Result<ScaleReport, Error> {
    let dataset = lubm_dataset(universities, 0, scratch)?;
    let mut engine = TrineEngine::from_store(Store::open(backend)?, location);
    engine.load(&dataset.files)?;
    let mut report = ScaleReport {
        dataset: dataset.name.clone(),
        explicit: engine.triple_count()?,
        ..ScaleReport::default()
    };
    let store = engine.store();
    let start = Instant::now();
    let materialized = store.set_reasoning(ReasonerOptions::new(Profile::Owl2Rl))?;
    report.materialize_s = start.elapsed().as_secs_f64();
    report.inferred = materialized.inferred;

    // ABox triples: students' types, which their course takings and the class hierarchy build
    // on, spread over the data.
    let rdf_type = oxrdf::vocab::rdf::TYPE;
    let students = store.quads_for_pattern(
        None,
        Some(rdf_type),
        Some(ub("GraduateStudent").as_ref().into()),
        None,
    )?;
    if students.is_empty() {
        return Err("no graduate student in the data".into());
    }
    let step = (students.len() / ABOX_SAMPLES).max(1);
    let (mut deletes, mut inserts) = (Vec::new(), Vec::new());
    for student in students.iter().step_by(step).take(ABOX_SAMPLES) {
        let start = Instant::now();
        store.remove(student)?;
        deletes.push(ms(start));
        let start = Instant::now();
        store.insert(student)?;
        inserts.push(ms(start));
    }
    report.abox_delete_first_ms = deletes.first().copied().unwrap_or(f64::NAN);
    report.abox_delete_ms = median(&deletes).unwrap_or(f64::NAN);
    report.abox_insert_ms = median(&inserts).unwrap_or(f64::NAN);
    // One TBox axiom, then back.
    let axiom = Quad::new(
        ub("GraduateStudent"),
        oxrdf::vocab::rdfs::SUB_CLASS_OF,
        ub("Person"),
        GraphName::DefaultGraph,
    );
    if store.contains(&axiom)? {
        let start = Instant::now();
        store.remove(&axiom)?;
        report.tbox_delete_ms = ms(start);
        store.insert(&axiom)?;
    }
    let start = Instant::now();
    let recomputed = store.materialize()?;
    report.recompute_ms = ms(start);
    if recomputed.inferred != report.inferred {
        report.differences.push(format!(
            "the maintained closure has {} inferred quads, a recomputation {}",
            report.inferred, recomputed.inferred
        ));
    }

    if config.reasonable {
        let closure = scratch.join("reasonable-closure.nt");
        let (seconds, triples) = run_reasonable(&dataset.files, &closure)?;
        report.reasonable_s = Some(seconds);
        report.reasonable_triples = Some(triples);
        let mut reference = reference_engine()?;
        reference.load(&[closure])?;
        let mut agreeing = 0;
        for query in &dataset.queries {
            let ours = Answer::from(&engine.query(&query.text)?);
            let theirs = Answer::from(&reference.query(&query.text)?);
            match check(&query.shape, &theirs, &ours) {
                Ok(()) => agreeing += 1,
                Err(detail) => report
                    .differences
                    .push(format!("{}: {detail}", query.label())),
            }
        }
        report.agreeing = Some((agreeing, dataset.queries.len()));
    }
    Ok(report)
}

/// Where `reasonable`'s closure is queried: Oxigraph in memory with the `oxigraph` feature,
/// else a Trine store without reasoning.
fn reference_engine() -> Result<Box<dyn Engine>, Error> {
    #[cfg(feature = "oxigraph")]
    {
        Ok(Box::new(crate::compare::OxigraphMemoryEngine::new()?))
    }
    #[cfg(not(feature = "oxigraph"))]
    {
        Ok(Box::new(TrineEngine::new(
            trine_core::kv::MemoryBackend::new(),
            None,
        )?))
    }
}

/// The name of the engine [`reference_engine`] gives.
pub fn reference_name() -> &'static str {
    if cfg!(feature = "oxigraph") {
        "oxigraph (memory)"
    } else {
        "trine (memory, no reasoning)"
    }
}

const REASONABLE_SCRIPT: &str = r#"
import sys, time, reasonable
reasoner = reasonable.PyReasoner()
for path in sys.argv[2:]:
    reasoner.load_file(path)
start = time.perf_counter()
triples = reasoner.reason()
elapsed = time.perf_counter() - start
with open(sys.argv[1], "w") as out:
    for s, p, o in triples:
        out.write(f"{s.n3()} {p.n3()} {o.n3()} .\n")
print(elapsed, len(triples))
"#;

/// Runs `reasonable` (Python) on `files`, writes its closure to `out`; returns the seconds its
/// `reason()` took and the number of triples in the closure.
///
/// # Errors
/// Python or the package is missing, or the script fails.
pub fn run_reasonable(files: &[PathBuf], out: &Path) -> Result<(f64, u64), Error> {
    let script = out.with_extension("py");
    std::fs::write(&script, REASONABLE_SCRIPT)?;
    // `reasonable` reads files by extension and knows `.ttl`, of which N-Triples is a subset.
    let mut inputs = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let copy = out.with_file_name(format!("reasonable-input-{i}.ttl"));
        std::fs::copy(file, &copy)?;
        inputs.push(copy);
    }
    let output = Command::new("python3")
        .arg(&script)
        .arg(out)
        .args(&inputs)
        .output()
        .map_err(|e| format!("python3 cannot run: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "reasonable failed (pip install reasonable): {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut words = text.split_whitespace();
    let seconds = words
        .next()
        .and_then(|w| w.parse().ok())
        .ok_or("reasonable printed no time")?;
    let triples = words
        .next()
        .and_then(|w| w.parse().ok())
        .ok_or("reasonable printed no count")?;
    Ok((seconds, triples))
}

/// The block printed for one scale.
pub fn render(report: &ScaleReport, backend: &str) -> String {
    let mut out = format!(
        "{}: {} explicit triples\n  trine materialize (owl2rl, {backend}): {:.2} s, {} inferred, {:.0} explicit triples/s\n",
        report.dataset,
        report.explicit,
        report.materialize_s,
        report.inferred,
        report.explicit as f64 / report.materialize_s.max(1e-9)
    );
    out.push_str(&format!(
        "  ABox delete of one triple: {:.2} ms, median of {ABOX_SAMPLES} (the first {:.2} ms; insert back {:.2} ms); full recompute {:.0} ms: {:.0}x faster (the first: {:.0}x)\n",
        report.abox_delete_ms,
        report.abox_delete_first_ms,
        report.abox_insert_ms,
        report.recompute_ms,
        report.recompute_ms / report.abox_delete_ms.max(1e-9),
        report.recompute_ms / report.abox_delete_first_ms.max(1e-9)
    ));
    out.push_str(&format!(
        "  TBox delete of one axiom (GraduateStudent subClassOf Person): {:.2} ms: {:.1}x faster than recomputing\n",
        report.tbox_delete_ms,
        report.recompute_ms / report.tbox_delete_ms.max(1e-9)
    ));
    if let (Some(seconds), Some(triples)) = (report.reasonable_s, report.reasonable_triples) {
        out.push_str(&format!(
            "  reasonable reason(): {seconds:.2} s, {triples} triples in its closure: trine {:.1}x faster\n",
            seconds / report.materialize_s.max(1e-9)
        ));
    }
    if let Some((agreeing, total)) = report.agreeing {
        out.push_str(&format!(
            "  LUBM queries: {agreeing} of {total} answers agree with reasonable's closure in {}\n",
            reference_name()
        ));
    }
    for difference in &report.differences {
        out.push_str(&format!("  DIFFERENT: {difference}\n"));
    }
    out
}

/// The reports as JSON.
pub fn json(reports: &[ScaleReport], backend: &str) -> serde_json::Value {
    serde_json::json!({
        "backend": backend,
        "scales": reports.iter().map(|r| serde_json::json!({
            "dataset": r.dataset,
            "explicit_triples": r.explicit,
            "inferred_quads": r.inferred,
            "materialize_s": r.materialize_s,
            "abox_delete_ms": r.abox_delete_ms,
            "abox_delete_first_ms": r.abox_delete_first_ms,
            "abox_insert_ms": r.abox_insert_ms,
            "tbox_delete_ms": r.tbox_delete_ms,
            "recompute_ms": r.recompute_ms,
            "reasonable_s": r.reasonable_s,
            "reasonable_triples": r.reasonable_triples,
            "queries_agreeing": r.agreeing.map(|(a, _)| a),
            "queries": r.agreeing.map(|(_, t)| t),
            "differences": r.differences,
        })).collect::<Vec<_>>(),
    })
}
