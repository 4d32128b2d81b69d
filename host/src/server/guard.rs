//! Who may write, and CORS.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ServerConfig;
use super::protocol::header_str;
use crate::HostError;

/// Refuses writes on a read-only server (403) and, when a token is set, writes without
/// `Authorization: Bearer <token>` (401). Reads never need the token.
pub(crate) fn authorize_write(config: &ServerConfig, headers: &HeaderMap) -> Result<(), HostError> {
    if config.read_only {
        return Err(HostError::ReadOnly);
    }
    if let Some(expected) = &config.token {
        let given = header_str(headers, header::AUTHORIZATION)
            .and_then(|value| {
                let (scheme, token) = value.trim().split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then_some(token.trim())
            })
            .unwrap_or_default();
        if !constant_time_eq(given.as_bytes(), expected.expose().as_bytes()) {
            return Err(HostError::Unauthorized);
        }
    }
    Ok(())
}

/// Admin endpoints (backups) also fill disks and reveal store details: they need a token to be
/// configured, and then the same authorization as writes.
pub(crate) fn authorize_admin(config: &ServerConfig, headers: &HeaderMap) -> Result<(), HostError> {
    if config.token.is_none() {
        return Err(HostError::TokenRequired);
    }
    authorize_write(config, headers)
}

/// Compares without stopping at the first difference, so timing does not reveal how much of a
/// guessed token is right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Answers CORS preflights and lets any origin read responses (the `--cors` option).
pub(crate) async fn cors(request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        let headers = response.headers_mut();
        allow_origin(headers);
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, HEAD, POST, PUT, DELETE, OPTIONS"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Accept, Authorization, Content-Type"),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
        return response;
    }
    let mut response = next.run(request).await;
    allow_origin(response.headers_mut());
    response
}

fn allow_origin(headers: &mut HeaderMap) {
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_read_only() {
        let mut config = ServerConfig {
            token: Some("s3cret".into()),
            ..ServerConfig::default()
        };
        let mut headers = HeaderMap::new();
        assert!(matches!(
            authorize_write(&config, &headers),
            Err(HostError::Unauthorized)
        ));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(authorize_write(&config, &headers).is_ok());
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3creT"),
        );
        assert!(authorize_write(&config, &headers).is_err());
        config.read_only = true;
        assert!(matches!(
            authorize_write(&config, &headers),
            Err(HostError::ReadOnly)
        ));
    }

    #[test]
    fn admin_endpoints_need_a_configured_token() {
        let open = ServerConfig::default();
        let mut headers = HeaderMap::new();
        assert!(authorize_write(&open, &headers).is_ok(), "writes stay open");
        assert!(matches!(
            authorize_admin(&open, &headers),
            Err(HostError::TokenRequired)
        ));
        let guarded = ServerConfig {
            token: Some("s3cret".into()),
            ..ServerConfig::default()
        };
        assert!(matches!(
            authorize_admin(&guarded, &headers),
            Err(HostError::Unauthorized)
        ));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(authorize_admin(&guarded, &headers).is_ok());
    }
}
