// The npm package in headless Chromium (Debian's `chromium`, driven by playwright-core): the API
// in a page and in a dedicated worker, and a durable store in the Origin Private File System
// written on one page load, read back complete after a reload and after a browser restart.
// Under CI=true a missing Chromium is an error; elsewhere these tests are skipped with a reason.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const webRoot = fileURLToPath(new URL("..", import.meta.url));
const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
const executablePath = candidates.find((path) => path && existsSync(path));
if (executablePath == null && process.env.CI === "true") {
  throw new Error("Chromium is missing (bash .ci/setup installs Debian's chromium); CI does not skip the browser suite");
}
const skip = executablePath == null ? "no Chromium here (set CHROMIUM or install Debian's chromium)" : false;
// What a fresh, offline machine needs: no sandbox as root, nothing fetched in the background.
const args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
let server;
let origin;

before(async () => {
  if (skip) return;
  // Only the built package and the browser tests' own files, from loopback.
  server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
    const allowed = path.startsWith("/pkg/") || path.startsWith("/tests/browser/");
    const file = join(webRoot, path);
    if (!allowed || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    response.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(() => server?.close());

/** A page of the test site in `context`, failing the test on any uncaught error in it. */
async function open(context) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(`${origin}/tests/browser/index.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 });
  return { page, errors };
}

test("the API in a page and in a worker", { skip }, async () => {
  const browser = await chromium.launch({ executablePath, args });
  try {
    const { page, errors } = await open(await browser.newContext());
    const inPage = await page.evaluate(() => window.runPage());
    const inWorker = await page.evaluate(() => window.runWorker());
    console.log(`in a page: ${inPage.length} checks passed; in a worker: ${inWorker.length}`);
    assert.equal(inPage.length, 19, inPage.join(", "));
    assert.deepEqual(inWorker.slice(0, inPage.length), inPage, "the same checks pass in a worker");
    assert.ok(inWorker.includes("opfs in a worker"));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test("an OPFS store survives a reload and a browser restart", { skip }, async () => {
  const profile = mkdtempSync(join(tmpdir(), "trine-chromium-"));
  try {
    let context = await chromium.launchPersistentContext(profile, { executablePath, args, headless: true });
    let { page, errors } = await open(context);
    const written = await page.evaluate(() => window.writeOpfs("durable"));
    assert.equal(written.loaded, 4000);
    assert.equal(written.inserted, 1);
    assert.equal(written.size, 4002);
    assert.equal(written.count, 4001, "the default graph's triples");
    assert.equal(written.second, "store_locked", "a second opening of an open store is refused");

    await page.reload();
    await page.waitForFunction(() => window.ready === true);
    const reloaded = await page.evaluate(() => window.readOpfs("durable"));
    assert.equal(reloaded.size, written.size);
    assert.equal(reloaded.count, written.count);
    assert.equal(reloaded.dump, written.dump, "every quad, after a reload");
    assert.deepEqual(reloaded.graph, ["durable"]);
    assert.deepEqual(errors, []);
    await context.close();

    context = await chromium.launchPersistentContext(profile, { executablePath, args, headless: true });
    ({ page, errors } = await open(context));
    const restarted = await page.evaluate(() => window.readOpfs("durable"));
    assert.equal(restarted.dump, written.dump, "every quad, after a browser restart");
    assert.deepEqual(errors, []);
    await context.close();
    console.log(`OPFS: ${written.size} quads written, the same ${restarted.size} read back after a reload and a restart`);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
