//! The component's stack in linear memory: 8 MiB instead of the 1 MiB default, room for the
//! core's deepest recursion (its nesting limits are sized for 2 MiB native stacks, and
//! WebAssembly frames keep more on this stack), so a deep query ends in the core's depth error.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_FAMILY").as_deref() == Ok("wasm") {
        println!("cargo:rustc-link-arg=-zstack-size=8388608");
    }
}
