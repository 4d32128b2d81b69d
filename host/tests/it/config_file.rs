//! The configuration file (`--config F`, `TRINE_CONFIG`): applied under the environment, which
//! is applied under the flags.

use std::path::Path;
use std::process::{Command, Output};

const UPDATE: &str = "INSERT DATA { <http://e/s> <http://e/p> 1 }";

fn trine(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trine"));
    command
        .args(args)
        .env_remove("TRINE_PRESET")
        .env_remove("TRINE_READ_ONLY")
        .env_remove("TRINE_CONFIG");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run trine")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

#[test]
fn the_file_applies_under_the_environment() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let file = dir.path().join("trine.toml");
    std::fs::write(
        &file,
        "# a read-only deployment\nread_only = true\nquery_timeout_s = 5\n",
    )
    .expect("write the file");
    let (db, file) = (path(&db), path(&file));

    let refused = trine(
        &["update", "--location", db, "--config", file, "-u", UPDATE],
        &[],
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("read_only"), "{stderr}");

    // TRINE_CONFIG names the file when --config is absent.
    let by_variable = trine(
        &["update", "--location", db, "-u", UPDATE],
        &[("TRINE_CONFIG", file)],
    );
    assert!(!by_variable.status.success());

    // The environment wins over the file.
    let allowed = trine(
        &["update", "--location", db, "--config", file, "-u", UPDATE],
        &[("TRINE_READ_ONLY", "false")],
    );
    assert!(
        allowed.status.success(),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
    let stats = trine(&["stats", "--location", db, "--config", file], &[]);
    assert!(stats.status.success());
    assert!(String::from_utf8_lossy(&stats.stdout).contains("\"quads\": 1"));
}

#[test]
fn bad_files_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let file = dir.path().join("trine.toml");
    std::fs::write(&file, "query_timeout = 5\n").expect("write the file");
    let output = trine(
        &["stats", "--location", path(&db), "--config", path(&file)],
        &[],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown key `query_timeout`"), "{stderr}");
    assert!(stderr.contains("[config]"), "{stderr}");
    let missing = trine(
        &[
            "stats",
            "--location",
            path(&db),
            "--config",
            "/nonexistent/trine.toml",
        ],
        &[],
    );
    assert!(!missing.status.success());
}

#[test]
fn serve_takes_the_limit_flags() {
    let output = trine(&["serve", "--help"], &[]);
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--max-concurrent-queries",
        "--rate-limit-per-ip",
        "--config",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    let bad = trine(&["serve", "--max-concurrent-queries", "many"], &[]);
    assert!(!bad.status.success());
}
