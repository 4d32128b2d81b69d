//! Sorted ingest: build table files next to the store, then hand them to RocksDB.

use std::fs;
use std::path::{Path, PathBuf};

use rocksdb::{ColumnFamily, DB, IngestExternalFileOptions, Options, SstFileWriter};
use trine_core::kv::{KvError, SortedRun};

use crate::error::from_rocksdb;

/// Where and how the table files of one ingest are written.
pub(crate) struct TableFiles<'a> {
    /// The column family's own options, so the files carry the same filters, prefix extractor
    /// and compression as files RocksDB writes itself.
    pub(crate) options: &'a Options,
    /// The staging directory.
    pub(crate) dir: &'a Path,
    /// The start of each file's name, unique to this ingest.
    pub(crate) stem: String,
    /// Size at which a file is closed and the next one begun.
    pub(crate) target_bytes: u64,
}

/// Writes `entries` (strictly increasing keys) into table files as `files` says, then, once
/// `ready` returns, ingests them into `cf` in one atomic step.
pub(crate) fn ingest(
    db: &DB,
    cf: &ColumnFamily,
    files: &TableFiles<'_>,
    entries: &SortedRun,
    ready: &dyn Fn() -> Result<(), KvError>,
) -> Result<(), KvError> {
    let TableFiles {
        options: table_options,
        dir,
        stem,
        target_bytes: target_file_bytes,
    } = files;
    let target_file_bytes = *target_file_bytes;
    fs::create_dir_all(dir)?;
    let mut files = StagedFiles(Vec::new());
    let mut writer: Option<SstFileWriter<'_>> = None;
    for (key, value) in entries.iter() {
        let current = match &mut writer {
            Some(current) => current,
            None => {
                let path = dir.join(format!("{stem}-{}.sst", files.0.len()));
                let new = SstFileWriter::create(table_options);
                new.open(&path).map_err(from_rocksdb)?;
                files.0.push(path);
                writer.insert(new)
            }
        };
        // Fails on keys out of order, which would otherwise corrupt the file.
        current.put(key, value).map_err(from_rocksdb)?;
        if current.file_size() >= target_file_bytes {
            current.finish().map_err(from_rocksdb)?;
            writer = None;
        }
    }
    if let Some(mut last) = writer {
        last.finish().map_err(from_rocksdb)?;
    }

    ready()?;
    let mut options = IngestExternalFileOptions::default();
    // Link the files into the store instead of copying them; RocksDB removes the staged names.
    options.set_move_files(true);
    db.ingest_external_file_cf_opts(cf, &options, files.0.clone())
        .map_err(from_rocksdb)
}

/// Staged table files, removed when dropped whether or not ingestion succeeded.
struct StagedFiles(Vec<PathBuf>);

impl Drop for StagedFiles {
    fn drop(&mut self) {
        for path in &self.0 {
            // After a successful move the file is already gone; any other failure only leaves a
            // file that the next open removes.
            let _ = fs::remove_file(path);
        }
    }
}
