//! [`PluginError`]: what a plugin call can end in.

use super::api;

/// A failure of a plugin or of a call into it.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// The component could not be compiled, linked or instantiated.
    #[error("cannot load the plugin: {0}")]
    Load(String),
    /// The plugin answered with an error (the native API's code and message).
    #[error("{message}")]
    Guest {
        /// The stable code (`sparql_syntax`, `rdf_syntax`, …).
        code: String,
        /// What went wrong.
        message: String,
    },
    /// The call burned its whole fuel budget (a runaway query): the store is poisoned.
    #[error("the call ran out of fuel (a runaway query?); the store is closed")]
    OutOfFuel,
    /// The call needed more memory than the limit: the store is poisoned.
    #[error("the call needed more memory than the plugin's limit; the store is closed")]
    OutOfMemory,
    /// The plugin trapped otherwise: the store is poisoned.
    #[error("the plugin trapped: {0}")]
    Trap(String),
    /// An earlier call trapped; this store takes no more calls.
    #[error("an earlier call into this store trapped; open it again")]
    Poisoned,
}

impl PluginError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &str {
        match self {
            Self::Load(_) => "plugin_load",
            Self::Guest { code, .. } => code,
            Self::OutOfFuel => "plugin_out_of_fuel",
            Self::OutOfMemory => "plugin_out_of_memory",
            Self::Trap(_) => "plugin_trap",
            Self::Poisoned => "plugin_poisoned",
        }
    }

    pub(super) fn load(error: impl std::fmt::Display) -> Self {
        Self::Load(format!("{error:#}"))
    }

    pub(super) fn guest(error: api::Error) -> Self {
        let problem = match error {
            api::Error::SparqlSyntax(p)
            | api::Error::RdfSyntax(p)
            | api::Error::InvalidInput(p)
            | api::Error::LimitExceeded(p)
            | api::Error::Storage(p)
            | api::Error::Other(p) => p,
        };
        Self::Guest {
            code: problem.code,
            message: problem.message,
        }
    }

    /// The error a trap stands for; `refused` says the memory limit refused a growth.
    pub(super) fn from_trap(error: wasmtime::Error, refused: bool) -> Self {
        match error.downcast_ref::<wasmtime::Trap>() {
            Some(wasmtime::Trap::OutOfFuel) => Self::OutOfFuel,
            _ if refused => Self::OutOfMemory,
            Some(trap) => Self::Trap(trap.to_string()),
            None => Self::Trap(format!("{error:#}")),
        }
    }
}
