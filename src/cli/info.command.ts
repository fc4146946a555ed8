import { serverInfo } from "../client/pastes.ts";
import type { Command } from "./command.ts";
import { loadConfig, makeClient } from "./config.ts";
import { out } from "./output.ts";
import { formatDuration, mib, size } from "./units.ts";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** Limits GET / states, in words (sizes in MiB, durations in hours and days). */
const LIMITS: Record<string, [label: string, unit: "bytes" | "count"]> = {
  max_size_anon: ["max paste size, anonymous", "bytes"],
  max_size_auth: ["max paste size, authenticated", "bytes"],
  max_file: ["max resumable upload, authenticated", "bytes"],
  min_size: ["min paste size", "bytes"],
  id_length: ["paste id length", "count"],
  password_max_length: ["max password length", "count"],
};

const EXPIRY: Record<string, string> = {
  anonymous: "expiry, anonymous",
  untrusted: "expiry, self-signed certificate",
  trusted: "expiry, PKI certificate",
  max: "expiry, at most",
};

/** The lines of `sealbin info` for the answer of GET /. */
function describe(server: string, i: Record<string, unknown>): string[] {
  const lines = [`server: ${server}`, `name: ${i.name ?? "?"}${i.version ? ` ${i.version}` : ""}`];
  if (isObject(i.limits)) {
    for (const [k, val] of Object.entries(i.limits)) {
      const known = LIMITS[k];
      if (known && typeof val === "number")
        lines.push(`${known[0]}: ${known[1] === "count" ? val : k.startsWith("max") ? mib(val) : size(val)}`);
      else lines.push(`limit ${k}: ${val}`);
    }
  }
  if (isObject(i.expiry)) {
    const sliding = i.expiry.sliding === true ? " (sliding: each read extends it)" : "";
    for (const [k, val] of Object.entries(i.expiry)) {
      if (EXPIRY[k] && typeof val === "number")
        lines.push(`${EXPIRY[k]}: ${formatDuration(val)}${k === "max" ? "" : sliding}`);
    }
  }
  if (isObject(i.pow))
    lines.push(`proof-of-work: ${i.pow.enabled ? `difficulty ${i.pow.difficulty}` : "off"}`);
  return lines;
}

export const infoCommand: Command = {
  usage: `sealbin info [-s URL]

Shows the server's version, size limits (in MiB), expiry rules (in hours and days) and
proof-of-work difficulty.`,
  options: {},
  async run(v) {
    const client = makeClient(loadConfig(v));
    await out(`${describe(client.base, await serverInfo(client)).join("\n")}\n`);
    return 0;
  },
};
