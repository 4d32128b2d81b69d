//! Property paths: `^`, `/`, `|`, `*`, `+`, `?` and negated property sets, with SPARQL 1.1's
//! semantics (`*`, `+` and `?` are sets; zero-length paths reach the start node itself).

use std::collections::{HashSet, VecDeque};

use super::ops::RowIter;
use super::{EvalContext, Row};
use crate::encoding::TermId;
use crate::sparql::QueryError;
use crate::sparql::algebra::{DefaultGraphs, GraphTarget, PathExpr, PathNode, PatternTerm};
use crate::storage::{GraphScope, QuadPattern};

struct PathEval<'c> {
    ctx: &'c EvalContext<'c>,
    graphs: Vec<GraphScope>,
    /// Ends fixed by the query text itself: only they may match a zero-length path without
    /// occurring in the graph.
    constants: Vec<TermId>,
}

impl PathEval<'_> {
    fn scan(
        &self,
        s: Option<TermId>,
        p: Option<TermId>,
        o: Option<TermId>,
    ) -> Result<Vec<(TermId, TermId, TermId)>, QueryError> {
        let mut out = Vec::new();
        for graph in &self.graphs {
            for quad in self.ctx.reader().scan(&QuadPattern {
                subject: s,
                predicate: p,
                object: o,
                graph: *graph,
                explicit_only: self.ctx.explicit_only(),
            }) {
                let quad = quad?;
                out.push((quad.subject, quad.predicate, quad.object));
            }
        }
        self.ctx.check()?;
        Ok(out)
    }

    /// Every node of the active graph(s), for zero-length paths with both ends free.
    fn nodes(&self) -> Result<HashSet<TermId>, QueryError> {
        let mut nodes = HashSet::new();
        for (s, _, o) in self.scan(None, None, None)? {
            nodes.insert(s);
            nodes.insert(o);
        }
        Ok(nodes)
    }

    /// Pairs (start, end) of `path` with the given ends bound.
    fn pairs(
        &self,
        path: &PathExpr,
        s: Option<TermId>,
        o: Option<TermId>,
    ) -> Result<Vec<(TermId, TermId)>, QueryError> {
        Ok(match path {
            PathExpr::Predicate(None) => Vec::new(),
            PathExpr::Predicate(Some(p)) => self
                .scan(s, Some(*p), o)?
                .into_iter()
                .map(|(s, _, o)| (s, o))
                .collect(),
            PathExpr::Reverse(inner) => self
                .pairs(inner, o, s)?
                .into_iter()
                .map(|(a, b)| (b, a))
                .collect(),
            PathExpr::Alternative(a, b) => {
                let mut out = self.pairs(a, s, o)?;
                out.extend(self.pairs(b, s, o)?);
                out
            }
            PathExpr::Sequence(a, b) => {
                let mut out = Vec::new();
                if s.is_some() || o.is_none() {
                    for (start, middle) in self.pairs(a, s, None)? {
                        for (_, end) in self.pairs(b, Some(middle), o)? {
                            out.push((start, end));
                        }
                    }
                } else {
                    for (middle, end) in self.pairs(b, None, o)? {
                        for (start, _) in self.pairs(a, None, Some(middle))? {
                            out.push((start, end));
                        }
                    }
                }
                out
            }
            PathExpr::ZeroOrOne(inner) => {
                let mut set: HashSet<(TermId, TermId)> =
                    self.pairs(inner, s, o)?.into_iter().collect();
                set.extend(self.zero_length(s, o)?);
                set.into_iter().collect()
            }
            PathExpr::ZeroOrMore(inner) | PathExpr::OneOrMore(inner) => {
                let zero = matches!(path, PathExpr::ZeroOrMore(_));
                let mut set = HashSet::new();
                match (s, o) {
                    (Some(start), _) => {
                        for end in self.closure(inner, start, zero, false)? {
                            if o.is_none_or(|o| o == end) {
                                set.insert((start, end));
                            }
                        }
                    }
                    (None, Some(end)) => {
                        for start in self.closure(inner, end, zero, true)? {
                            set.insert((start, end));
                        }
                    }
                    (None, None) => {
                        let starts: HashSet<TermId> = if zero {
                            self.nodes()?
                        } else {
                            self.pairs(inner, None, None)?
                                .into_iter()
                                .map(|(a, _)| a)
                                .collect()
                        };
                        for start in starts {
                            for end in self.closure(inner, start, zero, false)? {
                                set.insert((start, end));
                            }
                        }
                    }
                }
                set.into_iter().collect()
            }
            PathExpr::Negated(excluded) => self
                .scan(s, None, o)?
                .into_iter()
                .filter(|(_, p, _)| !excluded.contains(p))
                .map(|(s, _, o)| (s, o))
                .collect(),
        })
    }

    /// Whether `node` may stand at the end of a zero-length path: it occurs in the graph, or the
    /// query names it.
    fn in_graph(&self, node: TermId) -> Result<bool, QueryError> {
        if self.constants.contains(&node) {
            return Ok(true);
        }
        Ok(!self.scan(Some(node), None, None)?.is_empty()
            || !self.scan(None, None, Some(node))?.is_empty())
    }

    fn zero_length(
        &self,
        s: Option<TermId>,
        o: Option<TermId>,
    ) -> Result<Vec<(TermId, TermId)>, QueryError> {
        if let Some(node) = s.or(o)
            && !self.in_graph(node)?
        {
            return Ok(Vec::new());
        }
        Ok(match (s, o) {
            (Some(s), Some(o)) => {
                if s == o {
                    vec![(s, o)]
                } else {
                    Vec::new()
                }
            }
            (Some(x), None) | (None, Some(x)) => vec![(x, x)],
            (None, None) => self.nodes()?.into_iter().map(|n| (n, n)).collect(),
        })
    }

    /// Nodes reachable from `start` by one or more steps (and `start` itself if `zero`), walking
    /// backwards if `reverse`.
    fn closure(
        &self,
        path: &PathExpr,
        start: TermId,
        zero: bool,
        reverse: bool,
    ) -> Result<HashSet<TermId>, QueryError> {
        let mut reached = HashSet::new();
        if zero && self.in_graph(start)? {
            reached.insert(start);
        }
        let mut queue = VecDeque::from([start]);
        let mut expanded = HashSet::new();
        while let Some(node) = queue.pop_front() {
            if !expanded.insert(node) {
                continue;
            }
            let steps = if reverse {
                self.pairs(path, None, Some(node))?
                    .into_iter()
                    .map(|(a, _)| a)
                    .collect::<Vec<_>>()
            } else {
                self.pairs(path, Some(node), None)?
                    .into_iter()
                    .map(|(_, b)| b)
                    .collect()
            };
            for next in steps {
                reached.insert(next);
                queue.push_back(next);
            }
            self.ctx
                .check_rows(reached.len() + queue.len(), "property path closure")?;
        }
        Ok(reached)
    }
}

/// Graph scopes to read together, and the graph slot and id to bind, if any.
type GraphRun = (Vec<GraphScope>, Option<(usize, TermId)>);

pub(crate) fn scan_path<'c>(
    ctx: &'c EvalContext<'c>,
    node: &'c PathNode,
    input: Row,
) -> RowIter<'c> {
    let result = (|| -> Result<Vec<Row>, QueryError> {
        let bound = |term: PatternTerm| match term {
            PatternTerm::Const(id) => Ok(Some(id)),
            PatternTerm::Absent => Err(()),
            PatternTerm::Slot(slot) => Ok(input[slot]),
        };
        let (Ok(s), Ok(o)) = (bound(node.subject), bound(node.object)) else {
            return Ok(Vec::new());
        };
        let mut runs: Vec<GraphRun> = Vec::new();
        match &node.graph {
            GraphTarget::DefaultGraph => runs.push((
                match &ctx.dataset.default {
                    DefaultGraphs::Store => vec![GraphScope::Default],
                    DefaultGraphs::Graphs(graphs) => {
                        graphs.iter().map(|g| GraphScope::Graph(*g)).collect()
                    }
                },
                None,
            )),
            GraphTarget::Named(term) => {
                let named: Vec<TermId> = match &ctx.dataset.named {
                    Some(named) => named.clone(),
                    None => ctx.reader().named_graphs()?,
                };
                match *term {
                    PatternTerm::Absent => {}
                    PatternTerm::Const(g) => {
                        if named.contains(&g) {
                            runs.push((vec![GraphScope::Graph(g)], None));
                        }
                    }
                    PatternTerm::Slot(slot) => match input[slot] {
                        Some(g) => {
                            if named.contains(&g) {
                                runs.push((vec![GraphScope::Graph(g)], None));
                            }
                        }
                        None => {
                            for g in named {
                                runs.push((vec![GraphScope::Graph(g)], Some((slot, g))));
                            }
                        }
                    },
                }
            }
        }
        let mut rows = Vec::new();
        for (graphs, graph_binding) in runs {
            let constants = [node.subject, node.object]
                .into_iter()
                .filter_map(|term| match term {
                    PatternTerm::Const(id) => Some(id),
                    _ => None,
                })
                .collect();
            let eval = PathEval {
                ctx,
                graphs,
                constants,
            };
            for (start, end) in eval.pairs(&node.path, s, o)? {
                let mut row = input.clone();
                let mut ok = true;
                let mut bindings = vec![(node.subject, start), (node.object, end)];
                if let Some((slot, g)) = graph_binding {
                    bindings.push((PatternTerm::Slot(slot), g));
                }
                for (term, value) in bindings {
                    if let PatternTerm::Slot(slot) = term {
                        match row[slot] {
                            Some(existing) if existing != value => ok = false,
                            _ => row[slot] = Some(value),
                        }
                    }
                }
                if ok {
                    rows.push(row);
                }
            }
        }
        Ok(rows)
    })();
    match result {
        Ok(rows) => Box::new(rows.into_iter().map(Ok)),
        Err(e) => Box::new(std::iter::once(Err(e))),
    }
}
