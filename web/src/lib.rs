//! Trine for browsers and Node: wasm-bindgen bindings and the npm package. Filled by the WebAssembly
//! issue; the crate exists so the workspace has its final shape.
