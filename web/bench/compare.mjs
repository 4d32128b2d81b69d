// The npm package against the `oxigraph` npm package (0.5.11), in one Node process, on the same
// BSBM-shaped data and query mix: load time, then each query's median latency over several runs
// (results consumed: every value of every row read), with ratios. Every answer is checked (the
// same rows, as multisets of lexical forms); a difference fails the run.
//
//   node bench/compare.mjs DIR [--runs 5]
//
// DIR holds `bsbm.nt` and `queries.json`, written by
// `cargo run -p trine-benches --bin bsbm-export -- --products N --mixes M --out DIR`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as oxigraph from "oxigraph";
import { Store } from "../pkg/index.js";

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) {
  console.error("usage: node bench/compare.mjs DIR [--runs N]");
  process.exit(2);
}
const runs = Number(args[args.indexOf("--runs") + 1] ?? 5) || 5;
const data = readFileSync(join(dir, "bsbm.nt"), "utf8");
const queries = JSON.parse(readFileSync(join(dir, "queries.json"), "utf8"));

function time(call) {
  const start = performance.now();
  const value = call();
  return [performance.now() - start, value];
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function termKey(term) {
  if (term == null) return "";
  const value = term.value;
  if (term.termType === "Literal") return `"${value}"@${term.language}^^${term.datatype.value}`;
  return `${term.termType}:${value}`;
}

/** The answer as a sorted list of row keys (reading every value), or a boolean. */
function consume(result) {
  if (typeof result === "boolean") return result;
  const rows = [];
  for (const row of result) {
    if (row instanceof Map) {
      rows.push([...row.entries()].map(([k, v]) => `${k}=${termKey(v)}`).sort().join(" "));
    } else {
      rows.push([row.subject, row.predicate, row.object].map(termKey).join(" "));
    }
  }
  return rows.sort();
}

const engines = [
  {
    name: "trine",
    open: () => new Store(),
    load: (store) => store.load(data, { format: "application/n-triples" }),
    query: (store, text) => store.query(text),
  },
  {
    name: "oxigraph",
    open: () => new oxigraph.Store(),
    load: (store) => store.load(data, { format: "application/n-triples" }),
    query: (store, text) => store.query(text),
  },
];

// Both stores are loaded (each load timed alone), then each query's runs alternate between the
// engines, so background load on the machine falls on both alike rather than on whichever ran
// during a busy spell.
const stores = engines.map((engine) => {
  const store = engine.open();
  const [loadMs] = time(() => engine.load(store));
  return { store, loadMs };
});
const perQuery = queries.map((q) => {
  const answers = engines.map((engine, e) => consume(engine.query(stores[e].store, q.text))); // warm-up, and the answers checked
  const samples = engines.map(() => []);
  for (let i = 0; i < runs; i++) {
    engines.forEach((engine, e) => {
      samples[e].push(time(() => consume(engine.query(stores[e].store, q.text)))[0]);
    });
  }
  return engines.map((_, e) => ({ answer: answers[e], ms: median(samples[e]) }));
});
const results = engines.map((engine, e) => ({
  name: engine.name,
  size: stores[e].store.size,
  loadMs: stores[e].loadMs,
  perQuery: perQuery.map((both) => both[e]),
}));

const [trine, oxi] = results;
let failed = false;
if (trine.size !== oxi.size) {
  console.log(`DIFFERENT: trine holds ${trine.size} quads, oxigraph ${oxi.size}`);
  failed = true;
}
const groups = new Map();
queries.forEach((q, i) => {
  const ours = trine.perQuery[i];
  const theirs = oxi.perQuery[i];
  if (JSON.stringify(ours.answer) !== JSON.stringify(theirs.answer)) {
    console.log(`DIFFERENT: ${q.group}#${q.instance}: trine ${ours.answer.length ?? ours.answer} rows, oxigraph ${theirs.answer.length ?? theirs.answer}`);
    failed = true;
  }
  const group = groups.get(q.group) ?? { trine: 0, oxigraph: 0 };
  group.trine += ours.ms;
  group.oxigraph += theirs.ms;
  groups.set(q.group, group);
});

const ratio = (ours, theirs) => (theirs / Math.max(ours, 1e-6)).toFixed(2);
console.log(`npm packages on BSBM-shaped data: ${trine.size} triples, ${queries.length} queries, median of ${runs} runs (Node ${process.versions.node})`);
console.log(`${"".padEnd(8)} ${"trine ms".padStart(10)} ${"oxigraph ms".padStart(12)} ${"speed-up".padStart(9)}`);
console.log(`${"load".padEnd(8)} ${trine.loadMs.toFixed(1).padStart(10)} ${oxi.loadMs.toFixed(1).padStart(12)} ${ratio(trine.loadMs, oxi.loadMs).padStart(8)}x`);
let slower = [];
for (const [group, ms] of groups) {
  console.log(`${group.padEnd(8)} ${ms.trine.toFixed(2).padStart(10)} ${ms.oxigraph.toFixed(2).padStart(12)} ${ratio(ms.trine, ms.oxigraph).padStart(8)}x`);
  if (ms.trine > ms.oxigraph) slower.push(group);
}
const totalOurs = [...groups.values()].reduce((sum, g) => sum + g.trine, 0);
const totalTheirs = [...groups.values()].reduce((sum, g) => sum + g.oxigraph, 0);
console.log(`${"mix".padEnd(8)} ${totalOurs.toFixed(2).padStart(10)} ${totalTheirs.toFixed(2).padStart(12)} ${ratio(totalOurs, totalTheirs).padStart(8)}x`);
console.log(
  `goal (trine at least 2x faster on load and on the mix, no query slower): load ${ratio(trine.loadMs, oxi.loadMs)}x, mix ${ratio(totalOurs, totalTheirs)}x, ` +
    (slower.length === 0 ? "no query slower" : `slower on ${slower.join(", ")}`),
);
console.log(failed ? "compare: answers DIFFER" : "compare: every answer agrees");
process.exit(failed ? 1 : 0);
