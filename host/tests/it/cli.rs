//! The `trine` binary: load, query, dump, update, stats and verify round trips.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
        "trine {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// Writes `text` to the file `name` in `dir`; returns its path.
fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, text).expect("write a data file");
    file
}

#[test]
fn load_query_dump_round_trip() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let db = path(&db);
    let turtle = write_file(
        dir.path(),
        "data.ttl",
        "@prefix ex: <http://example.com/> .\nex:alice ex:knows ex:bob .\nex:bob ex:knows ex:carol .\n",
    );
    let gzipped = dir.path().join("more.nt.gz");
    let mut encoder = flate2::write::GzEncoder::new(
        std::fs::File::create(&gzipped).expect("create"),
        flate2::Compression::default(),
    );
    encoder
        .write_all(b"<http://example.com/carol> <http://example.com/age> \"42\" .\n")
        .expect("compress");
    encoder.finish().expect("finish");

    trine_ok(&[
        "load",
        "--location",
        db,
        "--file",
        path(&turtle),
        path(&gzipped),
    ]);

    let csv = trine_ok(&[
        "query",
        "--location",
        db,
        "--query",
        "SELECT ?who WHERE { ?who <http://example.com/knows> ?x } ORDER BY ?who",
        "--results-format",
        "csv",
    ]);
    assert_eq!(
        csv,
        "who\r\nhttp://example.com/alice\r\nhttp://example.com/bob\r\n"
    );

    // EXPLAIN on standard error before the results; ANALYZE adds what each operator measured.
    for (mode, measured) in [
        (None, false),
        (Some("plan"), false),
        (Some("analyze"), true),
    ] {
        let mut args = vec![
            "query",
            "--location",
            db,
            "--query",
            "SELECT ?who WHERE { ?who <http://example.com/knows> ?x } ORDER BY ?who",
            "--explain",
        ];
        args.extend(mode);
        let output = trine(&args);
        let plan = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{plan}");
        assert!(
            plan.contains("QuadPattern [?who <http://example.com/knows> ?x] (estimated rows: 2"),
            "{plan}"
        );
        assert_eq!(
            plan.contains("actual rows: 2, loops: 1"),
            measured,
            "{plan}"
        );
        let results = String::from_utf8_lossy(&output.stdout);
        assert!(results.contains("http://example.com/bob"), "{results}");
    }
    let bad = trine(&[
        "query",
        "--location",
        db,
        "--query",
        "ASK {}",
        "--explain",
        "everything",
    ]);
    assert!(!bad.status.success());

    let dump = trine_ok(&["dump", "--location", db, "--format", "nt"]);
    assert_eq!(dump.lines().count(), 3, "{dump}");
    assert!(dump.contains("<http://example.com/carol> <http://example.com/age> \"42\" ."));

    // A dump loads back into a fresh store with the same content.
    let dumped = dir.path().join("dump.nq");
    trine_ok(&["dump", "--location", db, "--file", path(&dumped)]);
    let copy = dir.path().join("copy");
    trine_ok(&["load", "--location", path(&copy), "--file", path(&dumped)]);
    let copied = trine_ok(&["dump", "--location", path(&copy), "--format", "nt"]);
    let mut original_lines: Vec<_> = dump.lines().collect();
    let mut copied_lines: Vec<_> = copied.lines().collect();
    original_lines.sort_unstable();
    copied_lines.sort_unstable();
    assert_eq!(original_lines, copied_lines);

    trine_ok(&[
        "update",
        "--location",
        db,
        "--update",
        "DELETE WHERE { ?s <http://example.com/age> ?o }",
    ]);
    let ask = trine_ok(&[
        "query",
        "--location",
        db,
        "--query",
        "ASK { ?s <http://example.com/age> ?o }",
    ]);
    assert!(ask.contains("false"), "{ask}");

    let stats: serde_json::Value =
        serde_json::from_str(&trine_ok(&["stats", "--location", db])).expect("JSON stats");
    assert_eq!(stats["quads"], 2);
    assert_eq!(stats["backend"], "rocksdb");
    // The load analyzed three quads; the DELETE is one change since.
    assert_eq!(stats["planner"]["analyzed_quads"], 3, "{stats}");
    assert_eq!(stats["planner"]["changes_since_analysis"], 1, "{stats}");
    let knows = &stats["planner"]["predicates"][0];
    assert_eq!(knows["predicate"], "<http://example.com/knows>", "{stats}");
    assert_eq!(
        (knows["quads"].as_u64(), knows["subjects"].as_u64()),
        (Some(2), Some(2))
    );
    let verify = trine_ok(&["verify", "--location", db]);
    assert!(verify.starts_with("ok: 2 quads"), "{verify}");
}

#[test]
fn several_files_load_as_one() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let db = path(&db);
    let mut text = String::new();
    for i in 0..5_000 {
        text.push_str(&format!(
            "<http://example.com/s{i}> <http://example.com/p> \"{i}\" .\n"
        ));
    }
    let triples = write_file(dir.path(), "a.nt", &text);
    let turtle = write_file(
        dir.path(),
        "b.ttl",
        "@prefix ex: <http://example.com/> .\nex:s1 ex:q ex:o1, ex:o2 .\n",
    );
    let quads = write_file(
        dir.path(),
        "c.nq",
        "<http://example.com/s2> <http://example.com/q> <http://example.com/o3> <http://example.com/g> .\n",
    );

    let output = trine(&[
        "load",
        "--location",
        db,
        "--file",
        path(&triples),
        path(&turtle),
        path(&quads),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    for line in ["a.nt: 5000 quads", "b.ttl: 2 quads", "c.nq: 1 quads"] {
        assert!(stderr.contains(line), "{line:?} in {stderr}");
    }
    let count = trine_ok(&[
        "query",
        "--location",
        db,
        "--query",
        "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
        "--results-format",
        "csv",
    ]);
    assert_eq!(count, "n\r\n5003\r\n");
    let verify = trine_ok(&["verify", "--location", db]);
    assert!(verify.starts_with("ok: 5003 quads"), "{verify}");

    // An error names the file it is in, in one load and in one transaction per file.
    let bad = write_file(
        dir.path(),
        "bad.ttl",
        "@prefix ex: <http://example.com/> .\nex:s ex:p .\n",
    );
    for atomic in [false, true] {
        let mut args = vec![
            "load",
            "--location",
            db,
            "--file",
            path(&turtle),
            path(&bad),
        ];
        if atomic {
            args.push("--atomic");
        }
        let output = trine(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{stderr}");
        assert!(stderr.contains("bad.ttl: line 2, column"), "{stderr}");
        assert!(stderr.contains("[rdf_syntax]"), "{stderr}");
    }
    let verify = trine_ok(&["verify", "--location", db]);
    assert!(verify.starts_with("ok: 5003 quads"), "{verify}");
}

#[test]
fn stdin_graphs_and_redb() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let location = format!("redb:{}", dir.path().join("db.redb").display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_trine"))
        .args([
            "load",
            "--location",
            &location,
            "--format",
            "nt",
            "--graph",
            "http://example.com/g",
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run trine");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"<http://e/s> <http://e/p> <http://e/o> .\n")
        .expect("write stdin");
    assert!(child.wait().expect("wait").success());
    let dump = trine_ok(&["dump", "--location", &location, "--format", "nq"]);
    assert_eq!(
        dump.trim(),
        "<http://e/s> <http://e/p> <http://e/o> <http://example.com/g> ."
    );
    let only_default = trine_ok(&["dump", "--location", &location, "--graph", "default"]);
    assert!(only_default.trim().is_empty());
}

#[test]
fn errors_exit_non_zero_with_a_code() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let location = format!("redb:{}", dir.path().join("db.redb").display());
    let output = trine(&[
        "query",
        "--location",
        &location,
        "--query",
        "SELECT * WHERE {",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("[sparql_syntax]"), "{stderr}");

    let help = trine_ok(&["--help"]);
    for command in [
        "serve", "load", "dump", "query", "update", "stats", "verify", "optimize",
    ] {
        assert!(help.contains(command), "{command} missing from --help");
    }
    let serve_help = trine_ok(&["serve", "--help"]);
    for flag in [
        "--location",
        "--bind",
        "--read-only",
        "--token",
        "--timeout-s",
        "--cors",
    ] {
        assert!(
            serve_help.contains(flag),
            "{flag} missing from serve --help"
        );
    }
}

#[test]
fn serve_answers_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let (mut child, addr) = serve_with(&["--location", path(&db)], &[]);
    let update = crate::support::request(
        addr,
        "POST",
        "/update",
        &[("Content-Type", "application/sparql-update")],
        b"INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
    );
    assert_eq!(update.status, 200, "{}", update.body);
    let query = crate::support::request(
        addr,
        "GET",
        &format!(
            "/query?query={}",
            crate::support::encode("ASK { ?s ?p ?o }")
        ),
        &[],
        b"",
    );
    assert_eq!(query.json()["boolean"], true);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(status.success());
    assert!(child.wait().expect("wait for trine serve").success());
    // The store was closed cleanly and holds the acknowledged write.
    let dump = trine_ok(&["dump", "--location", path(&db), "--format", "nt"]);
    assert_eq!(dump.trim(), "<http://e/s> <http://e/p> <http://e/o> .");
}

/// `trine serve` with extra arguments and environment; returns it and the address it listens on.
#[expect(
    clippy::zombie_processes,
    reason = "the caller kills and waits for the child it gets back"
)]
fn serve_with(args: &[&str], env: &[(&str, &str)]) -> (std::process::Child, std::net::SocketAddr) {
    use std::io::BufRead;

    let mut command = Command::new(env!("CARGO_BIN_EXE_trine"));
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env_remove("TRINE_PRESET")
        .env_remove("TRINE_TOKEN")
        .env_remove("TRINE_TOKEN_FILE")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("run trine serve");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    loop {
        line.clear();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.kill();
            let status = child.wait();
            panic!("trine serve exited before listening: {status:?}");
        }
        if let Some(addr) = line.trim().strip_prefix("trine listening on http://") {
            return (child, addr.parse().expect("an address"));
        }
    }
}

/// The token from a file or the environment guards writes like `--token`, and never shows in
/// the process's arguments.
#[test]
fn serve_takes_its_token_from_a_file_or_the_environment() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = write_file(dir.path(), "token", "from-a-file\n");
    let update = |addr, token: Option<&str>| {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("Content-Type", "application/sparql-update")];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        crate::support::request(
            addr,
            "POST",
            "/update",
            &headers,
            b"INSERT DATA { <http://e/s> <http://e/p> 1 }",
        )
        .status
    };
    for (args, env, token) in [
        (vec!["--token-file", path(&file)], vec![], "from-a-file"),
        (
            vec![],
            vec![("TRINE_TOKEN", "from-the-env")],
            "from-the-env",
        ),
        (
            vec![],
            vec![("TRINE_TOKEN_FILE", path(&file))],
            "from-a-file",
        ),
    ] {
        let args = [&["--location", "memory:"], &args[..]].concat();
        let (mut child, addr) = serve_with(&args, &env);
        assert_eq!(update(addr, None), 401, "{args:?} {env:?}");
        assert_eq!(update(addr, Some("wrong")), 401, "{args:?} {env:?}");
        assert_eq!(update(addr, Some(token)), 200, "{args:?} {env:?}");
        let _ = child.kill();
        let _ = child.wait();
    }
    let both = trine(&["serve", "--token", "a", "--token-file", path(&file)]);
    assert!(!both.status.success(), "--token and --token-file together");
}
