/**
 * The API description is the contract: after the suite has run, every response its servers sent
 * (recorded by test/helpers/contract.ts) is checked against /openapi.json — the status must be
 * listed for the operation, a JSON answer must match that status's schema, an answer with no body
 * must be described so — and every operation the description lists must have been called at least
 * once. The document itself must be valid OpenAPI (@seriousme/openapi-schema-validator).
 * Usage (from scripts/test.ts): checkContract(recordsDir) → a list of problems, empty when all holds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { ContractRecord } from "../test/helpers/contract.ts";

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components?: unknown;
};

const METHODS = ["get", "head", "post", "put", "patch", "delete", "options"];
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z]+)/g, "{$1}");

/** /openapi.json as a fresh server publishes it. */
export async function publishedDocument(): Promise<Document> {
  const { buildApp } = await import("../src/app.ts");
  const { loadConfig } = await import("../src/config/config.ts");
  const { openStore } = await import("../src/store/store.ts");
  const { ManualClock } = await import("../src/shared/clock.ts");
  const dir = mkdtempSync(join(tmpdir(), "sealbin-contract-"));
  const config = loadConfig({}, { db: join(dir, "c.db"), port: 0, cleanupInterval: 0 });
  const store = openStore(config);
  const app = await buildApp({
    config,
    store,
    clock: new ManualClock(Date.now()),
    logger: { level: "silent" },
  });
  try {
    const res = await app.inject({ method: "GET", url: "/openapi.json" });
    if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`);
    return res.json() as Document;
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function* records(dir: string): Generator<ContractRecord> {
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (line !== "") yield JSON.parse(line) as ContractRecord;
    }
  }
}

export async function checkContract(
  dir: string,
  options: { coverage: boolean },
): Promise<{ problems: string[]; checked: number }> {
  const doc = await publishedDocument();
  const problems: string[] = [];
  const validity = await new Validator().validate(
    structuredClone(doc) as unknown as Parameters<Validator["validate"]>[0],
  );
  if (!validity.valid)
    problems.push(`/openapi.json is not valid OpenAPI: ${JSON.stringify(validity.errors).slice(0, 2000)}`);

  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema(doc as object, "openapi");
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const validatorFor = (path: string, method: string, status: string) => {
    const key = `${method} ${path} ${status}`;
    let v = validators.get(key);
    if (!v) {
      const pointer = ["paths", path, method, "responses", status, "content", "application/json", "schema"]
        .map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1"))
        .join("/");
      v = ajv.compile({ $ref: `openapi#/${pointer}` });
      validators.set(key, v);
    }
    return v;
  };

  const called = new Set<string>();
  const seen = new Map<string, number>();
  const problem = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);
  let checked = 0;
  for (const r of records(dir)) {
    if (r.route === null) continue; // no route matched: the not-found handler, not an operation
    const path = toOpenApiPath(r.route);
    const method = r.method.toLowerCase();
    const operation = doc.paths[path]?.[method];
    if (!operation) continue; // a route hidden from the description (assets, /docs)
    checked++;
    called.add(`${method.toUpperCase()} ${path}`);
    const status = String(r.status);
    const response = operation.responses?.[status];
    if (!response) {
      problem(`${r.method} ${path} answered ${status}, which the description does not list`);
      continue;
    }
    if (method === "head" || r.status === 204 || r.status === 304) continue;
    const content = response.content ?? {};
    const type = r.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
    if (r.bodyLength === 0 && Object.keys(content).length === 0) continue;
    // The answer's media type must be one the description gives (or covered by a range it gives).
    const listed = Object.keys(content).find(
      (t) => t === type || t === "*/*" || (t.endsWith("/*") && type.startsWith(t.slice(0, -1))),
    );
    if (!listed) {
      const types = Object.keys(content).join(", ") || "no body";
      problem(
        `${r.method} ${path} ${status}: a ${type || "untyped"} answer where the description says ${types}`,
      );
      continue;
    }
    if (listed === "application/json" && r.body !== null) {
      const validate = validatorFor(path, method, status);
      if (!validate(r.body)) {
        problem(`${r.method} ${path} ${status}: body ${ajv.errorsText(validate.errors)}`);
      }
    }
  }
  for (const [text, count] of seen) problems.push(count > 1 ? `${text} (${count} times)` : text);
  for (const [path, item] of options.coverage ? Object.entries(doc.paths) : []) {
    for (const method of METHODS) {
      if (item[method] && !called.has(`${method.toUpperCase()} ${path}`)) {
        problems.push(`${method.toUpperCase()} ${path} is described but no test calls it`);
      }
    }
  }
  return { problems, checked };
}
