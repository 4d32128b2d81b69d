//! Backups of a serving database: the `trine` commands, `POST /admin/backup`, and
//! `trine serve --backup-dir`.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use trine_host::backup::{list_backups, verify_backup};

use super::largest_data_file;

fn trine(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trine"))
        .args(args)
        .env_remove("TRINE_PRESET")
        .output()
        .expect("run trine")
}

fn trine_ok(args: &[&str]) -> String {
    let output = trine(args);
    assert!(
        output.status.success(),
        "trine {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn cli_backup_verify_restore() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db").display().to_string();
    let data = dir.path().join("data.nt");
    let lines: String = (0..50)
        .map(|i| format!("<http://e/s{i}> <http://e/p> \"{i}\" .\n"))
        .collect();
    std::fs::write(&data, lines).expect("write data");
    trine_ok(&[
        "load",
        "--location",
        &db,
        "--file",
        &data.display().to_string(),
    ]);
    let destination = dir.path().join("backups").display().to_string();
    let mut paths = Vec::new();
    for _ in 0..3 {
        let printed = trine_ok(&[
            "backup",
            "--location",
            &db,
            "--destination",
            &destination,
            "--keep",
            "2",
        ]);
        let info: serde_json::Value = serde_json::from_str(&printed).expect("JSON");
        assert_eq!(info["quads"], 50, "{info}");
        assert_eq!(info["backend"], "rocksdb");
        paths.push(info["path"].as_str().expect("a path").to_owned());
    }
    assert_eq!(
        list_backups(Path::new(&destination)).expect("list").len(),
        2
    );
    let newest = paths.last().expect("a backup");
    let verified = trine_ok(&["verify", "--backup", newest]);
    assert!(verified.starts_with("ok: rocksdb backup of "), "{verified}");
    assert!(verified.contains(" 50 quads"), "{verified}");

    let restored = dir.path().join("restored").display().to_string();
    let report: serde_json::Value = serde_json::from_str(&trine_ok(&[
        "restore",
        "--backup",
        newest,
        "--location",
        &restored,
    ]))
    .expect("JSON");
    assert_eq!(report["quads"], 50);
    assert!(trine_ok(&["verify", "--location", &restored]).starts_with("ok: 50 quads"));
    // A second restore onto the same location is refused.
    let again = trine(&["restore", "--backup", newest, "--location", &restored]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("backup_target_not_empty"));

    let file = largest_data_file(Path::new(newest));
    let path = Path::new(newest).join(&file);
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[0] ^= 0xff;
    std::fs::write(&path, bytes).expect("corrupt");
    let damaged = trine(&["verify", "--backup", newest]);
    assert_eq!(damaged.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&damaged.stdout);
    assert!(
        stdout.contains("backup_damaged") && stdout.contains(&file),
        "{stdout}"
    );

    let help = trine_ok(&["backup", "--help"]);
    assert!(
        help.contains("--destination") && help.contains("--keep"),
        "{help}"
    );
    assert!(trine_ok(&["verify", "--help"]).contains("--backup"));
    assert!(trine_ok(&["serve", "--help"]).contains("--backup-interval-s"));
}

#[test]
fn http_backup_needs_the_token_and_shows_in_health() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let destination = dir.path().join("backups");
    let location = format!("redb:{}", dir.path().join("db.redb").display());
    let server = crate::support::TestServer::start_at(&location, |config, server| {
        config.backup.destination = Some(destination.clone());
        config.backup.keep = Some(2);
        server.token = Some("secret".into());
    });
    let auth = [("Authorization", "Bearer secret")];
    let response = server.post_with(
        "/update",
        &[
            ("Authorization", "Bearer secret"),
            ("Content-Type", "application/sparql-update"),
        ],
        b"INSERT DATA { <http://e/s> <http://e/p> 1 }",
    );
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(server.post_with("/admin/backup", &[], b"").status, 401);
    assert_eq!(server.get("/admin/backup", &auth).status, 405);
    for _ in 0..3 {
        let response = server.post_with("/admin/backup", &auth, b"");
        assert_eq!(response.status, 200, "{}", response.body);
        assert_eq!(response.json()["quads"], 1);
        assert!(!response.body.contains(&dir.path().display().to_string()));
    }
    assert_eq!(list_backups(&destination).expect("list").len(), 2);
    let health = server.get("/health", &[]).json();
    assert_eq!(health["last_backup"]["ok"], true, "{health}");
    assert_eq!(health["last_backup"]["quads"], 1);

    let memory = crate::support::TestServer::start(|config, server| {
        config.backup.destination = Some(dir.path().join("memory-backups"));
        server.token = Some("secret".into());
    });
    let response = memory.post_with("/admin/backup", &auth, b"");
    assert_eq!(response.status, 501, "{}", response.body);
    assert_eq!(response.json()["code"], "backup_unsupported");
    let health = memory.get("/health", &[]).json();
    assert_eq!(health["status"], "degraded", "{health}");
    // Without a token the server has no admin endpoints, backups configured or not.
    let without_token = crate::support::TestServer::start(|config, _| {
        config.backup.destination = Some(dir.path().join("open-backups"));
    });
    let response = without_token.post_with("/admin/backup", &[], b"");
    assert_eq!(response.status, 403, "{}", response.body);
    assert_eq!(response.json()["code"], "token_required");
    let unconfigured =
        crate::support::TestServer::start(|_, server| server.token = Some("secret".into()));
    assert_eq!(
        unconfigured.post_with("/admin/backup", &auth, b"").status,
        404
    );
}

/// `trine serve --backup-dir` takes backups on its interval and stops cleanly on SIGTERM.
#[cfg(unix)]
#[test]
fn serve_takes_scheduled_backups_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let location = format!("redb:{}", dir.path().join("db.redb").display());
    let destination = dir.path().join("backups");
    let mut child = Command::new(env!("CARGO_BIN_EXE_trine"))
        .args(["serve", "--location", &location, "--bind", "127.0.0.1:0"])
        .args(["--backup-dir", &destination.display().to_string()])
        .args(["--backup-interval-s", "1", "--backup-keep", "2"])
        .env_remove("TRINE_PRESET")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start trine serve");
    let deadline = Instant::now() + Duration::from_secs(60);
    while list_backups(&destination).map_or(0, |b| b.len()) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let terminated = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(terminated.success());
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "trine serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("read stderr");
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("backing up to"), "{stderr}");
    let backups = list_backups(&destination).expect("list");
    assert_eq!(backups.len(), 2, "{stderr}");
    verify_backup(&backups[0].path).expect("the newest backup verifies");
    let leftovers = std::fs::read_dir(&destination)
        .expect("read")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .count();
    assert_eq!(leftovers, 0, "no partial backup is left behind");
}
