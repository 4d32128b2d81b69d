//! Bulk-load benchmark: generates a product-catalogue N-Triples file and loads it into each backend,
//! printing triples per second and bytes on disk per triple (dictionary included).
//!
//! `cargo run -p trine-benches --bin bulk-load -- --triples 1000000 [--backends rocksdb,redb,memory]`

use std::path::Path;
use std::time::Instant;

use trine_backend_redb::RedbBackend;
use trine_backend_rocksdb::RocksDbBackend;
use trine_benches::{disk_usage, generate};
use trine_core::Store;
use trine_core::io::{LoadOptions, RdfFormat};
use trine_core::kv::{KvBackend, MemoryBackend};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let mut triples = 1_000_000_u64;
    let mut backends = vec!["rocksdb".to_string(), "redb".into(), "memory".into()];
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
    for backend in &backends {
        let location = dir.path().join(backend);
        match backend.as_str() {
            "rocksdb" => run(
                "rocksdb",
                RocksDbBackend::open(&location)?,
                &data,
                &location,
                written,
            )?,
            "redb" => run(
                "redb",
                RedbBackend::open(location.with_extension("redb"))?,
                &data,
                &location.with_extension("redb"),
                written,
            )?,
            "memory" => run("memory", MemoryBackend::new(), &data, &location, written)?,
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
) -> Result<(), Error> {
    let store = Store::open(backend)?;
    let start = Instant::now();
    let loaded =
        store.bulk_load_from_file(data, RdfFormat::NTriples, &LoadOptions::new(), |_| {})?;
    let load_time = start.elapsed().as_secs_f64();
    store.optimize()?;
    store.flush()?;
    let total_time = start.elapsed().as_secs_f64();
    let stored = store.len()?;
    let bytes = if location.exists() {
        disk_usage(location)?
    } else {
        store.approximate_size().unwrap_or(0)
    };
    if loaded != triples || stored != triples {
        return Err(format!("{name}: read {loaded}, stored {stored}, expected {triples}").into());
    }
    println!(
        "bulk-load {name:8} {:>10.0} triples/s load ({load_time:.2} s), {:>10.0} triples/s with compaction ({total_time:.2} s), {:>6.1} bytes/triple{}",
        triples as f64 / load_time,
        triples as f64 / total_time,
        bytes as f64 / triples as f64,
        if location.exists() {
            " on disk"
        } else {
            " in memory (keys and values)"
        },
    );
    Ok(())
}
