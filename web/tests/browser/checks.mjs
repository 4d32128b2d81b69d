// The package's API checked the same way in a page and in a worker (browser.test.mjs drives
// both through headless Chromium). Each check throws with its name on failure; the list of
// passed checks comes back.
const TURTLE = `@prefix : <http://example.com/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
:Cat rdfs:subClassOf :Animal .
:tom a :Cat ; :name "Tom"@en ; :age 7 .
:jerry a :Mouse ; :name "Jerry" .
`;

export async function apiChecks(trine) {
  const { Store, namedNode, literal, quad } = trine;
  const passed = [];
  const check = (name, condition, detail = "") => {
    if (!condition) throw new Error(`check failed: ${name} ${detail}`);
    passed.push(name);
  };
  const codeOf = (call) => {
    try {
      call();
    } catch (error) {
      return error.code;
    }
    return "no error";
  };
  const ex = (name) => namedNode(`http://example.com/${name}`);
  const type = namedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");

  const store = new Store();
  check("load turtle", store.load(TURTLE, { format: "text/turtle" }) === 6);
  check("add", store.add(quad(ex("felix"), type, ex("Cat"))) === true);
  check("add again", store.add(quad(ex("felix"), type, ex("Cat"))) === false);
  check("has", store.has(quad(ex("tom"), ex("age"), literal("7", namedNode("http://www.w3.org/2001/XMLSchema#integer")))));
  check("size", store.size === 7, String(store.size));
  check("getQuads", store.getQuads(null, type, null).length === 3);
  let streamed = 0;
  for await (const q of store.match(null, type, ex("Cat"))) streamed += q.subject.termType === "NamedNode" ? 1 : 0;
  check("match as a stream", streamed === 2);
  const rows = store.query("SELECT ?n WHERE { ?s <http://example.com/name> ?n } ORDER BY ?n");
  check("select", rows.length === 2 && rows[0].get("n").value === "Jerry" && rows[1].get("n").language === "en");
  check("ask", store.query("ASK { ?s a <http://example.com/Mouse> }") === true);
  const built = store.query("CONSTRUCT { ?s <http://example.com/is> ?c } WHERE { ?s a ?c }");
  check("construct", built.length === 3 && built[0].predicate.value === "http://example.com/is");
  const json = JSON.parse(store.query("SELECT * WHERE { ?s a <http://example.com/Mouse> }", { resultsFormat: "json" }));
  check("results as JSON", json.results.bindings[0].s.value === "http://example.com/jerry");
  const prepared = store.prepare("SELECT ?n WHERE { ?s <http://example.com/name> ?n }");
  check("prepared with bindings", prepared.query({ bindings: { s: ex("tom") } })[0].get("n").value === "Tom");
  const summary = store.update("INSERT DATA { <http://example.com/a> <http://example.com/b> 1 }");
  check("update", summary.inserted === 1 && store.size === 8);
  check("delete", store.delete(quad(ex("a"), ex("b"), literal("1", namedNode("http://www.w3.org/2001/XMLSchema#integer")))) === true);
  check("dump", store.dump({ format: "application/n-quads" }).split("\n").filter((l) => l).length === 7);
  store.setReasoning("owl2rl");
  check("reasoning", store.query("ASK { <http://example.com/tom> a <http://example.com/Animal> }") === true);
  check("sparql error code", codeOf(() => store.query("SELEC *")) === "sparql_syntax");
  check("rdf error code", codeOf(() => store.load("<a> <b>", { format: "application/n-triples" })) === "rdf_syntax");
  let unsupported;
  try {
    await Store.open("postgres:x");
  } catch (error) {
    unsupported = error.code;
  }
  check("unknown location", unsupported === "invalid_location", unsupported);
  store.free();
  return passed;
}
