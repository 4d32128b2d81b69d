// The npm package and the native store give the same answers on the same data: each query runs
// through `Store.query` here and through the native `trine query` CLI on a redb file holding the
// same data, with and without OWL 2 RL reasoning. `cargo xtask test` passes the CLI's path in
// TRINE_BIN; without it the test fails under CI and is skipped, saying why, elsewhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../pkg/index.js";

const bin = process.env.TRINE_BIN;
const missing = bin == null || !existsSync(bin);
if (missing && process.env.CI === "true") {
  throw new Error("TRINE_BIN does not name the native trine binary: cargo xtask test sets it");
}

/** A small university: classes, a hierarchy, properties with domains, numbers, languages. */
function dataset() {
  const lines = [
    "@prefix : <http://example.com/> .",
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
    ":Student rdfs:subClassOf :Person . :Professor rdfs:subClassOf :Person .",
    ":teaches rdfs:domain :Professor ; owl:inverseOf :taughtBy .",
    ":advisor a owl:FunctionalProperty .",
  ];
  for (let i = 0; i < 40; i++) {
    lines.push(`:s${i} a :Student ; :name "Student ${i}"@en ; :age ${18 + (i % 9)} ; :takes :c${i % 7} , :c${(i * 3) % 7} .`);
    if (i % 5 === 0) lines.push(`:s${i} :advisor :p${i % 3} .`);
  }
  for (let p = 0; p < 3; p++) {
    lines.push(`:p${p} :name "Prof ${p}" ; :teaches :c${p} , :c${p + 3} ; :knows :p${(p + 1) % 3} .`);
  }
  return lines.join("\n");
}

const QUERIES = [
  "PREFIX : <http://example.com/> SELECT ?s ?n WHERE { ?s a :Student ; :name ?n } ORDER BY ?s",
  "PREFIX : <http://example.com/> SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s :takes ?c } GROUP BY ?c ORDER BY ?c",
  "PREFIX : <http://example.com/> SELECT ?s ?a WHERE { ?s :age ?a FILTER(?a > 22) } ORDER BY DESC(?a) ?s LIMIT 7",
  "PREFIX : <http://example.com/> SELECT ?s ?p WHERE { ?s a :Student OPTIONAL { ?s :advisor ?p } } ORDER BY ?s",
  "PREFIX : <http://example.com/> SELECT ?x WHERE { { ?x :teaches ?c } UNION { ?x :advisor ?y } } ORDER BY ?x",
  "PREFIX : <http://example.com/> SELECT ?a ?b WHERE { ?a :knows+ ?b } ORDER BY ?a ?b",
  "PREFIX : <http://example.com/> SELECT ?s (STRLEN(?n) AS ?l) (UCASE(?n) AS ?u) WHERE { ?s :name ?n FILTER(LANG(?n) = 'en') } ORDER BY ?s LIMIT 5",
  "PREFIX : <http://example.com/> SELECT (AVG(?a) AS ?avg) (MAX(?a) AS ?max) WHERE { ?s :age ?a }",
  "PREFIX : <http://example.com/> SELECT ?s WHERE { ?s a :Student FILTER NOT EXISTS { ?s :advisor ?p } } ORDER BY ?s",
  "PREFIX : <http://example.com/> SELECT ?s ?c WHERE { ?s :takes ?c { SELECT ?c WHERE { ?p :teaches ?c } } } ORDER BY ?s ?c",
  "PREFIX : <http://example.com/> SELECT ?s ?t WHERE { ?s a :Person . ?s a ?t } ORDER BY ?s ?t",
  "PREFIX : <http://example.com/> SELECT ?c ?p WHERE { ?c :taughtBy ?p } ORDER BY ?c ?p",
  "PREFIX : <http://example.com/> ASK { :p0 a :Person }",
];

/** Rows as comparable strings (the CLI writes SPARQL JSON; so does `resultsFormat: "json"`). */
function normalize(json) {
  const parsed = JSON.parse(json);
  if ("boolean" in parsed) return parsed.boolean;
  return parsed.results.bindings.map((row) =>
    JSON.stringify(Object.keys(row).sort().map((name) => [name, row[name].type, row[name].value, row[name]["xml:lang"] ?? "", row[name].datatype ?? ""])),
  );
}

test("the same answers as the native store, without and with reasoning", { skip: missing && "TRINE_BIN is not set: run through cargo xtask test" }, () => {
  const dir = mkdtempSync(join(tmpdir(), "trine-npm-"));
  try {
    const data = join(dir, "data.ttl");
    writeFileSync(data, dataset());
    const location = `redb:${join(dir, "store.redb")}`;
    execFileSync(bin, ["load", "--location", location, "--file", data], { stdio: "pipe" });
    const store = new Store();
    store.load(dataset(), { format: "ttl" });
    const native = (query) => execFileSync(bin, ["query", "--location", location, "--query", query, "--results-format", "json"], { encoding: "utf8" });
    const compare = (phase) => {
      for (const query of QUERIES) {
        assert.deepEqual(normalize(store.query(query, { resultsFormat: "json" })), normalize(native(query)), `${phase}: ${query}`);
      }
    };
    compare("explicit data");
    execFileSync(bin, ["materialize", "--location", location, "--profile", "owl2rl"], { stdio: "pipe" });
    store.setReasoning("owl2rl");
    compare("owl2rl closure");
    assert.equal(store.query(QUERIES.at(-1)), true, "reasoning reached the answers");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
