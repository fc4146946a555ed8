import { isIP } from "node:net";
import { shortErrors } from "./shortener.errors.ts";

export const SHORT_ID_PATTERN = /^[0-9A-Za-z]{1,64}$/;

// Any whitespace or control character, Unicode ones included (NBSP, line and paragraph separators,
// zero-width and bidirectional controls that make a link read differently from where it goes).
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\s]/u;
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Where sealbin itself answers, so that a target pointing back at a short URL can be refused. */
export interface SelfLocation {
  /** host[:port] as the client addressed sealbin (Host, or X-Forwarded-Host behind a trusted proxy). */
  readonly hosts: readonly string[];
  /** SEALBIN_URL_PREFIX ("" or "/path"). */
  readonly prefix: string;
}

function sameHost(url: URL, hosts: readonly string[]): boolean {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return hosts.some((h) => {
    let self: URL;
    try {
      self = new URL(`${url.protocol}//${h.toLowerCase()}`);
    } catch {
      return false;
    }
    // A Host without a port names the host on whichever port: refuse rather than guess.
    return self.hostname === url.hostname && (!self.port || self.port === port);
  });
}

/**
 * Checks a short-URL target and returns it normalized (WHATWG serialization: punycode host,
 * percent-encoded path), the form the Location header carries. Refuses, each with its own message,
 * what open-redirect and phishing tricks need: other schemes, credentials, invisible characters,
 * backslashes, hosts that are not hosts, and loops back to sealbin's own short URLs.
 */
export function validateTarget(raw: unknown, maxLength: number, self: SelfLocation): string {
  if (raw === undefined || raw === null || raw === "") throw shortErrors.urlRequired();
  if (typeof raw !== "string") throw shortErrors.invalid("url must be a string");
  if (raw.length > maxLength) throw shortErrors.invalid(`URL too long (max ${maxLength} characters)`);
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
  const path = url.pathname;
  const shortRoot = `${self.prefix}/s`;
  if (
    sameHost(url, self.hosts) &&
    (path === shortRoot || path.startsWith(`${shortRoot}/`) || path === "/s" || path.startsWith("/s/"))
  ) {
    throw shortErrors.invalid("URL must not point to a short URL of this server (redirect loop)");
  }
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
