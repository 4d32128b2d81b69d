//! The SPARQL 1.1 Graph Store HTTP Protocol on `/store`.
//!
//! A request names its graph indirectly (`/store?default`, `/store?graph=<IRI>`) or directly
//! (`/store/some/path` is the graph `http://<Host>/store/some/path`); `/store` alone is the
//! whole dataset. GET and HEAD read, PUT replaces, POST merges, DELETE drops:
//!
//! | request | answer |
//! | --- | --- |
//! | GET/HEAD a graph | 200 in the negotiated RDF syntax (Turtle by default), 404 if it does not exist |
//! | GET/HEAD `/store` | 200, the dataset in N-Quads (or TriG, JSON-LD) |
//! | PUT/POST a graph | 201 when the graph is new, 204 otherwise |
//! | POST `/store`, a graph syntax | 201, a new graph; `Location` has its IRI |
//! | PUT/POST `/store`, a dataset syntax | 204, the dataset replaced or added to |
//! | DELETE a graph | 204, 404 if it does not exist (the default graph is emptied) |
//!
//! Every write is one transaction: a body with an RDF syntax error (400, with its line and
//! column) or of an unknown media type (415) changes nothing. POST also takes
//! `multipart/form-data`, each part a document. Writes need the bearer token when one is set
//! and are refused on a read-only server, as `/update` is. Reads stream (see `graph_read`).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use trine_core::oxrdf::NamedNode;

use super::App;
use super::protocol::{header_str, read_body};
use super::respond::error_response;
use super::upload::{Document, documents};
use crate::HostError;

pub(crate) use crate::database::GraphTarget as Target;
use crate::database::{GraphDocument, WriteMode as Mode};

/// The handler of `/store` and every path below it.
pub(crate) async fn graph_store(app: Arc<App>, request: Request) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let response = match handle(&app, request).await {
        Ok(response) => response,
        Err(error) => {
            app.metrics.observe_error(error.code());
            error_response(&error)
        }
    };
    app.metrics
        .observe_graph_store(method.as_str(), started.elapsed());
    tracing::debug!(%method, status = response.status().as_u16(),
        elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "graph store request");
    response
}

async fn handle(app: &Arc<App>, request: Request) -> Result<Response, HostError> {
    let (parts, body) = request.into_parts();
    let target = target(&parts)?;
    let method = parts.method.clone();
    if method == Method::GET || method == Method::HEAD {
        return super::graph_read::read(app, &parts, target).await;
    }
    // `None` for DELETE, which takes no body.
    let mode = match method {
        Method::PUT => Some(Mode::Replace),
        Method::POST => Some(Mode::Merge),
        Method::DELETE => None,
        _ => {
            return Err(HostError::MethodNotAllowed(format!(
                "{method} /store (use GET, HEAD, PUT, POST or DELETE)"
            )));
        }
    };
    super::guard::authorize_write(&app.config, &parts.headers)?;
    let db = Arc::clone(&app.db);
    let Some(mode) = mode else {
        if target == Target::Dataset {
            return Err(HostError::BadRequest(
                "DELETE needs ?default or ?graph=IRI; the whole dataset cannot be deleted here"
                    .into(),
            ));
        }
        let existed = super::blocking(move || db.graph_store_delete(&target)).await?;
        return if existed {
            Ok(StatusCode::NO_CONTENT.into_response())
        } else {
            Err(HostError::NotFound("no such graph".into()))
        };
    };
    let bytes = read_body(body, &parts.headers, app.config.max_body_bytes).await?;
    let documents = documents(&parts, &bytes)?;
    let all_datasets = documents.iter().all(|d| d.format.supports_datasets());
    let target = match target {
        Target::Dataset if mode == Mode::Merge && !all_datasets => {
            // POST of a graph to the store itself creates a graph with a fresh IRI.
            let host = request_host(&parts).ok_or_else(|| {
                HostError::BadRequest("a Host header is needed to name a new graph".into())
            })?;
            let (location, quads) =
                super::blocking(move || db.graph_store_create(&host, &slices(&bytes, &documents)))
                    .await?;
            app.metrics.observe_graph_store_quads(quads);
            let mut response = StatusCode::CREATED.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            return Ok(response);
        }
        Target::Dataset if !all_datasets => {
            return Err(HostError::BadRequest(
                "PUT to /store replaces the dataset and needs a dataset syntax \
                 (application/n-quads, application/trig); give ?default or ?graph=IRI \
                 to replace one graph"
                    .into(),
            ));
        }
        target => target,
    };
    let base = match &target {
        Target::Named(node) => Some(node.as_str().to_owned()),
        _ => request_host(&parts).map(|host| format!("http://{host}/store")),
    };
    let (created, quads) = super::blocking(move || {
        db.graph_store_write(mode, &target, base.as_deref(), &slices(&bytes, &documents))
    })
    .await?;
    app.metrics.observe_graph_store_quads(quads);
    Ok(if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    }
    .into_response())
}

/// The target a request's query string and path name.
fn target(parts: &Parts) -> Result<Target, HostError> {
    let params: Vec<(String, String)> =
        form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let default = params.iter().any(|(key, _)| key == "default");
    let graphs: Vec<&str> = params
        .iter()
        .filter(|(key, _)| key == "graph")
        .map(|(_, value)| value.as_str())
        .collect();
    let direct = parts
        .uri
        .path()
        .strip_prefix("/store/")
        .filter(|rest| !rest.is_empty());
    let direct = match direct {
        Some(_) => {
            let host = request_host(parts).ok_or_else(|| {
                HostError::BadRequest("a Host header is needed to name a graph by path".into())
            })?;
            Some(format!("http://{host}{}", parts.uri.path()))
        }
        None => None,
    };
    let named: Vec<&str> = graphs.into_iter().chain(direct.as_deref()).collect();
    match (default, named.as_slice()) {
        (false, []) => Ok(Target::Dataset),
        (true, []) => Ok(Target::Default),
        (false, [iri]) => NamedNode::new(*iri).map(Target::Named).map_err(|e| {
            HostError::BadRequest(format!("graph {iri:?} is not an absolute IRI: {e}"))
        }),
        _ => Err(HostError::BadRequest(
            "name exactly one graph: ?default, one ?graph=IRI or a path under /store/".into(),
        )),
    }
}

/// The `Host` header, if it can be part of an IRI.
fn request_host(parts: &Parts) -> Option<String> {
    let host = header_str(&parts.headers, header::HOST)?.trim();
    let valid = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:[]".contains(&b));
    valid.then(|| host.to_owned())
}

/// The body's documents as slices of it.
fn slices<'a>(bytes: &'a [u8], documents: &[Document]) -> Vec<GraphDocument<'a>> {
    documents
        .iter()
        .map(|document| GraphDocument {
            format: document.format,
            body: bytes.get(document.body.clone()).unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str) -> Parts {
        let (parts, ()) = axum::http::Request::builder()
            .uri(uri)
            .header(header::HOST, "example.com:8080")
            .body(())
            .map(axum::http::Request::into_parts)
            .unwrap_or_else(|e| panic!("{e}"));
        parts
    }

    #[test]
    fn targets() {
        assert_eq!(target(&parts("/store")).ok(), Some(Target::Dataset));
        assert_eq!(target(&parts("/store?default")).ok(), Some(Target::Default));
        let named = target(&parts("/store?graph=http%3A%2F%2Fe%2Fg")).ok();
        assert_eq!(
            named,
            Some(Target::Named(NamedNode::new_unchecked("http://e/g")))
        );
        let direct = target(&parts("/store/people/1.ttl")).ok();
        assert_eq!(
            direct,
            Some(Target::Named(NamedNode::new_unchecked(
                "http://example.com:8080/store/people/1.ttl"
            )))
        );
        assert!(target(&parts("/store?default&graph=http://e/g")).is_err());
        assert!(target(&parts("/store?graph=relative")).is_err());
        assert!(target(&parts("/store/x?graph=http://e/g")).is_err());
    }
}
