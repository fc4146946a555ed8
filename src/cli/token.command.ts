/**
 * `sealbin token create|list|revoke|sharex`: scoped API tokens for scripts, CI jobs and screenshot
 * tools (docs/tokens.md). Managing tokens needs a full identity (a client certificate or an account
 * session); the tokens themselves then act alone: `SEALBIN_TOKEN=sbt_… sealbin file`.
 */
import { createToken, listTokens, revokeToken } from "../client/tokens.ts";
import { TOKEN_SCOPES, type TokenScope } from "../protocol/vocabulary.ts";
import { CliError, type Command, str, type Values } from "./command.ts";
import { loadConfig, makeClient } from "./config.ts";
import { columns, info, out } from "./output.ts";
import { checkTarget, writeSafely } from "./safe-file.ts";
import { date, parseDuration } from "./units.ts";

const USAGE = `sealbin token create --name NAME --scope SCOPE [--scope SCOPE…] [--expires DURATION] [--json]
sealbin token list [--json]
sealbin token revoke ID
sealbin token sharex [--name NAME] [--expires DURATION] [-o FILE]

API tokens act as you, only within their scopes: ${TOKEN_SCOPES.join(", ")} (admin only
for an admin). create prints the token's secret (sbt_…) once: the server keeps only its hash.
Use one with SEALBIN_TOKEN=sbt_… (or \`sealbin config set token sbt_…\`), or as
"Authorization: Bearer sbt_…" from curl. revoke ends it at once on every server process.

sharex makes a paste:create token and prints a ShareX custom uploader (.sxcu) for it: screenshots
are uploaded as they are, unencrypted (the server sees them), and ShareX copies their direct link.

  --name NAME          a label for your listing (sharex: "sharex")
  --scope SCOPE        a scope the token gets; repeat for several
  --expires DURATION   e.g. 30d, 12h, 3600 (default: never)
  -o FILE              write the .sxcu there instead of printing it
  --json               print the server's JSON`;

function scopesOf(v: Values): TokenScope[] {
  const given = ([] as unknown[]).concat(v.scope ?? []).map(String);
  if (given.length === 0)
    throw new CliError(2, `token create needs --scope: one of ${TOKEN_SCOPES.join(", ")}`);
  const bad = given.find((s) => !TOKEN_SCOPES.includes(s as TokenScope));
  if (bad !== undefined)
    throw new CliError(2, `unknown scope ${JSON.stringify(bad)}: one of ${TOKEN_SCOPES.join(", ")}`);
  return [...new Set(given)] as TokenScope[];
}

function expiresIn(v: Values): number | undefined {
  const text = str(v, "expires");
  if (text === undefined) return undefined;
  const parsed = parseDuration(text);
  if ("error" in parsed) throw new CliError(2, `--expires ${text} ${parsed.error}`);
  if (parsed.seconds < 60) throw new CliError(2, "--expires must be at least a minute");
  return parsed.seconds;
}

/** A ShareX custom uploader for `token` (ShareX 13.6 and later read this format). */
export function sharexUploader(server: string, token: string): object {
  const host = new URL(server).host;
  return {
    Version: "15.0.0",
    Name: `sealbin (${host})`,
    DestinationType: "ImageUploader, FileUploader, TextUploader",
    RequestMethod: "POST",
    RequestURL: `${server}/`,
    Headers: { Authorization: `Bearer ${token}` },
    Body: "Binary",
    URL: `${server}{json:raw}`,
    ErrorMessage: "{json:error}",
  };
}

export const tokenCommand: Command = {
  usage: USAGE,
  options: {
    name: { type: "string" },
    scope: { type: "string", multiple: true },
    expires: { type: "string" },
    output: { type: "string", short: "o" },
    json: { type: "boolean" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    const [sub, arg, ...rest] = positionals;
    if (rest.length > 0) throw new CliError(2, USAGE);
    const config = loadConfig(v);
    const client = () => makeClient(config);
    if (sub === "create" && arg === undefined) {
      const name = str(v, "name");
      if (!name) throw new CliError(2, "token create needs --name");
      const made = await createToken(client(), { name, scopes: scopesOf(v), ...withExpiry(expiresIn(v)) });
      if (v.json === true) await out(`${JSON.stringify(made, null, 2)}\n`);
      else {
        await out(`${made.token}\n`);
        info(
          `token ${made.id} (${made.scopes.join(", ")}), ${made.expires_at ? `expires ${date(made.expires_at)}` : "no expiry"}`,
        );
        info("this is the only time the server shows it: keep it in your CI's secrets");
      }
    } else if (sub === "list" && arg === undefined) {
      const tokens = await listTokens(client());
      if (v.json === true) await out(`${JSON.stringify(tokens, null, 2)}\n`);
      else if (tokens.length === 0) info("no API tokens");
      else
        await out(
          `${columns(
            ["ID", "NAME", "SCOPES", "CREATED", "EXPIRES", "LAST USED"],
            tokens.map((t) => [
              t.id,
              t.name,
              t.scopes.join(","),
              date(t.created_at),
              t.expires_at ? date(t.expires_at) : "never",
              t.last_used_at ? date(t.last_used_at) : "never",
            ]),
          )}\n`,
        );
    } else if (sub === "revoke" && arg) {
      await revokeToken(client(), arg);
      info(`${arg}: revoked`);
    } else if (sub === "sharex" && arg === undefined) {
      const target = str(v, "output");
      // Before the token is made: a file in the way costs no token.
      if (target) checkTarget(target, false);
      const made = await createToken(client(), {
        name: str(v, "name") ?? "sharex",
        scopes: ["paste:create"],
        ...withExpiry(expiresIn(v)),
      });
      const file = `${JSON.stringify(sharexUploader(config.server, made.token), null, 2)}\n`;
      if (target) {
        // The file holds the token's secret: readable by its owner only.
        await writeSafely(target, file, false, 0o600);
        info(`wrote ${target}: open it in ShareX (Destinations > Custom uploader settings > Import)`);
      } else await out(file);
      info(`token ${made.id} (paste:create): sealbin token revoke ${made.id} ends it`);
    } else throw new CliError(2, USAGE);
    return 0;
  },
};

const withExpiry = (seconds: number | undefined) => (seconds === undefined ? {} : { expiresIn: seconds });
