use std::collections::HashMap;

use oxrdf::{BlankNode, Term, Variable};
use spargebra::algebra::{
    AggregateExpression, Expression, Function, GraphPattern, OrderExpression,
    PropertyPathExpression,
};
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern, TriplePattern};

use super::Catalog;
use super::cost::FilterHint;
use crate::sparql::QueryError;
use crate::sparql::algebra::{
    Aggregate, AggregateFunction, ArithmeticOp, Builtin, CastTarget, Expr, GraphTarget, PathExpr,
    PathNode, PatternTerm, PlanNode, QuadPatternNode, ServiceEndpoint, Slot, TemplateTerm,
    TemplateTriple,
};

/// Turns spargebra's algebra into a plan, numbering variables as it meets them.
pub(crate) struct Translator {
    slots: HashMap<Variable, Slot>,
    blank_slots: HashMap<BlankNode, Slot>,
    hidden: usize,
    /// Hidden slots that hold the graph being read inside `GRAPH ?g`: context the executor
    /// passes into sub-plans evaluated on their own.
    graph_slots: Vec<Slot>,
}

/// Tells an ORDER BY under a slice (through projections, which keep the row count) that only its
/// first `count` rows are read.
fn top_k(node: &mut PlanNode, count: usize) {
    match node {
        PlanNode::Project(inner, _) => top_k(inner, count),
        PlanNode::OrderBy(_, _, limit) => *limit = Some(count),
        _ => {}
    }
}

fn unsupported(what: impl Into<String>) -> QueryError {
    QueryError::Unsupported(what.into())
}

impl Translator {
    pub(crate) fn new() -> Self {
        Self {
            slots: HashMap::new(),
            blank_slots: HashMap::new(),
            hidden: 0,
            graph_slots: Vec::new(),
        }
    }

    /// Number of slots allotted so far.
    pub(crate) fn width(&self) -> usize {
        self.slots.len() + self.blank_slots.len() + self.hidden
    }

    /// The slots that carry graph context (see [`PlanNode::BindGraph`]).
    pub(crate) fn graph_slots(&self) -> &[Slot] {
        &self.graph_slots
    }

    /// A printable name for each slot: `?var` for variables, `_:b` for blank nodes.
    pub(crate) fn slot_names(&self) -> Vec<String> {
        let mut names = vec![String::new(); self.width()];
        for (variable, slot) in &self.slots {
            names[*slot] = variable.to_string();
        }
        for (node, slot) in &self.blank_slots {
            names[*slot] = node.to_string();
        }
        names
    }

    /// A slot no query variable can name.
    fn hidden_slot(&mut self) -> Slot {
        let slot = self.width();
        self.hidden += 1;
        slot
    }

    pub(crate) fn slot(&mut self, variable: &Variable) -> Slot {
        let next = self.width();
        *self.slots.entry(variable.clone()).or_insert(next)
    }

    fn blank_slot(&mut self, node: &BlankNode) -> Slot {
        let next = self.width();
        *self.blank_slots.entry(node.clone()).or_insert(next)
    }

    fn constant(&self, term: &Term, ctx: &dyn Catalog) -> Result<PatternTerm, QueryError> {
        Ok(match ctx.term_id(term)? {
            Some(id) => PatternTerm::Const(id),
            None => PatternTerm::Absent,
        })
    }

    fn term_pattern(
        &mut self,
        term: &TermPattern,
        ctx: &dyn Catalog,
    ) -> Result<PatternTerm, QueryError> {
        Ok(match term {
            TermPattern::NamedNode(node) => self.constant(&node.clone().into(), ctx)?,
            TermPattern::Literal(literal) => self.constant(&literal.clone().into(), ctx)?,
            TermPattern::BlankNode(node) => PatternTerm::Slot(self.blank_slot(node)),
            TermPattern::Variable(variable) => PatternTerm::Slot(self.slot(variable)),
            #[allow(unreachable_patterns, reason = "RDF 1.2 triple patterns when enabled")]
            _ => return Err(unsupported("triple terms")),
        })
    }

    fn named_node_pattern(
        &mut self,
        term: &NamedNodePattern,
        ctx: &dyn Catalog,
    ) -> Result<PatternTerm, QueryError> {
        Ok(match term {
            NamedNodePattern::NamedNode(node) => self.constant(&node.clone().into(), ctx)?,
            NamedNodePattern::Variable(variable) => PatternTerm::Slot(self.slot(variable)),
        })
    }

    fn triple(
        &mut self,
        pattern: &TriplePattern,
        graph: &GraphTarget,
        ctx: &dyn Catalog,
    ) -> Result<PlanNode, QueryError> {
        Ok(PlanNode::Pattern(QuadPatternNode {
            subject: self.term_pattern(&pattern.subject, ctx)?,
            predicate: self.named_node_pattern(&pattern.predicate, ctx)?,
            object: self.term_pattern(&pattern.object, ctx)?,
            graph: graph.clone(),
            object_range: None,
        }))
    }

    /// An end of a path: constants unknown to the store still match zero-length paths, so they
    /// get a query-local id instead of "absent".
    fn path_end(
        &mut self,
        term: &TermPattern,
        ctx: &dyn Catalog,
    ) -> Result<PatternTerm, QueryError> {
        Ok(match term {
            TermPattern::NamedNode(node) => PatternTerm::Const(ctx.intern(node.clone().into())?),
            TermPattern::Literal(literal) => {
                PatternTerm::Const(ctx.intern(literal.clone().into())?)
            }
            other => self.term_pattern(other, ctx)?,
        })
    }

    fn path(
        &mut self,
        path: &PropertyPathExpression,
        ctx: &dyn Catalog,
    ) -> Result<PathExpr, QueryError> {
        let id = |node: &oxrdf::NamedNode| ctx.term_id(&node.clone().into());
        Ok(match path {
            PropertyPathExpression::NamedNode(node) => PathExpr::Predicate(id(node)?),
            PropertyPathExpression::Reverse(inner) => {
                PathExpr::Reverse(Box::new(self.path(inner, ctx)?))
            }
            PropertyPathExpression::Sequence(a, b) => {
                PathExpr::Sequence(Box::new(self.path(a, ctx)?), Box::new(self.path(b, ctx)?))
            }
            PropertyPathExpression::Alternative(a, b) => {
                PathExpr::Alternative(Box::new(self.path(a, ctx)?), Box::new(self.path(b, ctx)?))
            }
            PropertyPathExpression::ZeroOrMore(inner) => {
                PathExpr::ZeroOrMore(Box::new(self.path(inner, ctx)?))
            }
            PropertyPathExpression::OneOrMore(inner) => {
                PathExpr::OneOrMore(Box::new(self.path(inner, ctx)?))
            }
            PropertyPathExpression::ZeroOrOne(inner) => {
                PathExpr::ZeroOrOne(Box::new(self.path(inner, ctx)?))
            }
            PropertyPathExpression::NegatedPropertySet(nodes) => {
                let mut ids = Vec::new();
                for node in nodes {
                    if let Some(found) = id(node)? {
                        ids.push(found);
                    }
                }
                PathExpr::Negated(ids)
            }
        })
    }

    /// A basic graph pattern: its patterns in join order, joined left-deep.
    fn bgp(
        &mut self,
        patterns: &[TriplePattern],
        graph: &GraphTarget,
        ctx: &dyn Catalog,
        filters: &[FilterHint],
    ) -> Result<PlanNode, QueryError> {
        let mut nodes = Vec::with_capacity(patterns.len());
        for triple in patterns {
            nodes.push(self.triple(triple, graph, ctx)?);
        }
        // Inside `GRAPH ?g`, the graph being read is bound before the BGP runs.
        let context = match graph {
            GraphTarget::Named(PatternTerm::Slot(slot)) if self.graph_slots.contains(slot) => {
                Some(*slot)
            }
            _ => None,
        };
        let chain = |ordered: Vec<PlanNode>| {
            let mut plan: Option<PlanNode> = None;
            for node in super::intersect::fuse(ordered, context) {
                plan = Some(match plan {
                    None => node,
                    Some(left) => PlanNode::Join(Box::new(left), Box::new(node)),
                });
            }
            plan.unwrap_or(PlanNode::Unit)
        };
        Ok(match super::order::order_bgp(ctx, nodes, filters)? {
            super::order::BgpPlan::Chain(ordered) => chain(ordered),
            super::order::BgpPlan::Split(first, second) => {
                PlanNode::HashJoin(Box::new(chain(first)), Box::new(chain(second)))
            }
        })
    }

    pub(crate) fn pattern(
        &mut self,
        pattern: &GraphPattern,
        graph: &GraphTarget,
        ctx: &dyn Catalog,
    ) -> Result<PlanNode, QueryError> {
        Ok(match pattern {
            GraphPattern::Bgp { patterns } => self.bgp(patterns, graph, ctx, &[])?,
            GraphPattern::Path {
                subject,
                path,
                object,
            } => match path {
                PropertyPathExpression::NamedNode(predicate) => self.triple(
                    &TriplePattern {
                        subject: subject.clone(),
                        predicate: predicate.clone().into(),
                        object: object.clone(),
                    },
                    graph,
                    ctx,
                )?,
                _ => PlanNode::Path(PathNode {
                    subject: self.path_end(subject, ctx)?,
                    path: self.path(path, ctx)?,
                    object: self.path_end(object, ctx)?,
                    graph: graph.clone(),
                }),
            },
            GraphPattern::Join { left, right } => PlanNode::Join(
                Box::new(self.pattern(left, graph, ctx)?),
                Box::new(self.pattern(right, graph, ctx)?),
            ),
            GraphPattern::LeftJoin {
                left,
                right,
                expression,
            } => PlanNode::LeftJoin(
                Box::new(self.pattern(left, graph, ctx)?),
                Box::new(self.pattern(right, graph, ctx)?),
                expression
                    .as_ref()
                    .map(|e| self.expression(e, graph, ctx))
                    .transpose()?,
            ),
            GraphPattern::Filter { expr, inner } => {
                let expr = self.expression(expr, graph, ctx)?;
                // The BGP's join order knows the conjuncts, so that patterns letting a selective
                // one run come early.
                let inner = match inner.as_ref() {
                    GraphPattern::Bgp { patterns } => {
                        self.bgp(patterns, graph, ctx, &super::pushdown::hints(&expr))?
                    }
                    other => self.pattern(other, graph, ctx)?,
                };
                super::pushdown::filter(expr, inner)
            }
            GraphPattern::Union { left, right } => {
                let mut children = Vec::new();
                for side in [left, right] {
                    match self.pattern(side, graph, ctx)? {
                        PlanNode::Union(nested) => children.extend(nested),
                        other => children.push(other),
                    }
                }
                PlanNode::Union(children)
            }
            GraphPattern::Graph { name, inner } => match self.named_node_pattern(name, ctx)? {
                PatternTerm::Slot(variable) => {
                    // The graph being read lives in a hidden slot; the variable is unified with it
                    // after the inner pattern, where it may also occur as an ordinary variable.
                    let current = self.hidden_slot();
                    self.graph_slots.push(current);
                    let target = GraphTarget::Named(PatternTerm::Slot(current));
                    let inner = self.pattern(inner, &target, ctx)?;
                    PlanNode::BindGraph(
                        Box::new(PlanNode::Join(
                            Box::new(PlanNode::NamedGraph(PatternTerm::Slot(current))),
                            Box::new(inner),
                        )),
                        variable,
                        current,
                    )
                }
                constant => {
                    let inner = self.pattern(inner, &GraphTarget::Named(constant), ctx)?;
                    PlanNode::Join(Box::new(PlanNode::NamedGraph(constant)), Box::new(inner))
                }
            },
            GraphPattern::Extend {
                inner,
                variable,
                expression,
            } => {
                let inner = self.pattern(inner, graph, ctx)?;
                let expr = self.expression(expression, graph, ctx)?;
                PlanNode::Extend(Box::new(inner), self.slot(variable), expr)
            }
            GraphPattern::Minus { left, right } => PlanNode::Minus(
                Box::new(self.pattern(left, graph, ctx)?),
                Box::new(self.pattern(right, graph, ctx)?),
            ),
            GraphPattern::Values {
                variables,
                bindings,
            } => {
                let slots: Vec<Slot> = variables.iter().map(|v| self.slot(v)).collect();
                let mut rows = Vec::with_capacity(bindings.len());
                for binding in bindings {
                    let mut row = Vec::with_capacity(binding.len());
                    for value in binding {
                        row.push(match value {
                            None => None,
                            Some(GroundTerm::NamedNode(node)) => {
                                Some(ctx.intern(node.clone().into())?)
                            }
                            Some(GroundTerm::Literal(literal)) => {
                                Some(ctx.intern(literal.clone().into())?)
                            }
                            #[allow(
                                unreachable_patterns,
                                reason = "RDF 1.2 triple terms when enabled"
                            )]
                            Some(_) => return Err(unsupported("triple terms in VALUES")),
                        });
                    }
                    rows.push(row);
                }
                PlanNode::Values(rows, slots)
            }
            GraphPattern::OrderBy { inner, expression } => {
                let inner = self.pattern(inner, graph, ctx)?;
                let mut keys = Vec::with_capacity(expression.len());
                for key in expression {
                    keys.push(match key {
                        OrderExpression::Asc(e) => (self.expression(e, graph, ctx)?, false),
                        OrderExpression::Desc(e) => (self.expression(e, graph, ctx)?, true),
                    });
                }
                PlanNode::OrderBy(Box::new(inner), keys, None)
            }
            GraphPattern::Project { inner, variables } => {
                let inner = self.pattern(inner, graph, ctx)?;
                PlanNode::Project(
                    Box::new(inner),
                    variables.iter().map(|v| self.slot(v)).collect(),
                )
            }
            GraphPattern::Distinct { inner } => {
                PlanNode::Distinct(Box::new(self.pattern(inner, graph, ctx)?))
            }
            // REDUCED allows, but does not require, removing duplicates.
            GraphPattern::Reduced { inner } => self.pattern(inner, graph, ctx)?,
            GraphPattern::Slice {
                inner,
                start,
                length,
            } => {
                let mut inner = self.pattern(inner, graph, ctx)?;
                if let Some(length) = length {
                    top_k(&mut inner, start.saturating_add(*length));
                }
                PlanNode::Slice(Box::new(inner), *start, *length)
            }
            GraphPattern::Group {
                inner,
                variables,
                aggregates,
            } => {
                let inner = self.pattern(inner, graph, ctx)?;
                let keys = variables.iter().map(|v| self.slot(v)).collect();
                let mut compiled = Vec::with_capacity(aggregates.len());
                for (variable, aggregate) in aggregates {
                    let aggregate = match aggregate {
                        AggregateExpression::CountSolutions { distinct } => Aggregate {
                            function: AggregateFunction::CountRows,
                            expr: None,
                            distinct: *distinct,
                        },
                        AggregateExpression::FunctionCall {
                            name,
                            expr,
                            distinct,
                        } => Aggregate {
                            function: match name {
                                spargebra::algebra::AggregateFunction::Count => {
                                    AggregateFunction::Count
                                }
                                spargebra::algebra::AggregateFunction::Sum => {
                                    AggregateFunction::Sum
                                }
                                spargebra::algebra::AggregateFunction::Avg => {
                                    AggregateFunction::Avg
                                }
                                spargebra::algebra::AggregateFunction::Min => {
                                    AggregateFunction::Min
                                }
                                spargebra::algebra::AggregateFunction::Max => {
                                    AggregateFunction::Max
                                }
                                spargebra::algebra::AggregateFunction::Sample => {
                                    AggregateFunction::Sample
                                }
                                spargebra::algebra::AggregateFunction::GroupConcat {
                                    separator,
                                } => AggregateFunction::GroupConcat(
                                    separator.clone().unwrap_or_else(|| " ".into()),
                                ),
                                spargebra::algebra::AggregateFunction::Custom(name) => {
                                    return Err(unsupported(format!("aggregate {name}")));
                                }
                            },
                            expr: Some(self.expression(expr, graph, ctx)?),
                            distinct: *distinct,
                        },
                    };
                    compiled.push((self.slot(variable), aggregate));
                }
                PlanNode::Group(Box::new(inner), keys, compiled)
            }
            GraphPattern::Service {
                name,
                inner,
                silent,
            } => {
                let endpoint = match name {
                    NamedNodePattern::NamedNode(endpoint) => ServiceEndpoint::Iri(endpoint.clone()),
                    NamedNodePattern::Variable(variable) => {
                        ServiceEndpoint::Slot(self.slot(variable))
                    }
                };
                let mut variables = Vec::new();
                inner.on_in_scope_variable(|variable| {
                    if !variables.contains(variable) {
                        variables.push(variable.clone());
                    }
                });
                let slots = variables
                    .into_iter()
                    .map(|v| {
                        let slot = self.slot(&v);
                        (v, slot)
                    })
                    .collect();
                PlanNode::Service(endpoint, inner.clone(), slots, *silent)
            }
            #[allow(unreachable_patterns, reason = "extensions of spargebra")]
            _ => return Err(unsupported("this graph pattern")),
        })
    }

    pub(crate) fn expression(
        &mut self,
        expression: &Expression,
        graph: &GraphTarget,
        ctx: &dyn Catalog,
    ) -> Result<Expr, QueryError> {
        let binary = |a: &Expression,
                      b: &Expression,
                      this: &mut Self|
         -> Result<(Box<Expr>, Box<Expr>), QueryError> {
            Ok((
                Box::new(this.expression(a, graph, ctx)?),
                Box::new(this.expression(b, graph, ctx)?),
            ))
        };
        use std::cmp::Ordering::{Equal, Greater, Less};
        Ok(match expression {
            Expression::NamedNode(node) => Expr::Const(node.clone().into()),
            Expression::Literal(literal) => Expr::Const(literal.clone().into()),
            Expression::Variable(variable) => Expr::Slot(self.slot(variable)),
            Expression::Or(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::Or(a, b)
            }
            Expression::And(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::And(a, b)
            }
            Expression::Equal(a, b) => {
                let (a, b) = binary(a, b, self)?;
                iri_equality(*a, *b, ctx, Expr::Equal)?
            }
            Expression::SameTerm(a, b) => {
                let (a, b) = binary(a, b, self)?;
                iri_equality(*a, *b, ctx, Expr::SameTerm)?
            }
            Expression::Greater(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::Compare(a, b, &[Greater])
            }
            Expression::GreaterOrEqual(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::Compare(a, b, &[Greater, Equal])
            }
            Expression::Less(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::Compare(a, b, &[Less])
            }
            Expression::LessOrEqual(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::Compare(a, b, &[Less, Equal])
            }
            Expression::In(needle, haystack) => Expr::In(
                Box::new(self.expression(needle, graph, ctx)?),
                haystack
                    .iter()
                    .map(|e| self.expression(e, graph, ctx))
                    .collect::<Result<_, _>>()?,
            ),
            Expression::Add(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::Arithmetic(a, b, ArithmeticOp::Add)
            }
            Expression::Subtract(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::Arithmetic(a, b, ArithmeticOp::Subtract)
            }
            Expression::Multiply(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::Arithmetic(a, b, ArithmeticOp::Multiply)
            }
            Expression::Divide(a, b) => {
                let (a, b) = binary(a, b, self)?;
                Expr::Arithmetic(a, b, ArithmeticOp::Divide)
            }
            Expression::UnaryPlus(inner) => {
                Expr::Negate(Box::new(self.expression(inner, graph, ctx)?), false)
            }
            Expression::UnaryMinus(inner) => {
                Expr::Negate(Box::new(self.expression(inner, graph, ctx)?), true)
            }
            Expression::Not(inner) => Expr::Not(Box::new(self.expression(inner, graph, ctx)?)),
            Expression::Exists(pattern) => {
                Expr::Exists(Box::new(self.pattern(pattern, graph, ctx)?))
            }
            Expression::Bound(variable) => Expr::Bound(self.slot(variable)),
            Expression::If(a, b, c) => Expr::If(
                Box::new(self.expression(a, graph, ctx)?),
                Box::new(self.expression(b, graph, ctx)?),
                Box::new(self.expression(c, graph, ctx)?),
            ),
            Expression::Coalesce(options) => Expr::Coalesce(
                options
                    .iter()
                    .map(|e| self.expression(e, graph, ctx))
                    .collect::<Result<_, _>>()?,
            ),
            Expression::FunctionCall(function, args) => {
                let builtin = match function {
                    Function::Str => Builtin::Str,
                    Function::Lang => Builtin::Lang,
                    Function::LangMatches => Builtin::LangMatches,
                    Function::Datatype => Builtin::Datatype,
                    Function::Iri => Builtin::Iri,
                    Function::BNode => Builtin::BNode,
                    Function::Rand => Builtin::Rand,
                    Function::Abs => Builtin::Abs,
                    Function::Ceil => Builtin::Ceil,
                    Function::Floor => Builtin::Floor,
                    Function::Round => Builtin::Round,
                    Function::Concat => Builtin::Concat,
                    Function::SubStr => Builtin::SubStr,
                    Function::StrLen => Builtin::StrLen,
                    Function::Replace => Builtin::Replace,
                    Function::UCase => Builtin::UCase,
                    Function::LCase => Builtin::LCase,
                    Function::EncodeForUri => Builtin::EncodeForUri,
                    Function::Contains => Builtin::Contains,
                    Function::StrStarts => Builtin::StrStarts,
                    Function::StrEnds => Builtin::StrEnds,
                    Function::StrBefore => Builtin::StrBefore,
                    Function::StrAfter => Builtin::StrAfter,
                    Function::Year => Builtin::Year,
                    Function::Month => Builtin::Month,
                    Function::Day => Builtin::Day,
                    Function::Hours => Builtin::Hours,
                    Function::Minutes => Builtin::Minutes,
                    Function::Seconds => Builtin::Seconds,
                    Function::Timezone => Builtin::Timezone,
                    Function::Tz => Builtin::Tz,
                    Function::Now => Builtin::Now,
                    Function::Uuid => Builtin::Uuid,
                    Function::StrUuid => Builtin::StrUuid,
                    Function::Md5 => Builtin::Md5,
                    Function::Sha1 => Builtin::Sha1,
                    Function::Sha256 => Builtin::Sha256,
                    Function::Sha384 => Builtin::Sha384,
                    Function::Sha512 => Builtin::Sha512,
                    Function::StrLang => Builtin::StrLang,
                    Function::StrDt => Builtin::StrDt,
                    Function::IsIri => Builtin::IsIri,
                    Function::IsBlank => Builtin::IsBlank,
                    Function::IsLiteral => Builtin::IsLiteral,
                    Function::IsNumeric => Builtin::IsNumeric,
                    Function::Regex => Builtin::Regex,
                    Function::Custom(iri) => match CastTarget::from_iri(iri) {
                        Some(target) => Builtin::Cast(target),
                        None => match ctx.custom_function(iri) {
                            Some(index) => {
                                return Ok(Expr::Custom(
                                    index,
                                    args.iter()
                                        .map(|e| self.expression(e, graph, ctx))
                                        .collect::<Result<_, _>>()?,
                                ));
                            }
                            None => {
                                return Err(unsupported(format!("function <{}>", iri.as_str())));
                            }
                        },
                    },
                    #[allow(unreachable_patterns, reason = "RDF 1.2 functions when enabled")]
                    other => return Err(unsupported(format!("function {other}"))),
                };
                Expr::Call(
                    builtin,
                    args.iter()
                        .map(|e| self.expression(e, graph, ctx))
                        .collect::<Result<_, _>>()?,
                )
            }
        })
    }

    /// A CONSTRUCT template in slots.
    pub(crate) fn template(&mut self, template: &[TriplePattern]) -> Vec<TemplateTriple> {
        let mut term = |pattern: &TermPattern| match pattern {
            TermPattern::NamedNode(node) => TemplateTerm::Term(node.clone().into()),
            TermPattern::Literal(literal) => TemplateTerm::Term(literal.clone().into()),
            TermPattern::BlankNode(node) => TemplateTerm::BlankNode(node.as_str().to_owned()),
            TermPattern::Variable(variable) => TemplateTerm::Slot(self.slot(variable)),
            #[allow(unreachable_patterns, reason = "RDF 1.2 triple patterns when enabled")]
            _ => TemplateTerm::BlankNode(String::new()),
        };
        let mut triples = Vec::with_capacity(template.len());
        for triple in template {
            let subject = term(&triple.subject);
            let predicate = match &triple.predicate {
                NamedNodePattern::NamedNode(node) => TemplateTerm::Term(node.clone().into()),
                NamedNodePattern::Variable(variable) => {
                    term(&TermPattern::Variable(variable.clone()))
                }
            };
            let object = term(&triple.object);
            triples.push(TemplateTriple {
                subject,
                predicate,
                object,
            });
        }
        triples
    }
}

/// `a = b` (or `sameTerm(a, b)`, built by `general`) as [`Expr::IsIri`] when one side is an IRI
/// constant: both are true exactly when the other side is that IRI, which ids decide.
fn iri_equality(
    a: Expr,
    b: Expr,
    ctx: &dyn Catalog,
    general: fn(Box<Expr>, Box<Expr>) -> Expr,
) -> Result<Expr, QueryError> {
    Ok(match (a, b) {
        (Expr::Const(Term::NamedNode(iri)), other) | (other, Expr::Const(Term::NamedNode(iri))) => {
            Expr::IsIri(Box::new(other), ctx.intern(iri.into())?)
        }
        (a, b) => general(Box::new(a), Box::new(b)),
    })
}
