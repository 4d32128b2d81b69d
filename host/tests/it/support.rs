//! A server started in-process on 127.0.0.1 and a minimal HTTP/1.1 client.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use trine_host::server::{Server, ServerConfig};
use trine_host::{Config, Database};

/// A running server; dropping it shuts it down and waits for it.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// A server on an in-memory database.
    pub fn start(adjust: impl FnOnce(&mut Config, &mut ServerConfig)) -> Self {
        Self::start_at("memory:", adjust)
    }

    /// A server on the database at `location`.
    pub fn start_at(location: &str, adjust: impl FnOnce(&mut Config, &mut ServerConfig)) -> Self {
        let mut config = Config::default();
        let mut server_config = ServerConfig::from_config(&config);
        server_config.bind = SocketAddr::from(([127, 0, 0, 1], 0));
        adjust(&mut config, &mut server_config);
        let db = Arc::new(Database::open_with(location, config).expect("open the database"));
        Self::serve(db, server_config)
    }

    /// A server on `db`.
    pub fn serve(db: Arc<Database>, server_config: ServerConfig) -> Self {
        let (addr_sender, addr_receiver) = mpsc::channel();
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let server = Server::bind(db, server_config).await.expect("bind");
                addr_sender
                    .send(server.local_addr().expect("an address"))
                    .expect("send the address");
                server
                    .run(async move {
                        let _ = tokio::task::spawn_blocking(move || stopped.recv()).await;
                    })
                    .await
                    .expect("serve");
            });
        });
        let addr = addr_receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("the server starts");
        Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        request(self.addr, "GET", path, headers, b"")
    }

    pub fn post(&self, path: &str, content_type: &str, body: &str) -> Response {
        self.post_with(path, &[("Content-Type", content_type)], body.as_bytes())
    }

    pub fn post_with(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
        request(self.addr, "POST", path, headers, body)
    }

    /// Runs an update that must succeed.
    pub fn update(&self, update: &str) {
        let response = self.post("/update", "application/sparql-update", update);
        assert_eq!(response.status, 200, "{}", response.body);
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A response, its body decoded as UTF-8.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One request on its own connection (`Connection: close`), read to the end.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    // The server may answer (413) before reading everything: keep going to read its answer.
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("a status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8(body).expect("a UTF-8 body"),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .expect("a chunk size");
        if size == 0 {
            return out;
        }
        let start = line_end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}

/// Percent-encodes a query-string or form value.
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

pub const DATA: &str = "INSERT DATA {
    <http://example.com/alice> <http://example.com/knows> <http://example.com/bob> .
    <http://example.com/bob> <http://example.com/knows> <http://example.com/carol> .
    GRAPH <http://example.com/g> { <http://example.com/carol> <http://example.com/age> 42 }
}";
