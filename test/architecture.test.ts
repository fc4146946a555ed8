import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { sourceFiles } from "./helpers/sources.ts";

/**
 * The structure as drawn from the imports (docs/architecture.md): data flows routes → usecases →
 * store; the cross-cutting layers know no feature; the rules know no HTTP framework; the byte
 * formats and the shared client run in browsers too.
 */

const src = fileURLToPath(new URL("../src/", import.meta.url));

/** Every module a file imports (static and dynamic), resolved to a path under src/ or a package name. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"/gms),
    ...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
    ...text.matchAll(/^\s*import\s+"([^"]+)"/gm),
  ].map((m) => m[1] ?? "");
  return specifiers.map((s) =>
    s.startsWith(".")
      ? relative(src, join(file, "..", s))
          .split("\\")
          .join("/")
      : s,
  );
}

const violations = (files: string[], forbidden: (imported: string) => boolean) =>
  files.flatMap((f) =>
    importsOf(f)
      .filter(forbidden)
      .map((i) => `${relative(src, f)} imports ${i}`),
  );

describe("the structure of src/", () => {
  const all = sourceFiles(src);
  const under = (folder: string) => all.filter((f) => relative(src, f).startsWith(`${folder}/`));

  it("src/http and src/store import no feature", () => {
    assert.deepEqual(
      violations([...under("http"), ...under("store")], (i) => i.startsWith("features/")),
      [],
    );
  });

  it("src/shared imports nothing of sealbin's beyond itself", () => {
    assert.deepEqual(
      violations(under("shared"), (i) => /^(features|http|store|config|client|cli|web)\//.test(i)),
      [],
    );
  });

  it("usecases and models import no HTTP framework", () => {
    const rules = all.filter((f) => /\.(usecases|models)\.ts$/.test(f));
    assert.ok(rules.length > 5);
    assert.deepEqual(
      violations(rules, (i) => /^(fastify|@fastify\/)/.test(i) || i.startsWith("http/")),
      [],
    );
  });

  it("the protocol and the client run in browsers: no Node modules, no server code", () => {
    // The client's Node-only files say so in their names (node-transport.ts, node-pow.ts, …).
    const portable = [...under("protocol"), ...under("client")].filter((f) => !/\/node-[\w-]+\.ts$/.test(f));
    assert.deepEqual(
      violations(portable, (i) => i.startsWith("node:") || /^(features|http|store|config|shared)\//.test(i)),
      [],
    );
    assert.deepEqual(
      violations(under("protocol"), (i) => /^(client|cli|web)\//.test(i)),
      [],
    );
  });

  it("the CLI and the page reach the server only through the client", () => {
    assert.deepEqual(
      violations([...under("cli"), ...under("web")], (i) => /^(features|http|store|config|shared)\//.test(i)),
      [],
    );
  });
});
