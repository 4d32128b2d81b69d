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
    // Stable: among equal weights the client's order stands.
    ranges.sort_by(|a, b| b.1.total_cmp(&a.1));
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
}
