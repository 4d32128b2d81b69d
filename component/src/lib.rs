//! Trine as a WebAssembly component: `cargo build -p trine-component --target wasm32-wasip2`
//! (or `cargo xtask component`) emits a component exporting the `trine:store/api` interface of
//! `wit/trine.wit`, which a host loads as a sandboxed plugin (the host crate's `plugin` module
//! does, under a fuel budget and a memory limit).
//!
//! A store is in memory (`memory:`) or a redb file in a directory the host preopened
//! (`redb:<path>`); errors carry the native API's codes.

mod bindings {
    // The generated exports are `#[unsafe(no_mangle)]` functions, and undocumented.
    #![allow(unsafe_code, missing_docs, clippy::all)]
    #[cfg(target_family = "wasm")]
    use super::Component;
    wit_bindgen::generate!({ world: "plugin", path: "../wit" });
    // Exported names such as `trine:store/api#[method]store.query` are not valid in a native
    // linker's version script: the exports exist in the WebAssembly build only (natively the
    // crate still type-checks, for clippy and tests).
    #[cfg(target_family = "wasm")]
    export!(Component with_types_in self);
}

mod store;

/// The component's root: the type the generated exports call into.
pub struct Component;

impl bindings::exports::trine::store::api::Guest for Component {
    type Store = store::PluginStore;
}
