import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serverCert } from "./process.ts";
import { startServer, type TestServer } from "./server.ts";

/**
 * The real app serving HTTPS itself, with a certificate its own PKI's CA signed (`sealbin-server pki
 * server-cert`): what a client trusts only once it has that CA (`caFile`).
 */
export async function startTlsServer(): Promise<{
  server: TestServer;
  url: string;
  caFile: string;
  close(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-tls-"));
  const db = join(dir, "sealbin.db");
  const pki = { SEALBIN_PKI_ENABLED: "1", SEALBIN_PKI_CA_PASSWORD: "ca-password", SEALBIN_DB: db };
  const made = serverCert(pki, ["--host", "127.0.0.1", "--out", join(dir, "tls")]);
  assert.equal(made.status, 0, made.stderr);
  const server = await startServer({
    db,
    pkiEnabled: true,
    pkiCaPassword: "ca-password",
    tlsCert: join(dir, "tls", "server.crt"),
    tlsKey: join(dir, "tls", "server.key"),
  });
  return {
    server,
    url: `https://127.0.0.1:${server.port}`,
    caFile: join(dir, "tls", "ca.crt"),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
