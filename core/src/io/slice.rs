//! A whole document in memory parsed at once, N-Triples and N-Quads with checked terms.

use std::sync::atomic::AtomicUsize;

use oxrdf::Quad;
use oxrdfio::{RdfFormat, RdfParser};

use super::term_check::BlockParser;
use super::{LoadError, LoadOptions};

/// Bytes a block of lines holds at least (up to the next line end), in a document or a file.
/// Large enough that a parser per block costs nothing, small enough that parsing a block twice
/// does not either.
pub(super) const BLOCK_BYTES: usize = 1 << 20;

/// Every quad of `data`, a document in `format`, parsed as `options` say.
///
/// A strict N-Triples or N-Quads document is parsed as a bulk load parses a file of them (see
/// [`Store::bulk_load_from_file`](crate::Store::bulk_load_from_file)): leniently, block of lines
/// by block, with each distinct IRI and language tag checked once, and again strictly where the
/// check cannot vouch for a block. It accepts and rejects exactly what a strict parse does, and a
/// syntax error's position counts from the start of `data`.
///
/// ```
/// use trine_core::io::{LoadOptions, RdfFormat, parse_slice};
///
/// let data = b"<http://e.com/s> <http://e.com/p> \"o\"@en .\n";
/// assert_eq!(parse_slice(data, RdfFormat::NTriples, &LoadOptions::new())?.len(), 1);
/// let bad = b"<http://e.com/s> <http://e.com/p> <not an iri> .\n";
/// assert!(parse_slice(bad, RdfFormat::NTriples, &LoadOptions::new()).is_err());
/// # Ok::<_, trine_core::io::LoadError>(())
/// ```
///
/// # Errors
/// A [`LoadError::Syntax`] with the position of the first error, or
/// [`LoadError::InvalidBaseIri`].
pub fn parse_slice(
    data: &[u8],
    format: RdfFormat,
    options: &LoadOptions,
) -> Result<Vec<Quad>, LoadError> {
    parse_in_blocks(data, format, options, BLOCK_BYTES)
}

fn parse_in_blocks(
    data: &[u8],
    format: RdfFormat,
    options: &LoadOptions,
    block_bytes: usize,
) -> Result<Vec<Quad>, LoadError> {
    let parser = options.parser(format)?;
    if options.is_lenient() || !matches!(format, RdfFormat::NTriples | RdfFormat::NQuads) {
        return strictly(parser, data);
    }
    let mut blocks = BlockParser::new(parser.clone(), false);
    let retries = AtomicUsize::new(0);
    let mut quads = Vec::new();
    for block in line_blocks(data, block_bytes) {
        match blocks.parse(block, &retries) {
            Ok(parsed) => quads.extend(parsed),
            // The whole document again, for the error's position in it.
            Err(_) => return strictly(parser, data),
        }
    }
    Ok(quads)
}

fn strictly(parser: RdfParser, data: &[u8]) -> Result<Vec<Quad>, LoadError> {
    parser
        .for_slice(data)
        .collect::<Result<Vec<_>, _>>()
        .map_err(LoadError::from)
}

/// `data` cut into blocks of at least `block_bytes` that end just after a line end (the last one
/// at the end of `data`).
fn line_blocks(data: &[u8], block_bytes: usize) -> impl Iterator<Item = &[u8]> {
    let mut rest = data;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .get(block_bytes..)
            .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
            .map_or(rest.len(), |line_end| block_bytes + line_end + 1);
        let (block, tail) = rest.split_at(end);
        rest = tail;
        Some(block)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_end_at_line_ends_and_cover_the_data() {
        let data = b"a\nbb\nccc\ndddd";
        for size in [0, 1, 2, 5, 100] {
            let blocks: Vec<_> = line_blocks(data, size).collect();
            assert_eq!(blocks.concat(), data);
            for block in &blocks[..blocks.len() - 1] {
                assert!(block.ends_with(b"\n") && block.len() >= size.max(1));
            }
        }
        assert_eq!(line_blocks(b"", 4).count(), 0);
    }

    #[test]
    fn strict_documents_are_checked_and_errors_placed_in_the_whole_document() {
        let mut data = String::new();
        for line in 0..3_000 {
            data.push_str(&format!(
                "<http://e.com/s{line}> <http://e.com/p> \"v\\n{line}\"@en-GB .\n"
            ));
        }
        let options = LoadOptions::new();
        let parse = |document: &str, options: &LoadOptions| {
            parse_in_blocks(document.as_bytes(), RdfFormat::NTriples, options, 1_000)
        };
        let quads = parse(&data, &options).expect("valid");
        let direct: Vec<Quad> = RdfParser::from_format(RdfFormat::NTriples)
            .for_slice(data.as_bytes())
            .collect::<Result<_, _>>()
            .expect("valid");
        assert_eq!(quads, direct);
        for bad in [
            "<http://e.com/s> <http://e.com/p> <http://e.com/a b> .",
            "<http://e.com/s> <http://e.com/p> \"x\"@abcdefghijk .",
            "<http://e.com/s> <http://e.com/p> \"\\uD83D\\uDE00\" .",
            "<http://e.com/s> <http://e.com/p> \"two\nlines\" .",
        ] {
            let mut lines: Vec<&str> = data.lines().collect();
            lines[2_500] = bad;
            let document = lines.join("\n");
            let error = parse(&document, &options).expect_err(bad);
            match error {
                LoadError::Syntax {
                    position: Some(position),
                    ..
                } => assert_eq!(position.line, 2_501, "{bad}"),
                other => panic!("{bad}: {other}"),
            }
            // A lenient parse takes them all.
            assert!(
                parse(&document, &options.clone().lenient()).is_ok(),
                "{bad}"
            );
        }
    }
}
