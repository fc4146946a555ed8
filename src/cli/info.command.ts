import { serverInfo } from "../client/pastes.ts";
import type { Command } from "./command.ts";
import { loadConfig, makeClient } from "./config.ts";
import { out } from "./output.ts";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/** The lines of `sealbin info` for the answer of GET /. */
function describe(server: string, i: Record<string, unknown>): string[] {
  const lines = [`server: ${server}`, `name: ${i.name ?? "?"}${i.version ? ` ${i.version}` : ""}`];
  if (isObject(i.limits)) for (const [k, val] of Object.entries(i.limits)) lines.push(`limit ${k}: ${val}`);
  if (isObject(i.pow))
    lines.push(`proof-of-work: ${i.pow.enabled ? `difficulty ${i.pow.difficulty}` : "off"}`);
  if (isObject(i.expiry)) for (const [k, val] of Object.entries(i.expiry)) lines.push(`expiry ${k}: ${val}`);
  return lines;
}

export const infoCommand: Command = {
  usage: `sealbin info [-s URL]

Shows the server's version, limits, expiry rules and proof-of-work difficulty.`,
  options: {},
  async run(v) {
    const client = makeClient(loadConfig(v));
    await out(`${describe(client.base, await serverInfo(client)).join("\n")}\n`);
    return 0;
  },
};
