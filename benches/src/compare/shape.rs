//! What the answer check needs to know about a query: its form, its sort keys and its slice.

use spargebra::Query;
use spargebra::algebra::GraphPattern;

/// The query forms, which decide what an HTTP endpoint is asked to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryForm {
    /// SELECT.
    Select,
    /// ASK.
    Ask,
    /// CONSTRUCT or DESCRIBE: a graph.
    Graph,
}

/// The form, ORDER BY variables, LIMIT and OFFSET of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryShape {
    /// The query form.
    pub form: QueryForm,
    /// The variables the outermost ORDER BY reads, in order; `None` without ORDER BY.
    pub order_variables: Option<Vec<String>>,
    /// The LIMIT, if any.
    pub limit: Option<usize>,
    /// The OFFSET (0 without one).
    pub offset: usize,
}

impl QueryShape {
    /// Parses `query` and reads its shape.
    ///
    /// # Errors
    /// The parser's message when `query` is not SPARQL.
    pub fn parse(query: &str) -> Result<Self, String> {
        let parsed = spargebra::SparqlParser::new()
            .parse_query(query)
            .map_err(|e| e.to_string())?;
        let (form, pattern) = match &parsed {
            Query::Select { pattern, .. } => (QueryForm::Select, pattern),
            Query::Ask { pattern, .. } => (QueryForm::Ask, pattern),
            Query::Construct { pattern, .. } | Query::Describe { pattern, .. } => {
                (QueryForm::Graph, pattern)
            }
        };
        let mut shape = Self {
            form,
            order_variables: None,
            limit: None,
            offset: 0,
        };
        let mut current = pattern;
        loop {
            match current {
                GraphPattern::Slice {
                    inner,
                    start,
                    length,
                } => {
                    shape.offset = *start;
                    shape.limit = *length;
                    current = inner;
                }
                GraphPattern::Distinct { inner }
                | GraphPattern::Reduced { inner }
                | GraphPattern::Project { inner, .. } => current = inner,
                GraphPattern::OrderBy { expression, .. } => {
                    let mut variables = Vec::new();
                    for e in expression {
                        variables.extend(variables_in(&e.to_string()));
                    }
                    shape.order_variables = Some(variables);
                    break;
                }
                _ => break,
            }
        }
        Ok(shape)
    }

    /// The columns of `projected` that hold the sort keys, or `None` when the query is not
    /// ordered or sorts on a variable it does not project (its order cannot be checked then).
    #[must_use]
    pub fn order_key_columns(&self, projected: &[String]) -> Option<Vec<usize>> {
        self.order_variables
            .as_ref()?
            .iter()
            .map(|name| projected.iter().position(|p| p == name))
            .collect()
    }
}

/// The variable names in the text of an expression, skipping IRIs and string literals, which may
/// hold a `?` of their own.
fn variables_in(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                for inner in chars.by_ref() {
                    if inner == '>' {
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for inner in chars.by_ref() {
                    if inner == '"' && !escaped {
                        break;
                    }
                    escaped = inner == '\\' && !escaped;
                }
            }
            '?' | '$' => {
                let mut name = String::new();
                while let Some(&next) = chars.peek() {
                    if next.is_alphanumeric() || next == '_' {
                        name.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if !name.is_empty() && !names.contains(&name) {
                    names.push(name);
                }
            }
            _ => {}
        }
    }
    names
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn reads_order_limit_and_offset() {
        let shape = QueryShape::parse(
            "SELECT DISTINCT ?a ?b WHERE { ?a ?p ?b } ORDER BY DESC(?b) <http://e/f?x>(?a) OFFSET 5 LIMIT 10",
        )
        .unwrap();
        assert_eq!(shape.form, QueryForm::Select);
        assert_eq!(shape.order_variables, Some(vec!["b".into(), "a".into()]));
        assert_eq!(shape.limit, Some(10));
        assert_eq!(shape.offset, 5);
        assert_eq!(
            shape.order_key_columns(&["a".into(), "b".into()]),
            Some(vec![1, 0])
        );
        assert_eq!(shape.order_key_columns(&["a".into()]), None);
    }

    #[test]
    fn unordered_and_graph_queries() {
        let shape = QueryShape::parse("SELECT * WHERE { ?a ?p ?b }").unwrap();
        assert_eq!(shape.order_variables, None);
        let shape = QueryShape::parse("DESCRIBE <http://e/x>").unwrap();
        assert_eq!(shape.form, QueryForm::Graph);
        let shape = QueryShape::parse("ASK { ?a ?p ?b }").unwrap();
        assert_eq!(shape.form, QueryForm::Ask);
    }
}
