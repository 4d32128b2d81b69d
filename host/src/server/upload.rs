//! The body of a Graph Store write: one RDF document, or several in `multipart/form-data`,
//! each with its syntax from its media type.

use std::ops::Range;

use axum::body::Bytes;
use axum::http::{header, request::Parts};
use trine_core::io::RdfFormat;

use super::multipart;
use super::protocol::header_str;
use crate::HostError;

/// One RDF document of a request body.
#[derive(Debug)]
pub(crate) struct Document {
    /// Its syntax.
    pub format: RdfFormat,
    /// Where it lies in the body.
    pub body: Range<usize>,
}

/// The documents of a write's body, by its media type.
pub(crate) fn documents(parts: &Parts, bytes: &Bytes) -> Result<Vec<Document>, HostError> {
    let content_type = header_str(&parts.headers, header::CONTENT_TYPE).unwrap_or_default();
    let media = media_type(content_type)?;
    if media == "multipart/form-data" {
        let boundary = multipart::boundary(content_type)?;
        return multipart::parts(bytes, &boundary)?
            .into_iter()
            .map(|part| {
                let format = match (&part.content_type, &part.file_name) {
                    (Some(media), _) => rdf_format(media)?,
                    (None, Some(name)) => name
                        .rsplit_once('.')
                        .and_then(|(_, extension)| RdfFormat::from_extension(extension))
                        .ok_or_else(|| {
                            HostError::UnsupportedMediaType(format!(
                                "the part {name:?} has no Content-Type and no known extension"
                            ))
                        })?,
                    (None, None) => {
                        return Err(HostError::UnsupportedMediaType(
                            "a multipart part has no Content-Type".into(),
                        ));
                    }
                };
                Ok(Document {
                    format,
                    body: part.body,
                })
            })
            .collect();
    }
    Ok(vec![Document {
        format: rdf_format(&media)?,
        body: 0..bytes.len(),
    }])
}

/// The media type of a `Content-Type`, lower-cased, refusing charsets other than UTF-8 and a
/// missing type.
fn media_type(content_type: &str) -> Result<String, HostError> {
    let media = super::negotiate::content_media_type(content_type)?;
    if media.is_empty() {
        return Err(HostError::UnsupportedMediaType(
            "a write needs a Content-Type naming an RDF syntax (text/turtle, \
             application/n-triples, application/n-quads, application/trig, \
             application/rdf+xml, application/ld+json)"
                .into(),
        ));
    }
    Ok(media)
}

fn rdf_format(media: &str) -> Result<RdfFormat, HostError> {
    RdfFormat::from_media_type(media).ok_or_else(|| {
        HostError::UnsupportedMediaType(format!(
            "{media} is not an RDF syntax this store reads (text/turtle, application/n-triples, \
             application/n-quads, application/trig, application/rdf+xml, application/ld+json)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert_eq!(
            media_type("text/turtle; charset=UTF-8").ok().as_deref(),
            Some("text/turtle")
        );
        assert!(matches!(
            media_type("text/turtle; charset=latin1"),
            Err(HostError::UnsupportedMediaType(_))
        ));
        assert!(matches!(
            rdf_format("image/png"),
            Err(HostError::UnsupportedMediaType(_))
        ));
    }
}
