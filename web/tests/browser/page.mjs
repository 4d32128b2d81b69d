// The page browser.test.mjs loads: the API checks here and in a worker.
import * as trine from "/pkg/index.js";
import { apiChecks } from "./checks.mjs";

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

window.ready = true;
