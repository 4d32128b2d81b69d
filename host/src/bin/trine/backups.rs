//! The backup subcommands (`backup`, `restore`, `verify`) and scheduled backups of `serve`.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use trine_host::backup::{BackupScheduler, restore_backup, verify_backup};
use trine_host::{Config, Database, HostError, Location, Preset};

use crate::args::{BackupArgs, RestoreArgs, ServeArgs, VerifyArgs};

/// `trine verify`: a database's invariants, or a backup's files and store.
pub fn verify(args: VerifyArgs) -> Result<ExitCode, HostError> {
    if let Some(backup) = &args.backup {
        return verify_one_backup(backup);
    }
    let location = args
        .location
        .as_deref()
        .ok_or_else(|| HostError::BadRequest("give --location or --backup".into()))?;
    let config = crate::commands::config_for(args.preset, Preset::Development)?;
    let db = Database::open_with(location, config)?;
    let report = db.verify()?;
    if report.is_ok() {
        println!("ok: {} quads, {} terms", report.quads, report.terms);
        Ok(ExitCode::SUCCESS)
    } else {
        for problem in &report.problems {
            println!("problem: {problem}");
        }
        println!("{} problems found", report.problems.len());
        Ok(ExitCode::FAILURE)
    }
}

/// A damaged or inconsistent backup is a failed check (exit 1 with the problem on stdout), not
/// a failure of the command.
fn verify_one_backup(backup: &Path) -> Result<ExitCode, HostError> {
    match verify_backup(backup) {
        Ok(report) => {
            println!(
                "ok: {} backup of {}: {} quads, {} terms, {} files, {} bytes",
                report.backend,
                report.created_at,
                report.quads,
                report.terms,
                report.files,
                report.bytes
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(
            error @ (trine_host::backup::BackupError::Damaged(_)
            | trine_host::backup::BackupError::Inconsistent(_)),
        ) => {
            println!("problem [{}]: {error}", error.code());
            Ok(ExitCode::FAILURE)
        }
        Err(error) => Err(error.into()),
    }
}

/// `trine backup`: one backup of a database no server holds, rotated with `--keep`.
pub fn backup(args: BackupArgs) -> Result<ExitCode, HostError> {
    let config = crate::commands::config_for(args.store.preset, Preset::Development)?;
    let db = Database::open_with(&args.store.location, config)?;
    let keep = args
        .keep
        .map(|keep| usize::try_from(keep).unwrap_or(usize::MAX));
    let info = db.backup(&args.destination, keep)?;
    print_json(&serde_json::json!({
        "name": info.name,
        "path": info.path.display().to_string(),
        "backend": info.manifest.backend,
        "created_at": info.manifest.created_at,
        "quads": info.manifest.quads,
        "files": info.manifest.files.len(),
        "bytes": info.manifest.total_bytes(),
    }))?;
    Ok(ExitCode::SUCCESS)
}

/// `trine restore`: a verified backup into a new location.
pub fn restore(args: RestoreArgs) -> Result<ExitCode, HostError> {
    let location = Location::parse(&args.location)?;
    let report = restore_backup(&args.backup, &location)?;
    print_json(&report)?;
    Ok(ExitCode::SUCCESS)
}

/// The `serve --backup-*` flags, over the `TRINE_BACKUP_*` variables.
pub fn apply_serve_flags(args: &ServeArgs, config: &mut Config) {
    if let Some(dir) = &args.backup_dir {
        config.backup.destination = Some(dir.clone());
    }
    if let Some(seconds) = args.backup_interval_s {
        config.backup.interval = Duration::from_secs(seconds);
    }
    if let Some(keep) = args.backup_keep {
        config.backup.keep = (keep > 0).then_some(keep);
    }
}

/// Starts scheduled backups when the configuration names a destination.
pub fn start_scheduler(db: &Arc<Database>) -> Result<Option<BackupScheduler>, HostError> {
    let settings = &db.config().backup;
    let Some(destination) = &settings.destination else {
        return Ok(None);
    };
    eprintln!(
        "backing up to {} every {} s",
        destination.display(),
        settings.interval.as_secs()
    );
    Ok(Some(BackupScheduler::start(Arc::clone(db), settings)?))
}

fn print_json(value: &impl serde::Serialize) -> Result<(), HostError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| HostError::Internal(format!("cannot write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}
