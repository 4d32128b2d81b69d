//! Durable stores in browsers: the core's journal backend over two files of the Origin Private
//! File System, through their synchronous access handles (which only dedicated workers have;
//! `js/index.js` opens them, and a page talks to such a worker through `RemoteStore`).
//!
//! redb over the same handles was built and measured first: 2,591,980 bytes of WebAssembly
//! (2,373,735 at `opt-level = "z"` everywhere), over the package's 2,000,000-byte budget; the
//! journal costs a few kilobytes.

use std::io;

use trine_core::kv::JournalFile;
use wasm_bindgen::JsValue;
use web_sys::{FileSystemReadWriteOptions, FileSystemSyncAccessHandle};

/// An OPFS file. The handle is exclusive: while a store has it, no other tab or worker can open
/// the same file.
#[derive(Debug)]
pub(crate) struct OpfsFile {
    handle: FileSystemSyncAccessHandle,
}

impl OpfsFile {
    pub(crate) fn new(handle: FileSystemSyncAccessHandle) -> Self {
        Self { handle }
    }
}

impl Drop for OpfsFile {
    fn drop(&mut self) {
        // Releases the file for the next opening (a reload, another tab).
        let _ = self.handle.flush();
        self.handle.close();
    }
}

fn io_error(error: JsValue) -> io::Error {
    let message = js_sys::Error::from(error)
        .message()
        .as_string()
        .unwrap_or_else(|| "OPFS failed".to_owned());
    io::Error::other(message)
}

fn at(offset: u64) -> FileSystemReadWriteOptions {
    let options = FileSystemReadWriteOptions::new();
    // Offsets are exact in a double up to 2^53 bytes.
    options.set_at(offset as f64);
    options
}

impl JournalFile for OpfsFile {
    fn len(&self) -> io::Result<u64> {
        Ok(self.handle.get_size().map_err(io_error)? as u64)
    }

    fn read_at(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        let read = self
            .handle
            .read_with_u8_array_and_options(out, &at(offset))
            .map_err(io_error)?;
        if (read as usize) < out.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("read {read} of {} bytes at {offset}", out.len()),
            ));
        }
        Ok(())
    }

    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let written = self
            .handle
            .write_with_u8_array_and_options(data, &at(offset))
            .map_err(io_error)?;
        if (written as usize) < data.len() {
            return Err(io::Error::new(
                io::ErrorKind::WriteZero,
                format!("wrote {written} of {} bytes at {offset}", data.len()),
            ));
        }
        Ok(())
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        // Growing through `truncate` fills with zeros.
        self.handle.truncate_with_f64(len as f64).map_err(io_error)
    }

    fn sync(&self) -> io::Result<()> {
        self.handle.flush().map_err(io_error)
    }
}
