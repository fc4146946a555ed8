/**
 * Under `npm test`, every response a test server sends is recorded (method, route, status, content
 * type, JSON body) in SEALBIN_TEST_CONTRACT_DIR; once the suite has run, scripts/contract.ts checks
 * every record against the published /openapi.json and that every operation it lists was called.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";

export interface ContractRecord {
  readonly method: string;
  /** The route as registered ("/:id/raw"); null when no route matched (the not-found handler). */
  readonly route: string | null;
  readonly status: number;
  readonly contentType: string;
  /** The parsed body of a JSON answer (or the text, when it does not parse), else null. */
  readonly body: unknown;
  readonly bodyLength: number;
}

const MAX_RECORDED_BODY = 256 * 1024;

export function recordContract(app: FastifyInstance): void {
  const dir = process.env.SEALBIN_TEST_CONTRACT_DIR;
  if (!dir) return;
  const file = join(dir, `${process.pid}.jsonl`);
  app.addHook("onSend", (request, reply, payload, done) => {
    const contentType = String(reply.getHeader("content-type") ?? "");
    let body: unknown = null;
    let bodyLength = -1;
    if (typeof payload === "string" || Buffer.isBuffer(payload)) {
      bodyLength = Buffer.byteLength(payload);
      if (/json/.test(contentType) && bodyLength <= MAX_RECORDED_BODY) {
        const text = payload.toString();
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
    } else if (payload === null || payload === undefined) {
      bodyLength = 0;
    }
    const record: ContractRecord = {
      method: request.method,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      contentType,
      body,
      bodyLength,
    };
    appendFileSync(file, `${JSON.stringify(record)}\n`);
    done(null, payload);
  });
}
