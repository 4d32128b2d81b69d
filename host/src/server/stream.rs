//! Response bodies that a blocking worker writes and the server sends as they come, so a large
//! answer (a whole dataset) never sits in memory at once.

use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Bytes, HttpBody};
use http_body::Frame;
use tokio::sync::{mpsc, oneshot};

use crate::HostError;

/// Bytes gathered before a chunk is handed to the connection.
pub(crate) const CHUNK: usize = 64 * 1024;
/// Chunks waiting for the connection before the writer blocks: memory stays under
/// `CHUNK * (QUEUED + 1)` per response.
const QUEUED: usize = 4;

/// A writer and the body it feeds.
pub(crate) fn channel() -> (ChannelWriter, ChannelBody) {
    let (sender, receiver) = mpsc::channel(QUEUED);
    (
        ChannelWriter {
            sender,
            buffer: Vec::with_capacity(CHUNK),
            start: None,
        },
        ChannelBody(receiver),
    )
}

/// A writer and the body it feeds, whose answer starts only with its first chunk: `Started`
/// then receives the media type set with [`ChannelWriter::set_media_type`]. An answer that
/// ends before its first chunk is full comes whole with its start (one hand-over between
/// threads instead of three, and a `Content-Length` instead of chunks). A failure before that
/// (most failures: a syntax error, an over-budget sort, a timeout before the first results)
/// is still sent to `Started` and answered with its own status; see [`ChannelWriter::end`].
pub(crate) fn deferred_channel() -> (ChannelWriter, ChannelBody, Started) {
    let (mut writer, body) = channel();
    let (ready, started) = oneshot::channel();
    writer.start = Some(Start {
        ready,
        media_type: "application/octet-stream",
    });
    (writer, body, started)
}

/// Where a deferred answer says it started (with its media type), or why it could not.
pub(crate) type Started = oneshot::Receiver<Result<Beginning, HostError>>;

/// How a deferred answer begins: its media type, and its whole body when it ended before its
/// first chunk (the channel's body then stays empty).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Beginning {
    pub(crate) media_type: &'static str,
    pub(crate) whole: Option<Bytes>,
}

#[derive(Debug)]
struct Start {
    ready: oneshot::Sender<Result<Beginning, HostError>>,
    media_type: &'static str,
}

/// The sending half: a blocking [`Write`] (call it on a blocking thread only).
///
/// Writes fail with [`io::ErrorKind::BrokenPipe`] once the client has gone, which stops the
/// worker early.
#[derive(Debug)]
pub(crate) struct ChannelWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
    /// For a deferred answer, until its first chunk goes out.
    start: Option<Start>,
}

impl ChannelWriter {
    /// The media type a deferred answer announces when it starts.
    pub(crate) fn set_media_type(&mut self, media_type: &'static str) {
        if let Some(start) = &mut self.start {
            start.media_type = media_type;
        }
    }

    /// Whether part of a deferred answer went out already, so it is not sent whole.
    pub(crate) fn has_streamed(&self) -> bool {
        self.start.is_none()
    }

    /// Announces a deferred answer (once), with `whole` as its entire body if it has ended.
    fn begin(&mut self, whole: Option<Bytes>) -> io::Result<()> {
        match self.start.take() {
            Some(start) => start
                .ready
                .send(Ok(Beginning {
                    media_type: start.media_type,
                    whole,
                }))
                .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away")),
            None => Ok(()),
        }
    }

    /// Ends the answer with the worker's `outcome`: the rest of it is sent on success; a
    /// failure goes to the deferred answer's [`Started`] while nothing was sent, else cuts the
    /// connection (a client gone is no failure).
    pub(crate) fn end(mut self, outcome: Result<(), HostError>) {
        let outcome = outcome.and_then(|()| {
            if self.start.is_some() {
                let whole = Bytes::from(std::mem::take(&mut self.buffer));
                return Ok(self.begin(Some(whole))?);
            }
            Ok(self.flush()?)
        });
        let Err(error) = outcome else {
            return;
        };
        if let Some(start) = self.start.take() {
            let _ = start.ready.send(Err(error));
        } else if matches!(&error, HostError::Io(e) if e.kind() == io::ErrorKind::BrokenPipe) {
            tracing::debug!("the client went away before the answer ended");
        } else {
            tracing::warn!(code = error.code(), %error, "failed while streaming an answer");
            self.fail(error.code());
        }
    }

    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        self.begin(None)?;
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }

    /// Ends the body with an error: the connection is cut, so the client cannot take a
    /// truncated answer for a complete one.
    pub(crate) fn fail(self, message: &str) {
        let _ = self
            .sender
            .blocking_send(Err(io::Error::other(message.to_owned())));
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send_buffer()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buffer()
    }
}

/// The receiving half, an HTTP body; it ends when the writer is dropped.
#[derive(Debug)]
pub(crate) struct ChannelBody(mpsc::Receiver<io::Result<Bytes>>);

impl HttpBody for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|chunk| chunk.map(Frame::data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[test]
    fn chunks_arrive_in_order() -> Result<(), Box<dyn std::error::Error>> {
        let runtime = tokio::runtime::Builder::new_current_thread().build()?;
        let (mut writer, body) = channel();
        let worker = std::thread::spawn(move || -> io::Result<()> {
            for i in 0..20_000_u32 {
                writeln!(writer, "line {i}")?;
            }
            writer.flush()
        });
        let bytes = runtime.block_on(body.collect())?.to_bytes();
        worker.join().map_err(|_| "the writer panicked")??;
        let text = String::from_utf8(bytes.to_vec())?;
        assert_eq!(text.lines().count(), 20_000);
        assert!(text.ends_with("line 19999\n"));
        Ok(())
    }

    #[test]
    fn a_deferred_answer_fails_with_its_error_until_it_starts()
    -> Result<(), Box<dyn std::error::Error>> {
        // Nothing sent yet: the error goes to `Started`.
        let (mut writer, _body, started) = deferred_channel();
        writer.write_all(b"{\"head\"")?;
        writer.end(Err(HostError::Timeout));
        assert_eq!(
            started.blocking_recv()?.map_err(|e| e.code()),
            Err("timeout")
        );
        // A first chunk sent: the answer has started with its media type.
        let runtime = tokio::runtime::Builder::new_current_thread().build()?;
        let (mut writer, body, started) = deferred_channel();
        writer.set_media_type("text/csv");
        let worker = std::thread::spawn(move || -> io::Result<()> {
            writer.write_all(&vec![b'x'; CHUNK + 1])?;
            writer.end(Ok(()));
            Ok(())
        });
        let beginning = runtime.block_on(started)?.map_err(|e| e.code());
        assert_eq!(
            beginning
                .as_ref()
                .map(|b| (b.media_type, b.whole.is_some())),
            Ok(("text/csv", false))
        );
        let bytes = runtime.block_on(body.collect())?.to_bytes();
        worker.join().map_err(|_| "the writer panicked")??;
        assert_eq!(bytes.len(), CHUNK + 1);
        Ok(())
    }

    #[test]
    fn a_short_answer_comes_whole_with_its_start() -> Result<(), Box<dyn std::error::Error>> {
        let runtime = tokio::runtime::Builder::new_current_thread().build()?;
        let (mut writer, body, started) = deferred_channel();
        writer.set_media_type("text/csv");
        writer.write_all(b"a,b\n")?;
        writer.end(Ok(()));
        let beginning = runtime
            .block_on(started)?
            .map_err(|e| e.code().to_owned())?;
        assert_eq!(beginning.media_type, "text/csv");
        assert_eq!(beginning.whole.as_deref(), Some(&b"a,b\n"[..]));
        // Nothing comes through the channel, which ends.
        assert!(runtime.block_on(body.collect())?.to_bytes().is_empty());
        Ok(())
    }

    #[test]
    fn a_gone_client_stops_the_writer() {
        let (mut writer, body) = channel();
        drop(body);
        let big = vec![b'x'; CHUNK];
        assert_eq!(
            writer.write(&big).map_err(|e| e.kind()).err(),
            Some(io::ErrorKind::BrokenPipe)
        );
    }
}
