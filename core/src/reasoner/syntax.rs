//! The rule language: Datalog over triple patterns, one rule a line or ended by `.`.
//!
//! ```text
//! @prefix ex: <http://example.com/> .
//! uncle: [?x ex:hasParent ?y], [?y ex:hasBrother ?z] => [?x ex:hasUncle ?z] .
//! [?x ex:p ?x] => false .
//! ```
//!
//! A rule is an optional name and `:`, body atoms separated by `,`, `=>`, then head atoms or
//! `false` (an inconsistency when the body matches); atoms without `=>` and without variables are
//! facts that always hold. Terms are `?variables`, `<IRIs>`, prefixed
//! names (`rdf:`, `rdfs:`, `owl:` and `xsd:` are predeclared), `a` for `rdf:type`, and literals
//! (`"text"`, `"text"@en`, `"1"^^xsd:integer`, `42`, `true`). `#` starts a comment. Every head
//! variable must occur in the body.

use std::collections::HashMap;

use oxrdf::{Literal, NamedNode, Term};

use super::ReasonerError;

/// A position in a rule: a variable or a constant term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RuleTerm {
    /// A variable, by name (without `?`).
    Variable(String),
    /// A constant.
    Constant(Term),
}

/// A triple pattern of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RuleAtom {
    /// Subject position.
    pub subject: RuleTerm,
    /// Predicate position.
    pub predicate: RuleTerm,
    /// Object position.
    pub object: RuleTerm,
}

/// One rule: when every body atom matches, every head atom holds (or, with an empty head, the
/// data is inconsistent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The rule's name (`rule-N` when the text gives none), used in reports.
    pub name: String,
    /// Atoms that must all match.
    pub body: Vec<RuleAtom>,
    /// Atoms derived for each match; empty for a rule whose head is `false`.
    pub head: Vec<RuleAtom>,
}

impl Rule {
    /// Whether the head is `false`: a match is an inconsistency.
    pub fn is_constraint(&self) -> bool {
        self.head.is_empty()
    }

    /// Whether the rule is a set of facts (no body).
    pub fn is_fact(&self) -> bool {
        self.body.is_empty()
    }
}

/// Parses rules in the syntax above.
///
/// # Errors
/// [`ReasonerError::RuleSyntax`] with the line and column of the first error;
/// [`ReasonerError::InvalidRule`] for a head variable the body does not bind.
///
/// ```
/// use trine_core::reasoner::parse_rules;
///
/// let rules = parse_rules("@prefix ex: <http://e/> .\n[?x ex:p ?y] => [?y ex:q ?x]")?;
/// assert_eq!(rules.len(), 1);
/// assert!(parse_rules("[?x ex:p ?y] => [?y ex:q ?x]").is_err()); // ex: is not declared
/// # Ok::<_, trine_core::reasoner::ReasonerError>(())
/// ```
pub fn parse_rules(text: &str) -> Result<Vec<Rule>, ReasonerError> {
    Parser::new(text).document()
}

struct Parser<'a> {
    text: &'a str,
    offset: usize,
    prefixes: HashMap<String, String>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        let prefixes = [
            ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
            ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
            ("owl", "http://www.w3.org/2002/07/owl#"),
            ("xsd", "http://www.w3.org/2001/XMLSchema#"),
        ]
        .into_iter()
        .map(|(p, iri)| (p.to_owned(), iri.to_owned()))
        .collect();
        Self {
            text,
            offset: 0,
            prefixes,
        }
    }

    fn error(&self, message: impl Into<String>) -> ReasonerError {
        let before = &self.text[..self.offset];
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        ReasonerError::RuleSyntax {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message: message.into(),
        }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.offset..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Skips white space and comments.
    fn skip(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.offset += rest.len() - trimmed.len();
            if trimmed.starts_with('#') {
                self.offset += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip();
        if self.rest().starts_with(token) {
            self.offset += token.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), ReasonerError> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{token}`")))
        }
    }

    /// A run of name characters (letters, digits, `_`, `-`, `.` inside).
    fn name(&mut self) -> &'a str {
        let rest = self.rest();
        let mut end = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(rest.len());
        // A name never ends with a dot: that dot ends the rule.
        while end > 0 && rest[..end].ends_with('.') {
            end -= 1;
        }
        self.offset += end;
        &rest[..end]
    }

    fn document(&mut self) -> Result<Vec<Rule>, ReasonerError> {
        let mut rules = Vec::new();
        loop {
            self.skip();
            if self.rest().is_empty() {
                return Ok(rules);
            }
            if self.eat("@prefix") {
                self.prefix_declaration()?;
                self.expect(".")?;
            } else if self.rest().len() >= 6 && self.rest()[..6].eq_ignore_ascii_case("prefix") {
                self.offset += 6;
                self.prefix_declaration()?;
            } else {
                let number = rules.len() + 1;
                rules.push(self.rule(number)?);
            }
        }
    }

    fn prefix_declaration(&mut self) -> Result<(), ReasonerError> {
        self.skip();
        let prefix = self.name().to_owned();
        self.expect(":")?;
        self.skip();
        let iri = self.iri_ref()?;
        self.prefixes.insert(prefix, iri.into_string());
        Ok(())
    }

    fn rule(&mut self, number: usize) -> Result<Rule, ReasonerError> {
        self.skip();
        let name = if self.peek() == Some('[') {
            format!("rule-{number}")
        } else {
            let name = self.name();
            if name.is_empty() {
                return Err(self.error("expected a rule: a name and `:`, or `[`"));
            }
            let name = name.to_owned();
            self.expect(":")?;
            name
        };
        let body = self.atoms()?;
        if !self.eat("=>") {
            // Atoms without `=>` are facts, which must be ground.
            let ground = body.iter().all(|atom| {
                [&atom.subject, &atom.predicate, &atom.object]
                    .iter()
                    .all(|term| matches!(term, RuleTerm::Constant(_)))
            });
            if !ground {
                return Err(self.error("expected `=>`"));
            }
            self.eat(".");
            return Ok(Rule {
                name,
                body: Vec::new(),
                head: body,
            });
        }
        self.skip();
        let head = if self.rest().starts_with("false") {
            self.offset += "false".len();
            Vec::new()
        } else {
            self.atoms()?
        };
        self.eat(".");
        let rule = Rule { name, body, head };
        check_safe(&rule)?;
        Ok(rule)
    }

    fn atoms(&mut self) -> Result<Vec<RuleAtom>, ReasonerError> {
        let mut atoms = vec![self.atom()?];
        while self.eat(",") {
            atoms.push(self.atom()?);
        }
        Ok(atoms)
    }

    fn atom(&mut self) -> Result<RuleAtom, ReasonerError> {
        self.expect("[")?;
        let subject = self.term()?;
        self.skip();
        let predicate_at = self.offset;
        let predicate = self.term()?;
        if let RuleTerm::Constant(Term::Literal(_) | Term::BlankNode(_)) = predicate {
            self.offset = predicate_at;
            return Err(self.error("a predicate must be an IRI or a variable"));
        }
        let object = self.term()?;
        self.expect("]")?;
        Ok(RuleAtom {
            subject,
            predicate,
            object,
        })
    }

    fn term(&mut self) -> Result<RuleTerm, ReasonerError> {
        self.skip();
        let Some(first) = self.peek() else {
            return Err(self.error("unexpected end of rules"));
        };
        match first {
            '?' => {
                self.offset += 1;
                let name = self.name();
                if name.is_empty() {
                    return Err(self.error("expected a variable name after `?`"));
                }
                Ok(RuleTerm::Variable(name.to_owned()))
            }
            '<' => Ok(RuleTerm::Constant(self.iri_ref()?.into())),
            '"' => Ok(RuleTerm::Constant(self.literal()?.into())),
            c if c.is_ascii_digit() || c == '-' || c == '+' => {
                let rest = self.rest();
                let end = rest[1..]
                    .find(|c: char| !c.is_ascii_digit())
                    .map_or(rest.len(), |n| n + 1);
                let digits = &rest[..end];
                if digits.parse::<i64>().is_err() {
                    return Err(self.error("expected an integer"));
                }
                self.offset += end;
                Ok(RuleTerm::Constant(
                    Literal::new_typed_literal(digits, oxrdf::vocab::xsd::INTEGER).into(),
                ))
            }
            _ => {
                let start = self.offset;
                let prefix = self.name();
                if !self.rest().starts_with(':') {
                    return match prefix {
                        "a" => Ok(RuleTerm::Constant(
                            oxrdf::vocab::rdf::TYPE.into_owned().into(),
                        )),
                        "true" | "false" => Ok(RuleTerm::Constant(
                            Literal::new_typed_literal(prefix, oxrdf::vocab::xsd::BOOLEAN).into(),
                        )),
                        _ => {
                            self.offset = start;
                            Err(self
                                .error("expected a variable, an IRI, a prefixed name or a literal"))
                        }
                    };
                }
                self.offset += 1;
                let local = self.name();
                let Some(namespace) = self.prefixes.get(prefix) else {
                    self.offset = start;
                    return Err(self.error(format!("undeclared prefix `{prefix}:`")));
                };
                let iri = format!("{namespace}{local}");
                NamedNode::new(iri)
                    .map(|node| RuleTerm::Constant(node.into()))
                    .map_err(|e| self.error(format!("invalid IRI: {e}")))
            }
        }
    }

    fn iri_ref(&mut self) -> Result<NamedNode, ReasonerError> {
        self.skip();
        if !self.rest().starts_with('<') {
            return Err(self.error("expected `<`"));
        }
        let Some(end) = self.rest().find('>') else {
            return Err(self.error("unterminated IRI"));
        };
        let iri = &self.rest()[1..end];
        let node = NamedNode::new(iri).map_err(|e| self.error(format!("invalid IRI: {e}")))?;
        self.offset += end + 1;
        Ok(node)
    }

    fn literal(&mut self) -> Result<Literal, ReasonerError> {
        let rest = self.rest();
        let mut value = String::new();
        let mut chars = rest.char_indices().skip(1);
        let end = loop {
            match chars.next() {
                None => return Err(self.error("unterminated string")),
                Some((i, '"')) => break i + 1,
                Some((_, '\\')) => match chars.next().map(|(_, c)| c) {
                    Some('n') => value.push('\n'),
                    Some('t') => value.push('\t'),
                    Some(c @ ('"' | '\\')) => value.push(c),
                    _ => return Err(self.error("unknown escape in string")),
                },
                Some((_, c)) => value.push(c),
            }
        };
        self.offset += end;
        if self.rest().starts_with('@') {
            self.offset += 1;
            let language = self.name().to_owned();
            return Literal::new_language_tagged_literal(value, language)
                .map_err(|e| self.error(format!("invalid language tag: {e}")));
        }
        if self.rest().starts_with("^^") {
            self.offset += 2;
            let datatype = match self.term()? {
                RuleTerm::Constant(Term::NamedNode(node)) => node,
                _ => return Err(self.error("expected a datatype IRI after `^^`")),
            };
            return Ok(Literal::new_typed_literal(value, datatype));
        }
        Ok(Literal::new_simple_literal(value))
    }
}

/// Every head variable must be bound by the body.
fn check_safe(rule: &Rule) -> Result<(), ReasonerError> {
    let bound: Vec<&String> = rule
        .body
        .iter()
        .flat_map(|atom| [&atom.subject, &atom.predicate, &atom.object])
        .filter_map(|term| match term {
            RuleTerm::Variable(name) => Some(name),
            RuleTerm::Constant(_) => None,
        })
        .collect();
    for atom in &rule.head {
        for term in [&atom.subject, &atom.predicate, &atom.object] {
            if let RuleTerm::Variable(name) = term
                && !bound.contains(&name)
            {
                return Err(ReasonerError::InvalidRule {
                    rule: rule.name.clone(),
                    message: format!("head variable ?{name} does not occur in the body"),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_prefixes_literals_and_constraints() -> Result<(), ReasonerError> {
        let rules = parse_rules(
            "# uncles\nPREFIX ex: <http://e/>\nuncle: [?x ex:hasParent ?y], [?y ex:hasBrother ?z] => [?x ex:hasUncle ?z] .\n\
             [?x a ex:C], [?x ex:n \"1\"^^xsd:integer], [?x ex:m 2], [?x ex:l \"t\"@en] => false",
        )?;
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].name, "uncle");
        assert_eq!(rules[0].body.len(), 2);
        assert!(rules[1].is_constraint());
        assert_eq!(rules[1].name, "rule-2");
        Ok(())
    }

    #[test]
    fn errors_carry_positions() {
        let error = parse_rules("[?x <http://e/p> ?y]\n  => [?y ?q ?x]");
        assert!(
            matches!(error, Err(ReasonerError::InvalidRule { .. })),
            "{error:?}"
        );
        match parse_rules("[?x <http://e/p> ?y] =>\n  [?y \"lit\" ?x]") {
            Err(ReasonerError::RuleSyntax { line, column, .. }) => {
                assert_eq!((line, column), (2, 7))
            }
            other => panic!("{other:?}"),
        }
        match parse_rules("[?x ex:p ?y] => [?y ex:q ?x]") {
            Err(ReasonerError::RuleSyntax {
                line,
                column,
                message,
            }) => {
                assert_eq!((line, column), (1, 5), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(parse_rules("[?x <http://e/p> ?y] [?y <http://e/q> ?x]").is_err());
        assert!(parse_rules("[?x <http://e/p> \"open").is_err());
    }
}
