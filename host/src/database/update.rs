//! Update requests with the protocol's `using-graph-uri` and `using-named-graph-uri`.

use trine_core::update::PreparedUpdate;

use super::query::iris;
use crate::HostError;

/// Parses `text` and, when either list is not empty, gives every `DELETE`/`INSERT … WHERE`
/// operation that dataset for its `WHERE` clause, as the SPARQL protocol's `using-graph-uri`
/// and `using-named-graph-uri` parameters do.
///
/// # Errors
/// A syntax error with its position, a graph name that is not an IRI, or a request that has
/// `USING`, `USING NAMED` or `WITH` of its own while graph parameters are given (the protocol
/// makes that a client error).
pub fn prepare_update(
    text: &str,
    base_iri: Option<&str>,
    using_graphs: &[String],
    using_named_graphs: &[String],
) -> Result<PreparedUpdate, HostError> {
    let prepared = PreparedUpdate::parse(text, base_iri)?;
    if using_graphs.is_empty() && using_named_graphs.is_empty() {
        return Ok(prepared);
    }
    prepared
        .with_using(iris(using_graphs)?, iris(using_named_graphs)?)
        .ok_or_else(|| {
            HostError::BadRequest(
                "using-graph-uri and using-named-graph-uri cannot be combined with USING, \
                 USING NAMED or WITH in the request"
                    .into(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn using_parameters() {
        let plain = "INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }";
        assert!(prepare_update(plain, None, &["http://e/g".into()], &[]).is_ok());
        let with = "WITH <http://e/g> INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }";
        let refused = prepare_update(with, None, &["http://e/g".into()], &[]);
        assert!(matches!(refused, Err(HostError::BadRequest(_))));
        assert!(prepare_update(with, None, &[], &[]).is_ok());
    }
}
