import { ClientError } from "../client/errors.ts";
import { deletePaste, listPastes } from "../client/pastes.ts";
import { CliError, type Command, flag, str } from "./command.ts";
import { loadConfig, makeClient } from "./config.ts";
import { info } from "./output.ts";
import { isShortUrl, parseRef } from "./refs.ts";
import { deleteShortUrls } from "./short.command.ts";

export const deleteCommand: Command = {
  usage: `sealbin delete [options] ID...
sealbin delete --all --confirm N

Deletes your pastes (an admin: anyone's), by id or URL; the URL of a short URL (…/s/ID) deletes that
short URL. --all deletes every paste on the server, and only when N is exactly how many there are.

  --all            every paste (admin)
  --confirm N      the number of pastes you expect --all to delete
  -s, --server URL server to use`,
  options: { all: { type: "boolean" }, confirm: { type: "string" } },
  allowPositionals: true,
  async run(v, positionals) {
    const config = loadConfig(v);
    const shorts = positionals.filter(isShortUrl);
    // Ids name pastes of the configured server; a paste URL names its own.
    const refs = positionals.filter((ref) => !isShortUrl(ref)).map((ref) => parseRef(ref, config.server));
    let ids = refs.map((r) => r.id);
    const confirm = str(v, "confirm");
    if (flag(v, "all")) {
      if (ids.length > 0) throw new CliError(2, "give ids or --all, not both");
      if (confirm === undefined || !/^[0-9]+$/.test(confirm))
        throw new CliError(2, "--all needs --confirm N, the number of pastes you expect to delete");
      if (shorts.length > 0) throw new CliError(2, "give short URLs or --all, not both");
    } else if (ids.length === 0 && shorts.length === 0)
      throw new CliError(2, "delete needs at least one paste id (or --all --confirm N)");
    const client = makeClient(config);
    let failed = shorts.length > 0 ? await deleteShortUrls(config, shorts) : 0;
    if (flag(v, "all")) {
      const all = await listPastes(client, true);
      if (all.length !== Number(confirm))
        throw new CliError(1, `the server has ${all.length} pastes, not ${confirm}: nothing deleted`);
      ids = all.map((p) => p.id);
    }
    for (const [i, id] of ids.entries()) {
      const server = refs[i]?.server ?? config.server;
      try {
        await deletePaste(server === client.base ? client : makeClient(config, server), id);
        info(`${id}: deleted`);
      } catch (err) {
        // A refusal is this paste's; an unreachable server ends the run.
        if (!(err instanceof ClientError) || err.kind !== "refused") throw err;
        failed++;
        info(`${id}: ${err.message}`);
      }
    }
    const total = ids.length + shorts.length;
    if (failed > 0) throw new CliError(1, `${failed} of ${total} not deleted`);
    return 0;
  },
};
