/**
 * Progress where work is long: transfer bars on a terminal (below), and (issue 19, item 8) registration's 24-bit proof-of-work, which shows its
 * progress on a terminal — hashes done against the 16.8 M expected, with a rate, never a bar stuck at
 * 99 % — and one line of status when standard error is not a terminal. (Past the expected work the
 * line turns into a count and a rate: src/cli/units.test.ts.)
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CLI_BIN, CLI_NODE, cliCommand, cliHome, runCli, runInTerminal } from "../helpers/cli.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

describe("sealbin register's proof-of-work progress", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      pkiEnabled: true,
      pkiCaPassword: "ca-password",
      registrationEnabled: true,
      registerPow: 24,
    });
  });
  after(async () => {
    await server.close();
  });

  it("shows the hashes done against the expected count, and a rate, on a terminal", async () => {
    // Luck can find a solution before the first report (a chance in a hundred): then try again.
    for (let attempt = 1; ; attempt++) {
      const home = cliHome();
      const shown = await runInTerminal(cliCommand(["register", "-o", home.dir]), {
        env: { ...home.env, SEALBIN_SERVER: server.url, NO_COLOR: "1" },
      });
      assert.equal(shown.code, 0, shown.output);
      const lines = shown.output.split("\r").filter((l) => l.includes("proof-of-work"));
      if (lines.length === 0 && attempt < 5) continue;
      assert.ok(lines.length > 0, shown.output);
      for (const line of lines) {
        assert.ok(line.startsWith(`${String.fromCharCode(27)}[K`), "redrawn in place");
        assert.match(
          line.slice(3),
          /^proof-of-work \(difficulty 24\): (\[[# ]{20}\] [0-9.]+ [kM]? ?of the 16\.8 M hashes expected|[0-9.]+ [kMG]? ?hashes, [0-9.]+× the 16\.8 M expected)/,
        );
        assert.doesNotMatch(line, /99 ?%/);
      }
      assert.match(shown.output, /registered as sealbin-|registered as /);
      assert.doesNotMatch(
        shown.output.split("registered as")[1] ?? "",
        /proof-of-work/,
        "the line gives way when done",
      );
      return;
    }
  });

  it("prints one line of status when standard error is not a terminal", async () => {
    for (let attempt = 1; ; attempt++) {
      const home = cliHome();
      const reg = await runCli(["register", "-o", home.dir], {
        env: { ...home.env, SEALBIN_SERVER: server.url },
      });
      assert.equal(reg.code, 0, reg.stderr);
      const status = reg.stderr.split("\n").filter((l) => l.includes("proof-of-work"));
      if (status.length === 0 && attempt < 5) continue;
      assert.deepEqual(status, [
        "sealbin: solving proof-of-work (difficulty 24, about 16.8 M hashes expected)…",
      ]);
      assert.ok(!reg.stderr.includes("\r"), "no redrawing outside a terminal");
      return;
    }
  });
});

describe("sealbin progress bars", () => {
  it("shows upload and download progress on a terminal (and nothing when piped, tested above)", async () => {
    const server = await startServer({ maxAnon: 8 * 1024 * 1024 });
    const home = cliHome();
    try {
      const file = join(home.dir, "big.bin");
      writeFileSync(file, randomBytes(3 * 1024 * 1024));
      const env = { ...home.env, SEALBIN_SERVER: server.url };
      // `script` gives the CLI a pseudo-terminal, as a user's shell would.
      const inTty = (cmd: string) =>
        runCli([], { env, node: "script", bin: "-qec", cwd: home.dir, args: [cmd, "/dev/null"] });
      const upload = await inTty(`${CLI_NODE} ${CLI_BIN} ${file}`);
      assert.equal(upload.code, 0, upload.stderr);
      const output = upload.stdout.toString();
      assert.match(output, /uploading \[#+ *\] [0-9.]+\/3\.0 MiB/);
      const url = /(http:\/\/\S+)/.exec(output)?.[1] ?? "";
      const download = await inTty(`${CLI_NODE} ${CLI_BIN} get -o ${join(home.dir, "back.bin")} ${url}`);
      assert.equal(download.code, 0, download.stderr);
      assert.match(download.stdout.toString(), /downloading \[#+ *\] [0-9.]+\/3\.0 MiB/);
      assert.ok(readFileSync(join(home.dir, "back.bin")).equals(readFileSync(file)));
    } finally {
      await server.close();
    }
  });
});
