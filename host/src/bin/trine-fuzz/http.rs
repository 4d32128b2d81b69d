//! The HTTP target: requests of every shape to a server running in this process, over loopback.
//! No request may get a 500 or panic a handler (the driver's panic hook sees panics on the
//! server's threads too), and a refused write must leave the store as it was.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use trine_host::Database;
use trine_host::server::{Server, ServerConfig};

use crate::mutate::{Rng, mutate};
use crate::targets::{HANG, fingerprint};

/// The server, on a memory store, and a way to stop it.
pub struct Target {
    db: Arc<Database>,
    address: SocketAddr,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The last request got no answer: the server may still be working on it.
    unanswered: std::cell::Cell<bool>,
}

impl Target {
    pub fn start() -> Result<Self, String> {
        let mut config = trine_host::Config::default();
        config.query_timeout = Some(Duration::from_secs(2));
        config.max_body_bytes = 1 << 20;
        let db =
            Arc::new(Database::open_with("memory:", config.clone()).map_err(|e| e.to_string())?);
        db.load(
            trine_core::io::RdfFormat::TriG,
            crate::targets::DATA.as_bytes(),
            &trine_core::io::LoadOptions::new(),
        )
        .map_err(|e| e.to_string())?;
        let mut server_config = ServerConfig::from_config(&config);
        server_config.bind = SocketAddr::from(([127, 0, 0, 1], 0));
        let (address_sender, address) = std::sync::mpsc::channel();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let served = Arc::clone(&db);
        let thread = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let Ok(server) = Server::bind(served, server_config).await else {
                    return;
                };
                let _ = address_sender.send(server.local_addr().ok());
                let _ = server
                    .run(async move {
                        let _ = tokio::task::spawn_blocking(move || stopped.recv()).await;
                    })
                    .await;
            });
        });
        let address = address
            .recv_timeout(Duration::from_secs(30))
            .ok()
            .flatten()
            .ok_or("the server did not start")?;
        Ok(Self {
            db,
            address,
            stop: Some(stop),
            thread: Some(thread),
            unanswered: std::cell::Cell::new(false),
        })
    }

    /// Sends `request`; `Ok(true)` for a 2xx answer. A request broken at the HTTP level may
    /// get no answer at all (the connection is closed); a panic behind it is caught by the
    /// driver's hook.
    pub fn case(&self, request: &[u8]) -> Result<bool, String> {
        if self.unanswered.replace(false) {
            self.settle();
        }
        let before = fingerprint(self.db.store());
        let started = Instant::now();
        let status = send(self.address, request);
        if started.elapsed() > HANG {
            return Err(format!(
                "took {:?}, past the {HANG:?} limit",
                started.elapsed()
            ));
        }
        let Some(status) = status else {
            // The connection closed without an answer (the request broke HTTP, or the server
            // took the half-closed connection for a client gone): a write the handler had
            // started may still land, so the next case waits for the store to settle.
            self.unanswered.set(true);
            return Ok(false);
        };
        // 501 (a SPARQL feature Trine does not run), 502 (a SERVICE endpoint failed), 503
        // (timeout, overload) and 504 are documented answers; any other 5xx is the server
        // failing.
        if status >= 500 && !matches!(status, 501..=504) {
            return Err(format!("answered {status}"));
        }
        let accepted = (200..300).contains(&status);
        if !accepted && fingerprint(self.db.store()) != before {
            return Err(format!("a refused request ({status}) changed the store"));
        }
        Ok(accepted)
    }
}

impl Target {
    /// Waits until no write has held the store for a while.
    fn settle(&self) {
        const QUIET: Duration = Duration::from_millis(500);
        let store = self.db.store();
        let mut last = store.generation();
        let mut since = Instant::now();
        while since.elapsed() < QUIET {
            std::thread::sleep(Duration::from_millis(20));
            let now = store.generation();
            if now != last || now % 2 == 1 {
                last = now;
                since = Instant::now();
            }
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "GeT", "POST ",
];
const PATHS: &[&str] = &[
    "/query",
    "/update",
    "/sparql",
    "/store",
    "/store?default",
    "/store?graph=http%3A%2F%2Fe%2Fg",
    "/store/g",
    "/health",
    "/metrics",
    "/",
    "/admin/backup",
    "/reasoning/inconsistencies",
    "/query?query=",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/store?graph=%ZZ",
    "//query",
    "/query#x",
];
const CONTENT_TYPES: &[&str] = &[
    "application/sparql-query",
    "application/sparql-update",
    "application/x-www-form-urlencoded",
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/rdf+xml",
    "application/ld+json",
    "multipart/form-data; boundary=x",
    "text/plain",
    "",
    "application/sparql-query; charset=latin1",
    ";;;",
];
const ACCEPTS: &[&str] = &[
    "*/*",
    "application/sparql-results+json",
    "text/csv",
    "application/sparql-results+xml",
    "text/turtle",
    "application/n-quads",
    "text/html",
    "nonsense/*;q=x",
    "",
];

fn percent_encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (*b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One request as raw bytes: a method, a path (with a percent-encoded query or update sometimes),
/// headers, and a body from the texts, each piece sometimes damaged.
pub fn generate(rng: &mut Rng, texts: &[Vec<u8>]) -> Vec<u8> {
    let text = rng.pick(texts).cloned().unwrap_or_default();
    let other = rng.pick(texts).cloned().unwrap_or_default();
    let body = if rng.below(3) == 0 {
        text.clone()
    } else {
        mutate(rng, &text, &other)
    };
    let method = rng.pick(METHODS).copied().unwrap_or("GET");
    let mut path = rng.pick(PATHS).copied().unwrap_or("/").to_owned();
    match rng.below(4) {
        0 => path = format!("/query?query={}", percent_encode(&body)),
        1 => path.push_str(&format!(
            "&format={}&explain=analyze&explicit-only=1",
            rng.below(3)
        )),
        2 => path.push_str(&format!("?default-graph-uri={}", percent_encode(&other))),
        _ => {}
    }
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n");
    let content_type = rng.pick(CONTENT_TYPES).copied().unwrap_or("");
    if !content_type.is_empty() {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    let accept = rng.pick(ACCEPTS).copied().unwrap_or("");
    if !accept.is_empty() {
        head.push_str(&format!("Accept: {accept}\r\n"));
    }
    if rng.below(5) == 0 {
        head.push_str("Authorization: Bearer wrong\r\nContent-Encoding: gzip\r\n");
    }
    let length = match rng.below(8) {
        0 => body.len() + 3,
        1 => body.len().saturating_sub(2),
        _ => body.len(),
    };
    head.push_str(&format!("Content-Length: {length}\r\n\r\n"));
    let mut request = head.into_bytes();
    request.extend_from_slice(&body);
    if rng.below(10) == 0 {
        request = mutate(rng, &request, &other);
    }
    request
}

/// Writes `request` and reads the status code of the answer, if one comes.
fn send(address: SocketAddr, request: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&address, HANG).ok()?;
    stream.set_read_timeout(Some(HANG)).ok()?;
    stream.set_write_timeout(Some(HANG)).ok()?;
    // The server may answer (413, 400) before reading the whole body, and close.
    let _ = stream.write_all(request);
    // A request whose head is whole and whose body is all there is left open, as clients do
    // (the server takes a half-closed connection for a client gone and may drop the answer);
    // the others are half-closed, so the server sees their end instead of waiting for more.
    if !is_complete(request) {
        let _ = stream.shutdown(std::net::Shutdown::Write);
    }
    // Only the status line: the connection may stay open (a damaged `Connection` header) or
    // stream a long answer, and leaving early is a client going away, which the server handles.
    let mut answer = Vec::new();
    let mut buffer = [0; 512];
    while !answer.contains(&b'\n') {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => answer.extend_from_slice(&buffer[..read]),
        }
    }
    let line = answer.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    line.split(' ').nth(1).and_then(|code| code.parse().ok())
}

/// Whether `request` has a whole head and at least the body its `Content-Length` declares.
fn is_complete(request: &[u8]) -> bool {
    let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&request[..end]);
    let declared = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    });
    declared.is_some_and(|length| request.len() - (end + 4) >= length)
}
