//! Turning [`HostError`]s into HTTP responses that never leak internals.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::HostError;

/// The response for `error`: a JSON body `{"code": …, "message": …}` with the error's status.
///
/// Client errors carry their message (syntax errors with their position); server errors carry
/// a generic message and are logged in full, since storage messages can name files.
pub(crate) fn error_response(error: &HostError) -> Response {
    let status =
        StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = if error.is_client_error() {
        error.to_string()
    } else {
        match error.code() {
            // Load shedding and SERVICE endpoints failing, not Trine failing: the message is
            // safe and tells the client what happened.
            "timeout" | "cancelled" | "overloaded" | "service" => {
                tracing::warn!(code = error.code(), %error, "request refused");
                error.to_string()
            }
            _ => {
                tracing::error!(code = error.code(), %error, "request failed");
                "internal error; the server log has the details".to_owned()
            }
        }
    };
    let body = serde_json::json!({ "code": error.code(), "message": message }).to_string();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let HostError::Overloaded { retry_after_s } | HostError::RateLimited { retry_after_s } =
        error
        && let Ok(value) = HeaderValue::from_str(&retry_after_s.to_string())
    {
        headers.insert(header::RETRY_AFTER, value);
    }
    if matches!(error, HostError::Unauthorized) {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"trine\""),
        );
    }
    response
}

/// A `200 OK` with `body` labelled `media_type`.
pub(crate) fn ok_with(media_type: &str, body: impl Into<axum::body::Body>) -> Response {
    let mut response = Response::new(body.into());
    if let Ok(value) = HeaderValue::from_str(media_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}
