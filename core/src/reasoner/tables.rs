//! The built-in rule tables, written in Trine's own rule language (see [`super::syntax`]).
//!
//! OWL 2 RL is the W3C OWL 2 Profiles recommendation, section 4.3, tables 4 to 9. Rules over
//! RDF lists (`prp-spo2`, `prp-key`, `prp-adp`, `cls-int1`, `cls-int2`, `cls-uni`, `cls-oo`,
//! `cax-adc`, `scm-int`, `scm-uni`, `eq-diff2`, `eq-diff3`) and the cardinality rules (`cls-maxc*`,
//! `cls-maxqc*`), whose literals must be compared by value, are not here: they are compiled
//! against the data's lists and numbers (see [`super::compile`]). Rules that only derive
//! triples with a literal subject (`dt-type2`, `dt-eq`, `dt-diff`, and `dt-not-type` which needs
//! them) are left out, since a store of RDF triples cannot hold those. `eq-ref` (every term is
//! `owl:sameAs` itself) is kept out of the default table: it triples the store and says nothing
//! new; [`super::ReasonerOptions::reflexive_same_as`] turns it on.
//!
//! RDFS is RDF 1.1 Semantics, section 9.2.1 (`rdfs1`–`rdfs13`), with the RDF rule `rdfD2`
//! (`rdf:type rdf:Property` for every predicate) and the axiomatic triples. Not materialized:
//! `rdfD1`'s blank node standing for each literal, and the axioms of the infinitely many
//! container membership properties `rdf:_n`.

use std::sync::LazyLock;

use super::syntax::{Rule, parse_rules};
use super::{Profile, ReasonerError};

/// The tables a profile uses, parsed once per process (every compile, so every maintained
/// commit, would otherwise parse them again).
///
/// # Errors
/// Only if a table does not parse, which the tests rule out.
pub(crate) fn builtin_rules(
    profile: Profile,
    reflexive_same_as: bool,
) -> Result<Vec<&'static Rule>, ReasonerError> {
    static RDFS: LazyLock<Result<Vec<Rule>, String>> =
        LazyLock::new(|| parse_all(&[RDFS_RULES, RDFS_AXIOMS]));
    static OWL2RL: LazyLock<Result<Vec<Rule>, String>> =
        LazyLock::new(|| parse_all(&[OWL2RL_RULES, OWL2RL_AXIOMS]));
    static EQ_REF: LazyLock<Result<Vec<Rule>, String>> =
        LazyLock::new(|| parse_all(&[EQ_REF_RULE]));
    let sets: Vec<&'static LazyLock<Result<Vec<Rule>, String>>> = match profile {
        Profile::None => Vec::new(),
        Profile::Rdfs => vec![&RDFS],
        Profile::Owl2Rl if reflexive_same_as => vec![&OWL2RL, &EQ_REF],
        Profile::Owl2Rl => vec![&OWL2RL],
    };
    let mut rules = Vec::new();
    for set in sets {
        let parsed = set.as_ref().map_err(|message| ReasonerError::InvalidRule {
            rule: "built-in table".into(),
            message: message.clone(),
        })?;
        rules.extend(parsed.iter());
    }
    Ok(rules)
}

fn parse_all(texts: &[&str]) -> Result<Vec<Rule>, String> {
    let mut rules = Vec::new();
    for text in texts {
        rules.extend(parse_rules(text).map_err(|e| e.to_string())?);
    }
    Ok(rules)
}

pub(crate) const OWL2RL_RULES: &str = r"
eq-sym:    [?x owl:sameAs ?y] => [?y owl:sameAs ?x] .
eq-trans:  [?x owl:sameAs ?y], [?y owl:sameAs ?z] => [?x owl:sameAs ?z] .
eq-rep-s:  [?s owl:sameAs ?s2], [?s ?p ?o] => [?s2 ?p ?o] .
eq-rep-p:  [?p owl:sameAs ?p2], [?s ?p ?o] => [?s ?p2 ?o] .
eq-rep-o:  [?o owl:sameAs ?o2], [?s ?p ?o] => [?s ?p ?o2] .
eq-diff1:  [?x owl:sameAs ?y], [?x owl:differentFrom ?y] => false .

prp-dom:   [?p rdfs:domain ?c], [?x ?p ?y] => [?x a ?c] .
prp-rng:   [?p rdfs:range ?c], [?x ?p ?y] => [?y a ?c] .
prp-fp:    [?p a owl:FunctionalProperty], [?x ?p ?y1], [?x ?p ?y2] => [?y1 owl:sameAs ?y2] .
prp-ifp:   [?p a owl:InverseFunctionalProperty], [?x1 ?p ?y], [?x2 ?p ?y] => [?x1 owl:sameAs ?x2] .
prp-irp:   [?p a owl:IrreflexiveProperty], [?x ?p ?x] => false .
prp-symp:  [?p a owl:SymmetricProperty], [?x ?p ?y] => [?y ?p ?x] .
prp-asyp:  [?p a owl:AsymmetricProperty], [?x ?p ?y], [?y ?p ?x] => false .
prp-trp:   [?p a owl:TransitiveProperty], [?x ?p ?y], [?y ?p ?z] => [?x ?p ?z] .
prp-spo1:  [?p1 rdfs:subPropertyOf ?p2], [?x ?p1 ?y] => [?x ?p2 ?y] .
prp-eqp1:  [?p1 owl:equivalentProperty ?p2], [?x ?p1 ?y] => [?x ?p2 ?y] .
prp-eqp2:  [?p1 owl:equivalentProperty ?p2], [?x ?p2 ?y] => [?x ?p1 ?y] .
prp-pdw:   [?p1 owl:propertyDisjointWith ?p2], [?x ?p1 ?y], [?x ?p2 ?y] => false .
prp-inv1:  [?p1 owl:inverseOf ?p2], [?x ?p1 ?y] => [?y ?p2 ?x] .
prp-inv2:  [?p1 owl:inverseOf ?p2], [?x ?p2 ?y] => [?y ?p1 ?x] .
prp-npa1:  [?x owl:sourceIndividual ?i1], [?x owl:assertionProperty ?p], [?x owl:targetIndividual ?i2], [?i1 ?p ?i2] => false .
prp-npa2:  [?x owl:sourceIndividual ?i], [?x owl:assertionProperty ?p], [?x owl:targetValue ?lt], [?i ?p ?lt] => false .

cls-nothing2: [?x a owl:Nothing] => false .
cls-com:   [?c1 owl:complementOf ?c2], [?x a ?c1], [?x a ?c2] => false .
cls-svf1:  [?x owl:someValuesFrom ?y], [?x owl:onProperty ?p], [?u ?p ?v], [?v a ?y] => [?u a ?x] .
cls-svf2:  [?x owl:someValuesFrom owl:Thing], [?x owl:onProperty ?p], [?u ?p ?v] => [?u a ?x] .
cls-avf:   [?x owl:allValuesFrom ?y], [?x owl:onProperty ?p], [?u a ?x], [?u ?p ?v] => [?v a ?y] .
cls-hv1:   [?x owl:hasValue ?y], [?x owl:onProperty ?p], [?u a ?x] => [?u ?p ?y] .
cls-hv2:   [?x owl:hasValue ?y], [?x owl:onProperty ?p], [?u ?p ?y] => [?u a ?x] .

cax-sco:   [?c1 rdfs:subClassOf ?c2], [?x a ?c1] => [?x a ?c2] .
cax-eqc1:  [?c1 owl:equivalentClass ?c2], [?x a ?c1] => [?x a ?c2] .
cax-eqc2:  [?c1 owl:equivalentClass ?c2], [?x a ?c2] => [?x a ?c1] .
cax-dw:    [?c1 owl:disjointWith ?c2], [?x a ?c1], [?x a ?c2] => false .

scm-cls:   [?c a owl:Class] => [?c rdfs:subClassOf ?c], [?c owl:equivalentClass ?c], [?c rdfs:subClassOf owl:Thing], [owl:Nothing rdfs:subClassOf ?c] .
scm-sco:   [?c1 rdfs:subClassOf ?c2], [?c2 rdfs:subClassOf ?c3] => [?c1 rdfs:subClassOf ?c3] .
scm-eqc1:  [?c1 owl:equivalentClass ?c2] => [?c1 rdfs:subClassOf ?c2], [?c2 rdfs:subClassOf ?c1] .
scm-eqc2:  [?c1 rdfs:subClassOf ?c2], [?c2 rdfs:subClassOf ?c1] => [?c1 owl:equivalentClass ?c2] .
scm-op:    [?p a owl:ObjectProperty] => [?p rdfs:subPropertyOf ?p], [?p owl:equivalentProperty ?p] .
scm-dp:    [?p a owl:DatatypeProperty] => [?p rdfs:subPropertyOf ?p], [?p owl:equivalentProperty ?p] .
scm-spo:   [?p1 rdfs:subPropertyOf ?p2], [?p2 rdfs:subPropertyOf ?p3] => [?p1 rdfs:subPropertyOf ?p3] .
scm-eqp1:  [?p1 owl:equivalentProperty ?p2] => [?p1 rdfs:subPropertyOf ?p2], [?p2 rdfs:subPropertyOf ?p1] .
scm-eqp2:  [?p1 rdfs:subPropertyOf ?p2], [?p2 rdfs:subPropertyOf ?p1] => [?p1 owl:equivalentProperty ?p2] .
scm-dom1:  [?p rdfs:domain ?c1], [?c1 rdfs:subClassOf ?c2] => [?p rdfs:domain ?c2] .
scm-dom2:  [?p2 rdfs:domain ?c], [?p1 rdfs:subPropertyOf ?p2] => [?p1 rdfs:domain ?c] .
scm-rng1:  [?p rdfs:range ?c1], [?c1 rdfs:subClassOf ?c2] => [?p rdfs:range ?c2] .
scm-rng2:  [?p2 rdfs:range ?c], [?p1 rdfs:subPropertyOf ?p2] => [?p1 rdfs:range ?c] .
scm-hv:    [?c1 owl:hasValue ?i], [?c1 owl:onProperty ?p1], [?c2 owl:hasValue ?i], [?c2 owl:onProperty ?p2], [?p1 rdfs:subPropertyOf ?p2] => [?c1 rdfs:subClassOf ?c2] .
scm-svf1:  [?c1 owl:someValuesFrom ?y1], [?c1 owl:onProperty ?p], [?c2 owl:someValuesFrom ?y2], [?c2 owl:onProperty ?p], [?y1 rdfs:subClassOf ?y2] => [?c1 rdfs:subClassOf ?c2] .
scm-svf2:  [?c1 owl:someValuesFrom ?y], [?c1 owl:onProperty ?p1], [?c2 owl:someValuesFrom ?y], [?c2 owl:onProperty ?p2], [?p1 rdfs:subPropertyOf ?p2] => [?c1 rdfs:subClassOf ?c2] .
scm-avf1:  [?c1 owl:allValuesFrom ?y1], [?c1 owl:onProperty ?p], [?c2 owl:allValuesFrom ?y2], [?c2 owl:onProperty ?p], [?y1 rdfs:subClassOf ?y2] => [?c1 rdfs:subClassOf ?c2] .
scm-avf2:  [?c1 owl:allValuesFrom ?y], [?c1 owl:onProperty ?p1], [?c2 owl:allValuesFrom ?y], [?c2 owl:onProperty ?p2], [?p1 rdfs:subPropertyOf ?p2] => [?c2 rdfs:subClassOf ?c1] .
";

/// `eq-ref`, for [`super::ReasonerOptions::reflexive_same_as`].
pub(crate) const EQ_REF_RULE: &str = r"
eq-ref:    [?s ?p ?o] => [?s owl:sameAs ?s], [?p owl:sameAs ?p], [?o owl:sameAs ?o] .
";

/// OWL 2 RL's axiomatic triples (`prp-ap`, `cls-thing`, `cls-nothing1`, `dt-type1` for the
/// datatypes OWL 2 RL supports).
pub(crate) const OWL2RL_AXIOMS: &str = r"
cls-thing:    [owl:Thing a owl:Class] .
cls-nothing1: [owl:Nothing a owl:Class] .
prp-ap:       [rdfs:label a owl:AnnotationProperty], [rdfs:comment a owl:AnnotationProperty],
              [rdfs:seeAlso a owl:AnnotationProperty], [rdfs:isDefinedBy a owl:AnnotationProperty],
              [owl:deprecated a owl:AnnotationProperty], [owl:versionInfo a owl:AnnotationProperty],
              [owl:priorVersion a owl:AnnotationProperty], [owl:backwardCompatibleWith a owl:AnnotationProperty],
              [owl:incompatibleWith a owl:AnnotationProperty] .
dt-type1:     [rdf:PlainLiteral a rdfs:Datatype], [rdf:XMLLiteral a rdfs:Datatype], [rdfs:Literal a rdfs:Datatype],
              [xsd:decimal a rdfs:Datatype], [xsd:integer a rdfs:Datatype], [xsd:nonNegativeInteger a rdfs:Datatype],
              [xsd:nonPositiveInteger a rdfs:Datatype], [xsd:positiveInteger a rdfs:Datatype], [xsd:negativeInteger a rdfs:Datatype],
              [xsd:long a rdfs:Datatype], [xsd:int a rdfs:Datatype], [xsd:short a rdfs:Datatype], [xsd:byte a rdfs:Datatype],
              [xsd:unsignedLong a rdfs:Datatype], [xsd:unsignedInt a rdfs:Datatype], [xsd:unsignedShort a rdfs:Datatype],
              [xsd:unsignedByte a rdfs:Datatype], [xsd:float a rdfs:Datatype], [xsd:double a rdfs:Datatype],
              [xsd:string a rdfs:Datatype], [xsd:normalizedString a rdfs:Datatype], [xsd:token a rdfs:Datatype],
              [xsd:language a rdfs:Datatype], [xsd:Name a rdfs:Datatype], [xsd:NCName a rdfs:Datatype],
              [xsd:NMTOKEN a rdfs:Datatype], [xsd:boolean a rdfs:Datatype], [xsd:hexBinary a rdfs:Datatype],
              [xsd:base64Binary a rdfs:Datatype], [xsd:anyURI a rdfs:Datatype], [xsd:dateTime a rdfs:Datatype],
              [xsd:dateTimeStamp a rdfs:Datatype] .
";

pub(crate) const RDFS_RULES: &str = r"
rdfD2:   [?x ?p ?y] => [?p a rdf:Property] .
rdfs2:   [?p rdfs:domain ?c], [?x ?p ?y] => [?x a ?c] .
rdfs3:   [?p rdfs:range ?c], [?x ?p ?y] => [?y a ?c] .
rdfs4a:  [?x ?p ?y] => [?x a rdfs:Resource] .
rdfs4b:  [?x ?p ?y] => [?y a rdfs:Resource] .
rdfs5:   [?p1 rdfs:subPropertyOf ?p2], [?p2 rdfs:subPropertyOf ?p3] => [?p1 rdfs:subPropertyOf ?p3] .
rdfs6:   [?p a rdf:Property] => [?p rdfs:subPropertyOf ?p] .
rdfs7:   [?p1 rdfs:subPropertyOf ?p2], [?x ?p1 ?y] => [?x ?p2 ?y] .
rdfs8:   [?c a rdfs:Class] => [?c rdfs:subClassOf rdfs:Resource] .
rdfs9:   [?c1 rdfs:subClassOf ?c2], [?x a ?c1] => [?x a ?c2] .
rdfs10:  [?c a rdfs:Class] => [?c rdfs:subClassOf ?c] .
rdfs11:  [?c1 rdfs:subClassOf ?c2], [?c2 rdfs:subClassOf ?c3] => [?c1 rdfs:subClassOf ?c3] .
rdfs12:  [?p a rdfs:ContainerMembershipProperty] => [?p rdfs:subPropertyOf rdfs:member] .
rdfs13:  [?d a rdfs:Datatype] => [?d rdfs:subClassOf rdfs:Literal] .
";

/// The RDF and RDFS axiomatic triples (RDF 1.1 Semantics, sections 8 and 9), with
/// `ddd rdf:type rdfs:Datatype` for the datatypes Trine recognizes, and without the infinitely
/// many `rdf:_n` ones.
pub(crate) const RDFS_AXIOMS: &str = r"
rdf-axioms:  [rdf:type a rdf:Property], [rdf:subject a rdf:Property], [rdf:predicate a rdf:Property],
             [rdf:object a rdf:Property], [rdf:first a rdf:Property], [rdf:rest a rdf:Property],
             [rdf:value a rdf:Property], [rdf:nil a rdf:List] .
rdfs-axioms: [rdf:type rdfs:domain rdfs:Resource], [rdfs:domain rdfs:domain rdf:Property],
             [rdfs:range rdfs:domain rdf:Property], [rdfs:subPropertyOf rdfs:domain rdf:Property],
             [rdfs:subClassOf rdfs:domain rdfs:Class], [rdf:subject rdfs:domain rdf:Statement],
             [rdf:predicate rdfs:domain rdf:Statement], [rdf:object rdfs:domain rdf:Statement],
             [rdfs:member rdfs:domain rdfs:Resource], [rdf:first rdfs:domain rdf:List],
             [rdf:rest rdfs:domain rdf:List], [rdfs:seeAlso rdfs:domain rdfs:Resource],
             [rdfs:isDefinedBy rdfs:domain rdfs:Resource], [rdfs:comment rdfs:domain rdfs:Resource],
             [rdfs:label rdfs:domain rdfs:Resource], [rdf:value rdfs:domain rdfs:Resource],
             [rdf:type rdfs:range rdfs:Class], [rdfs:domain rdfs:range rdfs:Class],
             [rdfs:range rdfs:range rdfs:Class], [rdfs:subPropertyOf rdfs:range rdf:Property],
             [rdfs:subClassOf rdfs:range rdfs:Class], [rdf:subject rdfs:range rdfs:Resource],
             [rdf:predicate rdfs:range rdfs:Resource], [rdf:object rdfs:range rdfs:Resource],
             [rdfs:member rdfs:range rdfs:Resource], [rdf:first rdfs:range rdfs:Resource],
             [rdf:rest rdfs:range rdf:List], [rdfs:seeAlso rdfs:range rdfs:Resource],
             [rdfs:isDefinedBy rdfs:range rdfs:Resource], [rdfs:comment rdfs:range rdfs:Literal],
             [rdfs:label rdfs:range rdfs:Literal], [rdf:value rdfs:range rdfs:Resource],
             [rdf:Alt rdfs:subClassOf rdfs:Container], [rdf:Bag rdfs:subClassOf rdfs:Container],
             [rdf:Seq rdfs:subClassOf rdfs:Container],
             [rdfs:ContainerMembershipProperty rdfs:subClassOf rdf:Property],
             [rdfs:isDefinedBy rdfs:subPropertyOf rdfs:seeAlso], [rdfs:Datatype rdfs:subClassOf rdfs:Class] .
rdfs-datatypes: [rdf:XMLLiteral a rdfs:Datatype], [rdf:langString a rdfs:Datatype], [xsd:string a rdfs:Datatype],
             [xsd:integer a rdfs:Datatype], [xsd:decimal a rdfs:Datatype], [xsd:double a rdfs:Datatype],
             [xsd:boolean a rdfs:Datatype], [xsd:dateTime a rdfs:Datatype], [xsd:date a rdfs:Datatype] .
";
