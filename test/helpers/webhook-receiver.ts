import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { READY_TIMEOUT_MS } from "./process.ts";

/**
 * The webhook receiver the webhook tests run on 127.0.0.1 (docs/webhooks.md), and the signature
 * check a receiver makes, written from the documentation with node:crypto alone — not with
 * sealbin's own code, so that the two cannot agree on a mistake. Imported by the webhook test files;
 * it has no tests of its own.
 */

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  // biome-ignore lint/suspicious/noExplicitAny: delivery bodies are checked field by field by the tests
  readonly json: Record<string, any>;
}

export interface Receiver {
  readonly url: string;
  readonly port: number;
  /** Every delivery attempt heard, in order. */
  readonly received: Received[];
  /** The statuses to answer the next attempts with, in order; 204 once they are used up. */
  answer(...statuses: number[]): void;
  /** Answers every attempt with `status` from now on (none: back to `answer`'s, then 204). */
  failing(status?: number): void;
  /** Resolves once `count` attempts have been heard (bounded by READY_TIMEOUT_MS). */
  heard(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const statuses: number[] = [];
  let always: number | undefined;
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, body, json: JSON.parse(body) });
      res.writeHead(always ?? statuses.shift() ?? 204).end();
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    answer: (...s) => statuses.push(...s),
    failing: (status) => {
      always = status;
    },
    heard: (count) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`heard ${received.length} deliveries, not ${count}`));
        }, READY_TIMEOUT_MS);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** X-Sealbin-Signature checked as docs/webhooks.md tells a receiver: HMAC-SHA256 of "t.body". */
export function signatureValid(header: string | string[] | undefined, body: string, secret: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(header));
  if (!m) return false;
  const expected = createHmac("sha256", secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2] ?? "", "hex"));
}
