import type { SealbinClient } from "../client/client.ts";
import { ClientError } from "../client/errors.ts";
import { deleteShortUrl, listShortUrls, type ShortUrlInfo, shortenUrl } from "../client/pastes.ts";
import { CliError, type Command, flag, str, type Values } from "./command.ts";
import { type Config, loadConfig, makeClient } from "./config.ts";
import { checkExpiry, expiryOption, serverLimits } from "./limits.ts";
import { columns, info, out } from "./output.ts";
import { terminalProgress } from "./progress.ts";
import { parseShortRef } from "./refs.ts";
import { date } from "./units.ts";

const USAGE = `sealbin short create [-x TIME] URL     (also: sealbin shorten URL)
sealbin short list [--all] [--json]
sealbin short delete ID|URL...

Short URLs on the server: create prints the short URL; list shows yours (needs an identity, as for
pastes; --all: everyone's, admin) with their clicks; delete removes yours (an admin: anyone's).

  -x, --expiry TIME   expire after TIME: seconds (3600) or 30m, 1h, 7d (at most the server's maximum)
  --all               everyone's short URLs (admin)
  --json              print the server's JSON`;

/** Creates a short URL for `target` and prints it. */
async function create(v: Values, target: string): Promise<void> {
  const expiry = expiryOption(v);
  const client = makeClient(loadConfig(v));
  if (expiry !== undefined) checkExpiry(expiry, str(v, "expiry"), await serverLimits(client));
  const short = await shortenUrl(client, target, {
    ...(expiry ? { expirySeconds: expiry } : {}),
    onProgress: terminalProgress("shortening"),
  });
  await out(`${short.link}\n`);
}

function table(items: readonly ShortUrlInfo[], base: string, withOwner: boolean): string {
  const rows = items.map((u) => [
    u.id,
    String(u.clicks ?? "-"),
    date(u.created_at),
    u.expires_at === undefined ? "never" : date(u.expires_at),
    ...(withOwner ? [u.owner ?? "-"] : []),
    `${new URL(u.url, `${base}/`).href} → ${u.target_url}`,
  ]);
  const head = ["ID", "CLICKS", "CREATED", "EXPIRES", ...(withOwner ? ["OWNER"] : []), "URL"];
  return columns(head, rows);
}

async function list(v: Values): Promise<void> {
  const client = makeClient(loadConfig(v));
  const all = flag(v, "all");
  const items = await listShortUrls(client, all);
  if (flag(v, "json")) await out(`${JSON.stringify({ short_urls: items, count: items.length }, null, 2)}\n`);
  else if (items.length === 0) info("no short URLs");
  else await out(`${table(items, client.base, all)}\n`);
}

/**
 * Deletes short URLs by id or URL, each reported; a refusal is that one's, an unreachable server
 * ends the run. Returns how many were refused.
 */
export async function deleteShortUrls(config: Config, refs: readonly string[]): Promise<number> {
  const clients = new Map<string, SealbinClient>();
  let failed = 0;
  for (const ref of refs) {
    const { server, id } = parseShortRef(ref, config.server);
    const client = clients.get(server) ?? makeClient(config, server);
    clients.set(server, client);
    try {
      await deleteShortUrl(client, id);
      info(`${ref}: deleted`);
    } catch (err) {
      if (!(err instanceof ClientError) || err.kind !== "refused") throw err;
      failed++;
      info(`${ref}: ${err.message}`);
    }
  }
  return failed;
}

export const shortCommand: Command = {
  usage: USAGE,
  options: { expiry: { type: "string", short: "x" }, all: { type: "boolean" }, json: { type: "boolean" } },
  allowPositionals: true,
  async run(v, positionals) {
    const [sub, ...rest] = positionals;
    if (sub === "create" && rest.length === 1) await create(v, rest[0] ?? "");
    else if (sub === "list" && rest.length === 0) await list(v);
    else if (sub === "delete" && rest.length > 0) {
      const failed = await deleteShortUrls(loadConfig(v), rest);
      if (failed > 0) throw new CliError(1, `${failed} of ${rest.length} not deleted`);
    } else throw new CliError(2, USAGE);
    return 0;
  },
};

export const shortenCommand: Command = {
  usage: `sealbin shorten [-x TIME] URL

Creates a short URL on the server and prints it (the same as sealbin short create).

  -x, --expiry TIME  expire after TIME: seconds (3600) or 30m, 1h, 7d (at most the server's maximum)`,
  options: { expiry: { type: "string", short: "x" } },
  allowPositionals: true,
  async run(v, positionals) {
    if (positionals.length !== 1) throw new CliError(2, "shorten takes one URL");
    await create(v, positionals[0] ?? "");
    return 0;
  },
};
