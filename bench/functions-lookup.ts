/**
 * How the cost of finding a sealed call's sender grows with the number of registered clients.
 * The protocol names no sender, so the server tries each client's precomputed shared key; this
 * measures one call from the last-registered client (the worst case) and from a client whose key
 * the caller's address used last (the hint), with 1, 100 and 1,000 clients, in one process.
 * Run: npm run bench -- functions   (figures in docs/functions.md)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import nacl from "tweetnacl";
import { loadConfig } from "../src/config/config.ts";
import { FunctionClients, serverKeyPair } from "../src/features/functions/functions.clients.ts";
import { ModuleRunner } from "../src/features/functions/functions.modules.ts";
import { SealedFunctions } from "../src/features/functions/functions.usecases.ts";
import { sealCall, sharedKey } from "../src/protocol/sealed-call.ts";
import { systemClock } from "../src/shared/clock.ts";
import { openStore } from "../src/store/store.ts";

async function measure(clientCount: number, calls: number) {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-bench-fn-"));
  writeFileSync(join(dir, "modules.ini"), "[Modules]\necho=echo\n");
  writeFileSync(join(dir, "echo.js"), 'export const entry_call = () => "ok";\n');
  const config = loadConfig({}, { db: join(dir, "bench.db"), functionsModules: join(dir, "modules.ini") });
  const store = openStore(config);
  const log = pino({ level: "silent" });
  const keys = await serverKeyPair(store, systemClock);
  const clients = new FunctionClients({ store, clock: systemClock }, keys);
  let last: { keys: nacl.BoxKeyPair; secret: string } | undefined;
  for (let i = 0; i < clientCount; i++) {
    const k = nacl.box.keyPair();
    last = { keys: k, secret: await clients.append(Buffer.from(k.publicKey).toString("base64")) };
  }
  const runner = new ModuleRunner(
    new Map([["echo", new URL(`file://${join(dir, "echo.js")}`).href]]),
    5000,
    log,
  );
  const fn = new SealedFunctions({ config, store, clock: systemClock, log }, clients, runner);
  // A call as the original client makes it, from the last client registered.
  const shared = sharedKey(keys.publicKey, last?.keys.secretKey ?? new Uint8Array(32));
  const body = () =>
    sealCall(
      { secretHex: last?.secret ?? "", entry: "echo", unixSeconds: Math.floor(Date.now() / 1000) },
      shared,
    );
  await fn.call(body(), "warm-up");
  // Worst case: an address never seen, so the sender's key is found last.
  const bodies = Array.from({ length: calls }, body);
  let start = process.hrtime.bigint();
  for (const [i, b] of bodies.entries()) await fn.call(b, `10.0.${i >> 8}.${i & 255}`);
  const cold = Number(process.hrtime.bigint() - start) / 1e6 / calls;
  // With the hint: the same address again, its key tried first.
  const hinted = Array.from({ length: calls }, body);
  start = process.hrtime.bigint();
  for (const b of hinted) await fn.call(b, "10.1.0.1");
  const warm = Number(process.hrtime.bigint() - start) / 1e6 / calls;
  await runner.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { cold, warm };
}

const results: { clients: number; cold: number; warm: number }[] = [];
for (const count of [1, 100, 1000]) results.push({ clients: count, ...(await measure(count, 200)) });
const base = results[0];
console.log("sealed /v1 call, in process (decrypt, checks, module call, sealed reply); ms per call");
console.log("clients   new address (key found last)   same address (hinted key)");
for (const r of results) {
  console.log(
    `${String(r.clients).padStart(7)}   ${r.cold.toFixed(3).padStart(8)} ms  (x${(r.cold / (base?.cold ?? 1)).toFixed(1)})       ${r.warm.toFixed(3).padStart(8)} ms  (x${(r.warm / (base?.warm ?? 1)).toFixed(1)})`,
  );
}
