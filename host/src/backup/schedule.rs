//! Scheduled backups: the settings, the outcome of the last backup (for health), and the
//! background thread that takes them while a database serves.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;

use super::BackupError;
use crate::Database;

/// When and where a database backs itself up while it serves (`TRINE_BACKUP_DIR`,
/// `TRINE_BACKUP_INTERVAL_S`, `TRINE_BACKUP_KEEP`; `serve --backup-dir`, `--backup-interval-s`,
/// `--backup-keep`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackupSettings {
    /// The destination directory; `None` takes no scheduled backup.
    pub destination: Option<PathBuf>,
    /// Time between two backups; the first is taken one interval after start.
    pub interval: Duration,
    /// Backups kept in the destination after each new one; `None` keeps all.
    pub keep: Option<usize>,
}

impl Default for BackupSettings {
    /// No scheduled backups; when a destination is set, one an hour, the newest 7 kept.
    fn default() -> Self {
        Self {
            destination: None,
            interval: Duration::from_secs(3600),
            keep: Some(7),
        }
    }
}

/// How the last backup of a database went, as the health report shows it. It never names
/// files, so it is safe to serve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastBackup {
    /// When it finished, RFC 3339 in UTC; for a backup found in the destination when the
    /// database opened, when it was taken.
    pub finished_at: String,
    /// The same instant in milliseconds since the Unix epoch.
    pub finished_at_unix_ms: u64,
    /// Whether it succeeded (rotation included).
    pub ok: bool,
    /// The backup's directory name, on success.
    pub name: Option<String>,
    /// Quads backed up, on success.
    pub quads: Option<u64>,
    /// How long it took, in milliseconds.
    pub duration_ms: u64,
    /// The stable error code, on failure (the message is in the log).
    pub error: Option<String>,
}

/// Per-database backup state: one backup at a time, and the outcome of the last one.
#[derive(Debug, Default)]
pub(crate) struct BackupState {
    running: Mutex<()>,
    last: Mutex<Option<LastBackup>>,
    /// The newest backup in the configured destination, looked up once, for a database that has
    /// not taken one since it opened (a restarted server still reports its last backup).
    on_disk: OnceLock<Option<LastBackup>>,
}

impl BackupState {
    /// Held while a backup runs, so scheduled and requested backups never overlap.
    pub(crate) fn run_exclusively(&self) -> MutexGuard<'_, ()> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The last outcome in this process, else what `on_disk` finds once.
    pub(crate) fn last(&self, on_disk: impl FnOnce() -> Option<LastBackup>) -> Option<LastBackup> {
        let recorded = self
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        recorded.or_else(|| self.on_disk.get_or_init(on_disk).clone())
    }

    pub(crate) fn record(&self, outcome: LastBackup) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
    }
}

/// The background thread taking scheduled backups of a database.
///
/// [`stop`](Self::stop) (or dropping it) wakes the thread and waits for it, letting a backup in
/// progress finish, so a server stops it after it stops serving and before the database closes.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use trine_host::Database;
/// use trine_host::backup::{BackupScheduler, BackupSettings};
///
/// let db = Arc::new(Database::open("./trine-data")?);
/// let mut settings = BackupSettings::default();
/// settings.destination = Some("./backups".into());
/// settings.interval = Duration::from_secs(600);
/// let scheduler = BackupScheduler::start(Arc::clone(&db), &settings)?;
/// // … serve …
/// scheduler.stop();
/// # Ok::<_, Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct BackupScheduler {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl BackupScheduler {
    /// Starts backing up `db` as `settings` say.
    ///
    /// # Errors
    /// [`BackupError::Settings`] without a destination, with a zero interval or with `keep` 0;
    /// an I/O error if the thread cannot be started.
    pub fn start(db: Arc<Database>, settings: &BackupSettings) -> Result<Self, BackupError> {
        let Some(destination) = settings.destination.clone() else {
            return Err(BackupError::Settings(
                "scheduled backups need a destination".into(),
            ));
        };
        if settings.interval.is_zero() {
            return Err(BackupError::Settings(
                "the backup interval must be above 0".into(),
            ));
        }
        if settings.keep == Some(0) {
            return Err(BackupError::Settings(
                "keeping 0 backups would delete every one".into(),
            ));
        }
        let (interval, keep) = (settings.interval, settings.keep);
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("trine-backup".into())
            .spawn(move || {
                tracing::info!(
                    interval_s = interval.as_secs_f64(),
                    ?keep,
                    "scheduled backups started"
                );
                // A message or a dropped sender both mean stop.
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(interval) {
                    if let Err(error) = db.backup(&destination, keep) {
                        tracing::error!(%error, code = error.code(), "scheduled backup failed");
                    }
                }
                tracing::info!("scheduled backups stopped");
            })
            .map_err(BackupError::io("the backup thread"))?;
        Ok(Self {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Stops the thread, waiting for a backup in progress to finish.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The thread may be gone already (it panicked); then there is nothing to wake.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the backup thread panicked");
        }
    }
}

impl Drop for BackupScheduler {
    fn drop(&mut self) {
        self.shut_down();
    }
}
