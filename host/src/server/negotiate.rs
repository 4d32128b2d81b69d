//! Content negotiation: the `Accept` header and the `format` parameter become the
//! [`OutputFormats`] a query is answered in.

use trine_core::io::RdfFormat;
use trine_core::sparql::QueryResultsFormat;

use crate::HostError;
use crate::database::OutputFormats;

/// The formats for a request: the `format` parameter wins over `Accept`; with neither, SPARQL
/// JSON results and Turtle.
///
/// `format` takes a short name (`json`, `xml`, `csv`, `tsv`, `ttl`, `nt`, `nq`, `trig`, `rdf`,
/// `jsonld`) or a media type.
///
/// # Errors
/// [`HostError::BadRequest`] for a `format` naming nothing known.
pub(crate) fn negotiate(
    accept: Option<&str>,
    format: Option<&str>,
) -> Result<OutputFormats, HostError> {
    if let Some(format) = format {
        return OutputFormats::from_name(format);
    }
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(OutputFormats::default());
    };
    let ranges = accept_ranges(accept);
    let defaults = OutputFormats::default();
    let mut formats = OutputFormats {
        results: None,
        graph: None,
    };
    for (media, _) in ranges {
        if media.ends_with("/*") {
            formats.results = formats.results.or(defaults.results);
            formats.graph = formats.graph.or(defaults.graph);
            continue;
        }
        if formats.results.is_none() {
            formats.results = QueryResultsFormat::from_media_type(media);
        }
        if formats.graph.is_none() {
            formats.graph = RdfFormat::from_media_type(media);
        }
    }
    Ok(formats)
}

/// The media ranges of an `Accept` header, most wanted first (among equal weights the client's
/// order stands), without those of weight 0.
pub(crate) fn accept_ranges(accept: &str) -> Vec<(&str, f32)> {
    let mut ranges: Vec<(&str, f32)> = accept
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let media = parts.next()?.trim();
            let mut q = 1.0_f32;
            for parameter in parts {
                if let Some((key, value)) = parameter.split_once('=')
                    && key.trim().eq_ignore_ascii_case("q")
                {
                    q = value.trim().parse().unwrap_or(0.0);
                }
            }
            (!media.is_empty() && q > 0.0).then_some((media, q))
        })
        .collect();
    ranges.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranges
}

/// The RDF syntax to answer in: the first acceptable one in `accept`, `default` for a wildcard or
/// no `Accept` at all. With `dataset`, only syntaxes that hold named graphs qualify.
///
/// # Errors
/// [`HostError::NotAcceptable`] when the client accepts no RDF syntax that qualifies.
pub(crate) fn negotiate_rdf(
    accept: Option<&str>,
    default: RdfFormat,
    dataset: bool,
) -> Result<RdfFormat, HostError> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(default);
    };
    for (media, _) in accept_ranges(accept) {
        if media == "*/*" || media.eq_ignore_ascii_case(&format!("{}/*", default_type(default))) {
            return Ok(default);
        }
        if let Some(format) = RdfFormat::from_media_type(media)
            && (!dataset || format.supports_datasets())
        {
            return Ok(format);
        }
    }
    Err(HostError::NotAcceptable(if dataset {
        "the dataset is served as application/n-quads, application/trig or application/ld+json"
            .into()
    } else {
        "graphs are served as text/turtle, application/n-triples, application/rdf+xml, \
         application/n-quads, application/trig or application/ld+json"
            .into()
    }))
}

/// The type part (`text`, `application`) of a format's media type.
fn default_type(format: RdfFormat) -> &'static str {
    format.media_type().split('/').next().unwrap_or_default()
}

/// The media type of a request's `Content-Type`, lower-cased (empty when there is none),
/// refusing charsets other than UTF-8: every body this server reads is UTF-8 text.
pub(crate) fn content_media_type(content_type: &str) -> Result<String, crate::HostError> {
    let mut pieces = content_type.split(';');
    let media = pieces
        .next()
        .map(|media| media.trim().to_ascii_lowercase())
        .unwrap_or_default();
    for parameter in pieces {
        if let Some((key, value)) = parameter.split_once('=')
            && key.trim().eq_ignore_ascii_case("charset")
            && !["utf-8", "utf8", "us-ascii"]
                .contains(&value.trim().trim_matches('"').to_ascii_lowercase().as_str())
        {
            return Err(crate::HostError::UnsupportedMediaType(format!(
                "charset {} (only UTF-8 is accepted)",
                value.trim()
            )));
        }
    }
    Ok(media)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers() -> Result<(), HostError> {
        assert_eq!(negotiate(None, None)?, OutputFormats::default());
        let csv = negotiate(Some("text/csv"), None)?;
        assert_eq!(csv.results, Some(QueryResultsFormat::Csv));
        let turtle = negotiate(Some("text/turtle"), None)?;
        assert_eq!(turtle.results, None);
        assert_eq!(turtle.graph, Some(RdfFormat::Turtle));
        let weighted = negotiate(
            Some("application/sparql-results+xml;q=0.5, application/sparql-results+json"),
            None,
        )?;
        assert_eq!(weighted.results, Some(QueryResultsFormat::Json));
        let anything = negotiate(Some("application/n-triples, */*;q=0.1"), None)?;
        assert_eq!(anything.graph, Some(RdfFormat::NTriples));
        assert_eq!(anything.results, Some(QueryResultsFormat::Json));
        Ok(())
    }

    #[test]
    fn format_parameter_wins() -> Result<(), HostError> {
        let tsv = negotiate(Some("text/csv"), Some("tsv"))?;
        assert_eq!(tsv.results, Some(QueryResultsFormat::Tsv));
        assert_eq!(
            negotiate(None, Some("nt"))?.graph,
            Some(RdfFormat::NTriples)
        );
        assert!(negotiate(None, Some("bogus")).is_err());
        Ok(())
    }

    #[test]
    fn rdf_syntaxes() -> Result<(), HostError> {
        assert_eq!(
            negotiate_rdf(None, RdfFormat::Turtle, false)?,
            RdfFormat::Turtle
        );
        let nt = negotiate_rdf(Some("application/n-triples"), RdfFormat::Turtle, false)?;
        assert_eq!(nt, RdfFormat::NTriples);
        let trig = negotiate_rdf(
            Some("text/turtle;q=0.9, application/trig"),
            RdfFormat::NQuads,
            true,
        )?;
        assert_eq!(trig, RdfFormat::TriG);
        assert!(negotiate_rdf(Some("text/turtle"), RdfFormat::NQuads, true).is_err());
        assert!(negotiate_rdf(Some("image/png"), RdfFormat::Turtle, false).is_err());
        assert_eq!(
            negotiate_rdf(Some("text/*"), RdfFormat::Turtle, false)?,
            RdfFormat::Turtle
        );
        Ok(())
    }
}
