//! Finding the conformance material, which lives beside the repository, never inside it.

use std::path::{Path, PathBuf};

/// The environment variable that overrides where the conformance material is.
pub const CONFORMANCE_DIR_VAR: &str = "TRINE_CONFORMANCE_DIR";

/// The root of the conformance material: `$TRINE_CONFORMANCE_DIR` if set, else
/// `../shared/conformance` beside the repository (CI clones the repository next to `shared/`).
pub fn conformance_root() -> PathBuf {
    match std::env::var_os(CONFORMANCE_DIR_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"),
    }
}

/// The folder `relative` under [`conformance_root`], if it exists.
///
/// When it does not, a test should not pass silently: outside CI this prints
/// `skipped: conformance material not found at …` and returns `None`, so a developer without the
/// material sees why nothing ran.
///
/// # Panics
/// In CI (`CI=true`) missing material is an error, not a skip: this panics with the path it looked at.
pub fn locate(relative: &str) -> Option<PathBuf> {
    let path = conformance_root().join(relative);
    if path.is_dir() {
        return Some(path);
    }
    let in_ci = std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true"));
    assert!(
        !in_ci,
        "conformance material not found at {} (CI=true, so this is an error; set {CONFORMANCE_DIR_VAR} \
         or clone the repository beside shared/)",
        path.display()
    );
    println!(
        "skipped: conformance material not found at {} (set {CONFORMANCE_DIR_VAR} to run these tests)",
        path.display()
    );
    None
}
