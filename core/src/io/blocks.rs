//! N-Triples and N-Quads files read in blocks of whole lines and parsed on several threads.
//!
//! Every statement of these syntaxes sits on one line, so a file cut at line ends parses block by
//! block, and the threads of a bulk load take blocks from one shared reader. Unless the load is
//! lenient already, a block is first parsed leniently, which skips IRI and language-tag validation
//! (about a fifth of a load's CPU), and its terms are checked instead, each distinct IRI and
//! language tag once per thread (`term_check`). A block the check cannot vouch for is parsed
//! again strictly; after a few such blocks the rest of the file is parsed strictly from the start
//! of each block. So a load accepts and rejects exactly what a strict parse does.
//!
//! A strict parse error is reported from a strict parse of the whole file up to its first error,
//! so its line and column count from the start of the file.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use oxrdf::Quad;
use oxrdfio::{RdfParser, RdfSyntaxError};

use super::LoadError;
use super::slice::BLOCK_BYTES;
use super::term_check::BlockParser;

/// `threads` sources of the quads of the N-Triples or N-Quads file at `path`, sharing its blocks.
/// `parser` is the load's parser for that syntax; a lenient one is used as it is.
///
/// # Errors
/// Fails if the file cannot be opened.
pub(super) fn file_sources(
    path: &Path,
    parser: RdfParser,
    lenient: bool,
    threads: usize,
) -> io::Result<Vec<BlockQuads>> {
    file_sources_with(path, parser, lenient, threads, BLOCK_BYTES)
}

fn file_sources_with(
    path: &Path,
    parser: RdfParser,
    lenient: bool,
    threads: usize,
    block_bytes: usize,
) -> io::Result<Vec<BlockQuads>> {
    let shared = Arc::new(Shared {
        blocks: Mutex::new(Blocks::new(File::open(path)?, block_bytes)),
        path: path.to_owned(),
        parser: parser.clone(),
        retries: AtomicUsize::new(0),
    });
    Ok((0..threads.max(1))
        .map(|_| BlockQuads {
            shared: Arc::clone(&shared),
            parser: BlockParser::new(parser.clone(), lenient),
            quads: Vec::new().into_iter(),
            done: false,
        })
        .collect())
}

/// What the sources of one file share.
struct Shared {
    blocks: Mutex<Blocks>,
    path: PathBuf,
    /// The load's own parser, to find an error's position in the whole file.
    parser: RdfParser,
    /// Blocks parsed twice so far.
    retries: AtomicUsize,
}

impl Shared {
    fn next_block(&self) -> Result<Option<Vec<u8>>, LoadError> {
        let mut blocks = self
            .blocks
            .lock()
            .map_err(|_| io::Error::other("another reader of the file panicked"))?;
        Ok(blocks.next_block()?)
    }

    /// The first syntax error of the whole file, found by parsing it strictly from its start;
    /// `error` (found in a block, its position counted from the block's start) is the fallback.
    fn locate(&self, error: RdfSyntaxError) -> LoadError {
        let first = File::open(&self.path).ok().and_then(|file| {
            self.parser
                .clone()
                .for_reader(BufReader::new(file))
                .find_map(Result::err)
        });
        match first {
            Some(first) => first.into(),
            // The file changed under the load: keep the block's message, without its position.
            None => match LoadError::from(error) {
                LoadError::Syntax { message, .. } => LoadError::Syntax {
                    message,
                    position: None,
                },
                other => other,
            },
        }
    }
}

/// One source of a file's quads: blocks taken from the shared reader, parsed one at a time.
pub(super) struct BlockQuads {
    shared: Arc<Shared>,
    parser: BlockParser,
    quads: std::vec::IntoIter<Quad>,
    done: bool,
}

impl BlockQuads {
    fn parse(&mut self, block: &[u8]) -> Result<Vec<Quad>, LoadError> {
        self.parser
            .parse(block, &self.shared.retries)
            .map_err(|error| self.shared.locate(error))
    }
}

impl Iterator for BlockQuads {
    type Item = Result<Quad, LoadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(quad) = self.quads.next() {
                return Some(Ok(quad));
            }
            if self.done {
                return None;
            }
            let parsed = match self.shared.next_block() {
                Ok(Some(block)) => self.parse(&block),
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(error) => Err(error),
            };
            match parsed {
                Ok(quads) => self.quads = quads.into_iter(),
                Err(error) => {
                    self.done = true;
                    return Some(Err(error));
                }
            }
        }
    }
}

/// A file cut into blocks of whole lines.
struct Blocks {
    file: File,
    /// Bytes read and not yet handed out: the start of the next block.
    pending: Vec<u8>,
    ended: bool,
    block_bytes: usize,
}

impl Blocks {
    fn new(file: File, block_bytes: usize) -> Self {
        Self {
            file,
            pending: Vec::new(),
            ended: false,
            block_bytes: block_bytes.max(1),
        }
    }

    /// The next block: at least `block_bytes` ending just after a line end, or the rest of the
    /// file.
    fn next_block(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut searched = 0;
        loop {
            if self.pending.len() >= self.block_bytes {
                if let Some(end) = self.pending[searched..].iter().rposition(|&b| b == b'\n') {
                    let rest = self.pending.split_off(searched + end + 1);
                    return Ok(Some(std::mem::replace(&mut self.pending, rest)));
                }
                // A line longer than a block: read on, searching only the new bytes for its end.
                searched = self.pending.len();
            }
            if self.ended {
                return Ok((!self.pending.is_empty()).then(|| std::mem::take(&mut self.pending)));
            }
            // `read_to_end` fills the reserved capacity without zeroing it first.
            self.pending.reserve(self.block_bytes);
            let read = (&mut self.file)
                .take(self.block_bytes as u64)
                .read_to_end(&mut self.pending)?;
            self.ended = read < self.block_bytes;
        }
    }
}

#[cfg(test)]
mod tests;
