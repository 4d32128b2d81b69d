//! Response bodies that a blocking worker writes and the server sends as they come, so a large
//! answer (a whole dataset) never sits in memory at once.

use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Bytes, HttpBody};
use http_body::Frame;
use tokio::sync::mpsc;

/// Bytes gathered before a chunk is handed to the connection.
const CHUNK: usize = 64 * 1024;
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
        },
        ChannelBody(receiver),
    )
}

/// The sending half: a blocking [`Write`] (call it on a blocking thread only).
///
/// Writes fail with [`io::ErrorKind::BrokenPipe`] once the client has gone, which stops the
/// worker early.
#[derive(Debug)]
pub(crate) struct ChannelWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
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
