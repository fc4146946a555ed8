import { type Config, type Setting, settings } from "./config.schema.ts";

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
  if (problems.length > 0) throw new ConfigError(problems);
  return result;
}
