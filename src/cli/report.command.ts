/**
 * `sealbin report URL --reason R`: tells the server's moderators about a paste or short URL
 * (POST /report, docs/moderation.md). The paste's #key stays on this machine unless the reporter
 * chooses to share it with --include-key.
 */
import { report } from "../client/moderation.ts";
import { REPORT_DETAILS_MAX, REPORT_REASONS, type ReportReason } from "../protocol/vocabulary.ts";
import { CliError, type Command, flag, str } from "./command.ts";
import { loadConfig, makeClient } from "./config.ts";
import { info, out } from "./output.ts";
import { terminalProgress } from "./progress.ts";
import { isShortUrl, parseRef, parseShortRef } from "./refs.ts";

const USAGE = `sealbin report URL --reason REASON [--details TEXT] [--include-key]

Reports a paste or short URL to the server's moderators; prints the report's id. URL is a paste URL
(…/ID or …/ID/raw), a short URL (…/s/ID), or a paste id on the configured server. The report goes to
the URL's own server. Anyone may report (the server may ask for proof-of-work, as for a paste).

  --reason REASON   ${REPORT_REASONS.join(", ")}
  --details TEXT    what the moderators should know (at most ${REPORT_DETAILS_MAX} characters)
  --include-key     send the URL's #key too, so that a moderator can decrypt and verify the
                    content (without it, the key never leaves this machine)`;

/** The reason, checked here so that a typo costs no request (nor proof-of-work). */
function reasonOf(given: string | undefined): ReportReason {
  const reason = REPORT_REASONS.find((r) => r === given?.toLowerCase());
  if (!reason) {
    const what = given === undefined ? "report needs --reason" : `unknown reason ${JSON.stringify(given)}`;
    throw new CliError(2, `${what}: --reason must be one of ${REPORT_REASONS.join(", ")}`);
  }
  return reason;
}

/** The server to send to and the URL to report: a URL's own server, a bare id's the configured one. */
export function reportTarget(
  ref: string,
  configured: string,
  includeKey: boolean,
): { server: string; url: string; key: string } {
  if (/^https?:\/\//i.test(ref)) {
    const server = isShortUrl(ref) ? parseShortRef(ref, configured).server : parseRef(ref, configured).server;
    const url = new URL(ref);
    const key = url.hash.slice(1);
    if (!includeKey) url.hash = "";
    return { server, url: url.href, key };
  }
  const { id, key } = parseRef(ref, configured);
  const server = configured.replace(/\/+$/, "");
  return { server, url: `${server}/${id}${includeKey && key ? `#${key}` : ""}`, key };
}

export const reportCommand: Command = {
  usage: USAGE,
  options: {
    reason: { type: "string" },
    details: { type: "string" },
    "include-key": { type: "boolean" },
  },
  allowPositionals: true,
  async run(v, positionals) {
    const reason = reasonOf(str(v, "reason"));
    if (positionals.length !== 1) throw new CliError(2, `report takes one URL\n\n${USAGE}`);
    const details = str(v, "details");
    if (details !== undefined && details.length > REPORT_DETAILS_MAX)
      throw new CliError(2, `--details is ${details.length} characters: at most ${REPORT_DETAILS_MAX}`);
    const config = loadConfig(v);
    const includeKey = flag(v, "include-key");
    const target = reportTarget(positionals[0] ?? "", config.server, includeKey);
    if (includeKey && !target.key)
      throw new CliError(2, "the URL has no #key to include: report it without --include-key");
    if (!includeKey && target.key)
      info("the URL's #key is not sent (--include-key shares it with the moderators)");
    const receipt = await report(
      makeClient(config, target.server),
      { url: target.url, reason, ...(details ? { details } : {}) },
      { onProgress: terminalProgress("reporting") },
    );
    info(receipt.message);
    await out(`${receipt.id}\n`);
    return 0;
  },
};
