//! What each subcommand does.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use trine_core::io::{Document, LoadOptions, RdfFormat};
use trine_core::oxrdf::{GraphName, GraphNameRef, NamedNode};
use trine_core::storage::LoadProgress;
use trine_host::database::format_of_path;
use trine_host::server::{Server, ServerConfig, shutdown_signal};
use trine_host::{Config, Database, HostError, OutputFormats, Preset, Query};

use crate::args::{
    Command, DumpArgs, ExplainMode, LoadArgs, MaterializeArgs, QueryArgs, ServeArgs, StoreArgs,
    UpdateArgs,
};

/// The `--config` file, set once before the command runs.
static CONFIG_FILE: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Records the `--config` flag for [`config_for`].
pub fn set_config_file(file: Option<PathBuf>) {
    let _ = CONFIG_FILE.set(file);
}

/// A command's configuration: the `--config` file (else `TRINE_CONFIG`'s), the environment and
/// the preset flag, each over the one before.
pub fn config_for(flag: Option<Preset>, default: Preset) -> Result<Config, HostError> {
    Config::from_sources(flag, default, CONFIG_FILE.get().and_then(Option::as_deref))
}

pub fn run(command: Command) -> Result<ExitCode, HostError> {
    match command {
        Command::Serve(args) => serve(args),
        Command::Load(args) => load(args),
        Command::Dump(args) => dump(args),
        Command::Query(args) => query(args),
        Command::Update(args) => update(args),
        Command::Stats(args) => {
            let db = open(&args, Preset::Development, |_| {})?;
            print_json(&db.stats()?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Health(args) => {
            let db = open(&args, Preset::Development, |_| {})?;
            let health = db.health();
            print_json(&health)?;
            Ok(
                if health.status == trine_host::database::HealthStatus::Unhealthy {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                },
            )
        }
        Command::Verify(args) => crate::backups::verify(args),
        Command::Backup(args) => crate::backups::backup(args),
        Command::Restore(args) => crate::backups::restore(args),
        Command::Materialize(args) => materialize(args),
        Command::Plugin(args) => Ok(crate::plugin::run(args)),
        Command::Optimize(args) => {
            let db = open(&args, Preset::Development, |_| {})?;
            let started = Instant::now();
            db.optimize()?;
            eprintln!("optimized in {:.1?}", started.elapsed());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens the database with the environment's configuration, the flag's preset, then `adjust`.
fn open(
    args: &StoreArgs,
    default: Preset,
    adjust: impl FnOnce(&mut Config),
) -> Result<Database, HostError> {
    let mut config = config_for(args.preset, default)?;
    adjust(&mut config);
    Database::open_with(&args.location, config)
}

fn serve(args: ServeArgs) -> Result<ExitCode, HostError> {
    let mut config = config_for(args.preset, Preset::Development)?;
    crate::backups::apply_serve_flags(&args, &mut config);
    if let Some(seconds) = args.timeout_s {
        config.query_timeout = (seconds > 0).then(|| Duration::from_secs(seconds));
    }
    if let Some(bytes) = args.max_body_bytes {
        config.max_body_bytes = bytes;
    }
    if let Some(bytes) = args.result_cache_bytes {
        config.result_cache_bytes = bytes;
    }
    if let Some(rows) = args.max_rows_in_memory {
        config.max_rows_in_memory = (rows > 0).then_some(rows);
    }
    if args.load_dir.is_some() {
        config.load_dir = args.load_dir;
    }
    config.read_only |= args.read_only;
    if let Some(profile) = &args.reasoning {
        config.reasoning = Some(profile.parse()?);
    }
    if let Some(n) = args.max_concurrent_queries {
        config.limits.max_concurrent_queries = (n > 0).then_some(n);
    }
    if let Some(n) = args.rate_limit_per_ip {
        config.limits.requests_per_second_per_ip = (n > 0).then_some(n);
    }
    let mut server_config = ServerConfig::from_config(&config);
    server_config.bind = args.bind;
    if let Some(token) = args.token {
        server_config.token = Some(token.into());
    } else if let Some(file) = &args.token_file {
        server_config.token = Some(trine_host::Secret::from_file(file)?);
    }
    server_config.cors = args.cors;
    let db = Arc::new(Database::open_with(&args.location, config)?);
    let scheduler = crate::backups::start_scheduler(&db)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(async move {
        let server = Server::bind(db, server_config).await?;
        eprintln!("trine listening on http://{}", server.local_addr()?);
        server.run(shutdown_signal()).await
    });
    // In order: the server has stopped and flushed; a backup in progress finishes, then the
    // database closes.
    if let Some(scheduler) = scheduler {
        scheduler.stop();
    }
    served?;
    Ok(ExitCode::SUCCESS)
}

fn rdf_format(name: &str) -> Result<RdfFormat, HostError> {
    OutputFormats::from_name(name)?
        .graph
        .ok_or_else(|| HostError::BadRequest(format!("{name:?} is not an RDF syntax")))
}

fn named_node(iri: &str) -> Result<NamedNode, HostError> {
    NamedNode::new(iri).map_err(|e| HostError::BadRequest(format!("{iri:?} is not an IRI: {e}")))
}

fn load(args: LoadArgs) -> Result<ExitCode, HostError> {
    let db = open(&args.store, Preset::BulkLoad, |_| {})?;
    let mut options = LoadOptions::new();
    if let Some(base) = &args.base {
        options = options.with_base_iri(base);
    }
    if let Some(graph) = &args.graph {
        options = options.to_graph(GraphName::NamedNode(named_node(graph)?));
    }
    if args.lenient {
        options = options.lenient();
    }
    let format = args.format.as_deref().map(rdf_format).transpose()?;
    let started = Instant::now();
    let mut documents = Vec::new();
    if args.file.is_empty() {
        let format = format.ok_or_else(|| {
            HostError::BadRequest("--format is required when loading standard input".into())
        })?;
        documents.push(Document::reader("stdin", format, io::stdin()));
    }
    for path in &args.file {
        let guessed = format_of_path(path);
        let format = format
            .or(guessed.map(|(format, _)| format))
            .ok_or_else(|| {
                HostError::BadRequest(format!(
                    "cannot tell the syntax of {} from its extension: give --format",
                    path.display()
                ))
            })?;
        let gzipped = guessed.is_some_and(|(_, gz)| gz)
            || path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
        documents.push(if gzipped {
            let file = BufReader::new(File::open(path)?);
            let name = path.display().to_string();
            Document::reader(name, format, flate2::read::MultiGzDecoder::new(file))
        } else {
            Document::file(path, format)
        });
    }
    let total = if args.atomic {
        // One transaction per document: a document with an error leaves nothing of itself.
        let mut total = 0;
        for document in documents {
            total += load_atomically(&db, document, &options)?;
        }
        total
    } else {
        // One bulk load for every document: one set of sorted writes, so the store holds no
        // layer per document for reads to look through.
        let names: Vec<String> = documents.iter().map(|d| d.name().to_owned()).collect();
        let label = match names.as_slice() {
            [one] => one.clone(),
            more => format!("{} documents", more.len()),
        };
        let counts = db.bulk_load_documents(documents, &options, progress(&label))?;
        for (name, count) in names.iter().zip(&counts) {
            eprintln!("{name}: {count} quads");
        }
        counts.iter().sum()
    };
    db.flush()?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "loaded {total} quads in {seconds:.1} s ({:.0} quads/s); the store holds {}",
        total as f64 / seconds.max(1e-9),
        db.len()?
    );
    Ok(ExitCode::SUCCESS)
}

/// Loads `document` in one transaction.
fn load_atomically(
    db: &Database,
    document: Document,
    options: &LoadOptions,
) -> Result<u64, HostError> {
    let name = document.name().to_owned();
    let format = document.format();
    let count = db
        .load(format, document.into_reader()?, options)
        .map_err(|error| match error {
            HostError::Load(error) => HostError::Load(error.in_document(&name)),
            other => other,
        })?;
    eprintln!("{name}: {count} quads");
    Ok(count)
}

/// Shows a progress spinner (quads read and the rate) on a terminal; elsewhere prints a line each
/// million quads, so long loads in logs show they are alive.
fn progress(name: &str) -> impl FnMut(LoadProgress) + '_ {
    let started = Instant::now();
    let mut reported = 0;
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let bar = indicatif::ProgressBar::new_spinner()
        .with_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        )
        .with_finish(indicatif::ProgressFinish::AndClear);
    move |progress: LoadProgress| {
        let rate = progress.quads as f64 / started.elapsed().as_secs_f64().max(1e-9);
        if terminal {
            bar.set_message(format!(
                "{name}: {} quads read ({rate:.0} quads/s)",
                progress.quads
            ));
            bar.tick();
        } else if progress.quads >= reported + 1_000_000 {
            reported = progress.quads;
            eprintln!("{name}: {} quads read ({rate:.0} quads/s)", progress.quads);
        }
    }
}

fn dump(args: DumpArgs) -> Result<ExitCode, HostError> {
    let db = open(&args.store, Preset::Development, |_| {})?;
    let format = match (&args.format, &args.file) {
        (Some(name), _) => rdf_format(name)?,
        (None, Some(path)) => format_of_path(path)
            .map(|(format, _)| format)
            .unwrap_or(RdfFormat::NQuads),
        (None, None) => RdfFormat::NQuads,
    };
    let graph = match args.graph.as_deref() {
        None => None,
        Some("default") => Some(GraphName::DefaultGraph),
        Some(iri) => Some(GraphName::NamedNode(named_node(iri)?)),
    };
    let graph_ref: Option<GraphNameRef<'_>> = graph.as_ref().map(GraphName::as_ref);
    match &args.file {
        Some(path) => finish(db.dump_with(
            format,
            BufWriter::new(create(path)?),
            graph_ref,
            args.explicit_only,
        )?)?,
        None => finish(db.dump_with(
            format,
            BufWriter::new(io::stdout().lock()),
            graph_ref,
            args.explicit_only,
        )?)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn create(path: &Path) -> Result<File, HostError> {
    Ok(File::create(path)?)
}

fn finish(mut writer: impl Write) -> Result<(), HostError> {
    Ok(writer.flush()?)
}

fn query(args: QueryArgs) -> Result<ExitCode, HostError> {
    let text = match (&args.query, &args.query_file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)?,
        (None, None) => return Err(HostError::BadRequest("give --query or --query-file".into())),
    };
    let db = open(&args.store, Preset::Development, |_| {})?;
    let query = Query::parse(&text, args.base.as_deref())?.explicit_only(args.explicit_only);
    if let Some(mode) = args.explain {
        let explained = db.explain(&query, mode == ExplainMode::Analyze, None)?;
        eprint!("{}", explained.to_text());
    }
    let formats = match &args.results_format {
        Some(name) => OutputFormats::from_name(name)?,
        None => OutputFormats::default(),
    };
    let (writer, _) =
        db.query_to_writer(&query, &formats, BufWriter::new(io::stdout().lock()), None)?;
    finish(writer)?;
    Ok(ExitCode::SUCCESS)
}

fn update(args: UpdateArgs) -> Result<ExitCode, HostError> {
    let text = match (&args.update, &args.update_file) {
        (Some(text), _) => text.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)?,
        (None, None) => {
            return Err(HostError::BadRequest(
                "give --update or --update-file".into(),
            ));
        }
    };
    let load_dir = args.load_dir.clone();
    let db = open(&args.store, Preset::Development, |config| {
        if load_dir.is_some() {
            config.load_dir = load_dir;
        }
    })?;
    let summary = db.update(&text, args.base.as_deref())?;
    db.flush()?;
    eprintln!(
        "inserted {} quads, deleted {}",
        summary.inserted, summary.deleted
    );
    Ok(ExitCode::SUCCESS)
}

fn materialize(args: MaterializeArgs) -> Result<ExitCode, HostError> {
    let profile = args.profile.as_deref().map(str::parse).transpose()?;
    let db = open(&args.store, Preset::Development, |_| {})?;
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let spinner = terminal.then(|| {
        let bar = indicatif::ProgressBar::new_spinner()
            .with_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed} materializing…")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            )
            .with_finish(indicatif::ProgressFinish::AndClear);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let started = Instant::now();
    let report = db.materialize(profile);
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    let report = report?;
    db.flush()?;
    let elapsed = started.elapsed();
    print_json(&serde_json::json!({
        "profile": report.profile.name(),
        "rounds": report.rounds,
        "inferred_quads": report.inferred,
        "added": report.added,
        "removed": report.removed,
        "seconds": elapsed.as_secs_f64(),
        "inconsistencies": report
            .inconsistencies
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
    }))?;
    if report.inconsistencies.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: the data is inconsistent ({} matches of rules with a false head)",
            report.inconsistencies.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<(), HostError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| HostError::Internal(format!("cannot write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}
