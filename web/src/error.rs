//! JavaScript errors with a stable `code`.

use trine_core::io::{DumpError, LoadError};
use trine_core::reasoner::ReasonerError;
use trine_core::sparql::{QueryError, ResultsWriteError};
use trine_core::storage::StorageError;
use trine_core::update::UpdateError;
use wasm_bindgen::JsValue;

/// A JavaScript `Error` whose `code` property is `code`.
pub(crate) fn js_error(code: &str, message: impl std::fmt::Display) -> JsValue {
    let error = js_sys::Error::new(&message.to_string());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &"code".into(), &code.into());
    error.into()
}

/// Errors of the layers below, each turned into a JavaScript error with its code.
pub(crate) trait ToJs {
    fn to_js(&self) -> JsValue;
}

macro_rules! with_code {
    ($($error:ty),*) => {
        $(impl ToJs for $error {
            fn to_js(&self) -> JsValue {
                js_error(self.code(), self)
            }
        })*
    };
}

with_code!(
    LoadError,
    QueryError,
    UpdateError,
    StorageError,
    ReasonerError
);

impl ToJs for DumpError {
    fn to_js(&self) -> JsValue {
        match self {
            Self::Storage(error) => error.to_js(),
            other => js_error("dump_failed", other),
        }
    }
}

impl ToJs for ResultsWriteError {
    fn to_js(&self) -> JsValue {
        match self {
            Self::Query(error) => error.to_js(),
            Self::WrongFormat(_) => js_error("not_acceptable", self),
            other => js_error("results_write", other),
        }
    }
}

/// `?` for the layers' errors in functions that return `Result<_, JsValue>`.
pub(crate) trait OrJs<T> {
    fn or_js(self) -> Result<T, JsValue>;
}

impl<T, E: ToJs> OrJs<T> for Result<T, E> {
    fn or_js(self) -> Result<T, JsValue> {
        self.map_err(|error| error.to_js())
    }
}
