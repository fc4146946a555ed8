import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SealbinClient } from "../../src/client/client.ts";
import { ClientError } from "../../src/client/errors.ts";
import { nodePowSolver } from "../../src/client/node-pow.ts";
import { nodeTransport } from "../../src/client/node-transport.ts";
import { createPaste, pasteContent, pasteLimits, pasteMeta } from "../../src/client/pastes.ts";
import type { HttpRequest, Transport } from "../../src/client/transport.ts";
import { solvedPowHeaders, startServer, type TestServer } from "../helpers/server.ts";

/**
 * The shared API client (src/client/, what the CLI and the web page run) against the real server:
 * its proof-of-work loop solves again exactly when the server says a fresh challenge will do.
 */

const pow = nodePowSolver({ url: new URL("../../src/client/pow.worker.ts", import.meta.url) });

/** The real transport, with `beforeWrite` run before each POST goes out; records what was sent. */
function watched(beforeWrite: (request: HttpRequest, writes: number) => Promise<void> | void) {
  const real = nodeTransport();
  const sent: { method: string; path: string; status: number; error?: unknown }[] = [];
  let writes = 0;
  const transport: Transport = async (request) => {
    if (request.method === "POST") await beforeWrite(request, ++writes);
    const res = await real(request);
    const error =
      request.method === "POST" ? JSON.parse(new TextDecoder().decode(res.body)).error : undefined;
    sent.push({ method: request.method, path: new URL(request.url).pathname, status: res.status, error });
    return res;
  };
  return { transport, sent };
}

const clientFor = (server: { url: string }, transport: Transport = nodeTransport()) =>
  new SealbinClient({ base: server.url, transport, pow });

const content = (text: string) => new TextEncoder().encode(text);

describe("the shared client's proof-of-work loop", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ powDifficulty: 14, antiflood: false, powTtl: 300 });
  });
  after(async () => {
    await server.close();
  });

  it("solves on worker threads, and again when the challenge expired before the write arrived", async () => {
    const { transport, sent } = watched((_, writes) => {
      if (writes === 1) server.clock.advanceSeconds(301);
    });
    const created = await createPaste(clientFor(server, transport), {
      content: content("late"),
      encrypt: true,
    });
    assert.deepEqual(
      sent.map((s) => `${s.method} ${s.path} ${s.status}`),
      ["GET /challenge 200", "POST / 400", "GET /challenge 200", "POST / 201"],
    );
    assert.equal(sent[1]?.error, "Proof-of-work failed: Challenge expired");
    const plain = await pasteContent(clientFor(server), created.id, { key: created.fragment as string });
    assert.equal(new TextDecoder().decode(plain), "late");
  });

  it("solves again when someone else used the challenge first", async () => {
    const { transport, sent } = watched(async (request, writes) => {
      if (writes !== 1) return;
      // The same solved write, sent ahead of it: the challenge is used up.
      const first = await fetch(request.url, {
        method: "POST",
        headers: request.headers as Record<string, string>,
        body: request.body as Uint8Array<ArrayBuffer>,
      });
      assert.equal(first.status, 201);
    });
    await createPaste(clientFor(server, transport), { content: content("second"), encrypt: false });
    assert.deepEqual(
      sent.map((s) => s.status),
      [200, 400, 200, 201],
    );
    assert.equal(sent[1]?.error, "Proof-of-work failed: Challenge already used");
  });

  it("gives up after three attempts with the server's refusal as a value", async () => {
    const { transport, sent } = watched(() => server.clock.advanceSeconds(301));
    const err = await createPaste(clientFor(server, transport), {
      content: content("never"),
      encrypt: true,
    }).then(
      () => assert.fail("created"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ClientError);
    assert.equal(err.kind, "refused");
    assert.equal(err.status, 400);
    assert.equal(err.serverMessage, "Proof-of-work failed: Challenge expired");
    assert.equal(sent.filter((s) => s.method === "POST").length, 3);
  });

  it("does not solve again for a refusal a fresh challenge cannot answer (a wrong solution)", async () => {
    const { transport, sent } = watched(() => {});
    const wrong: Transport = (request) =>
      transport(
        request.method === "POST"
          ? { ...request, headers: { ...request.headers, "x-pow-solution": "1" } }
          : request,
      );
    const err = await createPaste(clientFor(server, wrong), { content: content("x"), encrypt: false }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof ClientError && err.status === 400);
    assert.equal(err.serverMessage, "Proof-of-work failed: Invalid solution");
    assert.deepEqual(
      sent.map((s) => `${s.method} ${s.status}`),
      ["GET 200", "POST 400"],
    );
  });
});

describe("the shared client and a rising difficulty", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ powDifficulty: 4, antifloodMax: 10 });
  });
  after(async () => {
    await server.close();
  });

  it("solves again at the new difficulty when a flood raised it after the challenge was issued", async () => {
    const { transport, sent } = watched(async (_, writes) => {
      if (writes !== 1) return;
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${server.url}/`, {
          method: "POST",
          headers: await solvedPowHeaders(server),
          body: `flood ${i}`,
        });
        assert.equal(res.status, 201);
      }
    });
    await createPaste(clientFor(server, transport), { content: content("after the flood"), encrypt: true });
    assert.deepEqual(
      sent.map((s) => s.status),
      [200, 400, 200, 201],
    );
    assert.equal(
      sent[1]?.error,
      "Proof-of-work failed: Difficulty too low, the required difficulty has risen",
    );
  });
});

describe("the shared client's errors and progress", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.close();
  });

  it("tells a server that was not reached from one that refused", async () => {
    const down = await pasteMeta(clientFor({ url: "http://127.0.0.1:9" }), "0123456789ab").catch(
      (e: unknown) => e,
    );
    assert.ok(down instanceof ClientError);
    assert.equal(down.kind, "unreachable");
    assert.equal(down.status, undefined);
    assert.match(down.message, /cannot reach http:\/\/127\.0\.0\.1:9: connection refused/);

    const missing = await pasteMeta(clientFor(server), "0123456789ab").catch((e: unknown) => e);
    assert.ok(missing instanceof ClientError);
    assert.equal(missing.kind, "refused");
    assert.equal(missing.status, 404);
    assert.equal(typeof missing.body?.error, "string");
    assert.match(missing.message, /^server answered 404: /);
  });

  it("reports upload and download progress through its callback, up to the whole size", async () => {
    const big = new Uint8Array(2 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
    const seen: string[] = [];
    const created = await createPaste(clientFor(server), {
      content: big,
      encrypt: true,
      onProgress: (p) => {
        if (p.phase !== "pow") seen.push(`${p.phase} ${p.done}/${p.total}`);
      },
    });
    const uploads = seen.filter((s) => s.startsWith("upload"));
    assert.equal(uploads.length, 9, "in 256 KiB steps");
    assert.equal(uploads.at(-1), `upload ${big.length + 28}/${big.length + 28}`);
    const downloads: number[] = [];
    const plain = await pasteContent(clientFor(server), created.id, {
      key: created.fragment as string,
      onProgress: (p) => {
        if (p.phase === "download") downloads.push(p.done);
      },
    });
    assert.deepEqual(plain, big);
    assert.equal(downloads.at(-1), big.length + 28);
  });

  it("refuses a paste over the server's limit before encrypting or solving, and words the server's 413 alike", async () => {
    const limits = await pasteLimits(clientFor(server));
    assert.ok(limits);
    assert.equal(limits.maxSizeAnon, server.config.maxAnon);
    const { transport, sent } = watched(() => {});
    const big = new Uint8Array(server.config.maxAnon + 1);
    const early = await createPaste(clientFor(server, transport), {
      content: big,
      encrypt: true,
      limits,
    }).catch((e: unknown) => e);
    assert.ok(early instanceof ClientError);
    assert.equal(early.kind, "too-large");
    assert.equal(
      early.message,
      "paste too large: 3.0 MiB, the limit for anonymous pastes is 3.0 MiB (authenticate with a certificate or token for 50.0 MiB)",
    );
    assert.deepEqual(sent, [], "nothing was sent");
    // Without the limits the server refuses; the client words it the same way.
    const late = await createPaste(clientFor(server), { content: big, encrypt: false }).catch(
      (e: unknown) => e,
    );
    assert.ok(late instanceof ClientError);
    assert.equal(late.kind, "too-large");
    assert.match(late.message, /^paste too large: 3\.0 MiB, the limit for anonymous pastes is 3\.0 MiB$/);
  });
});
