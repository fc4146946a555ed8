import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { sourceFiles } from "./helpers/sources.ts";

/**
 * Every error code the server can send is listed in docs/api.md ("Error codes"), once, and every
 * code listed there is one the server sends: the table clients program against cannot drift.
 */

const root = fileURLToPath(new URL("../", import.meta.url));

/**
 * Codes as the server's code writes them: `code: "…"` anywhere in src/, and every snake_case string
 * of the modules that define errors (`<feature>.errors.ts`, src/http/errors.ts, the protocol's
 * vocabulary), however they tabulate them.
 */
function codesInSource(): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(join(root, "src"))) {
    if (/\/(cli|web|client)\//.test(file)) continue;
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\bcode:\s*"([a-z][a-z0-9_]*)"/g)) found.add(m[1] ?? "");
    if (/(\.errors\.ts|\/http\/errors\.ts|\/protocol\/vocabulary\.ts)$/.test(file)) {
      for (const m of text.matchAll(/"([a-z][a-z0-9]*(?:_[a-z0-9]+)+)"/g)) found.add(m[1] ?? "");
    }
  }
  return found;
}

function codesInDocs(): string[] {
  const text = readFileSync(join(root, "docs/api.md"), "utf8");
  const section = text.slice(text.indexOf("## Error codes"));
  assert.ok(text.includes("## Error codes"), "docs/api.md has an Error codes section");
  const end = section.indexOf("\n## ", 3);
  const table = end > 0 ? section.slice(0, end) : section;
  return [...table.matchAll(/^\| `([a-z][a-z0-9_]*)` \|/gm)].map((m) => m[1] ?? "");
}

describe("error codes", () => {
  it("docs/api.md lists every code the server sends, each once, and no other", () => {
    const documented = codesInDocs();
    assert.equal(new Set(documented).size, documented.length, "each code once");
    const sent = codesInSource();
    assert.ok(sent.size > 30, `${sent.size} codes found in src/`);
    assert.deepEqual(
      [...sent].filter((c) => !documented.includes(c)).sort(),
      [],
      "codes the server sends that docs/api.md does not list",
    );
    assert.deepEqual(
      documented.filter((c) => !sent.has(c)).sort(),
      [],
      "codes docs/api.md lists that the server never sends",
    );
  });
});
