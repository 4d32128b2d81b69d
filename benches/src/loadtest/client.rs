//! One client thread of the load test: until the deadline, it picks a request kind by weight and
//! sends it over a fresh connection ([`crate::compare::http`]), timing every response and
//! classifying it as a success, a deliberate limit response (429, 503) or an error.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::writes::{self, WriteId};
use crate::compare::http::{self, Response};
use crate::rng::Rng;

/// The response formats asked for queries: JSON results for SELECT and ASK, N-Triples for graphs.
const QUERY_ACCEPT: &str = "application/sparql-results+json, application/n-triples;q=0.9";
/// The pause after a limit response: short, so the server stays under pressure, but not a spin.
const LIMIT_BACKOFF: Duration = Duration::from_millis(20);
/// Error messages each client keeps for the report.
const ERRORS_KEPT: usize = 5;

/// What a request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A query of the BSBM explore mix, POSTed to `/query`.
    Query,
    /// `GET /store?graph=…` of the client's own graph, in N-Triples.
    GraphRead,
    /// An `INSERT DATA` of one write, POSTed to `/update`.
    Update,
}

impl Kind {
    /// Every kind, in report order (the order of [`super::Config::mix`]).
    pub const ALL: [Self; 3] = [Self::Query, Self::GraphRead, Self::Update];

    /// The name in the report.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Query => "query",
            Self::GraphRead => "graph-store read",
            Self::Update => "update",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Query => 0,
            Self::GraphRead => 1,
            Self::Update => 2,
        }
    }
}

/// How the requests of one kind went.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Requests sent (whatever came back).
    pub requests: u64,
    /// Latency of each successful request, in milliseconds.
    pub ok_ms: Vec<f64>,
    /// Deliberate limit responses: 503 (too many queries running, or the query timeout) and
    /// 429 (rate limit).
    pub limited: u64,
    /// Everything else that failed: other statuses, transport failures and timeouts, and
    /// Graph Store reads that missed the client's own acknowledged write.
    pub errors: u64,
}

impl Tally {
    /// Adds `other`'s counts and samples to these.
    pub fn merge(&mut self, other: &Self) {
        self.requests += other.requests;
        self.ok_ms.extend_from_slice(&other.ok_ms);
        self.limited += other.limited;
        self.errors += other.errors;
    }
}

/// What one client did.
#[derive(Debug, Clone, Default)]
pub struct ClientLog {
    /// Per kind, in [`Kind::ALL`] order.
    pub tallies: [Tally; 3],
    /// The writes the server acknowledged with a 2xx.
    pub acknowledged: Vec<WriteId>,
    /// The first few error messages.
    pub errors: Vec<String>,
}

/// What every client shares.
#[derive(Debug, Clone, Copy)]
pub struct Workload<'a> {
    /// The server.
    pub address: SocketAddr,
    /// `(label, text)` of the queries to draw from.
    pub queries: &'a [(String, String)],
    /// Weights of queries, Graph Store reads and updates.
    pub mix: [u64; 3],
    /// Longest wait for one response.
    pub timeout: Duration,
    /// When the clients stop sending.
    pub deadline: Instant,
    /// Seed of the clients' choices (each client derives its own stream).
    pub seed: u64,
}

/// A response as the report sees it.
enum Outcome {
    Ok(Response),
    Limited,
    Failed(String),
}

fn classify(response: std::io::Result<Response>) -> Outcome {
    match response {
        Ok(r) if (200..300).contains(&r.status) => Outcome::Ok(r),
        Ok(r) if r.status == 429 || r.status == 503 => Outcome::Limited,
        Ok(r) => {
            let body = String::from_utf8_lossy(&r.body);
            let body: String = body.chars().take(200).collect();
            Outcome::Failed(format!("HTTP {}: {body}", r.status))
        }
        Err(e) => Outcome::Failed(format!("transport: {e}")),
    }
}

/// Runs client `client` of `work` until the deadline.
#[must_use]
pub fn run(client: usize, work: &Workload<'_>) -> ClientLog {
    let mut log = ClientLog::default();
    let mut rng = Rng::derive(work.seed, &[client as u64]);
    let total: u64 = work.mix.iter().sum();
    let mut next_seq = 0;
    while Instant::now() < work.deadline {
        let mut draw = rng.below(total);
        let mut kind = Kind::Update;
        for (candidate, weight) in Kind::ALL.into_iter().zip(work.mix) {
            if draw < weight {
                kind = candidate;
                break;
            }
            draw -= weight;
        }
        // The client's graph exists once one of its writes is acknowledged; until then it
        // writes, so a read never answers 404.
        let last_write = log.acknowledged.last().copied();
        if kind == Kind::GraphRead && last_write.is_none() {
            kind = Kind::Update;
        }
        let started = Instant::now();
        let (outcome, context) = match kind {
            Kind::Query => {
                let (label, text) = &work.queries[rng.index(work.queries.len())];
                let response = http::post(
                    work.address,
                    "/query",
                    "application/sparql-query",
                    QUERY_ACCEPT,
                    text.as_bytes(),
                    work.timeout,
                );
                (classify(response), label.clone())
            }
            Kind::GraphRead => {
                let response = http::get_accepting(
                    work.address,
                    &format!("/store?graph={}", encode(&writes::graph(client))),
                    "application/n-triples",
                    work.timeout,
                );
                let outcome = match (classify(response), last_write) {
                    (Outcome::Ok(r), Some(write)) => {
                        // Acknowledged before this read was sent, so it must be in the answer.
                        let subject = format!("<{}>", write.subject());
                        if String::from_utf8_lossy(&r.body).contains(&subject) {
                            Outcome::Ok(r)
                        } else {
                            Outcome::Failed(format!(
                                "the graph lacks the client's acknowledged write {subject}"
                            ))
                        }
                    }
                    (outcome, _) => outcome,
                };
                (outcome, writes::graph(client))
            }
            Kind::Update => {
                let write = WriteId {
                    client,
                    seq: next_seq,
                };
                next_seq += 1;
                let response = http::post(
                    work.address,
                    "/update",
                    "application/sparql-update",
                    "application/json",
                    write.update().as_bytes(),
                    work.timeout,
                );
                let outcome = classify(response);
                if matches!(outcome, Outcome::Ok(_)) {
                    log.acknowledged.push(write);
                }
                (outcome, write.subject())
            }
        };
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        let tally = &mut log.tallies[kind.index()];
        tally.requests += 1;
        match outcome {
            Outcome::Ok(_) => tally.ok_ms.push(elapsed_ms),
            Outcome::Limited => {
                tally.limited += 1;
                std::thread::sleep(LIMIT_BACKOFF);
            }
            Outcome::Failed(message) => {
                tally.errors += 1;
                if log.errors.len() < ERRORS_KEPT {
                    log.errors.push(format!(
                        "client {client}, {} {context} after {elapsed_ms:.0} ms: {message}",
                        kind.name()
                    ));
                }
            }
        }
    }
    log
}

/// Percent-encodes `value` for a query string (everything but unreserved characters).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn encodes_graph_iris() {
        assert_eq!(encode("http://e/g 1"), "http%3A%2F%2Fe%2Fg%201");
        assert_eq!(encode("a-b_c.d~"), "a-b_c.d~");
    }

    #[test]
    fn classifies_statuses() {
        let response = |status| {
            Ok(Response {
                status,
                headers: Vec::new(),
                body: b"nope".to_vec(),
            })
        };
        assert!(matches!(classify(response(204)), Outcome::Ok(_)));
        assert!(matches!(classify(response(503)), Outcome::Limited));
        assert!(matches!(classify(response(429)), Outcome::Limited));
        assert!(matches!(classify(response(500)), Outcome::Failed(m) if m == "HTTP 500: nope"));
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(matches!(classify(Err(refused)), Outcome::Failed(_)));
    }
}
