import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type Config, loadConfig } from "../../src/config/config.ts";
import { PNG_1X1 } from "../fixtures/files.ts";
import { cliHome } from "../helpers/cli.ts";
import { jsonOf, PERMISSIVE, startServer, type TestServer } from "../helpers/server.ts";

const run = promisify(execFile);
const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const EXAMPLE_SERVER = "http://localhost:5000";

/** The README's "Using it" section, as a new reader meets it. */
function usingIt(): string {
  const section = /\n## Using it\n([\s\S]*?)\n## /.exec(README)?.[1];
  assert.ok(section, "the README has its Using it section");
  return section;
}

/** The fenced bash block of the section that contains `marker`, its list indentation removed. */
function block(marker: string): string {
  for (const match of usingIt().matchAll(/```bash\n([\s\S]*?)```/g)) {
    const body = (match[1] ?? "").replace(/^ {2}/gm, "");
    if (body.includes(marker)) return body;
  }
  assert.fail(`no bash block with ${marker} in the README's Using it section`);
}

/** A block's commands, one a line, without comment lines and trailing comments. */
function commands(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/\s+#\s.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/**
 * Runs README commands in bash, in the reader's directory, as written: only `curl` also reports each
 * answer's status, on standard error, so that what the commands pipe and print is unchanged.
 */
async function shell(script: string, cwd: string, env: Record<string, string>) {
  const wrapper = `curl() { command curl -sS -w '%{stderr}@@status %{http_code}\\n' "$@"; }\n`;
  const { stdout, stderr } = await run("bash", ["-c", wrapper + script], { cwd, env, timeout: 120_000 });
  const statuses = [...stderr.matchAll(/@@status (\d{3})/g)].map((m) => Number(m[1]));
  return { stdout, stderr, statuses, body: stdout.trim() };
}

/** The documented defaults of every rule the other suites relax (test/helpers/server.ts). */
function defaults(): Partial<Config> {
  const config = loadConfig({});
  return Object.fromEntries(Object.keys(PERMISSIVE).map((key) => [key, config[key as keyof Config]]));
}

describe("the README's Using it section, followed literally against a server with default settings", () => {
  let server: TestServer;
  const home = cliHome();
  let env: Record<string, string>;
  const statuses: [string, number][] = [];
  const walk = async (line: string) => {
    const result = await shell(line.replaceAll(EXAMPLE_SERVER, server.url), home.dir, env);
    for (const status of result.statuses) statuses.push([line, status]);
    return result;
  };

  before(async () => {
    server = await startServer(defaults());
    env = { ...home.env, PATH: process.env.PATH ?? "" };
    // The files the examples name, in the reader's working directory.
    writeFileSync(join(home.dir, "file.txt"), "the contents of file.txt\n");
    writeFileSync(join(home.dir, "screenshot.png"), PNG_1X1);
    writeFileSync(join(home.dir, "secret.txt"), "a secret for one reader\n");
    writeFileSync(join(home.dir, "temp.txt"), "gone in an hour\n");
    writeFileSync(join(home.dir, "notes.txt"), "notes behind a password\n");
  });
  after(async () => {
    await server.close();
  });

  it("runs on the documented defaults: proof-of-work at 20 bits, 10 writes a minute", async () => {
    const info = await jsonOf(await fetch(`${server.url}/`));
    assert.equal(info.pow.difficulty, 20);
    assert.equal(server.config.rateLimit, true);
    assert.equal(server.config.rateMax, 10);
  });

  it("the curl examples without proof-of-work are refused as the README says, never rate limited", async () => {
    const lines = commands(block("# Create a paste"));
    assert.ok(lines.length >= 12, "the README's curl examples were found");
    for (const line of lines) {
      const { statuses: got, body } = await walk(line);
      assert.ok(got.length > 0, `${line}: curl reached the server`);
      const status = got.at(-1);
      assert.ok(status !== undefined && status !== 429 && status < 500, `${line}: ${status} ${body}`);
      if (/--data-binary|-d '|-F /.test(line)) {
        assert.equal(status, 400, line);
        assert.equal(JSON.parse(body).error, "Proof-of-work required", line);
      }
    }
  });

  it("then the proof-of-work recipe creates a paste", async () => {
    const recipe = /<!-- pow-recipe:start -->\s*```bash\n([\s\S]*?)```\s*<!-- pow-recipe:end -->/.exec(
      usingIt(),
    )?.[1];
    assert.ok(recipe, "the README holds the recipe");
    const { statuses: got, body } = await walk(recipe.replace(/^ {2}/gm, ""));
    assert.deepEqual(got, [200, 201], body);
    const created = JSON.parse(body);
    const raw = await fetch(`${server.url}/${created.id}/raw`);
    assert.equal(await raw.text(), "the contents of file.txt\n");
  });

  it("then the CLI: download, config server, create from stdin, get, -b -x 3600", async () => {
    const lines = commands(block("./sealbin config server"));
    const [download, configure, create, get, burn] = lines;
    assert.match(download ?? "", /^curl -o sealbin .*\/client && chmod \+x sealbin$/);
    assert.match(configure ?? "", /^\.\/sealbin config server /);
    assert.match(create ?? "", /^echo .* \| \.\/sealbin$/);
    assert.match(get ?? "", /^\.\/sealbin get "/);
    assert.match(burn ?? "", /^\.\/sealbin -b -x 3600 secret\.txt$/);

    assert.deepEqual((await walk(download ?? "")).statuses, [200]);
    await walk(configure ?? "");
    const created = await walk(create ?? "");
    const url = created.body;
    assert.match(url, new RegExp(`^${server.url}/[0-9a-f]{12}#\\S+$`), created.stderr);
    // The example link is the reader's own, printed by the line before.
    const example = /"([^"]+)"/.exec(get ?? "")?.[1] ?? "";
    const got = await walk((get ?? "").replace(example, url));
    assert.equal(got.stdout, `${/^echo "(.*)"/.exec(create ?? "")?.[1]}\n`, got.stderr);
    const burned = await walk(burn ?? "");
    const id = /\/([0-9a-f]{12})#/.exec(burned.body)?.[1];
    assert.ok(id, `${burned.body} ${burned.stderr}`);
    const meta = await jsonOf(await fetch(`${server.url}/${id}`));
    assert.equal(meta.burn_after_read, true);
    assert.equal(meta.expiry, "fixed");
    assert.equal(meta.expires_at, Math.floor(server.clock.now() / 1000) + 3600);
  });

  it("met no 429 anywhere on the way, and the write quota counts only the work done", async () => {
    assert.deepEqual(
      statuses.filter(([, status]) => status === 429),
      [],
    );
    const res = await fetch(`${server.url}/${"0".repeat(12)}`, { method: "DELETE" });
    // Writes that did work: the README's DELETE, the recipe's paste, the CLI's two, and this DELETE.
    assert.equal(res.headers.get("x-ratelimit-remaining"), "5");
  });
});
