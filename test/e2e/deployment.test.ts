import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { toolPath } from "../../scripts/system-deps.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
/** npm test's check of the system tools installs it as root (Debian's systemd package), or says how. */
const analyze = toolPath("systemd-analyze");

describe("deployment files", () => {
  it("the systemd unit verifies and keeps its exposure low (systemd-analyze)", () => {
    assert.ok(
      analyze,
      "systemd-analyze is not installed: npm test installs it as root (apt-get install systemd)",
    );
    const dir = mkdtempSync(join(tmpdir(), "sealbin-unit-"));
    try {
      // The unit as installed in /opt/sealbin, pointed at this checkout so its executable exists.
      const unit = readFileSync(join(repo, "deploy/systemd/sealbin.service"), "utf8").replaceAll(
        "/opt/sealbin/",
        repo,
      );
      const file = join(dir, "sealbin.service");
      writeFileSync(file, unit);
      const verify = spawnSync(analyze ?? "", ["verify", file], { encoding: "utf8" });
      assert.equal(verify.status, 0, verify.stderr);
      const security = execFileSync(analyze ?? "", ["security", "--offline=yes", file], { encoding: "utf8" });
      const exposure = Number(/Overall exposure level for sealbin\.service: ([0-9.]+)/.exec(security)?.[1]);
      assert.ok(exposure <= 2, `exposure ${exposure}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the Containerfile runs the server as a non-root user with a data volume and a health check", () => {
    // No container engine runs here: the file is checked for what it must say, not built.
    const file = readFileSync(join(repo, "Containerfile"), "utf8");
    assert.match(file, /^USER sealbin$/m);
    assert.match(file, /^VOLUME \/data$/m);
    assert.match(file, /^HEALTHCHECK .*\n.*\/health/m);
    assert.match(file, /SEALBIN_DB=\/data\/sealbin\.db/);
    // What it copies from the build context exists (COPY --from copies a build stage's files).
    for (const copied of [...file.matchAll(/^COPY (?!--from=)(\S+)/gm)].map((m) => m[1] ?? "")) {
      assert.ok(existsSync(join(repo, copied)), `${copied} exists`);
    }
  });
});
