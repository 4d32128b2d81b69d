//! Damage detection: corrupted, truncated, missing and extra files; refused restores.

use std::path::Path;

use trine_host::backup::{
    BackupError, FileProblemKind, MANIFEST_FILE, restore_backup, verify_backup,
};
use trine_host::database::HealthStatus;
use trine_host::{Database, HostError, Location};

use super::{insert, largest_data_file, small_backup};

fn damage_of(backup: &Path) -> Vec<(String, FileProblemKind)> {
    match verify_backup(backup) {
        Err(BackupError::Damaged(problems)) => {
            problems.into_iter().map(|p| (p.file, p.kind)).collect()
        }
        other => panic!("expected damage, got {other:?}"),
    }
}

#[test]
fn verify_names_corrupted_truncated_missing_and_extra_files() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let backup = small_backup(dir.path(), "db");
    let file = largest_data_file(&backup);
    let path = backup.join(&file);
    let original = std::fs::read(&path).expect("read");
    assert!(verify_backup(&backup).is_ok());

    let mut flipped = original.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0xff;
    std::fs::write(&path, &flipped).expect("corrupt");
    assert_eq!(
        damage_of(&backup),
        [(file.clone(), FileProblemKind::Checksum)]
    );
    let message = HostError::from(verify_backup(&backup).expect_err("damaged")).to_string();
    assert!(
        message.contains(&file) && message.contains("corrupted"),
        "{message}"
    );
    assert!(
        !message.contains(&dir.path().display().to_string()),
        "{message}"
    );
    // A damaged backup is not restored, and nothing is left at the target.
    let target = dir.path().join("restored");
    let location = Location::parse(&target.display().to_string()).expect("a location");
    assert!(matches!(
        restore_backup(&backup, &location),
        Err(BackupError::Damaged(_))
    ));
    assert!(!target.exists());

    std::fs::write(&path, &original[..original.len() - 1]).expect("truncate");
    let size = u64::try_from(original.len()).expect("a size");
    assert_eq!(
        damage_of(&backup),
        [(
            file.clone(),
            FileProblemKind::Size {
                expected: size,
                actual: size - 1
            }
        )]
    );

    std::fs::remove_file(&path).expect("remove");
    std::fs::write(backup.join("data").join("stray.sst"), b"x").expect("an extra file");
    let mut damage = damage_of(&backup);
    damage.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![
        (file, FileProblemKind::Missing),
        ("data/stray.sst".to_owned(), FileProblemKind::Unexpected),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(damage, expected);

    std::fs::remove_file(backup.join(MANIFEST_FILE)).expect("remove the manifest");
    assert!(matches!(
        verify_backup(&backup),
        Err(BackupError::Manifest(_))
    ));
}

#[test]
fn redb_corruption_is_detected() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db =
        Database::open(&format!("redb:{}", dir.path().join("db.redb").display())).expect("open");
    insert(&db, 0, 100);
    let backup = db
        .backup(&dir.path().join("backups"), None)
        .expect("a backup")
        .path;
    let file = largest_data_file(&backup);
    assert_eq!(file, "data/trine.redb");
    let path = backup.join(&file);
    let mut bytes = std::fs::read(&path).expect("read");
    let last = bytes.len() - 100;
    bytes[last] ^= 0x01;
    std::fs::write(&path, &bytes).expect("corrupt");
    assert_eq!(damage_of(&backup), [(file, FileProblemKind::Checksum)]);
}

#[test]
fn restore_refuses_existing_data_and_other_backends() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let backup = small_backup(dir.path(), "db");
    let occupied = dir.path().join("occupied");
    std::fs::create_dir(&occupied).expect("a directory");
    std::fs::write(occupied.join("keep-me"), b"data").expect("a file");
    let location = Location::parse(&occupied.display().to_string()).expect("a location");
    assert!(matches!(
        restore_backup(&backup, &location),
        Err(BackupError::TargetNotEmpty(_))
    ));
    assert_eq!(
        std::fs::read(occupied.join("keep-me")).expect("kept"),
        b"data"
    );
    let redb = Location::parse(&format!("redb:{}", dir.path().join("x.redb").display()))
        .expect("a location");
    assert!(matches!(
        restore_backup(&backup, &redb),
        Err(BackupError::BackendMismatch { .. })
    ));
    let memory = Database::open("memory:").expect("open");
    let error = memory
        .backup(&dir.path().join("memory-backups"), None)
        .expect_err("memory is not backed up");
    assert_eq!(error.code(), "backup_unsupported");
    let health = memory.health();
    assert_eq!(health.status, HealthStatus::Degraded);
    assert!(
        health
            .reasons
            .iter()
            .any(|r| r.contains("backup_unsupported"))
    );
}

#[test]
fn a_quad_count_other_than_the_stores_is_inconsistent() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let backup = small_backup(dir.path(), "db");
    let path = backup.join(MANIFEST_FILE);
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("JSON");
    assert_eq!(manifest["quads"], 300);
    manifest["quads"] = 301.into();
    std::fs::write(&path, manifest.to_string()).expect("write");
    match verify_backup(&backup) {
        Err(BackupError::Inconsistent(message)) => {
            assert!(
                message.contains("301") && message.contains("300"),
                "{message}"
            );
        }
        other => panic!("expected an inconsistency, got {other:?}"),
    }
}
