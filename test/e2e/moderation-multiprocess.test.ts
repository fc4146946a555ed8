import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { spawnPair } from "../helpers/process.ts";
import { createdId, createPaste, jsonOf } from "../helpers/server.ts";

/**
 * Two server processes on one database agree on moderation at once: the write mode one of them is
 * told, and a hash blocked through one, are refused by the other on its very next request.
 */
const ENV = {
  SEALBIN_POW_DIFFICULTY: "0",
  SEALBIN_RATE_LIMIT: "0",
  SEALBIN_PKI_ENABLED: "1",
  SEALBIN_PKI_CA_PASSWORD: "ca-password",
  SEALBIN_REGISTRATION_ENABLED: "1",
  SEALBIN_REGISTER_POW: "0",
};

async function send(url: string, method: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await jsonOf(res) };
}

describe("moderation across two processes", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("both follow the write mode and the blocklist at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealbin-moderation-pair-"));
    dirs.push(dir);
    const pair = await spawnPair(dir, ENV);
    try {
      const [a, b] = pair.urls;
      const registered = await send(`${a}/register`, "POST", { common_name: "moderator" });
      assert.equal(registered.json.is_admin, true);
      const admin = { "x-ssl-client-sha1": registered.json.fingerprint_sha1 as string };

      const closed = await send(`${a}/admin/writes`, "PUT", { mode: "closed" }, admin);
      assert.equal(closed.status, 200);
      const refused = await createPaste({ url: b }, "written to the other process");
      assert.equal(refused.res.status, 503);
      assert.equal(refused.json.code, "writes_closed");
      assert.equal((await jsonOf(await fetch(`${b}/`))).writes, "closed");
      await send(`${b}/admin/writes`, "PUT", { mode: "identified" }, admin);
      assert.equal((await createPaste({ url: a }, "anonymous")).json.code, "writes_identified");
      await send(`${a}/admin/writes`, "PUT", { mode: "open" }, admin);

      const content = "the same spam, posted to both";
      const first = await createdId({ url: b }, content);
      const blocked = await send(`${a}/admin/blocklist`, "POST", { paste: first }, admin);
      assert.equal(blocked.status, 201);
      assert.equal(blocked.json.sha256, createHash("sha256").update(content).digest("hex"));
      assert.equal((await fetch(`${b}/${first}/raw`)).status, 451, "quarantined for the other process too");
      const again = await createPaste({ url: b }, content);
      assert.equal(again.res.status, 451);
      assert.equal(again.json.code, "blocked");
    } finally {
      await pair.stop();
    }
  });
});
