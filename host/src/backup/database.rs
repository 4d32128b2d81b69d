//! What a [`Database`] offers for backups: one at a time, rotated, remembered for health.

use std::path::Path;
use std::time::{Instant, SystemTime};

use super::{BackupError, BackupInfo, LastBackup, clock, create_backup, list_backups, rotate};
use crate::{Database, HostError};

impl Database {
    /// Backs the live database up into a new directory of `destination` (see
    /// [`create_backup`](super::create_backup)), then, with `keep`, deletes all but the newest
    /// `keep` backups there. Writers are not blocked; two backups of one database never run at
    /// once (a second call waits). The outcome is what [`last_backup`](Self::last_backup) and
    /// the health report show.
    ///
    /// ```
    /// use trine_host::Database;
    /// use trine_host::backup::verify_backup;
    ///
    /// let dir = tempfile::tempdir()?;
    /// let db = Database::open(&format!("redb:{}", dir.path().join("db.redb").display()))?;
    /// db.update("INSERT DATA { <http://e/s> <http://e/p> 1 }", None)?;
    /// let backup = db.backup(&dir.path().join("backups"), Some(3))?;
    /// assert_eq!(verify_backup(&backup.path)?.quads, 1);
    /// # Ok::<_, Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`HostError::Backup`] for a `memory:` database, a checkpoint or I/O failure, or a
    /// failed rotation (the new backup is kept then).
    pub fn backup(&self, destination: &Path, keep: Option<usize>) -> Result<BackupInfo, HostError> {
        let state = self.backup_state();
        let _running = state.run_exclusively();
        let started = Instant::now();
        let result = create_backup(self.store(), self.location(), destination).and_then(|info| {
            if let Some(keep) = keep {
                rotate(destination, keep)?;
            }
            Ok::<_, BackupError>(info)
        });
        let finished_at_unix_ms = clock::unix_ms(SystemTime::now());
        state.record(LastBackup {
            finished_at: clock::rfc3339(finished_at_unix_ms),
            finished_at_unix_ms,
            ok: result.is_ok(),
            name: result.as_ref().ok().map(|info| info.name.clone()),
            quads: result.as_ref().ok().map(|info| info.manifest.quads),
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            error: result.as_ref().err().map(|e| e.code().to_owned()),
        });
        Ok(result?)
    }

    /// How the last backup of this database went: the last one since it opened, else the
    /// newest backup in the configured backup directory (looked up once).
    pub fn last_backup(&self) -> Option<LastBackup> {
        self.backup_state().last(|| {
            let destination = self.config().backup.destination.as_ref()?;
            let newest = list_backups(destination).ok()?.into_iter().next()?;
            Some(LastBackup {
                finished_at: clock::rfc3339(newest.created_at_unix_ms),
                finished_at_unix_ms: newest.created_at_unix_ms,
                ok: true,
                name: Some(newest.name),
                quads: Some(newest.quads),
                duration_ms: 0,
                error: None,
            })
        })
    }
}
