// The API checks inside a dedicated worker, and a durable store opened there directly (a
// worker has OPFS's synchronous handle, so it gets a plain Store).
import * as trine from "/pkg/index.js";
import { apiChecks } from "./checks.mjs";

try {
  const passed = await apiChecks(trine);
  const store = await trine.Store.open("opfs:in-a-worker");
  if (!(store instanceof trine.Store)) throw new Error("a worker gets a Store");
  store.add(trine.quad(trine.namedNode("http://example.com/w"), trine.namedNode("http://example.com/p"), trine.literal("in a worker")));
  const size = store.size;
  store.close();
  const again = await trine.Store.open("opfs:in-a-worker");
  const reread = again.size;
  again.close();
  if (size < 1 || reread !== size) throw new Error(`the worker's OPFS store held ${size}, then ${reread}`);
  passed.push("opfs in a worker");
  postMessage({ ok: true, value: passed });
} catch (error) {
  postMessage({ ok: false, error: String(error.stack ?? error) });
}
