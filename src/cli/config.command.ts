import fs from "node:fs";
import { CliError, type Command } from "./command.ts";
import {
  CONFIG_KEYS,
  type Config,
  configPath,
  legacyConfigPath,
  loadConfigWithSources,
  writeConfig,
} from "./config.ts";
import { info, out } from "./output.ts";

const USAGE = `sealbin config server URL
sealbin config set KEY VALUE     (keys: ${CONFIG_KEYS.join(", ")})
sealbin config show

The config file is $XDG_CONFIG_HOME/sealbin/config (~/.config/sealbin/config), "key = value" lines.
SEALBIN_<KEY> (or FLASKPASTE_<KEY>) variables override it, and -s/--server overrides both; show
says where each value comes from. An fpaste config (~/.config/fpaste/config) is read while sealbin
has none of its own, and copied whole into sealbin's on the first write.`;

const isConfigKey = (key: string): key is keyof Config => (CONFIG_KEYS as readonly string[]).includes(key);

/** `config show`: each key, its value, and where that comes from. */
function show(values: Record<string, unknown>): string {
  const { config, sources, file } = loadConfigWithSources(values);
  const own = configPath();
  const head = fs.existsSync(own)
    ? `# config file: ${own}`
    : file === legacyConfigPath()
      ? `# config file: ${own} (not written yet: fpaste's ${file} is read, and copied on the first write)`
      : `# config file: ${own} (not written yet)`;
  // A token's secret is never printed: its first characters say which one it is.
  const shown = (k: (typeof CONFIG_KEYS)[number]) =>
    k === "token" && config[k] ? `${config[k].slice(0, 8)}… (hidden)` : config[k];
  const lines = CONFIG_KEYS.map((k) => [
    `${k} = ${shown(k)}`,
    sources[k] === "not set" ? "not set" : `from ${sources[k]}`,
  ]);
  const width = Math.max(...lines.map(([l]) => (l ?? "").length));
  return [head, ...lines.map(([l, from]) => `${(l ?? "").padEnd(width)}  # ${from}`)].join("\n");
}

export const configCommand: Command = {
  usage: USAGE,
  options: {},
  allowPositionals: true,
  async run(v, positionals) {
    const [sub, ...rest] = positionals;
    if (sub === "server" && rest.length === 1) {
      const url = (rest[0] ?? "").replace(/\/+$/, "");
      if (!/^https?:\/\/[^/]+/i.test(url))
        throw new CliError(2, "the server must be an http:// or https:// URL");
      info(`server = ${url} in ${writeConfig({ server: url })}`);
    } else if (sub === "set" && rest.length === 2) {
      const key = rest[0] ?? "";
      if (!isConfigKey(key)) throw new CliError(2, `unknown key ${key}: one of ${CONFIG_KEYS.join(", ")}`);
      info(`${key} set in ${writeConfig({ [key]: rest[1] ?? "" })}`);
    } else if (sub === "show" && rest.length === 0) {
      await out(`${show(v)}\n`);
    } else throw new CliError(2, USAGE);
    return 0;
  },
};
