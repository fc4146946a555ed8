import {
  adminPaste,
  adminShort,
  block,
  dismissReport,
  listBlocklist,
  listReports,
  type ModerationTarget,
  quarantine,
  type ReportInfo,
  release,
  setWriteMode,
  unblock,
  writeMode,
} from "../client/moderation.ts";
import { WRITE_MODES, type WriteMode } from "../protocol/vocabulary.ts";
import { CliError, type Command, flag, str, type Values } from "./command.ts";
import { type Config, loadConfig, makeClient } from "./config.ts";
import { columns, info, out } from "./output.ts";
import { isShortUrl, parseRef, parseShortRef } from "./refs.ts";
import { date } from "./units.ts";

const USAGE = `sealbin admin reports [--state open|actioned|dismissed] [--json]
sealbin admin dismiss REPORT
sealbin admin show ID|URL
sealbin admin quarantine ID|URL [--same-source] [--report REPORT]
sealbin admin release ID|URL
sealbin admin block ID|URL|SHA256 [--report REPORT]
sealbin admin unblock SHA256
sealbin admin blocklist [--json]
sealbin admin writes [open|identified|closed]

Moderation, for the server's admins (docs/moderation.md). ID|URL is a paste (id or URL) or a short
URL (…/s/ID); block takes a paste (its content's hash) or a SHA-256 in hex. writes without a mode
prints the mode in force.

  --state STATE   only the reports in this state
  --same-source   also quarantine every live paste recorded from the same source
  --report ID     the report this action answers (it becomes actioned; the audit log names it)
  --json          print the server's JSON`;

const SHA256 = /^[0-9a-fA-F]{64}$/;
const STATES = ["open", "actioned", "dismissed"] as const;

/** A paste or short URL, with the server its URL names (or the configured one). */
function targetOf(ref: string, config: Config): { server: string; target: ModerationTarget } {
  if (isShortUrl(ref) || /^https?:\/\/.*\/s\/[^/]+\/?$/i.test(ref)) {
    const { server, id } = parseShortRef(ref, config.server);
    return { server, target: { kind: "short", id } };
  }
  const { server, id } = parseRef(ref, config.server);
  return { server, target: { kind: "paste", id } };
}

/** A reporter's details on one line, without the control characters a terminal would act on. */
const oneLine = (text: string) =>
  [...text].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? " " : c)).join("");

async function reports(v: Values): Promise<void> {
  const state = str(v, "state");
  if (state !== undefined && !STATES.includes(state as never)) {
    throw new CliError(2, `--state must be one of ${STATES.join(", ")}`);
  }
  const client = makeClient(loadConfig(v));
  const page = await listReports(client, state ? { state: state as ReportInfo["state"] } : {});
  if (flag(v, "json")) return out(`${JSON.stringify(page, null, 2)}\n`);
  if (page.reports.length === 0) return info("no reports");
  const rows = page.reports.map((r) => [
    r.id,
    date(r.created_at),
    r.state,
    r.reason,
    `${new URL(r.url, `${client.base}/`).href}${r.key !== undefined ? `#${r.key}` : ""}`,
    oneLine(r.details),
  ]);
  await out(`${columns(["REPORT", "CREATED", "STATE", "REASON", "URL", "DETAILS"], rows)}\n`);
}

async function show(v: Values, ref: string): Promise<void> {
  const config = loadConfig(v);
  const { server, target } = targetOf(ref, config);
  const client = makeClient(config, server);
  const found =
    target.kind === "paste" ? await adminPaste(client, target.id) : await adminShort(client, target.id);
  await out(`${JSON.stringify(found, null, 2)}\n`);
}

async function writes(v: Values, mode: string | undefined): Promise<void> {
  const client = makeClient(loadConfig(v));
  if (mode === undefined) {
    await out(`${(await writeMode(client)).mode}\n`);
    return;
  }
  if (!WRITE_MODES.includes(mode as WriteMode)) {
    throw new CliError(2, `writes: the mode is one of ${WRITE_MODES.join(", ")}`);
  }
  await out(`${(await setWriteMode(client, mode as WriteMode)).mode}\n`);
}

export const adminCommand: Command = {
  usage: USAGE,
  options: {
    state: { type: "string" },
    "same-source": { type: "boolean" },
    report: { type: "string" },
    json: { type: "boolean" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    const [sub, arg, ...rest] = positionals;
    const config = () => loadConfig(v);
    const reportId = str(v, "report");
    if (rest.length > 0) throw new CliError(2, USAGE);
    if (sub === "reports" && arg === undefined) await reports(v);
    else if (sub === "dismiss" && arg) {
      await dismissReport(makeClient(config()), arg);
      info(`${arg}: dismissed`);
    } else if (sub === "show" && arg) await show(v, arg);
    else if ((sub === "quarantine" || sub === "release") && arg) {
      const { server, target } = targetOf(arg, config());
      const client = makeClient(config(), server);
      if (sub === "release") {
        await release(client, target);
        info(`${target.id}: released`);
      } else {
        const done = await quarantine(client, target, {
          sameSource: flag(v, "same-source"),
          ...(reportId && { report: reportId }),
        });
        await out(`${done.quarantined.join("\n")}\n`);
        info(`${done.quarantined.length} quarantined`);
      }
    } else if (sub === "block" && arg) {
      const byHash = SHA256.test(arg);
      const paste = byHash ? undefined : parseRef(arg, config().server);
      const client = makeClient(config(), paste?.server);
      const done = await block(client, paste ? { paste: paste.id } : { sha256: arg }, reportId);
      await out(`${done.sha256}\n`);
      info(`blocked; ${done.quarantined.length} quarantined`);
    } else if (sub === "unblock" && arg && SHA256.test(arg)) {
      await unblock(makeClient(config()), arg);
      info(`${arg.toLowerCase()}: unblocked`);
    } else if (sub === "blocklist" && arg === undefined) {
      const page = await listBlocklist(makeClient(config()));
      if (flag(v, "json")) await out(`${JSON.stringify(page, null, 2)}\n`);
      else if (page.blocklist.length === 0) info("the blocklist is empty");
      else
        await out(
          `${columns(
            ["SHA256", "ADDED", "BY"],
            page.blocklist.map((b) => [b.sha256, date(b.created_at), b.created_by ?? "-"]),
          )}\n`,
        );
    } else if (sub === "writes") await writes(v, arg);
    else throw new CliError(2, USAGE);
    return 0;
  },
};
