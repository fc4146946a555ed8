import { CliError } from "./command.ts";

/** A paste reference: an id (on the configured server), or a URL whose server then overrides it. */
export function parseRef(ref: string, server: string): { server: string; id: string; key: string } {
  if (/^https?:\/\//i.test(ref)) {
    const url = new URL(ref);
    const parts = url.pathname.replace(/\/+$/, "").split("/");
    if (parts[parts.length - 1] === "raw") parts.pop();
    const id = parts.pop() ?? "";
    if (!/^[0-9a-f]{6,64}$/i.test(id)) throw new CliError(2, `no paste id in ${url.origin}${url.pathname}`);
    return { server: `${url.origin}${parts.join("/")}`, id, key: url.hash.slice(1) };
  }
  const [id = "", key = ""] = ref.split("#");
  if (!/^[0-9a-f]{6,64}$/i.test(id)) throw new CliError(2, `${JSON.stringify(ref)} is not a paste id or URL`);
  return { server, id, key };
}

const SHORT_ID = /^[0-9A-Za-z]{1,64}$/;

/** Whether `ref` is the URL of a short URL (…/s/ID), rather than of a paste. */
export const isShortUrl = (ref: string): boolean =>
  /^https?:\/\//i.test(ref) && /\/s\/[0-9A-Za-z]{1,64}(\/info)?\/*$/.test(new URL(ref).pathname);

/** A short URL reference: its id, or its URL (…/s/ID, whose server then overrides the configured one). */
export function parseShortRef(ref: string, server: string): { server: string; id: string } {
  if (/^https?:\/\//i.test(ref)) {
    const url = new URL(ref);
    const match = /^(.*)\/s\/([0-9A-Za-z]{1,64})(?:\/info)?\/*$/.exec(url.pathname);
    if (!match) throw new CliError(2, `${url.origin}${url.pathname} is not a short URL (…/s/ID)`);
    return { server: `${url.origin}${match[1]}`, id: match[2] ?? "" };
  }
  if (!SHORT_ID.test(ref)) throw new CliError(2, `${JSON.stringify(ref)} is not a short URL or its id`);
  return { server, id: ref };
}
