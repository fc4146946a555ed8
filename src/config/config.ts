import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { type Config, type Setting, settings } from "./config.schema.ts";
import { webhookProblems } from "./config.webhooks.settings.ts";

export type { Config } from "./config.schema.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** Start-up stops with this: every problem, each naming the variable and the expected form. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** The environment variables a setting is read from, the preferred first. */
export function envNames(s: Setting<unknown>): string[] {
  return [`SEALBIN_${s.name}`, ...(s.flaskpaste ? [`FLASKPASTE_${s.name}`] : []), ...(s.aliases ?? [])];
}

/** Parse-or-throw: the configuration from the environment, defaults for what is unset. */
export function loadConfig(env: Env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings) as [keyof Config, Setting<unknown>][]) {
    if (key in overrides) {
      config[key] = overrides[key];
      continue;
    }
    const name = envNames(s).find((n) => env[n] !== undefined);
    const raw = name === undefined ? undefined : env[name];
    if (name === undefined || raw === undefined) {
      config[key] = s.default;
      continue;
    }
    try {
      config[key] = s.parse(raw);
    } catch (err) {
      const shown = s.secret
        ? ""
        : ` (got ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)})`;
      problems.push(`${name} must be ${(err as Error).message}${shown}`);
    }
  }
  const result = config as Config;
  if (problems.length === 0 && result.pkiEnabled && result.pkiCaPassword === "") {
    problems.push(
      "SEALBIN_PKI_CA_PASSWORD must be set when SEALBIN_PKI_ENABLED is on (it encrypts the CA key)",
    );
  }
  if (problems.length === 0 && (result.tlsCert === "") !== (result.tlsKey === "")) {
    problems.push("SEALBIN_TLS_CERT and SEALBIN_TLS_KEY must be set together");
  }
  if (problems.length === 0) problems.push(...webhookProblems(result));
  if (problems.length > 0) throw new ConfigError(problems);
  return result;
}

/**
 * The environment with the variables of `file` (./.env) added, read by Node's own parser (the one
 * process.loadEnvFile uses); a variable the real environment sets wins. No file is no change; a file
 * that exists but cannot be read stops start-up.
 */
export function withEnvFile(env: Env, file = ".env"): { env: Env; read: boolean } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { env, read: false };
    throw new ConfigError([`${file} cannot be read (${code ?? (err as Error).message})`]);
  }
  return { env: { ...parseEnv(text), ...definedOnly(env) }, read: true };
}

function definedOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

/**
 * SEALBIN_* and FLASKPASTE_* names that are read by something other than the server, so never
 * reported as unknown: the CLI's (docs/cli.md) and the test suite's. A test keeps this list complete
 * for every name the repository uses.
 */
const NOT_SERVER_SETTINGS = new Set([
  ...["SERVER", "CERT_SHA1", "CLIENT_CERT", "CLIENT_KEY", "CA_CERT", "TOKEN"].flatMap((key) => [
    `SEALBIN_${key}`,
    `FLASKPASTE_${key}`,
  ]),
  "SEALBIN_CONFIG",
  "SEALBIN_PASSWORD",
  "SEALBIN_FUZZ_SEED",
  "SEALBIN_DOCS_SCREENSHOTS",
  "SEALBIN_POW_DEBUG",
]);
const NOT_SERVER_PREFIXES = ["SEALBIN_TEST_"];

/** Names FlaskPaste reads that sealbin replaced, with what to set instead. */
const REPLACED: Readonly<Record<string, string>> = {
  EXPIRY:
    "sealbin has three tiered defaults instead: {prefix}EXPIRY_ANON, {prefix}EXPIRY_UNTRUSTED and {prefix}EXPIRY_TRUSTED",
};

/**
 * One line for each SEALBIN_* or FLASKPASTE_* variable (in any case) that is set but that no setting
 * reads, naming the nearest setting: a misspelt name is otherwise silently the default. Warnings,
 * not refusals: the environment is shared with the CLI and with whatever else runs beside sealbin,
 * and a FlaskPaste deployment's environment may name settings sealbin does not have.
 */
export function unknownVariables(env: Env): string[] {
  const all = Object.values(settings) as Setting<unknown>[];
  const known = new Set(all.flatMap(envNames));
  const warnings: string[] = [];
  for (const [variable, value] of Object.entries(env)) {
    if (value === undefined || known.has(variable) || NOT_SERVER_SETTINGS.has(variable)) continue;
    if (NOT_SERVER_PREFIXES.some((p) => variable.startsWith(p))) continue;
    const match = /^(sealbin|flaskpaste)_(.*)$/i.exec(variable);
    if (!match) continue;
    const prefix = `${(match[1] ?? "").toUpperCase()}_`;
    const key = (match[2] ?? "").toUpperCase();
    const head = `${variable} is not a sealbin setting and is ignored`;
    const replaced = REPLACED[key];
    if (replaced) {
      warnings.push(`${head}: ${replaced.replaceAll("{prefix}", prefix)}`);
      continue;
    }
    const nearest = nearestSetting(key, all);
    if (!nearest) {
      warnings.push(`${head} (every setting: docs/configuration.md)`);
      continue;
    }
    // Under the variable's own prefix when the setting has that name, SEALBIN_ otherwise.
    const suggested = prefix === "FLASKPASTE_" && nearest.flaskpaste ? "FLASKPASTE_" : "SEALBIN_";
    warnings.push(`${head}: did you mean ${suggested}${nearest.name}?`);
  }
  return warnings;
}

/** The setting whose NAME (or an alias's) is nearest to `key`, if one is near enough to be meant. */
function nearestSetting(key: string, all: readonly Setting<unknown>[]): Setting<unknown> | undefined {
  let best: { setting: Setting<unknown>; distance: number } | undefined;
  for (const setting of all) {
    const keys = [setting.name, ...(setting.aliases ?? []).map((a) => a.replace(/^[A-Z]+_/, ""))];
    for (const candidate of keys) {
      const distance = editDistance(key, candidate);
      const near =
        distance <= Math.max(1, Math.floor(candidate.length / 4)) ||
        (key.length >= 4 && candidate.includes(key)) ||
        (candidate.length >= 4 && key.includes(candidate));
      if (near && (!best || distance < best.distance)) best = { setting, distance };
    }
  }
  return best?.setting;
}

/** Edits (insert, delete, replace, swap two neighbours) between two names. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(i - 2, j - 2) + 1);
      }
      (d[i] as number[])[j] = value;
    }
  }
  return at(a.length, b.length);
}
