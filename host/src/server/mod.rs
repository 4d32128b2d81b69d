//! The HTTP server: SPARQL 1.1 Protocol on `/query`, `/update` and `/sparql`, the Graph Store
//! Protocol on `/store`, `/health`, `/metrics` and a query page at `/`, on axum and tokio.
//!
//! Queries run on tokio's blocking pool under a per-request timeout; writes need the bearer
//! token when one is set and are refused on a read-only server; bodies are capped; errors carry
//! a stable code and never internal paths. [`Server::run`] stops on its shutdown future after
//! in-flight requests (writes among them) finish, then flushes the store.
//!
//! To embed the endpoints in another axum service, nest [`router`]'s result.

mod admin;
mod graph_read;
mod graph_store;
mod guard;
mod inline;
mod limits;
mod metrics;
mod multipart;
mod negotiate;
mod pages;
mod protocol;
mod respond;
mod service;
mod stream;
mod upload;

pub use metrics::Metrics;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::routing::get;
use axum::serve::ListenerExt as _;

use crate::config::{Limits, Secret};
use crate::{Config, Database, HostError};
use protocol::Endpoint;

/// How the server runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Refuse every write with 403.
    pub read_only: bool,
    /// Require `Authorization: Bearer <token>` on writes (401 otherwise); admin endpoints are
    /// refused without one.
    pub token: Option<Secret>,
    /// Longest a query request may take before it is cancelled and answered with 503.
    pub timeout: Option<Duration>,
    /// Let any origin call the endpoints from a browser.
    pub cors: bool,
    /// Largest request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Concurrent queries and request rate per client admitted (503 and 429 beyond).
    pub limits: Limits,
}

impl Default for ServerConfig {
    /// `127.0.0.1:7878`, writable, no token, 60 s timeout, no CORS, 64 MiB bodies.
    fn default() -> Self {
        Self::from_config(&Config::default())
    }
}

impl ServerConfig {
    /// The server settings a database [`Config`] implies (timeout, body limit, read-only).
    pub fn from_config(config: &Config) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 7878)),
            read_only: config.read_only,
            token: config.token.clone(),
            timeout: config.query_timeout,
            cors: false,
            max_body_bytes: config.max_body_bytes,
            limits: config.limits,
        }
    }
}

/// State shared by every handler.
pub(crate) struct App {
    db: Arc<Database>,
    config: ServerConfig,
    metrics: Metrics,
    /// Queries running, against `config.limits.max_concurrent_queries`.
    queries: Arc<limits::QueryLimiter>,
    /// Requests per client, when `config.limits.requests_per_second_per_ip` is set.
    rate_limiter: Option<limits::RateLimiter>,
    /// Query texts that did not finish on the connection's thread.
    inline: inline::InlineHistory,
}

/// The routes, ready to serve or to nest in another router.
pub fn router(db: Arc<Database>, config: ServerConfig) -> Router {
    let cors = config.cors;
    let app = Arc::new(App {
        db,
        queries: Arc::new(limits::QueryLimiter::new(
            config.limits.max_concurrent_queries,
        )),
        rate_limiter: config
            .limits
            .requests_per_second_per_ip
            .map(limits::RateLimiter::new),
        config,
        metrics: Metrics::default(),
        inline: inline::InlineHistory::default(),
    });
    let rate_limited = app.rate_limiter.is_some();
    let endpoint = |endpoint: Endpoint| {
        move |State(app): State<Arc<App>>, request: Request| async move {
            protocol::sparql(app, endpoint, request).await
        }
    };
    let store = |State(app): State<Arc<App>>, request: Request| async move {
        graph_store::graph_store(app, request).await
    };
    let router = Router::new()
        .route("/", get(pages::index))
        .route(
            "/query",
            get(endpoint(Endpoint::Query)).post(endpoint(Endpoint::Query)),
        )
        .route("/update", axum::routing::post(endpoint(Endpoint::Update)))
        .route(
            "/sparql",
            get(endpoint(Endpoint::Both)).post(endpoint(Endpoint::Both)),
        )
        .route("/store", axum::routing::any(store))
        .route("/store/{*graph}", axum::routing::any(store))
        .route("/health", get(pages::health))
        .route("/health/live", get(pages::live))
        .route("/health/ready", get(pages::ready))
        .route("/metrics", get(pages::metrics))
        .route("/reasoning/inconsistencies", get(pages::inconsistencies))
        .route("/admin/backup", axum::routing::post(admin::backup))
        .fallback(|request: Request| async move {
            let error = HostError::NotFound(request.uri().path().to_owned());
            respond::error_response(&error)
        })
        .method_not_allowed_fallback(|request: Request| async move {
            let error = HostError::MethodNotAllowed(format!(
                "{} {}",
                request.method(),
                request.uri().path()
            ));
            respond::error_response(&error)
        })
        // Bodies are read with their own limit, which answers 413 in Trine's error format.
        .layer(axum::extract::DefaultBodyLimit::disable());
    let router = if rate_limited {
        router.layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            limits::rate_limit,
        ))
    } else {
        router
    };
    let router = router.with_state(app);
    if cors {
        router.layer(axum::middleware::from_fn(guard::cors))
    } else {
        router
    }
}

/// A bound server, not yet accepting.
pub struct Server {
    listener: tokio::net::TcpListener,
    router: Router,
    db: Arc<Database>,
}

impl Server {
    /// Binds `config.bind` (port 0 picks a free port; see [`local_addr`](Self::local_addr)).
    ///
    /// # Errors
    /// Fails if the address cannot be bound.
    pub async fn bind(db: Arc<Database>, config: ServerConfig) -> Result<Self, HostError> {
        let listener = tokio::net::TcpListener::bind(config.bind).await?;
        Ok(Self {
            listener,
            router: router(Arc::clone(&db), config),
            db,
        })
    }

    /// The address the server listens on.
    ///
    /// # Errors
    /// Fails if the socket has no address.
    pub fn local_addr(&self) -> Result<SocketAddr, HostError> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish and flushes the
    /// store.
    ///
    /// # Errors
    /// Fails if accepting connections fails or the final flush does.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), HostError> {
        let address = self.local_addr()?;
        tracing::info!(%address, "listening");
        // The peer address is what the per-client rate limit counts by.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let listener = self.listener.tap_io(no_delay);
        axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await?;
        tracing::info!("stopped accepting; flushing the store");
        let db = self.db;
        tokio::task::spawn_blocking(move || db.flush())
            .await
            .map_err(|e| HostError::Internal(format!("flush worker failed: {e}")))??;
        Ok(())
    }
}

/// Turns Nagle's algorithm off on an accepted connection. With it on, a keep-alive client waits
/// out a delayed acknowledgement between a response's small writes: about 7 ms a request here,
/// against 0.26 ms without it.
fn no_delay(stream: &mut tokio::net::TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "TCP_NODELAY not set on a connection");
    }
}

/// Completes on ctrl-c or, on Unix, SIGTERM: the shutdown future `trine serve` uses.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown requested");
}

/// Runs work that may take a while (storage, a long parse) on the blocking pool, so it does not
/// hold a thread that serves connections.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, HostError> + Send + 'static,
) -> Result<T, HostError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| HostError::Internal(format!("a blocking worker failed: {e}")))?
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn accepted_connections_have_no_delay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let client = tokio::net::TcpStream::connect(address);
        let ((mut accepted, _), _client) =
            tokio::try_join!(listener.accept(), client).expect("connect");
        assert!(!accepted.nodelay().expect("read the option"));
        super::no_delay(&mut accepted);
        assert!(accepted.nodelay().expect("read the option"));
    }
}
