//! JavaScript errors with a stable `code`.

use trine_core::ErrorCode;
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

impl<E: ErrorCode> ToJs for E {
    fn to_js(&self) -> JsValue {
        js_error(self.code(), self)
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
