use std::collections::HashSet;
use std::sync::Arc;

use oxrdf::{BlankNode, NamedOrBlankNode, Term, TermRef, Triple, Variable, VariableRef};

use super::QueryError;
use super::algebra::{PlanNode, QueryForm, TemplateTerm, TemplateTriple};
use super::exec::{EvalContext, RowIter};
use crate::encoding::TermId;

/// What a query returns.
pub enum QueryResults<'e> {
    /// SELECT: solutions, streamed.
    Solutions(SolutionIter<'e>),
    /// ASK: whether there is a solution.
    Boolean(bool),
    /// CONSTRUCT and DESCRIBE: triples, streamed.
    Graph(Box<dyn Iterator<Item = Result<Triple, QueryError>> + 'e>),
}

/// One solution: a value (or nothing) per projected variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuerySolution {
    variables: Arc<[Variable]>,
    values: Vec<Option<Term>>,
}

impl QuerySolution {
    /// The projected variables, in order.
    pub fn variables(&self) -> &[Variable] {
        &self.variables
    }

    /// The values, in the order of [`variables`](Self::variables).
    pub fn values(&self) -> &[Option<Term>] {
        &self.values
    }

    /// The bound variables with their values, in order (what results formats write).
    pub fn bindings(&self) -> impl Iterator<Item = (VariableRef<'_>, TermRef<'_>)> {
        self.variables
            .iter()
            .zip(&self.values)
            .filter_map(|(variable, value)| Some((variable.as_ref(), value.as_ref()?.as_ref())))
    }

    /// The value of the variable named `name` (without `?`).
    pub fn get(&self, name: &str) -> Option<&Term> {
        let index = self.variables.iter().position(|v| v.as_str() == name)?;
        self.values.get(index)?.as_ref()
    }
}

/// Solutions of a SELECT, decoded as they are pulled.
pub struct SolutionIter<'e> {
    ctx: &'e EvalContext<'e>,
    variables: Arc<[Variable]>,
    slots: Vec<usize>,
    rows: RowIter<'e>,
}

impl SolutionIter<'_> {
    /// The projected variables.
    pub fn variables(&self) -> &[Variable] {
        &self.variables
    }
}

impl Iterator for SolutionIter<'_> {
    type Item = Result<QuerySolution, QueryError>;

    fn next(&mut self) -> Option<Self::Item> {
        let row = match self.rows.next()? {
            Ok(row) => row,
            Err(e) => return Some(Err(e)),
        };
        let mut values = Vec::with_capacity(self.slots.len());
        for slot in &self.slots {
            match row.get(*slot).copied().flatten() {
                Some(id) => match self.ctx.term(id) {
                    Ok(term) => values.push(Some(term)),
                    Err(e) => return Some(Err(e)),
                },
                None => values.push(None),
            }
        }
        Some(Ok(QuerySolution {
            variables: Arc::clone(&self.variables),
            values,
        }))
    }
}

pub(crate) fn results<'e>(
    ctx: &'e EvalContext<'e>,
    root: &'e PlanNode,
    form: &'e QueryForm,
    input: super::exec::Row,
) -> Result<QueryResults<'e>, QueryError> {
    let rows = super::exec::ops_evaluate(ctx, root, input);
    Ok(match form {
        QueryForm::Select(variables) => QueryResults::Solutions(SolutionIter {
            ctx,
            variables: variables.iter().map(|(v, _)| v.clone()).collect(),
            slots: variables.iter().map(|(_, slot)| *slot).collect(),
            rows,
        }),
        QueryForm::Ask => {
            let mut rows = rows;
            QueryResults::Boolean(rows.next().transpose()?.is_some())
        }
        QueryForm::Construct(template) => {
            let mut seen = HashSet::new();
            let mut solution = 0_u64;
            let triples = rows.flat_map(move |row| -> Vec<Result<Triple, QueryError>> {
                solution += 1;
                let row = match row {
                    Ok(row) => row,
                    Err(e) => return vec![Err(e)],
                };
                let mut out = Vec::new();
                for triple in template {
                    match instantiate(ctx, triple, &row, solution) {
                        Ok(Some(triple)) => {
                            if seen.insert(triple.clone()) {
                                out.push(Ok(triple));
                            }
                        }
                        Ok(None) => {}
                        Err(e) => out.push(Err(e)),
                    }
                }
                out
            });
            QueryResults::Graph(Box::new(triples))
        }
        QueryForm::Describe(targets) => {
            QueryResults::Graph(Box::new(describe(ctx, rows, targets)?.into_iter().map(Ok)))
        }
    })
}

fn instantiate(
    ctx: &EvalContext<'_>,
    triple: &TemplateTriple,
    row: &[Option<TermId>],
    solution: u64,
) -> Result<Option<Triple>, QueryError> {
    let term = |position: &TemplateTerm| -> Result<Option<Term>, QueryError> {
        Ok(match position {
            TemplateTerm::Term(term) => Some(term.clone()),
            // A fresh blank node per solution, the same within one solution.
            TemplateTerm::BlankNode(label) => {
                Some(BlankNode::new_unchecked(format!("{label}_{solution}")).into())
            }
            TemplateTerm::Slot(slot) => match row.get(*slot).copied().flatten() {
                Some(id) => Some(ctx.term(id)?),
                None => None,
            },
        })
    };
    let (Some(subject), Some(predicate), Some(object)) = (
        term(&triple.subject)?,
        term(&triple.predicate)?,
        term(&triple.object)?,
    ) else {
        return Ok(None);
    };
    let subject = match subject {
        Term::NamedNode(node) => NamedOrBlankNode::from(node),
        Term::BlankNode(node) => node.into(),
        _ => return Ok(None),
    };
    let Term::NamedNode(predicate) = predicate else {
        return Ok(None);
    };
    Ok(Some(Triple::new(subject, predicate, object)))
}

/// Concise bounded descriptions: the triples of each described resource, following blank-node
/// objects.
fn describe(
    ctx: &EvalContext<'_>,
    rows: RowIter<'_>,
    targets: &[TemplateTerm],
) -> Result<Vec<Triple>, QueryError> {
    let mut resources = Vec::new();
    let mut seen = HashSet::new();
    for row in rows {
        let row = row?;
        for target in targets {
            if let TemplateTerm::Slot(slot) = target
                && let Some(id) = row.get(*slot).copied().flatten()
                && seen.insert(id)
            {
                resources.push(id);
            }
        }
    }
    let mut triples = Vec::new();
    while let Some(resource) = resources.pop() {
        let pattern = crate::storage::QuadPattern {
            subject: Some(resource),
            predicate: None,
            object: None,
            graph: crate::storage::GraphScope::Default,
            explicit_only: ctx.explicit_only(),
        };
        for quad in ctx.reader().scan(&pattern) {
            let quad = quad?;
            let object = ctx.term(quad.object)?;
            if object.is_blank_node() && seen.insert(quad.object) {
                resources.push(quad.object);
            }
            let subject = match ctx.term(quad.subject)? {
                Term::NamedNode(node) => NamedOrBlankNode::from(node),
                Term::BlankNode(node) => node.into(),
                _ => continue,
            };
            let Term::NamedNode(predicate) = ctx.term(quad.predicate)? else {
                continue;
            };
            triples.push(Triple::new(subject, predicate, object));
        }
    }
    Ok(triples)
}
