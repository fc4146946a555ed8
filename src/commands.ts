import { constants } from "node:fs";
import { access, mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { ConfigError, type Env, loadConfig } from "./config/config.ts";
import { FunctionClients, InvalidClientKey, serverKeyPair } from "./features/functions/functions.clients.ts";
import { AuditLog } from "./features/pki/audit.ts";
import { isValidHost } from "./features/pki/pki.crypto.ts";
import { Pki } from "./features/pki/pki.usecases.ts";
import { systemClock } from "./shared/clock.ts";
import { AppError } from "./shared/errors.ts";
import { BackupUnsupported } from "./store/store.errors.ts";
import { openStore } from "./store/store.ts";

export const SERVER_USAGE = `usage: sealbin-server                 run the server (configured by SEALBIN_* variables)
       sealbin-server pki server-cert --host NAME [--host NAME ...] [--days N] [--out DIR] [--force]
                                     have the built-in CA issue the certificate for SEALBIN_TLS_CERT
       sealbin-server appendclient PUBLIC_KEY
                                     register a sealed-function client; prints its hex secret and
                                     the server's public key
       sealbin-server removeclient PUBLIC_KEY
       sealbin-server listclients
       sealbin-server purgeclients     remove every sealed-function client
       sealbin-server backup FILE      a consistent copy of the SQLite database, while it runs
                                     (PostgreSQL: pg_dump, see docs/postgresql.md)
       sealbin-server --help`;

export class UsageError extends Error {}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `sealbin-server pki server-cert`: writes server.crt, server.key (mode 0600) and ca.crt, and
 * prints the variables that make sealbin serve HTTPS with them.
 */
export async function serverCertCommand(
  args: string[],
  env: Env,
  out: (line: string) => void,
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: "string", multiple: true },
      days: { type: "string", default: "365" },
      out: { type: "string", default: "." },
      force: { type: "boolean", default: false },
    },
    strict: true,
  });
  const hosts = values.host ?? [];
  if (hosts.length === 0) throw new UsageError("--host NAME is required (a DNS name or an IP address)");
  if (hosts.length > 32) throw new UsageError("at most 32 --host names");
  for (const host of hosts) {
    if (!isValidHost(host))
      throw new UsageError(`--host ${JSON.stringify(host)} is not a DNS name or an IP address`);
  }
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 3650)
    throw new UsageError("--days must be an integer from 1 to 3650");
  const dir = resolve(values.out);
  const files = { cert: join(dir, "server.crt"), key: join(dir, "server.key"), ca: join(dir, "ca.crt") };
  if (!values.force) {
    for (const path of Object.values(files)) {
      if (await exists(path)) throw new UsageError(`${path} exists; pass --force to replace it`);
    }
  }

  const config = loadConfig(env);
  if (!config.pkiEnabled)
    throw new UsageError("the PKI is off: set SEALBIN_PKI_ENABLED=1 and SEALBIN_PKI_CA_PASSWORD");
  const store = openStore(config);
  try {
    const log = pino({ level: config.logLevel }, pino.destination(2));
    const pki = new Pki({
      config,
      store,
      clock: systemClock,
      audit: new AuditLog({ store, clock: systemClock, log }),
    });
    const { issued, caCertificatePem } = await pki.issueServerCertificate(hosts, days);
    await mkdir(dir, { recursive: true });
    await writeFile(files.key, issued.privateKeyPem, { mode: 0o600 });
    await writeFile(files.cert, issued.certificatePem);
    await writeFile(files.ca, caCertificatePem);
    out(`server certificate for ${hosts.join(", ")} (serial ${issued.serial}), valid ${days} days`);
    out(`  ${files.cert}\n  ${files.key} (mode 0600)\n  ${files.ca} (give this to clients: curl --cacert)`);
    out("serve HTTPS and mTLS with:");
    out(`  SEALBIN_TLS_CERT=${files.cert} SEALBIN_TLS_KEY=${files.key}`);
  } finally {
    await store.close();
  }
}

/** The function-API client commands of mini-share-point, on sealbin's store. */
async function clientCommand(
  name: string,
  args: string[],
  env: Env,
  out: (line: string) => void,
): Promise<number> {
  const expected = name === "appendclient" || name === "removeclient" ? 1 : 0;
  if (args.length !== expected)
    throw new UsageError(`${name} takes ${expected === 1 ? "one public key (base64)" : "no arguments"}`);
  const config = loadConfig(env);
  const store = openStore(config);
  try {
    const clients = new FunctionClients(
      { store, clock: systemClock },
      await serverKeyPair(store, systemClock),
    );
    const key = args[0] ?? "";
    if (name === "appendclient") {
      const secret = await clients.append(key);
      out(`Client Hex Secret: ${secret}`);
      out("Server public key:");
      out(clients.serverPublicKey);
    } else if (name === "removeclient") {
      if (!(await clients.remove(key))) {
        process.stderr.write("sealbin-server: no client with that public key\n");
        return 1;
      }
      out("client removed");
    } else if (name === "purgeclients") {
      out(`${await clients.purge()} clients removed`);
    } else {
      const list = await clients.list();
      if (list.length === 0) out("no clients");
      for (const c of list) out(`${c.publicKey}  registered ${new Date(c.createdAt * 1000).toISOString()}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof InvalidClientKey) throw new UsageError(e.message);
    throw e;
  } finally {
    await store.close();
  }
}

/** `sealbin-server backup FILE`: a consistent copy of the live database, where the store makes one. */
async function backupCommand(args: string[], env: Env, out: (line: string) => void): Promise<number> {
  if (args.length !== 1 || !args[0]) throw new UsageError("backup takes the file to write");
  const config = loadConfig(env);
  const target = resolve(args[0]);
  if (await exists(target)) throw new UsageError(`${target} exists: not replacing it`);
  const store = openStore(config);
  try {
    const copied = await store.backupTo(target);
    out(`backed up the ${store.backend} database to ${target} (${copied})`);
    return 0;
  } catch (e) {
    if (e instanceof BackupUnsupported) throw new UsageError(e.message);
    throw e;
  } finally {
    await store.close();
  }
}

const CLIENT_COMMANDS = new Set(["appendclient", "removeclient", "listclients", "purgeclients"]);

/** Runs a subcommand; returns the process exit code. */
export async function runCommand(argv: string[], env: Env): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`sealbin-server: ${line}\n`);
  const [first, second, ...rest] = argv;
  try {
    if (first === "--help" || first === "-h" || first === "help") {
      out(SERVER_USAGE);
      return 0;
    }
    if (first !== undefined && CLIENT_COMMANDS.has(first)) {
      return await clientCommand(first, argv.slice(1), env, out);
    }
    if (first === "backup") return await backupCommand(argv.slice(1), env, out);
    if (first === "pki" && second === "server-cert") {
      if (rest.includes("--help") || rest.includes("-h")) {
        out(SERVER_USAGE);
        return 0;
      }
      await serverCertCommand(rest, env, out);
      return 0;
    }
    err(`unknown command: ${argv.join(" ")}\n${SERVER_USAGE}`);
    return 2;
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof AppError) {
      err(e.message);
      return 2;
    }
    if (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS")) {
      err(`${e.message}\n${SERVER_USAGE}`);
      return 2;
    }
    throw e;
  }
}
