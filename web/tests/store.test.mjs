// The npm package through its public API, in Node: RDF/JS terms, the store, SPARQL, syntaxes,
// reasoning, errors, N3.js interop and Comunica over the store as an RDF/JS source.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as N3 from "n3";
import { QueryEngine } from "@comunica/query-sparql";
import {
  Store,
  DataFactory,
  namedNode,
  blankNode,
  literal,
  quad,
  defaultGraph,
  variable,
} from "../pkg/index.js";

const ex = (name) => namedNode(`http://example.com/${name}`);
const RDF_TYPE = namedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
const XSD = "http://www.w3.org/2001/XMLSchema#";

const TURTLE = `@prefix : <http://example.com/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
:Cat rdfs:subClassOf :Animal .
:tom a :Cat ; :name "Tom"@en ; :age 7 ; :knows :jerry .
:jerry a :Mouse ; :name "Jerry" .
`;

function codeOf(call) {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof Error, "errors are Error objects");
    return error.code;
  }
  assert.fail("no error thrown");
}

test("terms follow RDF/JS", () => {
  assert.equal(ex("a").termType, "NamedNode");
  assert.ok(ex("a").equals(namedNode("http://example.com/a")));
  assert.ok(!ex("a").equals(ex("b")));
  const tagged = literal("chat", "FR");
  assert.equal(tagged.language, "fr");
  assert.equal(tagged.datatype.value, "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString");
  assert.equal(literal("x").datatype.value, `${XSD}string`);
  assert.equal(literal("1", namedNode(`${XSD}integer`)).datatype.value, `${XSD}integer`);
  assert.ok(defaultGraph().equals(DataFactory.defaultGraph()));
  assert.equal(variable("x").termType, "Variable");
  assert.notEqual(blankNode().value, blankNode().value);
  const q = quad(ex("s"), ex("p"), literal("o"));
  assert.ok(q.graph.equals(defaultGraph()));
  assert.ok(q.equals(quad(ex("s"), ex("p"), literal("o"), defaultGraph())));
});

test("add, has, delete, size, getQuads, match, quads", async () => {
  const store = new Store();
  const a = quad(ex("s"), ex("p"), literal("o"));
  const b = quad(ex("s"), ex("p"), ex("o"), ex("g"));
  assert.equal(store.add(a), true);
  assert.equal(store.add(a), false, "a quad is added once");
  assert.equal(store.addAll([b, quad(ex("t"), ex("p"), literal("1", namedNode(`${XSD}integer`)))]), 2);
  assert.equal(store.size, 3);
  assert.ok(store.has(a) && store.has(b));
  assert.equal(store.getQuads(ex("s"), null, null, null).length, 2);
  assert.equal(store.getQuads(null, null, null, defaultGraph()).length, 2, "default graph only");
  assert.equal(store.getQuads(null, null, null, ex("g")).length, 1);
  assert.equal(store.getQuads(variable("s"), ex("p")).length, 3, "variables match anything");
  const found = store.getQuads(null, null, ex("o"));
  assert.ok(found[0].equals(b));

  const streamed = [];
  await new Promise((resolve, reject) => {
    store.match(ex("s")).on("data", (q) => streamed.push(q)).on("error", reject).on("end", resolve);
  });
  assert.equal(streamed.length, 2);
  const iterated = [];
  for await (const q of store.match(null, ex("p"))) iterated.push(q);
  assert.equal(iterated.length, 3);
  const viaQuads = [];
  for await (const q of store.quads(ex("t"))) viaQuads.push(q);
  assert.equal(viaQuads.length, 1);
  assert.equal(viaQuads[0].object.value, "1");

  assert.equal(store.delete(a), true);
  assert.equal(store.delete(a), false);
  assert.equal(store.size, 2);
  const copy = new Store(store.getQuads());
  assert.equal(copy.size, 2);
});

test("SPARQL: every form, results formats, prepared queries with bindings", () => {
  const store = new Store();
  assert.equal(store.load(TURTLE, { format: "text/turtle" }), 7);
  const rows = store.query("PREFIX : <http://example.com/> SELECT ?who ?name WHERE { ?who :name ?name } ORDER BY ?name");
  assert.equal(rows.length, 2);
  assert.ok(rows[0].get("who").equals(ex("jerry")));
  assert.equal(rows[1].get("name").language, "en");
  const optional = store.query("PREFIX : <http://example.com/> SELECT ?x ?k WHERE { ?x a ?c OPTIONAL { ?x :knows ?k } } ORDER BY ?x");
  assert.equal(optional.length, 2);
  assert.equal(optional[0].has("k"), false, "an unbound variable is absent from its row");
  assert.equal(store.query("ASK { ?s ?p ?o }"), true);
  assert.equal(store.query("ASK { <http://example.com/none> ?p ?o }"), false);
  const graph = store.query("PREFIX : <http://example.com/> CONSTRUCT { ?x :isA ?c } WHERE { ?x a ?c }");
  assert.equal(graph.length, 2);
  assert.ok(graph.every((q) => q.predicate.equals(ex("isA"))));
  const described = store.query("DESCRIBE <http://example.com/jerry>");
  assert.equal(described.length, 2);

  const json = JSON.parse(store.query("SELECT ?s WHERE { ?s a <http://example.com/Cat> }", { resultsFormat: "json" }));
  assert.equal(json.results.bindings[0].s.value, "http://example.com/tom");
  assert.match(store.query("ASK { ?s ?p ?o }", { resultsFormat: "xml" }), /<boolean>true<\/boolean>/);
  assert.match(store.query("SELECT ?s WHERE { ?s a <http://example.com/Cat> }", { resultsFormat: "csv" }), /http:\/\/example.com\/tom/);
  assert.match(store.query("SELECT ?s WHERE { ?s a <http://example.com/Cat> }", { resultsFormat: "tsv" }), /<http:\/\/example.com\/tom>/);
  assert.match(store.query("CONSTRUCT WHERE { ?s a ?c }", { resultsFormat: "ntriples" }), /<http:\/\/example.com\/tom>/);
  assert.match(store.query("CONSTRUCT WHERE { ?s a ?c }", { resultsFormat: "json" }), /"@id"/, "json for a graph is JSON-LD");
  assert.equal(codeOf(() => store.query("CONSTRUCT WHERE { ?s a ?c }", { resultsFormat: "csv" })), "unsupported_format");

  const regex = "PREFIX : <http://example.com/> SELECT ?n WHERE { ?s :name ?n FILTER(REGEX(?n, '^STUDENT|^jer', 'i')) }";
  assert.equal(store.query(regex).length, 1, "REGEX with flags");
  assert.equal(store.query("SELECT ?n WHERE { ?s ?p ?n FILTER(REGEX(?n, '^\\\\w+$')) }").length, 2, "Unicode-aware \\w");
  const prepared = store.prepare("PREFIX : <http://example.com/> SELECT ?name WHERE { ?who :name ?name }");
  assert.equal(prepared.form, "select");
  const tom = prepared.query({ bindings: { who: ex("tom") } });
  assert.equal(tom.length, 1);
  assert.equal(tom[0].get("name").value, "Tom");
  const jerry = prepared.query({ bindings: new Map([["who", ex("jerry")]]) });
  assert.equal(jerry[0].get("name").value, "Jerry");
  assert.equal(store.query("SELECT ?o WHERE { ?s <http://example.com/age> ?o }", { baseIri: "http://example.com/" })[0].get("o").datatype.value, `${XSD}integer`);
});

test("SPARQL Update, and results over explicit quads only", () => {
  const store = new Store();
  const summary = store.update("PREFIX : <http://example.com/> INSERT DATA { :a :p 1 , 2 . GRAPH :g { :a :p 3 } }");
  assert.deepEqual({ ...summary }, { inserted: 3, deleted: 0 });
  assert.equal(store.update("PREFIX : <http://example.com/> DELETE WHERE { :a :p ?o }").deleted, 2);
  assert.equal(store.size, 1);
  assert.equal(codeOf(() => store.update("INSERT DATA { <a> }")), "sparql_syntax");
  assert.equal(store.size, 1, "a failed update changes nothing");
});

test("load and dump in every RDF syntax", () => {
  const source = new Store();
  source.load(TURTLE, { format: "turtle" });
  source.add(quad(ex("a"), ex("b"), ex("c"), ex("g")));
  for (const format of ["ntriples", "text/turtle", "application/rdf+xml", "jsonld"]) {
    const text = source.dump({ format, graph: defaultGraph() });
    const copy = new Store();
    copy.load(text, { format });
    assert.equal(copy.size, 7, `${format} round-trips the default graph`);
  }
  for (const format of ["nquads", "trig", "application/ld+json"]) {
    const text = source.dump({ format });
    const copy = new Store();
    copy.load(text, { format });
    assert.equal(copy.size, 8, `${format} round-trips the dataset`);
    assert.ok(copy.has(quad(ex("a"), ex("b"), ex("c"), ex("g"))));
  }
  const into = new Store();
  into.load("<http://example.com/x> <http://example.com/y> <http://example.com/z> .", { format: "nt", graph: ex("g2") });
  assert.equal(into.getQuads(null, null, null, ex("g2")).length, 1);
  const relative = new Store();
  relative.load("<x> <y> <z> .", { format: "ttl", baseIri: "http://example.com/" });
  assert.ok(relative.has(quad(ex("x"), ex("y"), ex("z"))));
  // UTF-8 bytes load like the text they encode (a Node Buffer is a Uint8Array); bad UTF-8 is a
  // syntax error that changes nothing.
  const bytes = new Store();
  const text = '<http://example.com/s> <http://example.com/p> "caf\u00e9 \u{1F408}" .';
  assert.equal(bytes.load(new TextEncoder().encode(text), { format: "nt" }), 1);
  assert.equal(bytes.load(Buffer.from(text.replace("/s>", "/t>")), { format: "nt" }), 1);
  assert.equal(bytes.load(new TextEncoder().encode(text.replace("/s>", "/u>")).buffer, { format: "nt" }), 1);
  assert.equal(bytes.size, 3);
  assert.equal(bytes.query('SELECT (COUNT(*) AS ?n) { ?s ?p "caf\u00e9 \u{1F408}" }')[0].get("n").value, "3");
  const invalid = Uint8Array.from([...new TextEncoder().encode('<http://example.com/v> <http://example.com/p> "'), 0xff, 0xfe, ...new TextEncoder().encode('" .')]);
  assert.equal(codeOf(() => bytes.load(invalid, { format: "nt" })), "rdf_syntax");
  assert.equal(bytes.size, 3);
});

test("reasoning: materialized, maintained on writes, explicit-only answers, inconsistencies", () => {
  const store = new Store();
  store.load(TURTLE, { format: "ttl" });
  const report = store.setReasoning("owl2rl");
  assert.equal(report.profile, "owl2rl");
  assert.ok(report.fullRecompute && report.inferred > 0);
  assert.equal(store.reasoning, "owl2rl");
  const tomIsAnimal = "ASK { <http://example.com/tom> a <http://example.com/Animal> }";
  assert.equal(store.query(tomIsAnimal), true);
  assert.equal(store.query(tomIsAnimal, { explicitOnly: true }), false);
  store.add(quad(ex("felix"), RDF_TYPE, ex("Cat")));
  assert.equal(store.query("ASK { <http://example.com/felix> a <http://example.com/Animal> }"), true);
  store.delete(quad(ex("tom"), RDF_TYPE, ex("Cat")));
  assert.equal(store.query(tomIsAnimal), false, "a delete retracts what it supported");
  const felixIsAnimal = "<http://example.com/felix> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.com/Animal> .";
  assert.ok(store.dump({ format: "nt" }).includes(felixIsAnimal), "a full dump has the inferred type");
  assert.ok(!store.dump({ format: "nt", explicitOnly: true }).includes(felixIsAnimal), "an explicit dump has not");
  store.update("PREFIX : <http://example.com/> PREFIX owl: <http://www.w3.org/2002/07/owl#> INSERT DATA { :Cat owl:disjointWith :Mouse . :jerry a :Cat }");
  const found = store.inconsistencies();
  assert.equal(found.length, 1);
  assert.equal(found[0].rule, "cax-dw");
  assert.ok(found[0].quads.some((q) => q.subject.equals(ex("jerry"))));
  assert.equal(store.materialize().profile, "owl2rl");
  const rules = new Store();
  rules.load("<http://example.com/a> <http://example.com/parent> <http://example.com/b> .\n<http://example.com/b> <http://example.com/brother> <http://example.com/c> .", { format: "nt" });
  rules.setReasoning("none", { rules: "@prefix : <http://example.com/> . [?x :parent ?y], [?y :brother ?z] => [?x :uncle ?z]" });
  assert.ok(rules.has(quad(ex("a"), ex("uncle"), ex("c"))));
});

test("errors are Errors with stable codes, and change nothing", async () => {
  const store = new Store();
  assert.equal(codeOf(() => store.query("SELEC * WHERE {}")), "sparql_syntax");
  assert.equal(codeOf(() => store.load("<http://example.com/a> <http://example.com/b> .", { format: "nt" })), "rdf_syntax");
  assert.equal(codeOf(() => store.load("x", { format: "text/unknown" })), "unsupported_format");
  assert.equal(codeOf(() => store.add(quad(literal("s"), ex("p"), ex("o")))), "invalid_term");
  assert.equal(codeOf(() => store.add(quad(namedNode("not an iri"), ex("p"), ex("o")))), "invalid_term");
  assert.equal(codeOf(() => store.add({ subject: 1 })), "invalid_term");
  assert.equal(codeOf(() => store.setReasoning("owl3")), "unknown_profile");
  assert.equal(codeOf(() => store.setReasoning("none", { rules: "[?x :p ?y] =>" })), "rule_syntax");
  assert.equal(codeOf(() => store.query("SELECT * WHERE { " + "{ ".repeat(5000) + "}".repeat(5000) + " }")), "sparql_too_deep");
  await assert.rejects(Store.open("opfs:db"), (error) => error.code === "unsupported_location");
  assert.equal((await Store.open("memory:")).size, 0);
  assert.equal(store.size, 0);
});

test("N3.js terms and quads are accepted, and results compare equal to them", () => {
  const { namedNode: n3Node, literal: n3Literal, quad: n3Quad } = N3.DataFactory;
  const store = new Store();
  const parsed = new N3.Parser().parse(TURTLE);
  assert.equal(store.addAll(parsed), 7);
  assert.ok(store.has(n3Quad(n3Node("http://example.com/tom"), n3Node("http://example.com/name"), n3Literal("Tom", "en"))));
  const [row] = store.query("SELECT ?n WHERE { <http://example.com/jerry> <http://example.com/name> ?n }");
  assert.ok(n3Literal("Jerry").equals(row.get("n")), "an N3.js term equals ours");
  assert.ok(row.get("n").equals(n3Literal("Jerry")), "ours equals an N3.js term");
  const n3Store = new N3.Store(store.getQuads());
  assert.equal(n3Store.size, 7, "our quads go into N3.js");
  const written = new N3.Writer().quadsToString(store.getQuads(n3Node("http://example.com/tom")));
  assert.match(written, /"Tom"@en/);
});

test("Comunica queries the store as an RDF/JS source", async () => {
  const store = new Store();
  store.load(TURTLE, { format: "ttl" });
  const engine = new QueryEngine();
  const stream = await engine.queryBindings(
    "PREFIX : <http://example.com/> SELECT ?who ?name WHERE { ?who :name ?name } ORDER BY ?who",
    { sources: [store] },
  );
  const bindings = await stream.toArray();
  assert.equal(bindings.length, 2);
  assert.equal(bindings[0].get("who").value, "http://example.com/jerry");
  assert.equal(bindings[1].get("name").value, "Tom");
  const ours = store.query("PREFIX : <http://example.com/> SELECT ?who ?name WHERE { ?who :name ?name } ORDER BY ?who");
  assert.deepEqual(
    bindings.map((b) => [b.get("who").value, b.get("name").value]),
    ours.map((r) => [r.get("who").value, r.get("name").value]),
  );
});
