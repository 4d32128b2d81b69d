// The JavaScript example of the repository's README runs as written and prints what it says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("the README's JavaScript example", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Using Trine from JavaScript"));
  const block = /```js\n([\s\S]*?)```/.exec(section);
  assert.ok(block, "the README has a js block in its JavaScript section");
  const code = block[1];
  const expected = /\/\/ (http\S+(?: http\S+)*)\s*$/.exec(code.trimEnd());
  assert.ok(expected, "the example ends with the line it prints, as a comment");
  // Saved at the repository root, as the README says.
  const file = join(root, `example-${process.pid}.mjs`);
  writeFileSync(file, code);
  try {
    const printed = execFileSync(process.execPath, [file], { encoding: "utf8" });
    assert.equal(printed.trim(), expected[1]);
  } finally {
    rmSync(file, { force: true });
  }
});
