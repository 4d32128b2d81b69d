//! `/`, `/health` and `/metrics`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::App;
use super::respond::{error_response, ok_with};
use crate::HostError;
use crate::database::{Health, HealthStatus};

/// The query page: a form that posts to `/query`.
const INDEX_HTML: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Trine</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}textarea{width:100%;font-family:monospace}</style>
</head>
<body>
<h1>Trine SPARQL endpoint</h1>
<form method="post" action="/query">
<p><textarea name="query" rows="12">SELECT * WHERE { ?s ?p ?o } LIMIT 10</textarea></p>
<p><label>Format <select name="format">
<option value="json">SPARQL JSON</option><option value="xml">SPARQL XML</option>
<option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="ttl">Turtle (CONSTRUCT, DESCRIBE)</option><option value="nt">N-Triples</option>
</select></label> <button type="submit">Run</button></p>
</form>
<p>Endpoints: <code>/query</code>, <code>/update</code>, <code>/sparql</code> (SPARQL 1.1 Protocol; a GET
without a query describes the service), <code>/store</code> (Graph Store Protocol),
<a href="/health"><code>/health</code></a>, <a href="/metrics"><code>/metrics</code></a>.</p>
</body>
</html>
"#;

/// `GET /`: the query page, or the service description of `/sparql` for a client that asks
/// for RDF.
pub(crate) async fn index(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if !super::service::wants_rdf(&headers) {
        return ok_with("text/html; charset=utf-8", INDEX_HTML);
    }
    let host = super::protocol::header_str(&headers, header::HOST)
        .map_or_else(|| app.config.bind.to_string(), str::to_owned);
    let described = super::service::Described {
        endpoint: format!("http://{host}/sparql"),
        kind: super::protocol::Endpoint::Both,
        read_only: app.config.read_only || app.db.config().read_only,
    };
    super::service::respond(&described, &headers).unwrap_or_else(|error| error_response(&error))
}

async fn health_report(app: &Arc<App>) -> Result<Health, HostError> {
    let db = Arc::clone(&app.db);
    let mut health = tokio::task::spawn_blocking(move || db.health())
        .await
        .map_err(|e| HostError::Internal(format!("health worker failed: {e}")))?;
    health.read_only |= app.config.read_only;
    Ok(health)
}

/// `GET /health`: the full report as JSON; 503 when unhealthy.
pub(crate) async fn health(State(app): State<Arc<App>>) -> Response {
    match health_report(&app).await {
        Ok(health) => {
            let status = if health.status == HealthStatus::Unhealthy {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::OK
            };
            let body = serde_json::to_string(&health).unwrap_or_default();
            let mut response = ok_with("application/json", body);
            *response.status_mut() = status;
            response
        }
        Err(error) => error_response(&error),
    }
}

/// `GET /reasoning/inconsistencies`: every match of the active profile's rules with a false
/// head, as JSON (`[{"rule": "cax-dw", "triples": ["<s> <p> <o>", …]}, …]`); empty when the data
/// is consistent or reasoning is off.
pub(crate) async fn inconsistencies(State(app): State<Arc<App>>) -> Response {
    let db = Arc::clone(&app.db);
    let found = tokio::task::spawn_blocking(move || db.inconsistencies())
        .await
        .map_err(|e| HostError::Internal(format!("consistency worker failed: {e}")))
        .and_then(|found| found);
    match found {
        Ok(found) => {
            let list: Vec<serde_json::Value> = found
                .iter()
                .map(|inconsistency| {
                    serde_json::json!({
                        "rule": inconsistency.rule,
                        "triples": inconsistency
                            .triples
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>(),
                    })
                })
                .collect();
            ok_with(
                "application/json",
                serde_json::to_string(&list).unwrap_or_default(),
            )
        }
        Err(error) => error_response(&error),
    }
}

/// `GET /health/live`: the process answers.
pub(crate) async fn live() -> Response {
    ok_with("text/plain; charset=utf-8", "ok\n")
}

/// `GET /health/ready`: the store can serve reads (200), or not (503). A probe polls this
/// often, so it only reads the quad count, which is what makes a store `unhealthy`, and
/// leaves the full report (sizes, consistency check) to `/health`.
pub(crate) async fn ready(State(app): State<Arc<App>>) -> Response {
    let db = Arc::clone(&app.db);
    match tokio::task::spawn_blocking(move || db.len()).await {
        Ok(Ok(_)) => ok_with("text/plain; charset=utf-8", "ready\n"),
        Ok(Err(_)) => (StatusCode::SERVICE_UNAVAILABLE, "not ready\n").into_response(),
        Err(e) => error_response(&HostError::Internal(format!(
            "readiness worker failed: {e}"
        ))),
    }
}

/// `GET /metrics`: Prometheus text format.
pub(crate) async fn metrics(State(app): State<Arc<App>>) -> Response {
    match health_report(&app).await {
        Ok(health) => {
            let mut text = app.metrics.render(&health);
            text.push_str(&app.limit_metrics());
            text.push_str(&super::metrics::render_cache(
                &app.db.store().dictionary().cache_stats(),
            ));
            text.push_str(&super::metrics::render_query_cache(
                app.db.query_cache(),
                app.db.store().plan_cache(),
            ));
            text.push_str(&super::metrics::render_inline(&app.inline));
            if let Some(cache) = app.db.result_cache() {
                text.push_str(&super::metrics::render_result_cache(cache));
            }
            ok_with("text/plain; version=0.0.4; charset=utf-8", text)
        }
        Err(error) => error_response(&error),
    }
}
