//! Trine as a sandboxed plugin: the `trine:store` component (`wit/trine.wit`, built from
//! `component/`) loaded with wasmtime's component model.
//!
//! Every call into the plugin runs under a fuel budget (a runaway query traps instead of
//! spinning) and a memory limit (a query that needs more memory ends in an error instead of
//! growing the host), both per [`PluginLimits`]. A store whose call trapped is poisoned: its
//! later calls fail with `plugin_poisoned`, while other stores of the same [`Plugin`] go on
//! serving. A store is in memory (`memory:`) or a redb file in the one host directory the plugin
//! may see, preopened as `/data`.
//!
//! ```no_run
//! use trine_host::plugin::{Plugin, PluginLimits};
//!
//! let plugin = Plugin::load("trine_component.wasm".as_ref(), PluginLimits::default())?;
//! let mut store = plugin.open_store("memory:", None)?;
//! store.load("<http://e/a> <http://e/b> <http://e/c> .", "nt", None)?;
//! let json = store.query("SELECT * WHERE { ?s ?p ?o }", Some("json"))?;
//! # Ok::<_, trine_host::plugin::PluginError>(())
//! ```

mod error;

use std::path::Path;

use wasmtime::component::{Component, Linker, ResourceAny, ResourceTable};
use wasmtime::{Config, Engine, ResourceLimiter, Store};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

pub use error::PluginError;

mod bindings {
    // The generated plumbing (indices, instance structs) has no docs; the re-exported records
    // carry the WIT's.
    #![allow(missing_docs)]
    wasmtime::component::bindgen!({ world: "plugin", path: "../wit" });
}

use bindings::exports::trine::store::api;
pub use bindings::exports::trine::store::api::{
    Answer, Health, MaterializeReport, Solutions, Stats,
};

/// Where a store's host directory appears inside the plugin.
pub const GUEST_DIR: &str = "/data";

/// The native stack WebAssembly code may use in one call (wasmtime's `max_wasm_stack`): room
/// for the core's deepest recursion (its nesting limits are sized for native stacks of 2 MiB,
/// and Cranelift's frames are larger than an optimised native build's). Past it a call traps
/// instead of overflowing.
pub const WASM_STACK: usize = 16 << 20;

/// The stack of the thread each call runs on: the WebAssembly stack and the host's own frames.
/// A call does not run on the caller's thread, whose stack may be smaller (a test thread or an
/// async runtime's worker has 2 MiB).
pub const THREAD_STACK: usize = WASM_STACK + (8 << 20);

/// Limits of every call into a plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PluginLimits {
    /// Fuel one call may burn (about one unit per WebAssembly instruction).
    pub fuel: u64,
    /// Bytes of linear memory an instance may grow to.
    pub memory_bytes: usize,
}

impl Default for PluginLimits {
    /// Ten billion instructions and 1 GiB.
    fn default() -> Self {
        Self {
            fuel: 10_000_000_000,
            memory_bytes: 1 << 30,
        }
    }
}

/// What a plugin's store carries: WASI and the memory limit.
struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    memory_bytes: usize,
    /// Whether the limit refused a growth (to tell a memory failure from another trap).
    refused: bool,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl ResourceLimiter for State {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = desired <= self.memory_bytes;
        self.refused |= !allowed;
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

/// A compiled plugin, ready to open stores.
pub struct Plugin {
    engine: Engine,
    component: Component,
    linker: Linker<State>,
    limits: PluginLimits,
}

impl Plugin {
    /// Compiles the component at `path`.
    ///
    /// # Errors
    /// [`PluginError::Load`] when the file is not a component exporting `trine:store/api`.
    pub fn load(path: &Path, limits: PluginLimits) -> Result<Self, PluginError> {
        let mut config = Config::new();
        // Calls are synchronous; the async stack only has to be at least the WebAssembly stack.
        config
            .consume_fuel(true)
            .async_stack_size(WASM_STACK + (1 << 20))
            .max_wasm_stack(WASM_STACK);
        let engine = Engine::new(&config).map_err(PluginError::load)?;
        let component = Component::from_file(&engine, path).map_err(PluginError::load)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(PluginError::load)?;
        Ok(Self {
            engine,
            component,
            linker,
            limits,
        })
    }

    /// Opens a store in a fresh instance: `memory:`, or `redb:/data/<file>` with `dir` the host
    /// directory seen as `/data`.
    ///
    /// # Errors
    /// The plugin's own error (an unknown location, a storage failure), or a trap.
    pub fn open_store(
        &self,
        location: &str,
        dir: Option<&Path>,
    ) -> Result<PluginStore, PluginError> {
        let mut wasi = WasiCtxBuilder::new();
        if let Some(dir) = dir {
            wasi.preopened_dir(dir, GUEST_DIR, FsPerms::ReadWrite)
                .map_err(PluginError::load)?;
        }
        let state = State {
            wasi: wasi.build(),
            table: ResourceTable::new(),
            memory_bytes: self.limits.memory_bytes,
            refused: false,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| state);
        store
            .set_fuel(self.limits.fuel)
            .map_err(PluginError::load)?;
        let instance = bindings::Plugin::instantiate(&mut store, &self.component, &self.linker)
            .map_err(|error| PluginError::from_trap(error, false))?;
        let mut plugin_store = PluginStore {
            store,
            instance,
            handle: None,
            fuel: self.limits.fuel,
            poisoned: false,
        };
        let handle = plugin_store.call(|instance, store| {
            instance
                .trine_store_api()
                .store()
                .call_open(store, location)
        })?;
        plugin_store.handle = Some(handle);
        Ok(plugin_store)
    }
}

/// A store inside a plugin instance.
pub struct PluginStore {
    store: Store<State>,
    instance: bindings::Plugin,
    handle: Option<ResourceAny>,
    fuel: u64,
    poisoned: bool,
}

impl PluginStore {
    /// Runs one call under a fresh fuel budget, on a thread with [`THREAD_STACK`]; a trap
    /// poisons the store.
    fn call<T: Send>(
        &mut self,
        call: impl FnOnce(
            &bindings::Plugin,
            &mut Store<State>,
        ) -> wasmtime::Result<Result<T, api::Error>>
        + Send,
    ) -> Result<T, PluginError> {
        if self.poisoned {
            return Err(PluginError::Poisoned);
        }
        self.store.set_fuel(self.fuel).map_err(PluginError::load)?;
        self.store.data_mut().refused = false;
        let (instance, store) = (&self.instance, &mut self.store);
        let outcome = std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("trine-plugin".into())
                .stack_size(THREAD_STACK)
                .spawn_scoped(scope, || call(instance, store))
                .map_err(|e| PluginError::Trap(format!("cannot start the call's thread: {e}")))?
                .join()
                .map_err(|_| PluginError::Trap("the call's thread panicked".into()))
        })?;
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(PluginError::guest(error)),
            Err(trap) => {
                self.poisoned = true;
                let refused = self.store.data().refused;
                Err(PluginError::from_trap(trap, refused))
            }
        }
    }

    /// [`call`](Self::call) of a method of this store's resource.
    fn call_store<T: Send>(
        &mut self,
        call: impl FnOnce(
            api::GuestStore<'_>,
            &mut Store<State>,
            ResourceAny,
        ) -> wasmtime::Result<Result<T, api::Error>>
        + Send,
    ) -> Result<T, PluginError> {
        let handle = self.handle.ok_or(PluginError::Poisoned)?;
        self.call(|instance, store| call(instance.trine_store_api().store(), store, handle))
    }

    /// Runs a SPARQL query; results serialized in `format` (see `wit/trine.wit`).
    ///
    /// # Errors
    /// The plugin's error (with the native code), or a trap (fuel, memory).
    pub fn query(&mut self, query: &str, format: Option<&str>) -> Result<String, PluginError> {
        self.call_store(|api, store, handle| api.call_query(store, handle, query, format))
    }

    /// Runs a SPARQL query and returns its answer as data (terms in N-Triples syntax).
    ///
    /// # Errors
    /// As [`query`](Self::query).
    pub fn query_rows(&mut self, query: &str) -> Result<Answer, PluginError> {
        self.call_store(|api, store, handle| api.call_query_rows(store, handle, query))
    }

    /// Applies a SPARQL update; returns (inserted, deleted).
    ///
    /// # Errors
    /// As [`query`](Self::query).
    pub fn update(&mut self, update: &str) -> Result<(u64, u64), PluginError> {
        let summary =
            self.call_store(|api, store, handle| api.call_update(store, handle, update))?;
        Ok((summary.inserted, summary.deleted))
    }

    /// Loads RDF text in `format`; returns the quads read.
    ///
    /// # Errors
    /// As [`query`](Self::query).
    pub fn load(
        &mut self,
        data: &str,
        format: &str,
        base_iri: Option<&str>,
    ) -> Result<u64, PluginError> {
        self.call_store(|api, store, handle| api.call_load(store, handle, data, format, base_iri))
    }

    /// Serializes the store in `format`.
    ///
    /// # Errors
    /// As [`query`](Self::query).
    pub fn dump(&mut self, format: &str) -> Result<String, PluginError> {
        self.call_store(|api, store, handle| api.call_dump(store, handle, format))
    }

    /// Turns reasoning on with `profile` (`rdfs`, `owl2rl`, `none`) and materializes.
    ///
    /// # Errors
    /// As [`query`](Self::query).
    pub fn materialize(&mut self, profile: &str) -> Result<MaterializeReport, PluginError> {
        self.call_store(|api, store, handle| api.call_materialize(store, handle, profile))
    }

    /// Counts: quads, named graphs, the reasoning profile and the inferred quads.
    ///
    /// # Errors
    /// As [`query`](Self::query).
    pub fn stats(&mut self) -> Result<Stats, PluginError> {
        self.call_store(|api, store, handle| api.call_stats(store, handle))
    }

    /// Quads in the store.
    ///
    /// # Errors
    /// As [`query`](Self::query).
    pub fn len(&mut self) -> Result<u64, PluginError> {
        Ok(self.stats()?.quads)
    }

    /// Whether the store holds no quad.
    ///
    /// # Errors
    /// As [`query`](Self::query).
    pub fn is_empty(&mut self) -> Result<bool, PluginError> {
        Ok(self.len()? == 0)
    }

    /// The store's own check of its indexes and counts, and the reasoner's inconsistencies.
    ///
    /// # Errors
    /// As [`query`](Self::query).
    pub fn health(&mut self) -> Result<Health, PluginError> {
        self.call_store(|api, store, handle| api.call_health(store, handle))
    }

    /// Whether a trap ended this store (its calls now fail; reopen it).
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }
}

impl Drop for PluginStore {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take()
            && !self.poisoned
        {
            // Lets the guest close its store (a redb file) before the instance goes.
            let _ = self.store.set_fuel(self.fuel);
            let _ = handle.resource_drop(&mut self.store);
        }
    }
}
