/**
 * The proxy the environment names for a URL, as curl reads it: `http_proxy`/`HTTP_PROXY` for http://
 * targets, `https_proxy`/`HTTPS_PROXY` for https:// (both fall back to `all_proxy`/`ALL_PROXY`), the
 * lower-case name first; `no_proxy`/`NO_PROXY` lists what is reached directly. Only http:// proxies
 * (plain requests through them, CONNECT tunnels for https://); a proxy without a scheme is http://.
 */
import net from "node:net";

export interface ProxySettings {
  readonly http?: URL;
  readonly https?: URL;
  /** The variable each came from, for messages. */
  readonly from: { readonly http?: string; readonly https?: string };
  readonly noProxy: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

function first(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** A proxy URL from a variable; throws an Error that names the variable when it is not usable. */
function proxyUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new Error(`${name} is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:") {
    throw new Error(`${name}: only http:// proxies are supported (got ${url.protocol}//)`);
  }
  return url;
}

/** The proxy settings of an environment (process.env); throws for a proxy variable it cannot use. */
export function proxyFromEnv(env: Env): ProxySettings {
  const all = first(env, ["all_proxy", "ALL_PROXY"]);
  const http = first(env, ["http_proxy", "HTTP_PROXY"]) ?? all;
  const https = first(env, ["https_proxy", "HTTPS_PROXY"]) ?? all;
  const noProxy = first(env, ["no_proxy", "NO_PROXY"])?.value ?? "";
  return {
    ...(http ? { http: proxyUrl(http.name, http.value) } : {}),
    ...(https ? { https: proxyUrl(https.name, https.value) } : {}),
    from: { ...(http ? { http: http.name } : {}), ...(https ? { https: https.name } : {}) },
    noProxy: noProxy
      .split(/[\s,]+/)
      .map((entry) => entry.trim().toLowerCase())
      .filter(Boolean),
  };
}

const defaultPort = (url: URL) => url.port || (url.protocol === "https:" ? "443" : "80");

/** A NO_PROXY entry's host and port: "example.com", ".example.com:8080", "[::1]:5000", "10.0.0.0/8". */
function splitEntry(entry: string): { host: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1] ?? "", ...(bracketed[2] ? { port: bracketed[2] } : {}) };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort) return { host: hostPort[1] ?? "", port: hostPort[2] ?? "" };
  return { host: entry };
}

function inSubnet(address: string, cidr: string): boolean {
  const [base = "", bits = ""] = cidr.split("/");
  const family = net.isIP(base);
  if (family === 0 || family !== net.isIP(address) || !/^\d+$/.test(bits)) return false;
  const list = new net.BlockList();
  try {
    list.addSubnet(base, Number(bits), family === 4 ? "ipv4" : "ipv6");
  } catch {
    return false;
  }
  return list.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Whether NO_PROXY says to reach `target` directly: `*`, a host or domain suffix, an address or subnet, with or without a port. */
export function bypassesProxy(target: URL, noProxy: readonly string[]): boolean {
  const host = target.hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  const port = defaultPort(target);
  for (const entry of noProxy) {
    if (entry === "*") return true;
    const { host: raw, port: wanted } = splitEntry(entry);
    if (wanted !== undefined && wanted !== port) continue;
    const name = raw.replace(/^\*?\./, "").replace(/\.$/, "");
    if (name === "") continue;
    if (raw.includes("/")) {
      if (inSubnet(host, raw)) return true;
    } else if (host === name || (net.isIP(host) === 0 && host.endsWith(`.${name}`))) return true;
  }
  return false;
}

/** The proxy to use for `target`, or undefined to connect directly. */
export function proxyFor(
  target: URL,
  settings: ProxySettings | undefined,
): { url: URL; from: string } | undefined {
  if (!settings) return undefined;
  const secure = target.protocol === "https:";
  const url = secure ? settings.https : settings.http;
  if (!url || bypassesProxy(target, settings.noProxy)) return undefined;
  return { url, from: (secure ? settings.from.https : settings.from.http) ?? "" };
}

/** The Proxy-Authorization header for a proxy URL with credentials. */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return { "proxy-authorization": `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}
