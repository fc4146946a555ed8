import { CliError, type Command } from "./command.ts";
import { CONFIG_KEYS, type Config, configPath, loadConfig, writeConfig } from "./config.ts";
import { info, out } from "./output.ts";

const USAGE = `sealbin config server URL
sealbin config set KEY VALUE     (keys: ${CONFIG_KEYS.join(", ")})
sealbin config show

The config file is $XDG_CONFIG_HOME/sealbin/config (~/.config/sealbin/config), "key = value" lines.
SEALBIN_<KEY> (or FLASKPASTE_<KEY>) variables override it, and -s/--server overrides both.`;

const isConfigKey = (key: string): key is keyof Config => (CONFIG_KEYS as readonly string[]).includes(key);

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
      const c = loadConfig(v);
      await out(`# ${configPath()}\n${CONFIG_KEYS.map((k) => `${k} = ${c[k]}`).join("\n")}\n`);
    } else throw new CliError(2, USAGE);
    return 0;
  },
};
