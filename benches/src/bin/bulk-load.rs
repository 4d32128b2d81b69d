//! Bulk-load benchmark: generates a product-catalogue N-Triples file and loads it into each backend,
//! printing triples per second and bytes on disk per triple (dictionary included).
//!
//! `cargo run -p trine-benches --bin bulk-load -- --triples 1000000 [--backends rocksdb,redb,memory] [--lenient] [--max-peak-mb N]`
//!
//! `--lenient` skips IRI and language-tag validation while parsing, for trusted dumps.
//!
//! RocksDB is opened with the options `trine load` uses (`RocksDbOptions::bulk_load`). On Linux
//! each backend's line also gives the process's peak resident memory during its load (`VmHWM`,
//! reset before each backend through `/proc/self/clear_refs`); run one backend at a time
//! (`--backends rocksdb`) for a figure that earlier backends cannot have touched. With
//! `--max-peak-mb` a peak above it fails the run.

use std::path::Path;
use std::time::Instant;

use trine_backend_redb::RedbBackend;
use trine_backend_rocksdb::{RocksDbBackend, RocksDbOptions};
use trine_benches::{disk_usage, generate};
use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::{KvBackend, MemoryBackend};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let mut triples = 1_000_000_u64;
    let mut backends = vec!["rocksdb".to_string(), "redb".into(), "memory".into()];
    let mut options = LoadOptions::new();
    let mut max_peak_mb: Option<f64> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--triples" => triples = args.next().ok_or("--triples needs a number")?.parse()?,
            "--backends" => {
                backends = args
                    .next()
                    .ok_or("--backends needs a list")?
                    .split(',')
                    .map(String::from)
                    .collect();
            }
            "--lenient" => options = options.lenient(),
            "--max-peak-mb" => {
                let value = args.next().ok_or("--max-peak-mb needs a number")?;
                max_peak_mb = Some(trine_benches::number("--max-peak-mb", &value)?);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("catalogue.nt");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&data)?);
    let written = generate::write_catalogue(&mut file, triples)?;
    drop(file);
    let input_size = std::fs::metadata(&data)?.len();
    println!(
        "bulk-load: {written} triples, {:.1} MB of N-Triples",
        input_size as f64 / 1e6
    );
    parse_only(&data, written, &options)?;
    for backend in &backends {
        let location = dir.path().join(backend);
        match backend.as_str() {
            "rocksdb" => run(
                "rocksdb",
                RocksDbBackend::open_with(&location, RocksDbOptions::bulk_load())?,
                &data,
                &location,
                written,
                &options,
                max_peak_mb,
            )?,
            "redb" => run(
                "redb",
                RedbBackend::open(location.with_extension("redb"))?,
                &data,
                &location.with_extension("redb"),
                written,
                &options,
                max_peak_mb,
            )?,
            "memory" => run(
                "memory",
                MemoryBackend::new(),
                &data,
                &location,
                written,
                &options,
                max_peak_mb,
            )?,
            other => return Err(format!("unknown backend {other}").into()),
        }
    }
    Ok(())
}

fn run<B: KvBackend>(
    name: &str,
    backend: B,
    data: &Path,
    location: &Path,
    triples: u64,
    options: &LoadOptions,
    max_peak_mb: Option<f64>,
) -> Result<(), Error> {
    let store = Store::open(backend)?;
    let size = |store: &Store<B>| -> Result<u64, Error> {
        Ok(if location.exists() {
            disk_usage(location)?
        } else {
            store.approximate_size().unwrap_or(0)
        })
    };
    // Writing 5 resets the peak resident size (Linux 4.0+); elsewhere nothing is printed.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let start = Instant::now();
    let loaded = store.bulk_load_from_file(data, RdfFormat::NTriples, options, |_| {})?;
    let peak = trine_benches::process_memory_kib(None, "VmHWM").map(|kib| kib as f64 / 1024.0);
    store.flush()?;
    let load_time = start.elapsed().as_secs_f64();
    let loaded_bytes = size(&store)?;
    store.optimize()?;
    store.flush()?;
    let total_time = start.elapsed().as_secs_f64();
    let compacted_bytes = size(&store)?;
    let stored = store.len()?;
    if loaded != triples || stored != triples {
        return Err(format!("{name}: read {loaded}, stored {stored}, expected {triples}").into());
    }
    let per_triple = |bytes: u64| bytes as f64 / triples as f64;
    println!(
        "bulk-load {name:8} load: {:>8.0} triples/s ({load_time:.2} s), {:>6.1} bytes/triple | with compaction: {:>8.0} triples/s ({total_time:.2} s), {:>6.1} bytes/triple{}",
        triples as f64 / load_time,
        per_triple(loaded_bytes),
        triples as f64 / total_time,
        per_triple(compacted_bytes),
        if location.exists() {
            " (on disk, dictionary included)"
        } else {
            " (keys and values in memory)"
        },
    );
    if let Some(peak) = peak {
        println!("bulk-load {name:8} peak RSS during the load: {peak:.0} MB (the whole process)");
        if let Some(limit) = max_peak_mb
            && peak > limit
        {
            return Err(
                format!("{name}: peak RSS {peak:.0} MB is over the limit of {limit} MB").into(),
            );
        }
    } else if max_peak_mb.is_some() {
        return Err("--max-peak-mb needs /proc/self/status (Linux)".into());
    }
    Ok(())
}

/// The floor under any loader: parsing alone, on the same threads, into nothing.
fn parse_only(data: &Path, triples: u64, options: &LoadOptions) -> Result<(), Error> {
    let start = Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut parser = trine_core::io::RdfParser::from_format(RdfFormat::NTriples);
    if options.is_lenient() {
        parser = parser.lenient();
    }
    let parts = parser.split_file_for_parallel_parsing(data, threads)?;
    let counted: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || part.filter(Result::is_ok).count() as u64))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let time = start.elapsed().as_secs_f64();
    if counted != triples {
        return Err(format!("parsed {counted} of {triples} triples").into());
    }
    println!(
        "bulk-load parse only (reference floor): {:>8.0} triples/s ({time:.2} s)",
        triples as f64 / time
    );
    Ok(())
}
