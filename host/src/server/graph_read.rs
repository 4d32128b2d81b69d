//! Graph Store reads (`GET`, `HEAD`): the answer streams from one snapshot, so its size is not
//! bounded by memory.

use std::sync::Arc;
use std::time::Instant;

use axum::http::{HeaderValue, Method, header, request::Parts};
use axum::response::Response;
use trine_core::io::{RdfFormat, RdfSerializer};
use trine_core::kv::DynBackend;
use trine_core::storage::{QuadRead, Snapshot};

use super::App;
use super::graph_store::Target;
use super::negotiate::negotiate_rdf;
use super::protocol::header_str;
use super::stream::ChannelWriter;
use crate::{Database, HostError};

/// GET and HEAD on `target`.
pub(crate) async fn read(
    app: &Arc<App>,
    parts: &Parts,
    target: Target,
) -> Result<Response, HostError> {
    let accept = header_str(&parts.headers, header::ACCEPT);
    let format = match target {
        Target::Dataset => negotiate_rdf(accept, RdfFormat::NQuads, true)?,
        _ => negotiate_rdf(accept, RdfFormat::Turtle, false)?,
    };
    let permit = app.queries.try_acquire()?;
    let db = Arc::clone(&app.db);
    let deadline = app.config.timeout.map(|timeout| Instant::now() + timeout);
    let head = parts.method == Method::HEAD;
    let (writer, body) = super::stream::channel();
    let (ready, is_ready) = tokio::sync::oneshot::channel();
    tokio::task::spawn_blocking(move || {
        let read = Read {
            target: &target,
            format,
            deadline,
            head,
            permit,
        };
        read.run(&db, writer, ready);
    });
    is_ready
        .await
        .map_err(|_| HostError::Internal("graph store worker failed".into()))??;
    let mut response = Response::new(axum::body::Body::new(body));
    let media = format!("{}; charset=utf-8", format.media_type());
    if let Ok(value) = HeaderValue::from_str(&media) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    Ok(response)
}

/// One GET or HEAD, on its worker thread.
struct Read<'a> {
    target: &'a Target,
    format: RdfFormat,
    /// Past it the dump gives up (checked every few thousand quads).
    deadline: Option<Instant>,
    /// Only whether the graph exists matters.
    head: bool,
    /// Held while the answer streams (a long dump counts against the query limit), given back
    /// before its end is sent, so the client's next request finds the slot free.
    permit: super::limits::QueryPermit,
}

impl Read<'_> {
    /// Tells `ready` whether there is an answer (a missing graph or a storage failure is an
    /// error status), then streams it into `writer`; a failure after that cuts the connection.
    fn run(self, db: &Database, mut writer: ChannelWriter, ready: Ready) {
        let _span = tracing::info_span!("graph_store_read", target = %self.target.label(),
            format = self.format.name())
        .entered();
        let snapshot = match self.open(db) {
            Ok(snapshot) => snapshot,
            Err(error) => {
                let _ = ready.send(Err(error));
                return;
            }
        };
        if ready.send(Ok(())).is_err() || self.head {
            return;
        }
        let written = self.write(&snapshot, &mut writer);
        drop(self.permit);
        // Sends the rest, or cuts the connection on a failure (a client gone is none).
        writer.end(written);
    }

    fn open<'d>(&self, db: &'d Database) -> Result<Snapshot<'d, DynBackend>, HostError> {
        let snapshot = db.store().snapshot()?;
        if let Some(graph) = self.target.graph_name()
            && !snapshot.contains_named_graph(graph)?
        {
            return Err(HostError::NotFound("no such graph".into()));
        }
        Ok(snapshot)
    }

    fn write(
        &self,
        snapshot: &Snapshot<'_, DynBackend>,
        writer: &mut ChannelWriter,
    ) -> Result<(), HostError> {
        let mut serializer = RdfSerializer::from_format(self.format).for_writer(&mut *writer);
        let check = |written: usize| {
            if written.is_multiple_of(4096)
                && self
                    .deadline
                    .is_some_and(|deadline| Instant::now() > deadline)
            {
                Err(HostError::Timeout)
            } else {
                Ok(())
            }
        };
        match self.target.graph_name() {
            None => {
                for (written, quad) in snapshot.iter().enumerate() {
                    check(written)?;
                    serializer.serialize_quad(&quad?)?;
                }
            }
            Some(graph) => {
                let quads = snapshot.quads_for_pattern(None, None, None, Some(graph))?;
                for (written, quad) in quads.enumerate() {
                    check(written)?;
                    serializer.serialize_triple(quad?.as_ref())?;
                }
            }
        }
        // The last bytes go out with the writer, after the query slot is given back.
        serializer.finish()?;
        Ok(())
    }
}

/// Where a read worker says whether it has an answer.
type Ready = tokio::sync::oneshot::Sender<Result<(), HostError>>;
