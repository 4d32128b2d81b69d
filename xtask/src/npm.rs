//! `cargo xtask npm`: the `trine` npm package in `web/pkg`.
//!
//! Builds `trine-web` for `wasm32-unknown-unknown` in the size-optimised `wasm-release` profile,
//! generates the JavaScript glue with `wasm-bindgen` (which must be exactly the version in
//! Cargo.lock), shrinks the module with `wasm-opt -Oz --low-memory-unused` from the `binaryen` npm package (installed
//! by `npm ci --prefix web`), copies the hand-written `index.js`, its types, `package.json` and
//! README beside it, and prints the module's size against the 2,000,000-byte goal.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The size the package's WebAssembly must stay under.
pub const SIZE_GOAL: u64 = 2_000_000;

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// The wasm-bindgen version Cargo.lock pins.
fn locked_wasm_bindgen(root: &Path) -> Result<String, String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
        {
            return Ok(version.to_owned());
        }
    }
    Err("Cargo.lock names no wasm-bindgen".into())
}

fn check_cli(version: &str) -> Result<(), String> {
    let output = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .map_err(|e| {
            format!(
                "wasm-bindgen is not installed ({e}): cargo install wasm-bindgen-cli --version {version}"
            )
        })?;
    let found = String::from_utf8_lossy(&output.stdout);
    if found.split_whitespace().nth(1) == Some(version) {
        Ok(())
    } else {
        Err(format!(
            "wasm-bindgen {} is installed, Cargo.lock has {version}: cargo install wasm-bindgen-cli --version {version}",
            found.trim()
        ))
    }
}

pub(crate) fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                root.join(dir)
            }
        })
        .unwrap_or_else(|| root.join("target"))
}

/// Builds the package; returns the size of its WebAssembly module in bytes.
///
/// # Errors
/// A missing tool (with the command that installs it) or a failed step.
pub fn build(root: &Path, cargo: &str) -> Result<u64, String> {
    let version = locked_wasm_bindgen(root)?;
    check_cli(&version)?;
    let wasm_opt = root.join("web/node_modules/.bin/wasm-opt");
    if !wasm_opt.exists() {
        return Err("wasm-opt is missing: npm ci --prefix web".into());
    }
    run(Command::new(cargo).current_dir(root).args([
        "build",
        "-p",
        "trine-web",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let built = target_dir(root).join("wasm32-unknown-unknown/wasm-release/trine_web.wasm");
    let package = root.join("web/pkg");
    if package.exists() {
        std::fs::remove_dir_all(&package).map_err(|e| format!("cannot clear web/pkg: {e}"))?;
    }
    run(Command::new("wasm-bindgen")
        .arg("--target")
        .arg("web")
        .arg("--out-dir")
        .arg(&package)
        .arg("--out-name")
        .arg("trine_web")
        .arg(&built))?;
    let module = package.join("trine_web_bg.wasm");
    let bindgen_size = file_size(&module)?;
    run(Command::new(&wasm_opt)
        .arg("-Oz")
        // Rust never reaches the first kilobyte of memory through a wrapped pointer (the stack
        // sits below the data and grows down towards it), so small constant offsets can fold
        // into loads and stores: 12 KB smaller.
        .arg("--low-memory-unused")
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
        ])
        .arg("-o")
        .arg(&module)
        .arg(&module))?;
    for (from, to) in [
        ("web/js/index.js", "index.js"),
        ("web/js/index.d.ts", "index.d.ts"),
        ("web/js/worker.js", "worker.js"),
        ("web/js/package.json", "package.json"),
        ("web/README.md", "README.md"),
    ] {
        std::fs::copy(root.join(from), package.join(to))
            .map_err(|e| format!("cannot copy {from}: {e}"))?;
    }
    // wasm-bindgen's own package.json and .gitignore would shadow or hide ours.
    let _ = std::fs::remove_file(package.join(".gitignore"));
    let size = file_size(&module)?;
    println!(
        "npm package in web/pkg: trine_web_bg.wasm {size} bytes after wasm-opt -Oz ({bindgen_size} after wasm-bindgen); goal at most {SIZE_GOAL}: {}",
        if size <= SIZE_GOAL { "met" } else { "NOT MET" }
    );
    Ok(size)
}

fn file_size(path: &Path) -> Result<u64, String> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Builds the package and runs its Node suite (`node --test web/tests/`), with the native
/// `trine` CLI (built here if needed) in `TRINE_BIN` for the tests that compare answers, then a
/// small run of the Node benchmark against the `oxigraph` npm package (answers checked).
///
/// # Errors
/// A failed build, a size over the goal, or a failing test.
pub fn test(root: &Path, cargo: &str) -> Result<(), String> {
    let size = build(root, cargo)?;
    if size > SIZE_GOAL {
        return Err(format!(
            "the wasm module is {size} bytes, over the {SIZE_GOAL}-byte goal"
        ));
    }
    run(Command::new(cargo).current_dir(root).args([
        "build",
        "-p",
        "trine-host",
        "--bin",
        "trine",
    ]))?;
    let native = target_dir(root).join("debug/trine");
    run(Command::new("node")
        .current_dir(root.join("web"))
        .env("TRINE_BIN", native)
        .args(["--test", "tests/"]))?;
    // A small run of the benchmark against the `oxigraph` npm package, so it cannot rot: it
    // fails on any differing answer; its timings are printed, not judged.
    let data = target_dir(root).join("bench/npm-bsbm");
    let data_arg = data.to_string_lossy().into_owned();
    run(Command::new(cargo).current_dir(root).args([
        "run",
        "-p",
        "trine-benches",
        "--bin",
        "bsbm-export",
        "--",
        "--products",
        "300",
        "--mixes",
        "1",
        "--out",
        &data_arg,
    ]))?;
    run(Command::new("node").current_dir(root.join("web")).args([
        "bench/compare.mjs",
        &data_arg,
        "--runs",
        "1",
    ]))
}
