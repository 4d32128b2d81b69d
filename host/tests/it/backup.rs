//! Backups: round trips while a writer keeps writing, damage detection, rotation, schedules and
//! the `trine backup` / `verify --backup` / `restore` commands.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use trine_host::backup::{
    BackupScheduler, BackupSettings, MANIFEST_FILE, list_backups, restore_backup, rotate,
    verify_backup,
};
use trine_host::{Config, Database, Location, OutputFormats, Query};

mod damage;
mod serving;

/// Quads whose object is an integer below `bound`, counted by a query.
fn count_below(db: &Database, bound: u64) -> u64 {
    let query = Query::parse(
        &format!("SELECT (COUNT(*) AS ?n) WHERE {{ ?s <http://e/p> ?o FILTER(?o < {bound}) }}"),
        None,
    )
    .expect("a query");
    let formats = OutputFormats::from_name("csv").expect("csv");
    let (csv, _) = db
        .query_to_writer(&query, &formats, Vec::new(), None)
        .expect("the query runs");
    let csv = String::from_utf8(csv).expect("UTF-8");
    csv.lines()
        .nth(1)
        .and_then(|line| line.trim().parse().ok())
        .unwrap_or_else(|| panic!("a count in {csv:?}"))
}

fn insert(db: &Database, from: u64, to: u64) {
    let triples: String = (from..to)
        .map(|i| format!("<http://e/s{i}> <http://e/p> {i} .\n"))
        .collect();
    db.update(&format!("INSERT DATA {{ {triples} }}"), None)
        .expect("insert");
}

/// Backs up `location` while a writer thread keeps inserting, then verifies and restores the
/// backup into `restore_to` and checks the restored store.
fn round_trip_while_writing(location: &str, dir: &Path, restore_to: &str) {
    let db = Arc::new(Database::open(location).expect("open"));
    insert(&db, 0, 500);
    let committed = Arc::new(AtomicU64::new(500));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, committed, stop) = (Arc::clone(&db), Arc::clone(&committed), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut next = committed.load(Ordering::SeqCst);
            while !stop.load(Ordering::SeqCst) {
                insert(&db, next, next + 10);
                next += 10;
                committed.store(next, Ordering::SeqCst);
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while committed.load(Ordering::SeqCst) < 700 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let before = committed.load(Ordering::SeqCst);
    let info = db
        .backup(&dir.join("backups"), Some(3))
        .expect("a backup while writing");
    let during = committed.load(Ordering::SeqCst);
    // Let the writer go on past the backup, so later writes exist that it must not hold.
    while committed.load(Ordering::SeqCst) < during + 100 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("the writer finishes");

    let quads = info.manifest.quads;
    assert!(
        quads >= before,
        "the backup holds {quads} quads, {before} were committed before it"
    );
    assert!(
        quads < db.len().expect("len"),
        "later writes are not in the backup"
    );
    assert!(
        info.manifest
            .files
            .iter()
            .all(|f| f.path.starts_with("data/"))
    );
    let last = db.last_backup().expect("a last backup");
    assert!(last.ok);
    assert_eq!(last.name.as_deref(), Some(info.name.as_str()));
    assert_eq!(db.health().last_backup, Some(last));

    let report = verify_backup(&info.path).expect("the backup verifies");
    assert_eq!(report.quads, quads);
    let target = Location::parse(restore_to).expect("a location");
    let restored = restore_backup(&info.path, &target).expect("the restore");
    assert_eq!(restored.quads, quads);
    // Verification left nothing behind next to the backup.
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("backups"))
        .expect("read the destination")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let copy = Database::open(restore_to).expect("open the restored store");
    assert_eq!(copy.len().expect("len"), quads);
    let validation = copy.verify().expect("validate");
    assert!(validation.is_ok(), "{:?}", validation.problems);
    assert_eq!(validation.quads, quads);
    assert_eq!(
        count_below(&copy, before),
        before,
        "every quad committed before the backup"
    );
}

#[test]
fn rocksdb_round_trip_while_writing() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let location = dir.path().join("db").display().to_string();
    let restore_to = dir.path().join("restored").display().to_string();
    round_trip_while_writing(&location, dir.path(), &restore_to);
}

#[test]
fn redb_round_trip_while_writing() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let location = format!("redb:{}", dir.path().join("db.redb").display());
    let restore_to = format!(
        "redb:{}",
        dir.path().join("restored").join("db.redb").display()
    );
    round_trip_while_writing(&location, dir.path(), &restore_to);
}

/// A fresh backup of a small RocksDB store; returns its directory.
fn small_backup(dir: &Path, name: &str) -> PathBuf {
    let db = Database::open(&dir.join(name).display().to_string()).expect("open");
    insert(&db, 0, 300);
    db.backup(&dir.join(format!("{name}-backups")), None)
        .expect("a backup")
        .path
}

/// The largest data file of a backup (not a RocksDB log), relative to it.
fn largest_data_file(backup: &Path) -> String {
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(backup.join(MANIFEST_FILE)).expect("read the manifest"),
    )
    .expect("JSON");
    let files = manifest["files"].as_array().expect("files");
    files
        .iter()
        .filter(|f| !f["path"].as_str().unwrap_or("").contains("/LOG"))
        .max_by_key(|f| f["size"].as_u64())
        .and_then(|f| f["path"].as_str())
        .expect("a data file")
        .to_owned()
}

#[test]
fn rotation_keeps_the_newest() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let location = format!("redb:{}", dir.path().join("db.redb").display());
    let db = Database::open(&location).expect("open");
    let destination = dir.path().join("backups");
    let mut names = Vec::new();
    for round in 0..5 {
        insert(&db, round * 10, round * 10 + 10);
        names.push(db.backup(&destination, None).expect("a backup").name);
    }
    // Directories that are not backups are never touched.
    std::fs::create_dir(destination.join("notes")).expect("a foreign directory");
    let listed: Vec<String> = list_backups(&destination)
        .expect("list")
        .into_iter()
        .map(|b| b.name)
        .collect();
    let mut newest_first = names.clone();
    newest_first.reverse();
    assert_eq!(listed, newest_first);
    assert_eq!(rotate(&destination, 2).expect("rotate"), &newest_first[2..]);
    let kept = list_backups(&destination).expect("list");
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].quads, 50);
    assert!(destination.join("notes").exists());
    assert!(rotate(&destination, 0).is_err());
    // Database::backup rotates when asked.
    let newest = db.backup(&destination, Some(1)).expect("a backup").name;
    assert_eq!(list_backups(&destination).expect("list").len(), 1);

    // Reopened with the destination configured, the database reports the backup found there.
    drop(db);
    let mut config = Config::default();
    config.backup.destination = Some(destination.clone());
    let reopened = Database::open_with(&location, config).expect("reopen");
    let last = reopened.health().last_backup.expect("the backup on disk");
    assert!(last.ok);
    assert_eq!(last.name, Some(newest));
    assert_eq!(last.quads, Some(50));
}

#[test]
fn scheduled_backups_run_and_stop() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = Arc::new(
        Database::open(&format!("redb:{}", dir.path().join("db.redb").display())).expect("open"),
    );
    insert(&db, 0, 10);
    let destination = dir.path().join("backups");
    let mut settings = BackupSettings::default();
    settings.destination = Some(destination.clone());
    settings.interval = Duration::from_millis(100);
    settings.keep = Some(2);
    let scheduler = BackupScheduler::start(Arc::clone(&db), &settings).expect("start");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 3 && Instant::now() < deadline {
        if let Some(last) = db.last_backup() {
            assert!(last.ok, "{last:?}");
            seen.extend(last.name);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    scheduler.stop();
    assert!(seen.len() >= 3, "{seen:?}");
    let kept = list_backups(&destination).expect("list");
    assert!(kept.len() <= 2, "{kept:?}");
    // Nothing runs after stop.
    let after_stop = db.last_backup();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(db.last_backup(), after_stop);

    settings.interval = Duration::ZERO;
    assert!(BackupScheduler::start(Arc::clone(&db), &settings).is_err());
}

#[test]
fn backup_settings_come_from_the_environment() {
    let vars = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    };
    let config = Config::from_vars(vars(&[
        ("TRINE_BACKUP_DIR", "/var/backups/trine"),
        ("TRINE_BACKUP_INTERVAL_S", "900"),
        ("TRINE_BACKUP_KEEP", "0"),
    ]))
    .expect("a configuration");
    assert_eq!(
        config.backup.destination.as_deref(),
        Some(Path::new("/var/backups/trine"))
    );
    assert_eq!(config.backup.interval, Duration::from_secs(900));
    assert_eq!(config.backup.keep, None);
    assert_eq!(Config::default().backup, BackupSettings::default());
    assert!(Config::from_vars(vars(&[("TRINE_BACKUP_INTERVAL_S", "0")])).is_err());
    assert!(Config::from_vars(vars(&[("TRINE_BACKUP_KEEP", "many")])).is_err());
}
