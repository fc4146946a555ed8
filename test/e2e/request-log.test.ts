import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import { startServer } from "../helpers/server.ts";

describe("the access log", () => {
  it("writes pino's own line for each request: the same fields, in the same order, nothing else", async () => {
    const server = await startServer();
    try {
      const res = await fetch(`${server.url}/health`, { headers: { "x-request-id": "probe-1.2/3" } });
      assert.equal(res.status, 200);
      const line = server.logs.find((l) => l.msg === "request completed" && l.requestId === "probe-1.2/3");
      assert.ok(line, "the request's line");
      // What pino writes for the same fields through a logger with the app's mixin.
      const written: string[] = [];
      const reference = pino(
        { level: "info", mixin: () => ({ requestId: "probe-1.2/3" }) },
        {
          write: (s: string) => written.push(s),
        },
      );
      const { method, route, status, ms } = line as Record<string, unknown>;
      reference.info({ method, route, status, ms }, "request completed");
      const expected = JSON.parse(written[0] ?? "{}") as Record<string, unknown>;
      assert.deepEqual(Object.keys(line), Object.keys(expected));
      assert.deepEqual(
        { ...line, time: 0, pid: 0, hostname: "" },
        { ...expected, time: 0, pid: 0, hostname: "" },
      );
      assert.equal(line.pid, process.pid);
      assert.equal(typeof line.time, "number");
      assert.deepEqual([line.method, line.route, line.status], ["GET", "/health", 200]);
    } finally {
      await server.close();
    }
  });
});
