//! The plugin host: the `trine:store` component (built by `cargo xtask component`, which
//! `cargo xtask test` runs before these tests) loaded with wasmtime, its stores in memory and in
//! a preopened directory, runaway queries and memory hogs stopped while other stores go on, and
//! `trine plugin`.

use std::path::PathBuf;
use std::process::Command;

use trine_host::plugin::{Answer, Plugin, PluginError, PluginLimits};

/// The component `cargo xtask component` builds: beside this test binary's target directory.
fn component() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            // <target>/debug/deps/it-…
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.parent()?.to_path_buf())
        })
        .expect("a target directory");
    let path = target.join("wasm32-wasip2/debug/trine_component.wasm");
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo xtask component` (cargo xtask test does)",
        path.display()
    );
    path
}

const DATA: &str = "<http://example.com/tom> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.com/Cat> .
<http://example.com/Cat> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://example.com/Animal> .
<http://example.com/tom> <http://example.com/name> \"Tom\" .
";

#[test]
fn stores_in_memory_and_in_a_preopened_directory() {
    let plugin = Plugin::load(&component(), PluginLimits::default()).expect("load the component");
    let mut store = plugin.open_store("memory:", None).expect("open memory:");
    assert_eq!(store.load(DATA, "nt", None).expect("load"), 3);
    assert_eq!(store.len().expect("len"), 3);
    let json = store
        .query(
            "SELECT ?n WHERE { ?s <http://example.com/name> ?n }",
            Some("json"),
        )
        .expect("query");
    assert!(json.contains("\"Tom\""), "{json}");
    assert_eq!(
        store
            .update("INSERT DATA { <http://example.com/a> <http://example.com/b> 1 }")
            .expect("update"),
        (1, 0)
    );
    assert!(store.materialize("rdfs").expect("materialize").inferred > 0);
    let ask = store
        .query(
            "ASK { <http://example.com/tom> a <http://example.com/Animal> }",
            None,
        )
        .expect("ask");
    assert!(ask.contains("true"), "{ask}");
    assert!(
        store
            .dump("nq")
            .expect("dump")
            .contains("<http://example.com/a>")
    );
    assert_eq!(store.health().expect("health").status, "healthy");

    // Errors carry the native codes, and the store goes on.
    match store.query("SELEC *", None) {
        Err(PluginError::Guest { code, .. }) => assert_eq!(code, "sparql_syntax"),
        other => panic!("{other:?}"),
    }
    match store.load("<a> <b>", "nt", None) {
        Err(error) => assert_eq!(error.code(), "rdf_syntax"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        plugin.open_store("postgres:x", None),
        Err(PluginError::Guest { code, .. }) if code == "invalid_location"
    ));
    assert!(store.len().expect("len after errors") > 4);

    // Nesting far past the core's limit ends in its error, not in a trap of the sandbox.
    let deep = format!(
        "SELECT * WHERE {}?s ?p ?o{}",
        "{ ".repeat(5_000),
        " }".repeat(5_000)
    );
    match store.query(&deep, None) {
        Err(PluginError::Guest { code, .. }) => assert_eq!(code, "sparql_too_deep"),
        other => panic!("{other:?}"),
    }
    assert!(!store.is_poisoned());

    // Answers as data: SELECT rows of N-Triples terms, ASK, CONSTRUCT triples.
    match store
        .query_rows("SELECT ?n ?x WHERE { ?s <http://example.com/name> ?n }")
        .expect("rows")
    {
        Answer::Solutions(solutions) => {
            assert_eq!(solutions.variables, ["n", "x"]);
            assert_eq!(solutions.rows, [[Some("\"Tom\"".to_owned()), None]]);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        store.query_rows("ASK { ?s ?p 1 }").expect("ask"),
        Answer::Boolean(true)
    ));
    match store
        .query_rows("CONSTRUCT { ?s <http://example.com/label> ?n } WHERE { ?s <http://example.com/name> ?n }")
        .expect("construct")
    {
        Answer::Triples(triples) => assert_eq!(
            triples,
            [(
                "<http://example.com/tom>".to_owned(),
                "<http://example.com/label>".to_owned(),
                "\"Tom\"".to_owned()
            )]
        ),
        other => panic!("{other:?}"),
    }

    // A redb file in the preopened directory outlives its instance.
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let mut durable = plugin
            .open_store("redb:/data/store.redb", Some(dir.path()))
            .expect("open redb");
        durable.load(DATA, "nt", None).expect("load redb");
    }
    assert!(dir.path().join("store.redb").exists());
    let mut reopened = plugin
        .open_store("redb:/data/store.redb", Some(dir.path()))
        .expect("reopen redb");
    assert_eq!(reopened.len().expect("len"), 3);
    // Nothing outside the preopened directory is reachable.
    assert!(
        plugin
            .open_store("redb:/etc/trine.redb", Some(dir.path()))
            .is_err()
    );
}

fn ring(nodes: usize) -> String {
    let mut data = String::new();
    for i in 0..nodes {
        data.push_str(&format!(
            "<http://example.com/n{i}> <http://example.com/next> <http://example.com/n{}> .\n",
            (i + 1) % nodes
        ));
    }
    data
}

#[test]
fn runaway_queries_and_memory_hogs_are_stopped() {
    let limits = PluginLimits {
        fuel: 2_000_000_000,
        memory_bytes: 256 << 20,
    };
    let plugin = Plugin::load(&component(), limits).expect("load");
    let data = ring(200);
    let mut bystander = plugin.open_store("memory:", None).expect("open");
    bystander.load(&data, "nt", None).expect("load");

    // A cross product of 200^4 rows: far more than the fuel allows.
    let mut runaway = plugin.open_store("memory:", None).expect("open");
    runaway.load(&data, "nt", None).expect("load");
    let cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }";
    match runaway.query(cross, None) {
        Err(PluginError::OutOfFuel) => {}
        other => panic!("expected the fuel to run out: {other:?}"),
    }
    assert!(runaway.is_poisoned());
    assert!(matches!(runaway.len(), Err(PluginError::Poisoned)));

    // Sorting a cross product of 8 million rows needs far more than 64 MiB; with fuel to spare
    // (a plugin of its own), the memory limit is what stops it.
    let hungry = Plugin::load(
        &component(),
        PluginLimits {
            fuel: 1_000_000_000_000,
            memory_bytes: 64 << 20,
        },
    )
    .expect("load");
    let mut hog = hungry.open_store("memory:", None).expect("open");
    hog.load(&data, "nt", None).expect("load");
    let sort = "SELECT * WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } ORDER BY ?a ?c ?e";
    match hog.query(sort, None) {
        Err(PluginError::OutOfMemory) => {}
        other => panic!("expected the memory limit: {other:?}"),
    }
    assert!(matches!(hog.len(), Err(PluginError::Poisoned)));

    // An unbounded property path over the cycle, joined with itself: 200^4 solutions to count.
    let mut paths = plugin.open_store("memory:", None).expect("open");
    paths.load(&data, "nt", None).expect("load");
    let closure = "SELECT (COUNT(*) AS ?n) WHERE { ?a <http://example.com/next>+ ?b . \
                   ?c <http://example.com/next>+ ?d }";
    match paths.query(closure, None) {
        Err(PluginError::OutOfFuel) => {}
        other => panic!("expected the fuel to run out: {other:?}"),
    }

    // The host and the other stores go on.
    let json = bystander
        .query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", Some("csv"))
        .expect("the bystander still answers");
    assert!(json.contains("200"), "{json}");
}

#[test]
fn trine_plugin_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data.nt");
    std::fs::write(&data, DATA).expect("write");
    let big = dir.path().join("ring.nt");
    std::fs::write(&big, ring(200)).expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_trine"))
            .arg("plugin")
            .arg(component())
            .args(args)
            .output()
            .expect("run trine plugin")
    };
    let location = "redb:/data/plugin.redb";
    let dir_arg = dir.path().to_str().expect("utf-8 path");
    let loaded = run(&[
        "--location",
        location,
        "--dir",
        dir_arg,
        "load",
        "--file",
        data.to_str().expect("utf-8"),
    ]);
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    assert!(String::from_utf8_lossy(&loaded.stdout).contains("\"quads\":3"));
    let queried = run(&[
        "--location",
        location,
        "--dir",
        dir_arg,
        "query",
        "--query",
        "SELECT ?n WHERE { ?s <http://example.com/name> ?n }",
        "--results-format",
        "csv",
    ]);
    assert!(queried.status.success());
    assert!(String::from_utf8_lossy(&queried.stdout).contains("Tom"));
    let bad = run(&["query", "--query", "SELEC"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sparql_syntax"));
    let runaway = run(&[
        "--fuel",
        "500000000",
        "--load",
        big.to_str().expect("utf-8"),
        "query",
        "--query",
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    ]);
    assert!(!runaway.status.success());
    assert!(String::from_utf8_lossy(&runaway.stderr).contains("plugin_out_of_fuel"));
}

/// The test component `cargo xtask component` builds from `conformance-component/`: Trine's
/// cross-backend suite inside the sandbox.
mod suite {
    wasmtime::component::bindgen!({ world: "conformance", path: "../conformance-component/wit" });
}

struct SuiteState {
    wasi: wasmtime_wasi::WasiCtx,
    table: wasmtime::component::ResourceTable,
}

impl wasmtime_wasi::WasiView for SuiteState {
    fn ctx(&mut self) -> wasmtime_wasi::WasiCtxView<'_> {
        wasmtime_wasi::WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

#[test]
fn the_cross_backend_suite_passes_inside_the_component() {
    std::thread::Builder::new()
        .stack_size(trine_host::plugin::THREAD_STACK)
        .spawn(run_the_suite_inside_the_component)
        .expect("spawn")
        .join()
        .expect("the suite's thread");
}

fn run_the_suite_inside_the_component() {
    use trine_core::kv::MemoryBackend;
    use trine_tests::conformance::{self, Reopen};
    use wasmtime::component::{Component, Linker, ResourceTable};
    use wasmtime::{Config, Engine, Store};
    use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

    let native = conformance::run("memory", MemoryBackend::new, Reopen::Keep);
    println!("natively: {native}");
    assert!(native.is_success(), "{native}");
    let mut expected: Vec<&str> = native.passed.clone();
    expected.sort_unstable();

    // As the plugin host does: room for the core's deepest recursion (see `plugin::Plugin`),
    // on a thread whose stack holds it.
    let mut config = Config::new();
    config
        .async_stack_size(trine_host::plugin::WASM_STACK + (1 << 20))
        .max_wasm_stack(trine_host::plugin::WASM_STACK);
    let engine = Engine::new(&config).expect("engine");
    let path = component().with_file_name("trine_conformance_component.wasm");
    let component = Component::from_file(&engine, &path).expect("the conformance component");
    let mut linker = Linker::new(&engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).expect("link WASI");
    for backend in ["memory", "redb-memory", "redb-file"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let wasi = WasiCtxBuilder::new()
            .inherit_stderr()
            .preopened_dir(dir.path(), "/data", FsPerms::ReadWrite)
            .expect("preopen")
            .build();
        let mut store = Store::new(
            &engine,
            SuiteState {
                wasi,
                table: ResourceTable::new(),
            },
        );
        let instance =
            suite::Conformance::instantiate(&mut store, &component, &linker).expect("instantiate");
        let outcomes = instance
            .trine_conformance_suite()
            .call_run(&mut store, backend)
            .expect("no trap")
            .expect("the suite runs");
        let mut passed: Vec<&str> = Vec::new();
        for outcome in &outcomes {
            match &outcome.error {
                None => passed.push(&outcome.name),
                Some(error) => println!("  FAILED {}: {error}", outcome.name),
            }
        }
        passed.sort_unstable();
        println!(
            "cross-backend suite in the component on {backend}: {} passed, {} failed, 0 skipped",
            passed.len(),
            outcomes.len() - passed.len()
        );
        assert_eq!(passed, expected, "the same cases pass as natively");
    }
}

/// A fenced block of the README after `marker`: its text, and where it ends.
fn readme_block(readme: &str, marker: &str, fence: &str) -> (String, usize) {
    let from = readme.find(marker).expect("the marker in README.md");
    let open = format!("```{fence}\n");
    let start = readme[from..].find(&open).expect("the block") + from + open.len();
    let end = readme[start..].find("```").expect("the block's end") + start;
    (readme[start..end].to_owned(), end)
}

#[test]
fn readme_plugin_example_runs_as_written() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let (script, end) = readme_block(&readme, "<!-- plugin example", "sh");
    let (expected, _) = readme_block(&readme[end + 3..], "prints", "text");
    // The block as written; only `cargo` is a stand-in that skips the builds this test already
    // has (the component, and the `trine` binary).
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).expect("mkdir");
    let shim = bin.join("cargo");
    std::fs::write(
        &shim,
        "#!/bin/sh\n\
         if [ \"$1 $2\" = 'xtask component' ]; then echo \"$TRINE_COMPONENT\"; exit 0; fi\n\
         if [ \"$1\" = run ]; then while [ \"$1\" != -- ]; do shift; done; shift; exec \"$TRINE_BIN\" \"$@\"; fi\n\
         echo \"unexpected: cargo $*\" >&2; exit 2\n",
    )
    .expect("write the shim");
    std::fs::set_permissions(&shim, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path())
        .env("PATH", path)
        .env("TRINE_COMPONENT", component())
        .env("TRINE_BIN", env!("CARGO_BIN_EXE_trine"))
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout, expected,
        "the README's plugin example prints what it says"
    );
}
