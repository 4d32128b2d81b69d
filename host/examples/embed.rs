//! Trine's SPARQL endpoints inside another axum service.
//!
//! Run with `cargo run -p trine-host --example embed`, then
//! `curl 'http://127.0.0.1:3000/sparql/query?query=ASK%7B%7D'` and
//! `curl http://127.0.0.1:3000/hello`.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use trine_host::server::{ServerConfig, router, shutdown_signal};
use trine_host::{Config, Database};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::default();
    let db = Arc::new(Database::open_with("memory:", config.clone())?);
    db.update(
        "INSERT DATA { <http://example.com/s> <http://example.com/p> \"hello\" }",
        None,
    )?;
    let mut endpoints = ServerConfig::from_config(&config);
    endpoints.read_only = true;
    let app = Router::new()
        .route(
            "/hello",
            get(|| async { "the embedding service's own route\n" }),
        )
        .nest("/sparql", router(Arc::clone(&db), endpoints));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    db.flush()?;
    Ok(())
}
