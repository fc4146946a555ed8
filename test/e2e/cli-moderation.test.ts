/**
 * Moderation from the CLI (docs/moderation.md, docs/cli.md): `sealbin report` and `sealbin admin …`
 * against the real server, the admin being the PKI's first registrant.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { type CliResult, cliHome, runCli } from "../helpers/cli.ts";
import { createdId, createPaste, jsonOf, startServer, type TestServer } from "../helpers/server.ts";

const text = (r: CliResult) => r.stdout.toString("utf8");
const PKI = { pkiEnabled: true, pkiCaPassword: "ca-password", registrationEnabled: true, registerPow: 0 };

describe("sealbin report and sealbin admin", () => {
  let server: TestServer;
  let adminFingerprint = "";
  const moderator = cliHome();
  const reporter = cliHome();
  const admin = () => ({ ...moderator.env, SEALBIN_SERVER: server.url, SEALBIN_CERT_SHA1: adminFingerprint });
  const user = () => ({ ...reporter.env, SEALBIN_SERVER: server.url, SEALBIN_CERT_SHA1: "c".repeat(40) });
  const cli = (args: string[], env: Record<string, string>) => runCli(args, { env });
  before(async () => {
    server = await startServer(PKI);
    const res = await fetch(`${server.url}/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ common_name: "moderator" }),
    });
    adminFingerprint = (await jsonOf(res)).fingerprint_sha1;
  });
  after(async () => server.close());

  it("report sends the #key only with --include-key, and the admin lists both reports", async () => {
    const id = await createdId(server, "reported from the terminal");
    const url = `${server.url}/${id}#the-paste-key`;
    const plain = await cli(["report", url, "--reason", "spam", "--details", "ads\u001b[31m"], user());
    assert.equal(plain.code, 0, plain.stderr);
    const withKey = await cli(["report", url, "--reason", "illegal", "--include-key"], user());
    assert.equal(withKey.code, 0, withKey.stderr);
    const [plainId, keyId] = [text(plain).trim(), text(withKey).trim()];
    assert.match(plainId, /^[0-9a-f]{16}$/);

    const listed = JSON.parse(text(await cli(["admin", "reports", "--json"], admin())));
    const byId = new Map(listed.reports.map((r: { id: string }) => [r.id, r]));
    assert.equal((byId.get(plainId) as { key?: string }).key, undefined, "no key without --include-key");
    assert.equal((byId.get(keyId) as { key?: string }).key, "the-paste-key");
    const table = text(await cli(["admin", "reports", "--state", "open"], admin()));
    assert.match(table, /^REPORT\s+CREATED\s+STATE\s+REASON\s+URL\s+DETAILS/);
    assert.ok(table.includes(`${server.url}/${id}#the-paste-key`), table);
    assert.equal(table.includes("\u001b"), false, "a reporter's control characters never reach the terminal");

    const dismissed = await cli(["admin", "dismiss", plainId], admin());
    assert.equal(dismissed.code, 0, dismissed.stderr);
    const left = JSON.parse(text(await cli(["admin", "reports", "--state", "open", "--json"], admin())));
    assert.equal(
      left.reports.some((r: { id: string }) => r.id === plainId),
      false,
    );
  });

  it("an unknown reason is refused before any request, with the reasons listed", async () => {
    const res = await cli(["report", `${server.url}/0123456789ab`, "--reason", "boring"], user());
    assert.equal(res.code, 2);
    assert.match(res.stderr, /--reason must be one of spam, malware, phishing, illegal, copyright, other/);
    const noKey = await cli(
      ["report", `${server.url}/0123456789ab`, "--reason", "spam", "--include-key"],
      user(),
    );
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /the URL has no #key/);
  });

  it("quarantine makes a paste answer 451 until release; show says so", async () => {
    const id = await createdId(server, "quarantined by the CLI");
    const done = await cli(["admin", "quarantine", `${server.url}/${id}`], admin());
    assert.equal(done.code, 0, done.stderr);
    assert.equal(text(done).trim(), id);
    assert.equal((await fetch(`${server.url}/${id}/raw`)).status, 451);
    const shown = JSON.parse(text(await cli(["admin", "show", id], admin())));
    assert.equal(shown.quarantined, true);
    const reading = await cli(["get", `${server.url}/${id}`], user());
    assert.equal(reading.code, 1);
    assert.match(reading.stderr, /Unavailable for legal reasons/);
    assert.equal((await cli(["admin", "release", id], admin())).code, 0);
    assert.equal(await (await fetch(`${server.url}/${id}/raw`)).text(), "quarantined by the CLI");
  });

  it("block by paste id refuses an identical upload with 451; unblock lets it in again", async () => {
    const content = "blocked from the CLI";
    const id = await createdId(server, content);
    const blocked = await cli(["admin", "block", id], admin());
    assert.equal(blocked.code, 0, blocked.stderr);
    const hash = createHash("sha256").update(content).digest("hex");
    assert.equal(text(blocked).trim(), hash);
    const again = await createPaste(server, content);
    assert.equal(again.res.status, 451);
    assert.equal(again.json.code, "blocked");
    assert.ok(text(await cli(["admin", "blocklist"], admin())).includes(hash));
    assert.equal((await cli(["admin", "unblock", hash], admin())).code, 0);
    assert.equal((await createPaste(server, content)).res.status, 201);
  });

  it("writes closed makes sealbin's create fail with the server's message; open again lets it write", async () => {
    assert.equal(text(await cli(["admin", "writes"], admin())).trim(), "open");
    assert.equal(text(await cli(["admin", "writes", "closed"], admin())).trim(), "closed");
    const refused = await runCli(["-E"], { env: user(), input: "hello" });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /This server is read-only for now/);
    assert.equal((await cli(["admin", "writes", "shut"], admin())).code, 2);
    await cli(["admin", "writes", "open"], admin());
    const written = await runCli(["-E"], { env: user(), input: "hello" });
    assert.equal(written.code, 0, written.stderr);
  });

  it("a non-admin is told admin access is required", async () => {
    const res = await cli(["admin", "reports"], user());
    assert.equal(res.code, 1);
    assert.match(res.stderr, /Admin access required/);
  });
});
