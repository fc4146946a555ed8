import { listPastes, type PasteMeta } from "../client/pastes.ts";
import { type Command, flag } from "./command.ts";
import { loadConfig, makeClient } from "./config.ts";
import { columns, info, out } from "./output.ts";
import { date, size } from "./units.ts";

/** A limited paste's flag: "burn" for one view, else the views left of those it had ("views:2/3"). */
function viewsFlag(p: PasteMeta): string {
  if (p.burn_after_read) return "burn";
  return p.max_views === undefined ? "" : `views:${p.views_left ?? "?"}/${p.max_views}`;
}

/** The pastes as a table, columns padded to their widest cell. */
function table(pastes: readonly PasteMeta[], withOwner: boolean): string {
  const rows = pastes.map((p) => [
    p.id,
    size(p.size),
    p.mime_type,
    date(p.created_at),
    p.expires_at === undefined ? "idle" : date(p.expires_at),
    [viewsFlag(p), p.password_protected ? "password" : ""].filter(Boolean).join(",") || "-",
    ...(withOwner ? [p.owner ?? "-"] : []),
  ]);
  const head = ["ID", "SIZE", "TYPE", "CREATED", "EXPIRES", "FLAGS", ...(withOwner ? ["OWNER"] : [])];
  return columns(head, rows);
}

export const listCommand: Command = {
  usage: `sealbin list [options]

Lists your pastes (needs a client certificate or cert_sha1).

  --all            every paste (admin)
  --json           print the server's JSON
  -s, --server URL server to use`,
  options: { all: { type: "boolean" }, json: { type: "boolean" } },
  async run(v) {
    const client = makeClient(loadConfig(v));
    const all = flag(v, "all");
    const pastes = await listPastes(client, all);
    if (flag(v, "json")) {
      await out(`${JSON.stringify({ pastes, count: pastes.length }, null, 2)}\n`);
      return 0;
    }
    if (pastes.length === 0) {
      info("no pastes");
      return 0;
    }
    await out(`${table(pastes, all)}\n`);
    return 0;
  },
};
