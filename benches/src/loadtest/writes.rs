//! The load test's writes: each update inserts a recognisable set of quads about one fresh
//! subject, in its client's own named graph, so that afterwards every acknowledged write can be
//! looked up and checked whole.

use std::collections::{BTreeMap, BTreeSet};

use oxrdf::Term;

use crate::compare::RawAnswer;

/// The namespace of every IRI the load test writes.
pub const NAMESPACE: &str = "http://trine.test/load-test/";
/// Quads each write inserts.
pub const QUADS_PER_WRITE: u64 = 4;

/// One write: client `client`'s `seq`-th update (unique within a run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WriteId {
    /// The client thread that sent it.
    pub client: usize,
    /// Its number among that client's writes, from 0.
    pub seq: u64,
}

impl WriteId {
    /// The subject every quad of this write is about.
    #[must_use]
    pub fn subject(&self) -> String {
        format!("{NAMESPACE}write/{}/{}", self.client, self.seq)
    }

    /// The SPARQL update that makes this write: [`QUADS_PER_WRITE`] quads in
    /// [`graph`]`(client)`.
    #[must_use]
    pub fn update(&self) -> String {
        let (client, seq) = (self.client, self.seq);
        format!(
            "PREFIX lt: <{NAMESPACE}>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA {{ GRAPH <{graph}> {{
  <{subject}> a lt:Write ;
    lt:client \"{client}\"^^xsd:integer ;
    lt:seq \"{seq}\"^^xsd:integer ;
    rdfs:label \"load-test write {client}/{seq}\" .
}} }}",
            graph = graph(client),
            subject = self.subject(),
        )
    }
}

/// The named graph client `client` writes into.
#[must_use]
pub fn graph(client: usize) -> String {
    format!("{NAMESPACE}client/{client}")
}

/// The query that counts the quads of every write in the store, per subject.
#[must_use]
pub fn count_query() -> String {
    format!(
        "SELECT ?s (COUNT(*) AS ?n) WHERE {{
  GRAPH ?g {{ ?s a <{NAMESPACE}Write> . ?s ?p ?o }}
}}
GROUP BY ?s"
    )
}

/// How the acknowledged writes fared in the store afterwards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteCheck {
    /// Writes the server acknowledged with a 2xx.
    pub acknowledged: usize,
    /// Of those, how many are in the store with all their quads.
    pub present: usize,
    /// Acknowledged writes absent or incomplete (the first few, for the report).
    pub missing: Vec<String>,
    /// How many acknowledged writes are absent or incomplete.
    pub missing_count: usize,
    /// Writes in the store that were not acknowledged (the client saw an error or a timeout
    /// after the server had committed): allowed, reported for information.
    pub unacknowledged_present: usize,
}

/// Missing writes named in the report, at most.
const MISSING_SHOWN: usize = 10;

/// Checks `acknowledged` against the answer of [`count_query`].
///
/// # Errors
/// The answer is not a table of subjects and counts.
pub fn check(acknowledged: &BTreeSet<WriteId>, answer: &RawAnswer) -> Result<WriteCheck, String> {
    let RawAnswer::Solutions { variables, rows } = answer else {
        return Err(format!("the count query answered {answer:?}"));
    };
    let column = |name: &str| {
        variables
            .iter()
            .position(|v| v.as_str() == name)
            .ok_or_else(|| format!("no ?{name} in the count query's answer"))
    };
    let (s, n) = (column("s")?, column("n")?);
    let mut stored = BTreeMap::new();
    for row in rows {
        let subject = match row.get(s).cloned().flatten() {
            Some(Term::NamedNode(node)) => node.into_string(),
            other => return Err(format!("not a subject IRI: {other:?}")),
        };
        let count = match row.get(n).cloned().flatten() {
            Some(Term::Literal(l)) => l.value().parse::<u64>().map_err(|e| e.to_string())?,
            other => return Err(format!("not a count: {other:?}")),
        };
        stored.insert(subject, count);
    }
    let mut check = WriteCheck {
        acknowledged: acknowledged.len(),
        ..WriteCheck::default()
    };
    for write in acknowledged {
        let subject = write.subject();
        match stored.remove(&subject) {
            Some(QUADS_PER_WRITE) => check.present += 1,
            found => {
                check.missing_count += 1;
                if check.missing.len() < MISSING_SHOWN {
                    let found = found.unwrap_or(0);
                    check
                        .missing
                        .push(format!("{subject} ({found} of {QUADS_PER_WRITE} quads)"));
                }
            }
        }
    }
    check.unacknowledged_present = stored.len();
    Ok(check)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use oxrdf::{Literal, NamedNode, Variable};

    #[test]
    fn updates_parse_and_name_their_subject() {
        let write = WriteId { client: 3, seq: 17 };
        let update = write.update();
        spargebra::SparqlParser::new()
            .parse_update(&update)
            .unwrap();
        assert!(update.contains(&write.subject()));
        assert!(update.contains(&graph(3)));
        spargebra::SparqlParser::new()
            .parse_query(&count_query())
            .unwrap();
    }

    #[test]
    fn checks_acknowledged_writes() {
        let row = |w: WriteId, n: u64| {
            vec![
                Some(Term::NamedNode(NamedNode::new(w.subject()).unwrap())),
                Some(Term::Literal(Literal::from(n))),
            ]
        };
        let a = WriteId { client: 0, seq: 0 };
        let b = WriteId { client: 0, seq: 1 };
        let c = WriteId { client: 1, seq: 0 };
        let d = WriteId { client: 1, seq: 1 };
        let answer = RawAnswer::Solutions {
            variables: vec![Variable::new("s").unwrap(), Variable::new("n").unwrap()],
            rows: vec![row(a, 4), row(b, 2), row(d, 4)],
        };
        let acknowledged = BTreeSet::from([a, b, c]);
        let check = check(&acknowledged, &answer).unwrap();
        assert_eq!((check.acknowledged, check.present), (3, 1));
        assert_eq!(check.missing_count, 2);
        assert_eq!(check.unacknowledged_present, 1);
        assert!(check.missing[0].contains("(2 of 4 quads)"));
        assert!(super::check(&acknowledged, &RawAnswer::Boolean(true)).is_err());
    }
}
