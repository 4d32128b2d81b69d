//! Instantiating `DELETE` and `INSERT` templates with one solution.

use std::collections::HashMap;

use oxrdf::{BlankNode, GraphName, NamedNode, NamedOrBlankNode, Quad, Term, Variable};
use spargebra::term::{
    GraphNamePattern, GroundQuadPattern, GroundTermPattern, NamedNodePattern, QuadPattern,
    TermPattern,
};

/// One solution of a `WHERE` clause, by variable.
pub(crate) struct Binding<'s> {
    variables: &'s [Variable],
    values: &'s [Option<Term>],
}

impl<'s> Binding<'s> {
    pub(crate) fn new(variables: &'s [Variable], values: &'s [Option<Term>]) -> Self {
        Self { variables, values }
    }

    fn get(&self, variable: &Variable) -> Option<&'s Term> {
        let index = self.variables.iter().position(|v| v == variable)?;
        self.values.get(index)?.as_ref()
    }
}

/// The quad a `DELETE` template gives for `binding`, or `None` when a variable is unbound or the
/// result is not a valid quad (a literal subject, say): such quads are skipped, as SPARQL says.
pub(crate) fn delete_quad(pattern: &GroundQuadPattern, binding: &Binding<'_>) -> Option<Quad> {
    let subject = match &pattern.subject {
        GroundTermPattern::NamedNode(node) => NamedOrBlankNode::from(node.clone()),
        GroundTermPattern::Variable(v) => subject_of(binding.get(v)?)?,
        #[allow(unreachable_patterns, reason = "RDF 1.2 triple terms, when enabled")]
        _ => return None,
    };
    let object = match &pattern.object {
        GroundTermPattern::NamedNode(node) => Term::from(node.clone()),
        GroundTermPattern::Literal(literal) => Term::from(literal.clone()),
        GroundTermPattern::Variable(v) => binding.get(v)?.clone(),
        #[allow(unreachable_patterns, reason = "RDF 1.2 triple terms, when enabled")]
        _ => return None,
    };
    Some(Quad::new(
        subject,
        predicate_of(&pattern.predicate, binding)?,
        object,
        graph_of(&pattern.graph_name, binding)?,
    ))
}

/// The quad an `INSERT` template gives for `binding`; `fresh` maps the template's blank nodes to
/// the new ones of this solution (one set per solution). `None` as for [`delete_quad`].
pub(crate) fn insert_quad(
    pattern: &QuadPattern,
    binding: &Binding<'_>,
    fresh: &mut HashMap<BlankNode, BlankNode>,
) -> Option<Quad> {
    let subject = match &pattern.subject {
        TermPattern::NamedNode(node) => NamedOrBlankNode::from(node.clone()),
        TermPattern::BlankNode(node) => fresh_node(node, fresh).into(),
        TermPattern::Variable(v) => subject_of(binding.get(v)?)?,
        #[allow(unreachable_patterns, reason = "RDF 1.2 triple terms, when enabled")]
        _ => return None,
    };
    let object = match &pattern.object {
        TermPattern::NamedNode(node) => Term::from(node.clone()),
        TermPattern::BlankNode(node) => fresh_node(node, fresh).into(),
        TermPattern::Literal(literal) => Term::from(literal.clone()),
        TermPattern::Variable(v) => binding.get(v)?.clone(),
        #[allow(unreachable_patterns, reason = "RDF 1.2 triple terms, when enabled")]
        _ => return None,
    };
    Some(Quad::new(
        subject,
        predicate_of(&pattern.predicate, binding)?,
        object,
        graph_of(&pattern.graph_name, binding)?,
    ))
}

/// Gives `quad`'s blank nodes the ones `fresh` maps them to, making new ones for new labels: the
/// blank nodes of one `INSERT DATA` are new nodes, the same label the same node within it.
pub(crate) fn with_fresh_blank_nodes(
    mut quad: Quad,
    fresh: &mut HashMap<BlankNode, BlankNode>,
) -> Quad {
    if let NamedOrBlankNode::BlankNode(node) = &quad.subject {
        quad.subject = fresh_node(node, fresh).into();
    }
    if let Term::BlankNode(node) = &quad.object {
        quad.object = fresh_node(node, fresh).into();
    }
    if let GraphName::BlankNode(node) = &quad.graph_name {
        quad.graph_name = fresh_node(node, fresh).into();
    }
    quad
}

fn fresh_node(node: &BlankNode, fresh: &mut HashMap<BlankNode, BlankNode>) -> BlankNode {
    fresh.entry(node.clone()).or_default().clone()
}

fn subject_of(term: &Term) -> Option<NamedOrBlankNode> {
    match term {
        Term::NamedNode(node) => Some(node.clone().into()),
        Term::BlankNode(node) => Some(node.clone().into()),
        _ => None,
    }
}

fn predicate_of(pattern: &NamedNodePattern, binding: &Binding<'_>) -> Option<NamedNode> {
    match pattern {
        NamedNodePattern::NamedNode(node) => Some(node.clone()),
        NamedNodePattern::Variable(v) => match binding.get(v)? {
            Term::NamedNode(node) => Some(node.clone()),
            _ => None,
        },
    }
}

fn graph_of(pattern: &GraphNamePattern, binding: &Binding<'_>) -> Option<GraphName> {
    match pattern {
        GraphNamePattern::NamedNode(node) => Some(node.clone().into()),
        GraphNamePattern::DefaultGraph => Some(GraphName::DefaultGraph),
        GraphNamePattern::Variable(v) => match binding.get(v)? {
            Term::NamedNode(node) => Some(node.clone().into()),
            // Graph names in SPARQL Update templates are IRIs.
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unbound_and_ill_formed_quads_are_skipped() {
        let x = Variable::new_unchecked("x");
        let pattern = QuadPattern {
            subject: TermPattern::Variable(x.clone()),
            predicate: NamedNodePattern::NamedNode(NamedNode::new_unchecked("http://e/p")),
            object: TermPattern::BlankNode(BlankNode::new_unchecked("b")),
            graph_name: GraphNamePattern::DefaultGraph,
        };
        let variables = [x];
        let mut fresh = HashMap::new();
        let unbound = [None];
        assert!(insert_quad(&pattern, &Binding::new(&variables, &unbound), &mut fresh).is_none());
        let literal = [Some(Term::from(oxrdf::Literal::from(1)))];
        assert!(insert_quad(&pattern, &Binding::new(&variables, &literal), &mut fresh).is_none());
        let node = [Some(Term::from(NamedNode::new_unchecked("http://e/s")))];
        let first = insert_quad(&pattern, &Binding::new(&variables, &node), &mut fresh);
        let again = insert_quad(&pattern, &Binding::new(&variables, &node), &mut fresh);
        assert_eq!(first, again, "one solution, one blank node per label");
        let other = insert_quad(
            &pattern,
            &Binding::new(&variables, &node),
            &mut HashMap::new(),
        );
        assert_ne!(first, other, "a new solution gets new blank nodes");
    }
}
