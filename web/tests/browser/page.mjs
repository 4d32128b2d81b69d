// The page browser.test.mjs loads: the API checks here and in a worker, and a durable (OPFS)
// store written on one page load and read back on the next.
import * as trine from "/pkg/index.js";
import { apiChecks } from "./checks.mjs";

function ring(nodes) {
  const lines = [];
  for (let i = 0; i < nodes; i++) {
    lines.push(`<http://example.com/n${i}> <http://example.com/next> <http://example.com/n${(i + 1) % nodes}> .`);
    lines.push(`<http://example.com/n${i}> <http://example.com/label> "node ${i}"@en .`);
  }
  return lines.join("\n");
}

async function contents(store) {
  const rows = await store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }");
  const dump = await store.dump({ format: "application/n-quads" });
  return { size: await store.size(), count: Number(rows[0].get("n").value), dump: dump.split("\n").sort().join("\n") };
}

window.runPage = () => apiChecks(trine);

window.runWorker = () =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker-checks.mjs", import.meta.url), { type: "module" });
    worker.onmessage = ({ data }) => {
      worker.terminate();
      if (data.ok) resolve(data.value);
      else reject(new Error(data.error));
    };
    worker.onerror = (event) => reject(new Error(`worker: ${event.message}`));
  });

window.writeOpfs = async (name) => {
  const store = await trine.Store.open(`opfs:${name}`);
  if (!(store instanceof trine.RemoteStore)) throw new Error("a page gets a RemoteStore");
  const loaded = await store.load(ring(2000), { format: "application/n-triples" });
  const summary = await store.update(
    "INSERT DATA { GRAPH <http://example.com/g> { <http://example.com/a> <http://example.com/b> \"durable\" } }",
  );
  await store.add(trine.quad(trine.namedNode("http://example.com/x"), trine.namedNode("http://example.com/y"), trine.literal("z")));
  const seen = await contents(store);
  // While it is open, a second opening of the same file is refused, not corrupted.
  let second;
  try {
    await trine.Store.open(`opfs:${name}`);
    second = "opened twice";
  } catch (error) {
    second = error.code;
  }
  await store.close();
  return { loaded, inserted: summary.inserted, second, ...seen };
};

window.readOpfs = async (name) => {
  const store = await trine.Store.open(`opfs:${name}`);
  const seen = await contents(store);
  const graph = await store.query("SELECT ?o WHERE { GRAPH <http://example.com/g> { ?s ?p ?o } }");
  await store.close();
  return { ...seen, graph: graph.map((row) => row.get("o").value) };
};

window.ready = true;
