import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { shortErrors } from "./shortener.errors.ts";

export const SHORT_ID_PATTERN = /^[0-9A-Za-z]{1,64}$/;

// Any whitespace or control character, Unicode ones included (NBSP, line and paragraph separators,
// zero-width and bidirectional controls that make a link read differently from where it goes).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\s]/u;
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A socket this server listens on: an IP address (`0.0.0.0` or `::` for every interface) and a port. */
export interface ListenSocket {
  readonly address: string;
  readonly port: number;
}

/** Who this server is, so that a target pointing back at one of its short URLs can be refused. */
export interface SelfLocation {
  /**
   * host[:port] as clients address sealbin: the creating request's Host (and X-Forwarded-Host behind
   * a trusted proxy). One without a port stands for every port: behind a proxy it may be any.
   */
  readonly hosts: readonly string[];
  /** The sockets it listens on, the creating request's own among them. */
  readonly listening: readonly ListenSocket[];
  /** Every address of this machine's interfaces: where a `0.0.0.0` or `::` listen answers. */
  readonly localAddresses: readonly string[];
  /** Names this machine answers to besides `localhost`: its host name, a listen host given by name. */
  readonly localNames: readonly string[];
  /** SEALBIN_URL_PREFIX ("" or "/path"). */
  readonly prefix: string;
}

function defaultPort(url: URL): number {
  return url.protocol === "https:" ? 443 : 80;
}

/** An IP literal in one canonical spelling (IPv4-mapped IPv6 as IPv4), or null for a name. */
function canonicalIp(host: string): string | null {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (!ipaddr.isValid(bare) || isIP(bare) === 0) return null;
  const address = ipaddr.process(bare);
  return address.kind() === "ipv6" ? (address as ipaddr.IPv6).toNormalizedString() : address.toString();
}

const UNSPECIFIED = new Set([canonicalIp("0.0.0.0"), canonicalIp("::")]);

function canonicalName(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** One spelling per host: `[::ffff:7f00:1]` and `127.0.0.1` alike, `Example.COM.` and `example.com`. */
function hostKey(host: string): string {
  return canonicalIp(host) ?? canonicalName(host);
}

/**
 * Whether a host reaches this machine whatever it listens on: `localhost` and its subdomains (RFC
 * 6761; browsers resolve them to loopback themselves), 127.0.0.0/8, ::1 and, on Linux, the
 * unspecified addresses, which connect to the local host.
 */
function isLoopbackAlias(ip: string | null, name: string): boolean {
  if (ip === null) return name === "localhost" || name.endsWith(".localhost");
  return UNSPECIFIED.has(ip) || ipaddr.parse(ip).range() === "loopback";
}

/** Whether host:port (a parsed URL's) names one of this server's sockets. */
function isListeningOn(url: URL, self: SelfLocation): boolean {
  const port = url.port === "" ? defaultPort(url) : Number(url.port);
  const ip = canonicalIp(url.hostname);
  const name = canonicalName(url.hostname);
  const sockets = self.listening.filter((s) => s.port === port);
  if (sockets.length === 0) return false;
  if (isLoopbackAlias(ip, name)) return true;
  if (ip === null) return self.localNames.some((n) => canonicalName(n) === name);
  return sockets.some((s) => {
    const listen = canonicalIp(s.address);
    if (listen === ip) return true;
    return (
      listen !== null && UNSPECIFIED.has(listen) && self.localAddresses.some((a) => canonicalIp(a) === ip)
    );
  });
}

/** Whether host:port is how the request addressed this server (its Host header). */
export function isAddressedAs(url: URL, hosts: readonly string[]): boolean {
  const port = url.port === "" ? defaultPort(url) : Number(url.port);
  return hosts.some((h) => {
    let self: URL;
    try {
      // Parsed as the target is, so that case, IPv4 notations and IPv6 spellings compare equal.
      self = new URL(`http://${h}`);
    } catch {
      return false;
    }
    if (hostKey(self.hostname) !== hostKey(url.hostname)) return false;
    // A Host without a port names the host on whichever port (behind a proxy it may be any): refuse
    // rather than guess.
    const named = /:(\d+)$/.exec(h)?.[1];
    return named === undefined || Number(named) === port;
  });
}

/**
 * The path as sealbin's router would match it, or as a normalising reverse proxy in front of it
 * would pass it on. find-my-way decodes percent-escapes once (all but reserved ones such as %2F) and
 * collapses nothing; nginx decodes every escape once, %2F included, merges slashes and resolves dot
 * segments, then hands sealbin the result (with URL_PREFIX stripped). Only ASCII can spell `/s`, so
 * only ASCII escapes are decoded. Decoding happens once, as both do: `%2573` stays `%73`.
 */
export function routedPath(pathname: string): string {
  const decoded = pathname.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  const segments = decoded
    .replace(/\/{2,}/g, "/")
    .split("/")
    .slice(1);
  const out: string[] = [];
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (segment === ".." || segment === ".") {
      if (segment === "..") out.pop();
      if (last) out.push("");
    } else {
      out.push(segment);
    }
  }
  return `/${out.join("/")}`;
}

/**
 * The redirect-loop rule: whether a target reaches one of this server's short-URL routes (`/s`,
 * `/s/…`, with or without URL_PREFIX) through any name or address of this server. Hosts: the
 * creating request's Host, every socket it listens on (every interface address for a wildcard
 * listen), localhost, loopback and unspecified addresses, the machine's names; ports explicit or
 * implied by the scheme. Paths: as the router or a normalising proxy sees them (routedPath).
 */
export function pointsAtOwnShortUrl(target: URL, self: SelfLocation): boolean {
  const path = routedPath(target.pathname);
  const isShortRoute = [self.prefix, ""].some((p) => path === `${p}/s` || path.startsWith(`${p}/s/`));
  return isShortRoute && (isAddressedAs(target, self.hosts) || isListeningOn(target, self));
}

/**
 * Checks a short-URL target and returns it normalized (WHATWG serialization: punycode host,
 * percent-encoded path), the form the Location header carries. Refuses, each with its own message,
 * what open-redirect and phishing tricks need: other schemes, credentials, invisible characters,
 * backslashes, hosts that are not hosts, and loops back to sealbin's own short URLs.
 */
export function validateTarget(raw: string, maxLength: number, self: SelfLocation): string {
  if (raw === "") throw shortErrors.urlRequired();
  if (raw.length > maxLength) throw shortErrors.tooLong(maxLength);
  if (INVISIBLE.test(raw)) throw shortErrors.invalid("URL must not contain whitespace or control characters");
  if (raw.includes("\\")) throw shortErrors.invalid("URL must not contain backslashes");
  // The scheme is checked on the text as given: parsers forgive "https:/host" and "HTTPS:\\host".
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== "http" && scheme !== "https") {
    throw shortErrors.invalid("Only http and https URLs are allowed");
  }
  if (!/^https?:\/\/[^/]/i.test(raw)) throw shortErrors.invalid("URL must be absolute: scheme://host/...");
  const authority = /^https?:\/\/([^/?#]*)/i.exec(raw)?.[1] ?? "";
  if (authority.includes("@")) throw shortErrors.invalid("URL must not contain user credentials");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw shortErrors.invalid("Invalid URL");
  }
  if (url.username !== "" || url.password !== "")
    throw shortErrors.invalid("URL must not contain user credentials");
  if (!isValidHost(url.hostname)) throw shortErrors.invalid("URL must have a valid host");
  if (pointsAtOwnShortUrl(url, self)) throw shortErrors.redirectLoop();
  return url.href;
}

function isValidHost(hostname: string): boolean {
  if (hostname === "") return false;
  if (hostname.startsWith("[") && hostname.endsWith("]")) return isIP(hostname.slice(1, -1)) === 6;
  if (isIP(hostname) === 4) return true;
  // The WHATWG parser turns "1.2.3" and "0x7f.1" into IPv4 addresses already; what remains is a name.
  const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split(".");
  // A name whose last label is all digits is neither a host name nor an address: refuse it.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? "")) return false;
  return labels.every((label) => DNS_LABEL.test(label));
}
