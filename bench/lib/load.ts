/**
 * The load generator, run as its own process (pinned to its own core by bench/http.ts): one
 * scenario with autocannon against a running server, results as one JSON line on stdout.
 * Run: node bench/lib/load.ts '<LoadJob as JSON>'
 */

import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { crc32 } from "node:zlib";
import autocannon from "autocannon";
import nacl from "tweetnacl";

export interface LoadJob {
  readonly url: string;
  readonly scenario: string;
  readonly duration: number;
  readonly connections: number;
  /** Requests in flight per connection (HTTP pipelining): more load per CPU of the generator. */
  readonly pipelining?: number;
  /** Ids of stored 1 KiB pastes (get-raw-1k, get-meta), or the one 1 MiB paste's. */
  readonly ids?: string[];
  /** Ids of password-protected pastes and their password (the concurrent PBKDF2 load). */
  readonly locked?: { ids: string[]; password: string; connections: number };
  readonly shortId?: string;
  readonly fn?: { serverPublic: string; secretKey: string; secret: string; entry: string };
}

export interface LoadResult {
  readonly scenario: string;
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** Answers other than the scenario's expected status (2xx, or 302 for the redirect). */
  readonly unexpected: number;
  /** The concurrent password-protected reads, when the scenario has them. */
  readonly locked?: Omit<LoadResult, "locked" | "scenario" | "cpuShare">;
  /** The load generator's own CPU time over the run, as a share of every core's time. */
  readonly cpuShare?: number;
}

type Request = { method?: string; path?: string; body?: Buffer | string; headers?: Record<string, string> };

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

/** Distinct bodies, so that dedup never refuses one: a counter in front of random filler. */
function distinctBodies(size: number) {
  const filler = randomBytes(size).toString("base64").slice(0, size);
  let n = 0;
  return (req: Request): Request => {
    const tag = `${process.pid}-${++n}-`;
    return { ...req, body: tag + filler.slice(tag.length) };
  };
}

const b64url = (b: Uint8Array) => Buffer.from(b).toString("base64url");
const minimal = (n: number) => {
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return Uint8Array.from(out);
};

/** Sealed /v1 calls as the original client builds them; each with its own timestamp box (no replay). */
function sealedCalls(fn: NonNullable<LoadJob["fn"]>) {
  const serverPublic = Buffer.from(fn.serverPublic, "base64");
  const secretKey = Buffer.from(fn.secretKey, "base64");
  const shared = nacl.box.before(serverPublic, secretKey);
  const seal = (m: Uint8Array) => {
    const nonce = nacl.randomBytes(24);
    return b64url(Buffer.concat([nonce, nacl.box.after(m, nonce, shared)]));
  };
  const secret = Buffer.from(fn.secret, "utf8");
  const fixed = {
    id: seal(secret),
    check: seal(minimal(crc32(secret))),
    entry: seal(Buffer.from(fn.entry, "utf8")),
  };
  return (req: Request): Request => ({
    ...req,
    body: JSON.stringify({ ...fixed, ts: seal(minimal(Math.floor(Date.now() / 1000))) }),
  });
}

function requestsFor(job: LoadJob): { request: Request; setup?: (r: Request) => Request; expect: number } {
  const ids = job.ids ?? [];
  switch (job.scenario) {
    case "create-1k":
      return { request: { method: "POST", path: "/" }, setup: distinctBodies(1024), expect: 201 };
    case "create-64k":
      return { request: { method: "POST", path: "/" }, setup: distinctBodies(64 * 1024), expect: 201 };
    case "get-raw-1k":
    case "get-raw-1k+password":
    case "get-raw-1m":
      return { request: { path: "/" }, setup: (r) => ({ ...r, path: `/${pick(ids)}/raw` }), expect: 200 };
    case "get-meta":
      return { request: { path: "/" }, setup: (r) => ({ ...r, path: `/${pick(ids)}` }), expect: 200 };
    case "short-redirect":
      return { request: { path: `/s/${job.shortId}` }, expect: 302 };
    case "fn-call": {
      if (!job.fn) throw new Error("fn-call needs fn");
      const headers = { "content-type": "application/json" };
      return { request: { method: "POST", path: "/v1", headers }, setup: sealedCalls(job.fn), expect: 200 };
    }
    default:
      throw new Error(`unknown scenario ${job.scenario}`);
  }
}

async function fire(
  url: string,
  duration: number,
  connections: number,
  spec: ReturnType<typeof requestsFor>,
  pipelining = 1,
): Promise<Omit<LoadResult, "scenario">> {
  const { setup } = spec;
  const result = await autocannon({
    url,
    connections,
    duration,
    pipelining,
    // biome-ignore lint/suspicious/noExplicitAny: autocannon's request type is looser than its typings
    requests: [{ ...spec.request, ...(setup && { setupRequest: (r: any) => setup(r) }) } as any],
    warmup: { connections, duration: 1 },
  } as autocannon.Options);
  const stats = result.statusCodeStats as unknown as Record<string, { count: number }> | undefined;
  const expected = Number(stats?.[String(spec.expect)]?.count ?? 0);
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.total / duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    unexpected: result.requests.total - expected,
  };
}

const job = JSON.parse(process.argv[2] ?? "{}") as LoadJob;
const startedCpu = process.cpuUsage();
const startedAt = performance.now();
const main = fire(job.url, job.duration, job.connections, requestsFor(job), job.pipelining);
const locked = job.locked;
const lockedRun = locked
  ? fire(job.url, job.duration + 1, locked.connections, {
      request: { path: "/", headers: { "x-paste-password": locked.password } },
      setup: (r) => ({ ...r, path: `/${pick(locked.ids)}/raw` }),
      expect: 200,
    })
  : undefined;
const measured = await main;
const used = process.cpuUsage(startedCpu);
const elapsedUs = (performance.now() - startedAt) * 1000;
const result: LoadResult = {
  scenario: job.scenario,
  ...measured,
  ...(lockedRun && { locked: await lockedRun }),
  cpuShare: Math.round(((used.user + used.system) / (elapsedUs * availableParallelism())) * 100) / 100,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
