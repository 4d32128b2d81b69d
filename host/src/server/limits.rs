//! Admission control: a cap on queries running at once (503) and a request rate per client IP
//! (429). Both refuse at once; nothing waits in a queue.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::App;
use super::respond::error_response;
use crate::HostError;

/// Counts running queries against an optional maximum.
#[derive(Debug, Default)]
pub(crate) struct QueryLimiter {
    max: Option<usize>,
    running: AtomicUsize,
    refused: AtomicU64,
}

/// A running query's place; dropping it frees the place.
#[derive(Debug)]
pub(crate) struct QueryPermit(Arc<QueryLimiter>);

impl Drop for QueryPermit {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::AcqRel);
    }
}

impl QueryLimiter {
    pub(crate) fn new(max: Option<usize>) -> Self {
        Self {
            max,
            ..Self::default()
        }
    }

    /// A place for one more query, if the maximum allows. Hold the permit until the work ends
    /// (on the worker thread, so a query that timed out for its client still counts until it
    /// stops).
    ///
    /// # Errors
    /// [`HostError::Overloaded`] when as many queries as allowed are running.
    pub(crate) fn try_acquire(self: &Arc<Self>) -> Result<QueryPermit, HostError> {
        let before = self.running.fetch_add(1, Ordering::AcqRel);
        let permit = QueryPermit(Arc::clone(self));
        if self.max.is_some_and(|max| before >= max) {
            drop(permit);
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(HostError::Overloaded { retry_after_s: 1 });
        }
        Ok(permit)
    }

    /// Queries running now.
    pub(crate) fn running(&self) -> usize {
        self.running.load(Ordering::Acquire)
    }

    /// Queries refused so far.
    pub(crate) fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }

    /// The configured maximum.
    pub(crate) fn max(&self) -> Option<usize> {
        self.max
    }
}

/// A token bucket per client address: `rate` tokens a second, as many at most.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rate: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    refused: AtomicU64,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Above this many tracked addresses, idle ones (whose bucket is full again) are forgotten, so
/// memory stays bounded under a flood of addresses.
const MAX_TRACKED: usize = 65_536;

impl RateLimiter {
    pub(crate) fn new(requests_per_second: u32) -> Self {
        Self {
            rate: f64::from(requests_per_second.max(1)),
            buckets: Mutex::new(HashMap::new()),
            refused: AtomicU64::new(0),
        }
    }

    /// Takes a token for `ip` at `now`; `Err` holds the seconds until one is free.
    pub(crate) fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut buckets = match self.buckets.lock() {
            Ok(buckets) => buckets,
            // The table holds only counters, valid whatever a panicking thread left.
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() >= MAX_TRACKED {
            let rate = self.rate;
            buckets.retain(|_, b| now.duration_since(b.updated).as_secs_f64() * rate < rate);
        }
        let bucket = buckets.entry(ip).or_insert(Bucket {
            tokens: self.rate,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate).min(self.rate);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            self.refused.fetch_add(1, Ordering::Relaxed);
            let wait = ((1.0 - bucket.tokens) / self.rate).ceil();
            // At least a second: Retry-After counts whole seconds.
            Err(if wait >= 1.0 { wait as u64 } else { 1 })
        }
    }

    /// Requests refused so far.
    pub(crate) fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

impl App {
    /// The admission-control metrics, in the Prometheus text format.
    pub(crate) fn limit_metrics(&self) -> String {
        use super::metrics::{COUNTER, GAUGE, single};
        let mut text = String::new();
        let out = &mut text;
        single(
            out,
            "trine_queries_running",
            GAUGE,
            "Queries and Graph Store reads running now.",
            self.queries.running(),
        );
        if let Some(max) = self.queries.max() {
            let help = "Most queries admitted at once.";
            single(out, "trine_queries_max", GAUGE, help, max);
        }
        single(
            out,
            "trine_queries_refused_total",
            COUNTER,
            "Queries refused with 503 because the limit was reached.",
            self.queries.refused(),
        );
        if let Some(limiter) = &self.rate_limiter {
            single(
                out,
                "trine_requests_rate_limited_total",
                COUNTER,
                "Requests refused with 429 by the per-client rate limit.",
                limiter.refused(),
            );
        }
        text
    }
}

/// Paths never rate-limited, so probes and scrapes keep working while a client floods.
fn exempt(path: &str) -> bool {
    path == "/health" || path.starts_with("/health/") || path == "/metrics"
}

/// The rate-limit middleware. The client is the TCP peer address: behind a reverse proxy every
/// client shares the proxy's address (forwarding headers are not trusted). A router served
/// without connection info (nested in another service) is not rate-limited.
pub(crate) async fn rate_limit(
    State(app): State<Arc<App>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(limiter) = &app.rate_limiter
        && !exempt(request.uri().path())
        && let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>()
        && let Err(retry_after_s) = limiter.check(peer.ip(), Instant::now())
    {
        let error = HostError::RateLimited { retry_after_s };
        app.metrics.observe_error(error.code());
        tracing::debug!(client = %peer.ip(), "request rate limited");
        return error_response(&error);
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn query_permits() {
        let limiter = Arc::new(QueryLimiter::new(Some(2)));
        let a = limiter.try_acquire();
        let b = limiter.try_acquire();
        assert!(a.is_ok() && b.is_ok());
        assert!(matches!(
            limiter.try_acquire(),
            Err(HostError::Overloaded { .. })
        ));
        assert_eq!(limiter.running(), 2);
        drop(a);
        assert!(limiter.try_acquire().is_ok());
        assert_eq!(limiter.refused(), 1);
        let unlimited = Arc::new(QueryLimiter::new(None));
        let permits: Vec<_> = (0..100).map(|_| unlimited.try_acquire()).collect();
        assert!(permits.iter().all(Result::is_ok));
    }

    #[test]
    fn token_buckets() {
        let limiter = RateLimiter::new(2);
        let ip = IpAddr::from([127, 0, 0, 1]);
        let other = IpAddr::from([127, 0, 0, 2]);
        let start = Instant::now();
        assert!(limiter.check(ip, start).is_ok());
        assert!(limiter.check(ip, start).is_ok());
        assert_eq!(limiter.check(ip, start), Err(1));
        assert!(limiter.check(other, start).is_ok());
        assert!(
            limiter
                .check(ip, start + Duration::from_millis(600))
                .is_ok()
        );
        assert!(
            limiter
                .check(ip, start + Duration::from_millis(600))
                .is_err()
        );
        assert_eq!(limiter.refused(), 2);
    }
}
