//! Terms across the boundary: three strings each (see the crate documentation).

use trine_core::oxrdf::{
    BlankNode, GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term, TermRef,
};
use wasm_bindgen::JsValue;

use crate::error::js_error;

/// Strings per term.
pub(crate) const TERM: usize = 3;
/// Strings per quad.
pub(crate) const QUAD: usize = 4 * TERM;

fn invalid(message: impl std::fmt::Display) -> JsValue {
    js_error("invalid_term", message)
}

/// The term `[kind, value, extra]` stands for; `None` for the empty kind.
pub(crate) fn decode(parts: &[String]) -> Result<Option<Term>, JsValue> {
    let [kind, value, extra] = parts else {
        return Err(invalid("a term is three strings: kind, value, extra"));
    };
    Ok(Some(match kind.as_str() {
        "" => return Ok(None),
        "N" => NamedNode::new(value.as_str())
            .map_err(|e| invalid(format!("invalid IRI <{value}>: {e}")))?
            .into(),
        "B" => BlankNode::new(value.as_str())
            .map_err(|e| invalid(format!("invalid blank node label {value:?}: {e}")))?
            .into(),
        "L" => {
            let datatype = NamedNode::new(extra.as_str())
                .map_err(|e| invalid(format!("invalid datatype IRI <{extra}>: {e}")))?;
            Literal::new_typed_literal(value.as_str(), datatype).into()
        }
        "G" => Literal::new_language_tagged_literal(value.as_str(), extra.as_str())
            .map_err(|e| invalid(format!("invalid language tag {extra:?}: {e}")))?
            .into(),
        "D" => {
            return Err(invalid(
                "the default graph is not a subject, predicate or object",
            ));
        }
        other => return Err(invalid(format!("unknown term kind {other:?}"))),
    }))
}

/// The graph `[kind, value, extra]` names: `None` for any graph (the empty kind).
pub(crate) fn decode_graph(parts: &[String]) -> Result<Option<GraphName>, JsValue> {
    if parts.first().is_some_and(|kind| kind == "D") {
        return Ok(Some(GraphName::DefaultGraph));
    }
    Ok(match decode(parts)? {
        None => None,
        Some(Term::NamedNode(node)) => Some(node.into()),
        Some(Term::BlankNode(node)) => Some(node.into()),
        Some(_) => return Err(invalid("a graph name is an IRI or a blank node")),
    })
}

/// A subject: an IRI or a blank node.
pub(crate) fn subject(term: Term) -> Result<NamedOrBlankNode, JsValue> {
    match term {
        Term::NamedNode(node) => Ok(node.into()),
        Term::BlankNode(node) => Ok(node.into()),
        _ => Err(invalid("a subject is an IRI or a blank node")),
    }
}

/// A predicate: an IRI.
pub(crate) fn predicate(term: Term) -> Result<NamedNode, JsValue> {
    match term {
        Term::NamedNode(node) => Ok(node),
        _ => Err(invalid("a predicate is an IRI")),
    }
}

/// The quad of twelve strings, every position given.
pub(crate) fn decode_quad(parts: &[String]) -> Result<Quad, JsValue> {
    if parts.len() != QUAD {
        return Err(invalid("a quad is twelve strings"));
    }
    let part = |i: usize| decode(&parts[i * TERM..(i + 1) * TERM]);
    let missing = || invalid("a quad needs a subject, a predicate and an object");
    let graph = decode_graph(&parts[3 * TERM..])?.unwrap_or(GraphName::DefaultGraph);
    Ok(Quad::new(
        subject(part(0)?.ok_or_else(missing)?)?,
        predicate(part(1)?.ok_or_else(missing)?)?,
        part(2)?.ok_or_else(missing)?,
        graph,
    ))
}

/// Appends `term` as three strings.
pub(crate) fn encode(term: TermRef<'_>, out: &mut Vec<String>) {
    match term {
        TermRef::NamedNode(node) => {
            out.extend(["N".into(), node.as_str().into(), String::new()]);
        }
        TermRef::BlankNode(node) => {
            out.extend(["B".into(), node.as_str().into(), String::new()]);
        }
        TermRef::Literal(literal) => match literal.language() {
            Some(language) => {
                out.extend(["G".into(), literal.value().into(), language.into()]);
            }
            None => out.extend([
                "L".into(),
                literal.value().into(),
                literal.datatype().as_str().into(),
            ]),
        },
        #[allow(unreachable_patterns)]
        _ => out.extend([String::new(), String::new(), String::new()]),
    }
}

/// Appends an absent term (an unbound variable).
pub(crate) fn encode_none(out: &mut Vec<String>) {
    out.extend([String::new(), String::new(), String::new()]);
}

/// Appends `quad` as twelve strings.
pub(crate) fn encode_quad(quad: &Quad, out: &mut Vec<String>) {
    encode(quad.subject.as_ref().into(), out);
    encode(quad.predicate.as_ref().into(), out);
    encode(quad.object.as_ref(), out);
    match &quad.graph_name {
        GraphName::DefaultGraph => out.extend(["D".into(), String::new(), String::new()]),
        GraphName::NamedNode(node) => encode(node.as_ref().into(), out),
        GraphName::BlankNode(node) => encode(node.as_ref().into(), out),
    }
}
