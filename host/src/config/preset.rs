//! The four presets and what each sets.

use std::str::FromStr;
use std::time::Duration;

use trine_backend_rocksdb::RocksDbOptions;

use super::Config;

const MIB: usize = 1 << 20;
const GIB: u64 = 1 << 30;

/// A named starting point for a [`Config`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Preset {
    /// A laptop: small caches, a 60 s query timeout, generous limits. The default.
    #[default]
    Development,
    /// A server with memory to spare: a 1 GiB block cache, 128 MiB memtables, a 30 s timeout.
    ProductionHighMemory,
    /// A small server or a container: RocksDB's low-memory tuning, tight row limits, 30 s timeout.
    ProductionLowMemory,
    /// Loading a large dataset: RocksDB's bulk-load tuning and no query timeout.
    BulkLoad,
}

impl Preset {
    /// Every preset, in the order `--help` lists them.
    pub const ALL: [Self; 4] = [
        Self::Development,
        Self::ProductionHighMemory,
        Self::ProductionLowMemory,
        Self::BulkLoad,
    ];

    /// The name used on the command line and in `TRINE_PRESET`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::ProductionHighMemory => "production-high-memory",
            Self::ProductionLowMemory => "production-low-memory",
            Self::BulkLoad => "bulk-load",
        }
    }

    pub(super) fn config(self) -> Config {
        let base = Config {
            preset: self,
            rocksdb: RocksDbOptions::default(),
            query_timeout: Some(Duration::from_secs(60)),
            max_rows_in_memory: Some(10_000_000),
            result_cache_bytes: 0,
            max_body_bytes: 64 * MIB,
            load_dir: None,
            read_only: false,
            degraded_compaction_bytes: 64 * GIB,
            backup: crate::backup::BackupSettings::default(),
            limits: super::Limits::for_preset(self),
            reasoning: None,
            token: None,
        };
        match self {
            Self::Development => {
                let mut rocksdb = RocksDbOptions::default();
                rocksdb.block_cache_bytes = 64 * MIB;
                rocksdb.write_buffer_bytes = 16 * MIB;
                rocksdb.total_write_buffer_bytes = 128 * MIB;
                Config { rocksdb, ..base }
            }
            Self::ProductionHighMemory => {
                let mut rocksdb = RocksDbOptions::default();
                rocksdb.block_cache_bytes = 1024 * MIB;
                rocksdb.write_buffer_bytes = 128 * MIB;
                rocksdb.total_write_buffer_bytes = 1024 * MIB;
                Config {
                    rocksdb,
                    query_timeout: Some(Duration::from_secs(30)),
                    max_rows_in_memory: Some(50_000_000),
                    degraded_compaction_bytes: 256 * GIB,
                    ..base
                }
            }
            Self::ProductionLowMemory => Config {
                rocksdb: RocksDbOptions::low_memory(),
                query_timeout: Some(Duration::from_secs(30)),
                max_rows_in_memory: Some(1_000_000),
                max_body_bytes: 16 * MIB,
                degraded_compaction_bytes: 16 * GIB,
                ..base
            },
            Self::BulkLoad => Config {
                rocksdb: RocksDbOptions::bulk_load(),
                query_timeout: None,
                max_rows_in_memory: None,
                max_body_bytes: 1024 * MIB,
                degraded_compaction_bytes: u64::MAX,
                ..base
            },
        }
    }
}

impl FromStr for Preset {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|preset| preset.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|p| p.name()).collect();
                format!(
                    "unknown preset {name:?} (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

impl std::fmt::Display for Preset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
