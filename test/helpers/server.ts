import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.ts";
import { type Config, loadConfig } from "../../src/config/config.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { recordContract } from "./contract.ts";
import { databaseFor, postgresUnderTest } from "./database.ts";

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly clock: ManualClock;
  readonly config: Config;
  /** Log lines the server wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Abuse prevention is off unless a test turns it on: the paste API's tests create many pastes from
 * one address without solving challenges. The abuse tests set each rule to its documented default.
 */
export const PERMISSIVE: Partial<Config> = {
  powDifficulty: 0,
  rateLimit: false,
  dedupMax: 1_000_000,
  ratePasswordMax: 0,
  passwordHashesPerClient: 256,
};

/** The real app on an ephemeral port, with its own SQLite file and a clock the test moves. */
export async function startServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-test-"));
  const db = overrides.db ?? join(dir, "sealbin.db");
  const config = loadConfig(
    {},
    {
      db,
      ...(postgresUnderTest() ? { databaseUrl: databaseFor(db) } : {}),
      port: 0,
      cleanupInterval: 0,
      ...PERMISSIVE,
      ...overrides,
    },
  );
  const store = openStore(config);
  const clock = new ManualClock(Date.now());
  const logs: Record<string, unknown>[] = [];
  const stream = {
    write(line: string) {
      logs.push(JSON.parse(line));
      keepLogLine(line);
    },
  };
  const app = await buildApp({ config, store, clock, logger: { level: "info", stream } });
  recordContract(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    app,
    store,
    clock,
    config,
    logs,
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Under `npm test`, every line a test server logs also goes to SEALBIN_TEST_LOG_DIR, where
 * scripts/test.ts scans them all for secrets and paste contents once the suite has run.
 */
function keepLogLine(line: string): void {
  const dir = process.env.SEALBIN_TEST_LOG_DIR;
  if (dir) appendFileSync(join(dir, `${process.pid}.jsonl`), line.endsWith("\n") ? line : `${line}\n`);
}

export type Body = NonNullable<RequestInit["body"]>;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field by the tests
export type Json = Record<string, any>;

export async function jsonOf(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}

export const FINGERPRINT_A = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";
export const FINGERPRINT_B = "b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3";

/** POST / with a body and headers; returns the response and its parsed JSON. */
export async function createPaste(
  server: { url: string },
  body: Body,
  headers: Record<string, string> = {},
): Promise<{ res: Response; json: Json }> {
  const res = await fetch(`${server.url}/`, { method: "POST", body, headers });
  return { res, json: await jsonOf(res) };
}

export async function createdId(server: { url: string }, body: Body, headers: Record<string, string> = {}) {
  const { res, json } = await createPaste(server, body, headers);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(json)}`);
  return json.id as string;
}

/**
 * Writes raw bytes to the server and returns everything it answers, for requests no well-behaved
 * client would send: until the server closes the connection, or, once its answer ends with complete
 * responses, until it has then said nothing more for QUIET_MS (a connection it keeps alive). The
 * wait follows the answer, not a clock: `timeoutMs` only bounds a server that never finishes one.
 */
export function rawRequest(
  port: number,
  data: string | Buffer | (string | Buffer)[],
  timeoutMs = 60_000,
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(quiet);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (c) => {
      chunks.push(c);
      clearTimeout(quiet);
      if (endsWithCompleteResponse(Buffer.concat(chunks).toString("latin1"))) {
        quiet = setTimeout(finish, QUIET_MS);
      }
    });
    socket.on("close", finish);
    socket.on("error", finish);
    socket.on("connect", () => {
      for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
    });
  });
}

/** After a complete response on a kept-alive connection, how long rawRequest waits for another. */
const QUIET_MS = 500;

/** Whether `text` is a sequence of complete HTTP/1.1 responses (framed by Content-Length or chunks). */
function endsWithCompleteResponse(text: string): boolean {
  let at = 0;
  while (at < text.length) {
    const headEnd = text.indexOf("\r\n\r\n", at);
    if (headEnd < 0) return false;
    const head = text.slice(at, headEnd);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    let next = headEnd + 4;
    if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
      const last = text.indexOf("\r\n0\r\n\r\n", headEnd + 2);
      if (last < 0) return false;
      next = last + 7;
    } else if (length !== undefined) {
      next += Number(length);
    } else if (!(status < 200 || status === 204 || status === 304)) {
      return false; // a body that ends when the connection does
    }
    if (next > text.length) return false;
    at = next;
  }
  return at > 0;
}

/** The status code of a raw HTTP response text. */
export function statusOf(response: string): number {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
  return match ? Number(match[1]) : 0;
}

/** Asks for a challenge and solves it as a client following the documented algorithm would. */
export async function solvedPowHeaders(server: { url: string }): Promise<Record<string, string>> {
  const { solvePow } = await import("../../src/protocol/pow.ts");
  const challenge = await jsonOf(await fetch(`${server.url}/challenge`));
  if (!challenge.enabled) return {};
  return {
    "x-pow-token": challenge.token,
    "x-pow-solution": String(solvePow(challenge.nonce, challenge.difficulty)),
  };
}
