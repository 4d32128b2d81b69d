//! Just enough of `multipart/form-data` (RFC 7578) for Graph Store uploads: the parts' bodies
//! and their declared media types or file names.

use std::ops::Range;

use crate::HostError;

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The part's `Content-Type`, without parameters, lower-cased.
    pub content_type: Option<String>,
    /// The `filename` of its `Content-Disposition`, used when it has no `Content-Type`.
    pub file_name: Option<String>,
    /// Where its body lies in the whole body.
    pub body: Range<usize>,
}

/// The `boundary` parameter of a `multipart/form-data` content type.
///
/// # Errors
/// [`HostError::BadRequest`] when there is none.
pub(crate) fn boundary(content_type: &str) -> Result<String, HostError> {
    content_type
        .split(';')
        .skip(1)
        .find_map(|parameter| {
            let (key, value) = parameter.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| value.trim().trim_matches('"').to_owned())
        })
        .filter(|b| !b.is_empty() && b.len() <= 70)
        .ok_or_else(|| {
            HostError::BadRequest("multipart/form-data needs a boundary parameter".into())
        })
}

/// Splits `body` into its parts.
///
/// # Errors
/// [`HostError::BadRequest`] for a body that does not follow the format (no opening or closing
/// delimiter, a part without its header block).
pub(crate) fn parts(body: &[u8], boundary: &str) -> Result<Vec<Part>, HostError> {
    let malformed = |what: &str| HostError::BadRequest(format!("malformed multipart body: {what}"));
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut position =
        find(body, delimiter, 0).ok_or_else(|| malformed("no opening boundary"))? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body[position..].starts_with(b"--") {
            return Ok(parts);
        }
        position += line_break_at(body, position).ok_or_else(|| malformed("no line break"))?;
        let (header_end, separator) = match find(body, b"\r\n\r\n", position) {
            Some(end) => (end, 4),
            None => (
                find(body, b"\n\n", position).ok_or_else(|| malformed("no part headers"))?,
                2,
            ),
        };
        let headers = String::from_utf8_lossy(&body[position..header_end]);
        let start = header_end + separator;
        let next = find(body, delimiter, start).ok_or_else(|| malformed("no closing boundary"))?;
        // The line break before a delimiter belongs to the delimiter.
        let mut end = next;
        if body[..end].ends_with(b"\r\n") {
            end -= 2;
        } else if body[..end].ends_with(b"\n") {
            end -= 1;
        }
        parts.push(part(&headers, start..end.max(start)));
        position = next + delimiter.len();
        if parts.len() > 1024 {
            return Err(malformed("more than 1024 parts"));
        }
    }
}

fn part(headers: &str, body: Range<usize>) -> Part {
    let mut content_type = None;
    let mut file_name = None;
    for line in headers.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case("content-type") {
            content_type = value
                .split(';')
                .next()
                .map(|media| media.trim().to_ascii_lowercase());
        } else if name.trim().eq_ignore_ascii_case("content-disposition") {
            file_name = value.split(';').find_map(|parameter| {
                let (key, value) = parameter.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("filename")
                    .then(|| value.trim().trim_matches('"').to_owned())
            });
        }
    }
    Part {
        content_type,
        file_name,
        body,
    }
}

/// The length of the line break at `position` (CRLF or a bare LF), if there is one.
fn line_break_at(body: &[u8], position: usize) -> Option<usize> {
    let rest = &body[position..];
    // Transport padding (spaces, tabs) may follow a delimiter.
    let padding = rest
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    let rest = &rest[padding..];
    if rest.starts_with(b"\r\n") {
        Some(padding + 2)
    } else if rest.starts_with(b"\n") {
        Some(padding + 1)
    } else {
        None
    }
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|i| i + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_parts() -> Result<(), HostError> {
        let boundary = boundary("multipart/form-data; boundary=\"xyz\"")?;
        assert_eq!(boundary, "xyz");
        let body = b"preamble\r\n--xyz\r\nContent-Disposition: form-data; name=\"a\"; \
filename=\"a.ttl\"\r\nContent-Type: text/turtle; charset=utf-8\r\n\r\n<a> <b> <c> .\r\n\r\n\
--xyz\r\nContent-Disposition: form-data; name=\"b\"; filename=\"b.nt\"\r\n\r\n<d> <e> <f> .\r\n\
--xyz--\r\n";
        let parts = parts(body, &boundary)?;
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].content_type.as_deref(), Some("text/turtle"));
        assert_eq!(&body[parts[0].body.clone()], b"<a> <b> <c> .\r\n");
        assert_eq!(parts[1].content_type, None);
        assert_eq!(parts[1].file_name.as_deref(), Some("b.nt"));
        assert_eq!(&body[parts[1].body.clone()], b"<d> <e> <f> .");
        Ok(())
    }

    #[test]
    fn malformed_bodies() {
        assert!(boundary("multipart/form-data").is_err());
        assert!(parts(b"no delimiter", "xyz").is_err());
        assert!(parts(b"--xyz\r\nContent-Type: text/turtle\r\n\r\nbody", "xyz").is_err());
    }
}
