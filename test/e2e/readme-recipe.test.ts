import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { jsonOf, startServer } from "../helpers/server.ts";

const run = promisify(execFile);

/** The README's proof-of-work recipe for curl users, as a reader would copy it. */
function readmeRecipe(): string {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const block = /<!-- pow-recipe:start -->\s*```bash\n([\s\S]*?)```\s*<!-- pow-recipe:end -->/.exec(
    readme,
  )?.[1];
  assert.ok(block, "the README holds the recipe");
  return block.replace(/^ {2}/gm, "");
}

describe("the README's curl recipe for proof-of-work", () => {
  it("creates a paste against a server that requires proof-of-work", async () => {
    const server = await startServer({ powDifficulty: 12 });
    try {
      const dir = mkdtempSync(join(tmpdir(), "sealbin-recipe-"));
      writeFileSync(join(dir, "file.txt"), "made with curl\n");
      const script = readmeRecipe().replace("SERVER=http://localhost:5000", `SERVER=${server.url}`);
      const { stdout } = await run("bash", ["-c", script], { cwd: dir });
      const created = JSON.parse(stdout);
      assert.match(created.id, /^[0-9a-f]{12}$/);
      const raw = await fetch(`${server.url}/${created.id}/raw`);
      assert.equal(await raw.text(), "made with curl\n");
      assert.equal((await jsonOf(await fetch(`${server.url}/challenge`))).enabled, true);
    } finally {
      await server.close();
    }
  });
});
