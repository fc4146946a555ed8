/**
 * The CLI's configuration: flags > environment (SEALBIN_*, FLASKPASTE_*) > config file > defaults;
 * the account session `sealbin account login` keeps; and the API client made from them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { SealbinClient } from "../client/client.ts";
import { nodePowSolver } from "../client/node-pow.ts";
import { type ProxySettings, proxyFromEnv } from "../client/node-proxy.ts";
import { nodeTransport, type TlsFiles } from "../client/node-transport.ts";
import { HEADERS } from "../protocol/vocabulary.ts";
import { CliError } from "./command.ts";
import { info } from "./output.ts";

/** Filled in by scripts/build.ts. */
declare const CLI_VERSION: string;
declare const CLI_POW_WORKER: string;

export const VERSION = CLI_VERSION;
export const DEFAULT_SERVER = "http://localhost:5000";
export const CONFIG_KEYS = ["server", "cert_sha1", "client_cert", "client_key", "ca_cert", "token"] as const;
export type Config = Record<(typeof CONFIG_KEYS)[number], string>;

export function configDir(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(base, "sealbin");
}

export function configPath(): string {
  return process.env.SEALBIN_CONFIG || path.join(configDir(), "config");
}

export function sessionPath(): string {
  return path.join(configDir(), "session");
}

export interface Session {
  readonly server: string;
  readonly user_id: string;
  readonly username?: string;
  readonly access_token: string;
}

/** The account session, when one is kept. */
export function readSession(): Session | null {
  try {
    const s = JSON.parse(fs.readFileSync(sessionPath(), "utf8"));
    return typeof s?.access_token === "string" && typeof s?.server === "string" ? s : null;
  } catch {
    return null;
  }
}

function readConfigFile(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return values;
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    values[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return values;
}

/** fpaste's configuration, which sealbin reads until it writes its own. */
export function legacyConfigPath(): string {
  return path.join(path.dirname(configDir()), "fpaste", "config");
}

/**
 * Sets keys in the config file, keeping its other lines and comments. Mode 0600: it may name keys.
 * The first write, when only fpaste's file exists, starts from a copy of that file, whole (every key,
 * cert_sha1 included, and its comments), and says so: that one time, since the file exists after.
 */
export function writeConfig(updates: Record<string, string>): string {
  const file = configPath();
  let lines: string[] = [];
  let migratedFrom: string | undefined;
  if (fs.existsSync(file)) lines = fs.readFileSync(file, "utf8").split(/\r?\n/);
  else if (fs.existsSync(legacyConfigPath())) {
    migratedFrom = legacyConfigPath();
    lines = fs.readFileSync(migratedFrom, "utf8").split(/\r?\n/);
  }
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const pending = new Map(Object.entries(updates));
  lines = lines.map((line) => {
    const key = line.split("=")[0]?.trim() ?? "";
    const value = pending.get(key);
    if (!line.trim().startsWith("#") && line.includes("=") && value !== undefined) {
      pending.delete(key);
      return `${key} = ${value}`;
    }
    return line;
  });
  for (const [key, value] of pending) lines.push(`${key} = ${value}`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Whole or not at all: a temporary file beside it, renamed over it.
  const temp = `${file}.${process.pid}.part`;
  fs.writeFileSync(temp, `${lines.join("\n")}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
  if (migratedFrom) {
    info(`migrated ${migratedFrom} to ${file}, every key kept (the old file is left as it was)`);
  }
  return file;
}

/** Where a configuration value comes from, as `config show` says it. */
export type Sources = Record<(typeof CONFIG_KEYS)[number], string>;

export interface LoadedConfig {
  readonly config: Config;
  readonly sources: Sources;
  /** The file read: sealbin's, else fpaste's when only that exists. */
  readonly file: string;
}

/** The configuration, and where each value came from (flag, variable, file, default). */
export function loadConfigWithSources(flags: { server?: unknown }): LoadedConfig {
  const own = configPath();
  const read = fs.existsSync(own) || !fs.existsSync(legacyConfigPath()) ? own : legacyConfigPath();
  const file = readConfigFile(read);
  const c = {} as Config;
  const sources = {} as Sources;
  for (const key of CONFIG_KEYS) {
    const name = [`SEALBIN_${key.toUpperCase()}`, `FLASKPASTE_${key.toUpperCase()}`].find(
      (n) => process.env[n],
    );
    if (name) {
      c[key] = process.env[name] ?? "";
      sources[key] = name;
    } else if (file[key]) {
      c[key] = file[key];
      sources[key] = read;
    } else {
      c[key] = "";
      sources[key] = "not set";
    }
  }
  if (typeof flags.server === "string" && flags.server !== "") {
    c.server = flags.server;
    sources.server = "-s/--server";
  }
  if (!c.server) {
    c.server = DEFAULT_SERVER;
    sources.server = "default";
  }
  c.server = c.server.replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/i.test(c.server))
    throw new CliError(2, `the server must be an http:// or https:// URL (got ${JSON.stringify(c.server)})`);
  if (c.cert_sha1 && !/^[0-9a-f]{40}$/.test(c.cert_sha1.toLowerCase()))
    throw new CliError(2, "cert_sha1 must be 40 hexadecimal characters");
  if (c.token && !/^sbt_[0-9A-Za-z]{40}$/.test(c.token))
    throw new CliError(
      2,
      "token must be an API token: sbt_ and 40 letters and digits (sealbin token create)",
    );
  if ((c.client_cert === "") !== (c.client_key === ""))
    throw new CliError(2, "client_cert and client_key must be set together");
  return { config: c, sources, file: read };
}

export function loadConfig(flags: { server?: unknown }): Config {
  return loadConfigWithSources(flags).config;
}

/**
 * Whether the server will see an identity of ours: a certificate it can verify (client_cert on an
 * https:// server), a fingerprint a proxy forwards (cert_sha1), or an account session for it.
 */
export function hasIdentity(config: Config, server: string = config.server): boolean {
  const session = readSession();
  return (
    Boolean(config.token) ||
    Boolean(config.cert_sha1) ||
    (Boolean(config.client_cert) && /^https:/i.test(server)) ||
    (session !== null && session.server === server.replace(/\/+$/, ""))
  );
}

/** A file the configuration names; exit 2 when it cannot be read. */
export function readFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new CliError(2, `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/** HTTP_PROXY, HTTPS_PROXY and NO_PROXY (node-proxy.ts); exit 2 for a proxy that cannot be used. */
function proxySettings(): ProxySettings {
  try {
    return proxyFromEnv(process.env);
  } catch (err) {
    throw new CliError(2, (err as Error).message);
  }
}

/** The API client for `config` (or for another server, when a paste URL names one). */
export function makeClient(
  config: Config,
  server: string = config.server,
  options: { insecure?: boolean; onPeerCertificates?: (chain: Uint8Array[]) => void } = {},
): SealbinClient {
  const tls: { -readonly [K in keyof TlsFiles]: TlsFiles[K] } = {};
  if (config.ca_cert) tls.ca = readFile(config.ca_cert, "ca_cert");
  if (config.client_cert) {
    tls.cert = readFile(config.client_cert, "client_cert");
    tls.key = readFile(config.client_key, "client_key");
  }
  const headers: Record<string, string> = { "user-agent": `sealbin-cli/${VERSION}` };
  if (config.cert_sha1) headers[HEADERS.clientSha1] = config.cert_sha1.toLowerCase();
  const base = server.replace(/\/+$/, "");
  // Signed in to an account on this server: its token identifies us (the sealed /v1 API excepted).
  const session = readSession();
  return new SealbinClient({
    base,
    transport: nodeTransport({ tls, proxy: proxySettings(), ...options }),
    pow: nodePowSolver({ source: CLI_POW_WORKER }),
    headers,
    // An API token (SEALBIN_TOKEN, or `token` in the file) speaks for us before an account session.
    ...(config.token
      ? { bearer: config.token }
      : session && session.server === base
        ? { bearer: session.access_token }
        : {}),
  });
}
