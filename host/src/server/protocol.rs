//! The SPARQL 1.1 Protocol: `/query`, `/update` and `/sparql`, by GET, POST direct and POST
//! form.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use trine_core::sparql::CancellationToken;

use super::App;
use super::negotiate::negotiate;
use super::respond::{error_response, ok_with};
use crate::HostError;
use crate::database::ResultKey;

/// Which operations an endpoint takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `/query`: queries only.
    Query,
    /// `/update`: updates only.
    Update,
    /// `/sparql`: both.
    Both,
}

/// One protocol operation, its text and where it came from.
enum Operation {
    Query(String),
    Update(String),
}

/// The handler of every SPARQL endpoint.
pub(crate) async fn sparql(app: Arc<App>, endpoint: Endpoint, request: Request) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = match handle(&app, endpoint, request).await {
        Ok(response) => response,
        Err(error) => {
            app.metrics.observe_error(error.code());
            error_response(&error)
        }
    };
    tracing::debug!(%method, %path, status = response.status().as_u16(),
        elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX), "request");
    response
}

async fn handle(
    app: &Arc<App>,
    endpoint: Endpoint,
    request: Request,
) -> Result<Response, HostError> {
    let (parts, body) = request.into_parts();
    let mut params = parse_params(parts.uri.query().unwrap_or_default().as_bytes());
    let mut direct = None;
    if parts.method == Method::POST {
        let content_type = header_str(&parts.headers, header::CONTENT_TYPE).unwrap_or_default();
        let media = super::negotiate::content_media_type(content_type)?;
        let bytes = read_body(body, &parts.headers, app.config.max_body_bytes).await?;
        match media.as_str() {
            "application/sparql-query" => direct = Some(Operation::Query(utf8(bytes)?)),
            "application/sparql-update" => direct = Some(Operation::Update(utf8(bytes)?)),
            "application/x-www-form-urlencoded" => params.extend(parse_params(&bytes)),
            "" => {
                return Err(HostError::UnsupportedMediaType(
                    "a POST needs a Content-Type: application/sparql-query, \
                     application/sparql-update or application/x-www-form-urlencoded"
                        .into(),
                ));
            }
            other => {
                return Err(HostError::UnsupportedMediaType(format!(
                    "{other} (expected application/sparql-query, application/sparql-update or \
                     application/x-www-form-urlencoded)"
                )));
            }
        }
    }
    let values = |name: &str| -> Vec<String> {
        params
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    };
    let mut operations: Vec<Operation> = direct.into_iter().collect();
    operations.extend(values("query").into_iter().map(Operation::Query));
    let updates = values("update");
    if !updates.is_empty() && parts.method != Method::POST {
        return Err(HostError::BadRequest(
            "updates must be sent with POST".into(),
        ));
    }
    operations.extend(updates.into_iter().map(Operation::Update));
    let operation = match (operations.pop(), operations.is_empty()) {
        (Some(operation), true) => operation,
        (None, _) if parts.method == Method::GET && params.is_empty() => {
            // A GET without any parameter asks what the service is.
            let described = super::service::Described {
                endpoint: base_iri(&parts)
                    .unwrap_or_else(|| format!("http://{}{}", app.config.bind, parts.uri.path())),
                kind: endpoint,
                read_only: app.config.read_only || app.db.config().read_only,
            };
            return super::service::respond(&described, &parts.headers);
        }
        (None, _) => {
            return Err(HostError::BadRequest(
                "no operation: give a `query` or an `update`".into(),
            ));
        }
        (Some(_), false) => {
            return Err(HostError::BadRequest(
                "more than one operation: give exactly one `query` or `update`".into(),
            ));
        }
    };
    let base = base_iri(&parts);
    match (operation, endpoint) {
        (Operation::Query(_), Endpoint::Update) => Err(HostError::BadRequest(
            "this endpoint takes updates; send queries to /query or /sparql".into(),
        )),
        (Operation::Update(_), Endpoint::Query) => Err(HostError::BadRequest(
            "this endpoint takes queries; send updates to /update or /sparql".into(),
        )),
        (Operation::Query(text), _) => {
            let formats = negotiate(
                header_str(&parts.headers, header::ACCEPT),
                values("format").first().map(String::as_str),
            )?;
            let default_graphs = values("default-graph-uri");
            let named_graphs = values("named-graph-uri");
            // Trine's own parameter: leave out what the reasoner inferred.
            let explicit_only = match values("explicit-only").first().map(String::as_str) {
                None | Some("false" | "0") => false,
                Some("true" | "1") => true,
                Some(other) => {
                    return Err(HostError::BadRequest(format!(
                        "explicit-only must be true or false, not {other:?}"
                    )));
                }
            };
            // Trine's own parameter: the plan (as JSON) instead of the results; `analyze` runs
            // the query and adds what each operator measured.
            let explain = match values("explain").first().map(String::as_str) {
                None => None,
                Some("" | "plan") => Some(false),
                Some("analyze") => Some(true),
                Some(other) => {
                    return Err(HostError::BadRequest(format!(
                        "explain must be plan or analyze, not {other:?}"
                    )));
                }
            };
            let query = QueryRequest {
                text,
                base,
                default_graphs,
                named_graphs,
                explicit_only,
                explain,
            };
            run_query(app, query, formats).await
        }
        (Operation::Update(text), _) => {
            super::guard::authorize_write(&app.config, &parts.headers)?;
            let using = values("using-graph-uri");
            let using_named = values("using-named-graph-uri");
            run_update(app, text, base, using, using_named).await
        }
    }
}

/// A query as the protocol sends it: the text and its parameters.
struct QueryRequest {
    text: String,
    base: Option<String>,
    default_graphs: Vec<String>,
    named_graphs: Vec<String>,
    explicit_only: bool,
    /// EXPLAIN instead of results: `Some(true)` for EXPLAIN ANALYZE.
    explain: Option<bool>,
}

/// Runs a query and sends its answer. A query not known to take long is first tried on this
/// thread, for a moment and one chunk of answer (see [`inline`](super::inline)); otherwise, or
/// when that does not finish it, it runs on the blocking pool and its answer streams as it is
/// produced, so memory does not grow with the result and a client that goes away stops the
/// query. The answer starts with its first 64 KiB (or its end): a failure before that (syntax,
/// a memory budget, the timeout) gets its own status; a failure after that cuts the connection.
async fn run_query(
    app: &Arc<App>,
    request: QueryRequest,
    formats: crate::database::OutputFormats,
) -> Result<Response, HostError> {
    let started = Instant::now();
    let permit = app.queries.try_acquire()?;
    // Parsed before anything runs: a syntax error is answered at once, and a query that calls
    // another endpoint is never tried inline, where waiting on the network would stall every
    // connection this thread serves.
    let (request, query) = parse(app, request).await?;
    let query = query.explicit_only(request.explicit_only);
    if request.explain.is_none()
        && !query.prepared().calls_service()
        && app.inline.should_try(&request.text)
    {
        let token = CancellationToken::with_deadline(started + super::inline::BUDGET);
        let mut inline = super::inline::InlineAnswer::new();
        match answer(app, &request, &query, &formats, &mut inline, token.clone()) {
            Ok(()) => {
                drop(permit);
                app.inline.count_answered();
                app.metrics.observe_query(query.form(), started.elapsed());
                return Ok(ok_with(inline.media_type, Bytes::from(inline.bytes)));
            }
            // Out of time or room: dropped, and run on the pool below.
            Err(_) if inline.overflowed || token.is_cancelled() => {
                app.inline.decline(&request.text);
            }
            Err(error) => return Err(error),
        }
    }
    let worker_app = Arc::clone(app);
    let token = CancellationToken::new();
    let task_token = token.clone();
    let (mut writer, body, is_started) = super::stream::deferred_channel();
    tokio::task::spawn_blocking(move || {
        // Held until the query has run, even after its client was answered with a timeout,
        // and given back before the answer's end is sent: a client that sends its next
        // request as soon as this answer ends must find the slot free.
        let ran = Instant::now();
        let outcome = answer(
            &worker_app,
            &request,
            &query,
            &formats,
            &mut writer,
            task_token,
        );
        drop(permit);
        if outcome.is_ok() {
            worker_app
                .metrics
                .observe_query(query.form(), started.elapsed());
            if !writer.has_streamed() && ran.elapsed() < super::inline::BUDGET / 2 {
                // Quick and small this time (its first run may have been slow while caches
                // filled): try it inline again next time.
                worker_app.inline.forget(&request.text);
            }
        }
        writer.end(outcome);
    });
    let started = match app.config.timeout {
        Some(timeout) => match tokio::time::timeout(timeout, is_started).await {
            Ok(started) => started,
            Err(_) => {
                // The worker stops at its next cancellation check; nobody waits for it.
                token.cancel();
                return Err(HostError::Timeout);
            }
        },
        None => is_started.await,
    };
    let beginning =
        started.map_err(|_| HostError::Internal("the query worker failed".into()))??;
    Ok(match beginning.whole {
        Some(whole) => ok_with(beginning.media_type, whole),
        None => ok_with(beginning.media_type, Body::new(body)),
    })
}

/// Longest query text parsed on the connection's thread. Shorter ones are usually parsed-query
/// cache hits, or parse in well under a millisecond; a longer one (a VALUES block of thousands
/// of rows, say) is parsed on the blocking pool, so it does not hold a thread that serves
/// other connections for as long as its parse takes.
const INLINE_PARSE_BYTES: usize = 16 * 1024;

/// Parses `request`'s query through the database's parsed-query cache, on this thread or, for a
/// long text, on the blocking pool; hands the request back with the query.
async fn parse(
    app: &Arc<App>,
    request: QueryRequest,
) -> Result<(QueryRequest, crate::database::Query), HostError> {
    let run = |db: &crate::Database, request: &QueryRequest| {
        db.parse_query(
            &request.text,
            request.base.as_deref(),
            &request.default_graphs,
            &request.named_graphs,
        )
    };
    if request.text.len() <= INLINE_PARSE_BYTES {
        let query = run(&app.db, &request)?;
        return Ok((request, query));
    }
    let db = Arc::clone(&app.db);
    super::blocking(move || {
        let query = run(&db, &request)?;
        Ok((request, query))
    })
    .await
}

/// Where [`answer`] writes: a streamed body, or an answer gathered whole.
trait AnswerSink: std::io::Write {
    /// The media type of what follows.
    fn set_media_type(&mut self, media_type: &'static str);
}

impl AnswerSink for super::stream::ChannelWriter {
    fn set_media_type(&mut self, media_type: &'static str) {
        super::stream::ChannelWriter::set_media_type(self, media_type);
    }
}

impl AnswerSink for super::inline::InlineAnswer {
    fn set_media_type(&mut self, media_type: &'static str) {
        self.media_type = media_type;
    }
}

/// Runs `query` (the parse of `request`), writing its answer (or its plan) to `writer`.
fn answer(
    app: &App,
    request: &QueryRequest,
    query: &crate::Query,
    formats: &crate::database::OutputFormats,
    writer: &mut impl AnswerSink,
    token: CancellationToken,
) -> Result<(), HostError> {
    let db = &app.db;
    if let Some(analyze) = request.explain {
        let explained = db.explain(query, analyze, Some(token))?;
        writer.set_media_type("application/json");
        writer.write_all(explained.to_json().as_bytes())?;
        return Ok(());
    }
    let format = crate::database::OutputFormat::choose(query.form(), formats)?;
    writer.set_media_type(format.media_type());
    let key = |media_type| ResultKey {
        text: request.text.clone(),
        base: request.base.clone(),
        default_graphs: request.default_graphs.clone(),
        named_graphs: request.named_graphs.clone(),
        explicit_only: request.explicit_only,
        media_type,
    };
    db.query_cached(query, key, formats, &mut *writer, Some(token))?;
    Ok(())
}

async fn run_update(
    app: &Arc<App>,
    text: String,
    base: Option<String>,
    using: Vec<String>,
    using_named: Vec<String>,
) -> Result<Response, HostError> {
    let started = Instant::now();
    let db = Arc::clone(&app.db);
    // No outer timeout here: answering before the write ends could tell a client its update
    // failed when it then commits. The engine's deadline (the configured query timeout) bounds
    // the WHERE clauses, and a timed-out request writes nothing.
    let summary = tokio::task::spawn_blocking(move || {
        db.update_with(&text, base.as_deref(), &using, &using_named, None)
    })
    .await
    .map_err(|e| HostError::Internal(format!("update worker failed: {e}")))??;
    app.metrics.observe_update(started.elapsed());
    let body = serde_json::json!({ "inserted": summary.inserted, "deleted": summary.deleted });
    Ok(ok_with("application/json", body.to_string()))
}

/// The base IRI of a request's operation: the endpoint's own URL, as the protocol allows, when
/// the `Host` header makes it a valid IRI.
pub(crate) fn base_iri(parts: &axum::http::request::Parts) -> Option<String> {
    let host = header_str(&parts.headers, header::HOST)?;
    let base = format!("http://{host}{}", parts.uri.path());
    trine_core::oxrdf::NamedNode::new(base.as_str()).ok()?;
    Some(base)
}

/// Reads a body of at most `limit` bytes.
pub(crate) async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, HostError> {
    let declared = header_str(headers, header::CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(HostError::BodyTooLarge { limit });
    }
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let inner = error.into_inner();
        if inner
            .downcast_ref::<http_body_util::LengthLimitError>()
            .is_some()
        {
            HostError::BodyTooLarge { limit }
        } else {
            HostError::BadRequest("the request body could not be read".into())
        }
    })
}

fn parse_params(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).into_owned().collect()
}

fn utf8(bytes: Bytes) -> Result<String, HostError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| HostError::BadRequest("the request body is not UTF-8".into()))
}

pub(crate) fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}
