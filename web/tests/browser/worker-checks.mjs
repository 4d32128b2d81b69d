// The API checks inside a dedicated worker.
import * as trine from "/pkg/index.js";
import { apiChecks } from "./checks.mjs";

try {
  const passed = await apiChecks(trine);
  postMessage({ ok: true, value: passed });
} catch (error) {
  postMessage({ ok: false, error: String(error.stack ?? error) });
}
