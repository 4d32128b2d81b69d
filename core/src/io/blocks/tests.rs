use std::io::Write;
use std::sync::atomic::Ordering;

use oxrdfio::RdfFormat;

use super::*;
use crate::io::TextPosition;
use crate::io::term_check::RETRIES_BEFORE_STRICT;

/// A statement on line `line`, unique to it.
fn statement(line: usize) -> String {
    format!("<http://e.com/s{line}> <http://e.com/p> \"value {line}\" .\n")
}

/// A file of `lines` statements, with `bad` in place of line `at` (counted from 1) if given.
fn file_with(lines: usize, bad: Option<(usize, &str)>) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    for line in 1..=lines {
        match bad {
            Some((at, text)) if at == line => writeln!(file, "{text}"),
            _ => file.write_all(statement(line).as_bytes()),
        }
        .expect("write");
    }
    file.flush().expect("flush");
    file
}

/// Every quad of `path` through `threads` block sources of `block_bytes`, read one source after
/// another, sorted; or the first error.
fn load(
    path: &Path,
    format: RdfFormat,
    lenient: bool,
    threads: usize,
    block_bytes: usize,
) -> Result<Vec<String>, LoadError> {
    let mut parser = RdfParser::from_format(format);
    if lenient {
        parser = parser.lenient();
    }
    let mut quads = Vec::new();
    for source in file_sources_with(path, parser, lenient, threads, block_bytes)? {
        for quad in source {
            quads.push(quad?.to_string());
        }
    }
    quads.sort();
    Ok(quads)
}

/// What the parser alone gives for `path`, sorted.
fn strict(path: &Path, format: RdfFormat) -> Vec<String> {
    let mut quads: Vec<_> = RdfParser::from_format(format)
        .for_reader(File::open(path).expect("open"))
        .map(|quad| quad.expect("valid input").to_string())
        .collect();
    quads.sort();
    quads
}

fn position(error: &LoadError) -> Option<TextPosition> {
    match error {
        LoadError::Syntax { position, .. } => *position,
        _ => None,
    }
}

#[test]
fn blocks_end_at_line_ends_and_cover_the_file() {
    for (lines, block_bytes) in [(0, 64), (1, 64), (200, 1), (200, 64), (200, 1 << 20)] {
        let file = file_with(lines, None);
        let mut blocks = Blocks::new(File::open(file.path()).expect("open"), block_bytes);
        let mut joined = Vec::new();
        while let Some(block) = blocks.next_block().expect("read") {
            assert!(!block.is_empty());
            assert!(block.ends_with(b"\n"), "a block ends at a line end");
            joined.extend_from_slice(&block);
        }
        assert_eq!(joined, std::fs::read(file.path()).expect("read"));
    }
}

#[test]
fn a_last_line_without_its_end_and_a_line_longer_than_a_block_are_kept_whole() {
    let long = format!(
        "<http://e.com/s> <http://e.com/p> \"{}\" .\n",
        "x".repeat(500)
    );
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    let text = format!(
        "{}{long}{}<http://e.com/s> <http://e.com/p> \"end\" .",
        statement(1),
        statement(2)
    );
    file.write_all(text.as_bytes()).expect("write");
    let mut blocks = Blocks::new(File::open(file.path()).expect("open"), 16);
    let mut sizes = Vec::new();
    let mut joined = Vec::new();
    while let Some(block) = blocks.next_block().expect("read") {
        sizes.push(block.len());
        joined.extend_from_slice(&block);
    }
    assert_eq!(joined, text.as_bytes());
    assert!(
        sizes.contains(&long.len()),
        "the long line is one block: {sizes:?}"
    );
    let quads = load(file.path(), RdfFormat::NTriples, false, 2, 16).expect("valid input");
    assert_eq!(quads, strict(file.path(), RdfFormat::NTriples));
}

#[test]
fn a_strict_load_gives_what_the_parser_gives() {
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    for line in 0..300 {
        writeln!(
            file,
            "<http://e.com/s{line}> <http://e.com/p> \"a\\nb \\u00e9 {line}\"@en-GB .\n\
             _:b{line} <http://e.com/q> \"{line}\"^^<http://www.w3.org/2001/XMLSchema#integer> ."
        )
        .expect("write");
    }
    file.flush().expect("flush");
    for threads in [1, 3] {
        for lenient in [false, true] {
            let quads =
                load(file.path(), RdfFormat::NTriples, lenient, threads, 256).expect("valid input");
            assert_eq!(quads.len(), 600);
            assert_eq!(quads, strict(file.path(), RdfFormat::NTriples));
        }
    }
}

#[test]
fn n_quads_keep_their_graphs() {
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    for line in 0..100 {
        writeln!(
            file,
            "<http://e.com/s{line}> <http://e.com/p> <http://e.com/o> <http://e.com/g{}> .",
            line % 3
        )
        .expect("write");
    }
    file.flush().expect("flush");
    let quads = load(file.path(), RdfFormat::NQuads, false, 2, 128).expect("valid input");
    assert_eq!(quads, strict(file.path(), RdfFormat::NQuads));
}

/// Each input a lenient parse accepts and a strict one rejects is rejected, with the line and
/// column of the whole file.
#[test]
fn what_a_strict_parse_rejects_is_rejected_where_it_is() {
    let cases = [
        "<http://e.com/s> <http://e.com/p> <http://e.com/a b> .",
        "<http://e.com/s> <http://e.com/p> \"x\"@abcdefghijk .",
        "<http://e.com/s> <http://e.com/p> \"x\"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString> .",
        "<http://e.com/s> <http://e.com/p> \"\\uD83D\\uDE00\" .",
        "<http://e.com/s> <http://e.com/p> \"two\nlines\" .",
        "<relative> <http://e.com/p> <http://e.com/o> .",
    ];
    for bad in cases {
        let file = file_with(400, Some((250, bad)));
        for (threads, block_bytes) in [(1, 1 << 20), (2, 300), (3, 1)] {
            let error = load(
                file.path(),
                RdfFormat::NTriples,
                false,
                threads,
                block_bytes,
            )
            .expect_err(bad);
            let position = position(&error).unwrap_or_else(|| panic!("{bad}: {error}"));
            assert_eq!(position.line, 250, "{bad}: {error}");
        }
    }
    // A lenient load takes the first five.
    let file = file_with(10, Some((5, cases[0])));
    assert_eq!(
        load(file.path(), RdfFormat::NTriples, true, 2, 64)
            .expect("lenient")
            .len(),
        10
    );
}

#[test]
fn terms_that_need_a_second_parse_load_right_and_then_strictly() {
    // Every line has a character outside the Basic Multilingual Plane, written validly: each
    // block is parsed twice until the file is parsed strictly.
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    for line in 0..200 {
        writeln!(
            file,
            "<http://e.com/s{line}> <http://e.com/p> \"\\U0001F600 {line} \u{1F600}\" ."
        )
        .expect("write");
    }
    file.flush().expect("flush");
    let parser = RdfParser::from_format(RdfFormat::NTriples);
    let sources = file_sources_with(file.path(), parser, false, 2, 64).expect("open");
    let shared = Arc::clone(&sources[0].shared);
    let mut quads = Vec::new();
    for source in sources {
        for quad in source {
            quads.push(quad.expect("valid input").to_string());
        }
    }
    quads.sort();
    assert_eq!(quads, strict(file.path(), RdfFormat::NTriples));
    assert_eq!(
        shared.retries.load(Ordering::Relaxed),
        RETRIES_BEFORE_STRICT,
        "blocks stop being tried leniently"
    );
}

#[test]
fn a_missing_file_fails_to_open() {
    let parser = RdfParser::from_format(RdfFormat::NTriples);
    assert!(file_sources(Path::new("/nonexistent/trine.nt"), parser, false, 2).is_err());
}
