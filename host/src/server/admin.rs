//! `POST /admin/backup`: a backup on request, into the configured backup directory.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::App;
use super::guard::authorize_admin;
use super::respond::{error_response, ok_with};
use crate::HostError;

/// Takes a backup into the database's backup directory (`serve --backup-dir`,
/// `TRINE_BACKUP_DIR`) and rotates it as configured; answers its name, time, quad count and
/// size as JSON, never its path.
///
/// It needs the server's bearer token (refused with 403 when the server has none, 401 without
/// it; refused on a read-only server), since it fills a disk, and answers 404 when no backup
/// directory is configured.
pub(crate) async fn backup(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Err(error) = authorize_admin(&app.config, &headers) {
        return error_response(&error);
    }
    let db = Arc::clone(&app.db);
    let Some(destination) = db.config().backup.destination.clone() else {
        return error_response(&HostError::NotFound(
            "/admin/backup: no backup directory is configured".into(),
        ));
    };
    let keep = db.config().backup.keep;
    let result = tokio::task::spawn_blocking(move || db.backup(&destination, keep))
        .await
        .map_err(|e| HostError::Internal(format!("backup worker failed: {e}")))
        .and_then(|result| result);
    match result {
        Ok(info) => {
            let body = serde_json::json!({
                "name": info.name,
                "backend": info.manifest.backend,
                "created_at": info.manifest.created_at,
                "quads": info.manifest.quads,
                "files": info.manifest.files.len(),
                "bytes": info.manifest.total_bytes(),
            });
            ok_with("application/json", body.to_string())
        }
        Err(error) => error_response(&error),
    }
}
