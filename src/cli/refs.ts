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
