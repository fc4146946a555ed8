/** Saving a client certificate and its key, for `register`, `cert` and `pki issue`. */
import fs from "node:fs";
import path from "node:path";
import { CliError, flag, type Values } from "./command.ts";
import { type Config, writeConfig } from "./config.ts";
import { info, out } from "./output.ts";
import { canAsk, confirm } from "./password.ts";

export interface CertificateToSave {
  readonly dir: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** SHA-1, lower-case hex. */
  readonly fingerprint: string;
  /** Replace client.crt and client.key when they exist. */
  readonly force: boolean;
  /** Point the config at the files and the fingerprint. */
  readonly configure: boolean;
  /** The first line told to the user (what was made, and until when). */
  readonly summary: string;
}

const filesIn = (dir: string) => ({
  cert: path.resolve(dir, "client.crt"),
  key: path.resolve(dir, "client.key"),
});

/**
 * Exit 2 when client.crt or client.key exists in `dir` and `force` is not given: called before a
 * certificate is asked for too, so none is issued (nor a registration spent) only to be thrown away.
 */
export function refuseToReplace(dir: string, force: boolean): void {
  if (force) return;
  const { cert, key } = filesIn(dir);
  for (const f of [cert, key]) {
    if (fs.existsSync(f)) throw new CliError(2, `${f} exists; pass --force to replace it`);
  }
}

/**
 * With --configure, the config's identity (cert_sha1, client_cert) is about to be replaced: on a
 * terminal the user is asked first, a script must say --yes. Called before any request, so that a
 * "no" costs nothing (no certificate issued, no registration spent); "no" changes nothing at all.
 */
export async function confirmIdentityChange(v: Values, config: Config, replacement: string): Promise<void> {
  if (!flag(v, "configure") || flag(v, "yes")) return;
  const inUse = [
    config.cert_sha1 ? `cert_sha1 ${config.cert_sha1}` : "",
    config.client_cert ? `client_cert ${config.client_cert}` : "",
  ].filter(Boolean);
  if (inUse.length === 0) return;
  const what = `--configure would replace the identity in use (${inUse.join(", ")}) with ${replacement}`;
  if (!canAsk()) {
    throw new CliError(2, `${what}: nothing done`, [
      "pass --yes to replace it, or leave out --configure to save the files without using them",
    ]);
  }
  if (!(await confirm(`${what}. Replace it?`))) {
    throw new CliError(2, "nothing done: the identity in use is kept", [
      "leave out --configure to save the files without using them",
    ]);
  }
}

/**
 * Saves client.crt and client.key (0600) in `dir` (refusing to replace them unless forced), tells
 * the user where, points the config at them with `configure`, and prints the fingerprint on stdout.
 */
export async function saveCertificate(o: CertificateToSave): Promise<void> {
  const { cert, key } = filesIn(o.dir);
  refuseToReplace(o.dir, o.force);
  fs.mkdirSync(path.resolve(o.dir), { recursive: true, mode: 0o700 });
  fs.writeFileSync(key, o.privateKeyPem, { mode: 0o600 });
  fs.chmodSync(key, 0o600);
  fs.writeFileSync(cert, o.certificatePem);
  info(`${o.summary}\n  ${cert}\n  ${key}`);
  if (o.configure) {
    info(`configured: ${writeConfig({ client_cert: cert, client_key: key, cert_sha1: o.fingerprint })}`);
  }
  await out(`${o.fingerprint}\n`);
}

/** The options of every command that saves a certificate (register, cert, pki issue). */
export const SAVE_OPTIONS = {
  name: { type: "string", short: "n" },
  output: { type: "string", short: "o" },
  configure: { type: "boolean" },
  yes: { type: "boolean", short: "y" },
  force: { type: "boolean" },
} as const;
