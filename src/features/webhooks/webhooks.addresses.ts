import ipaddr from "ipaddr.js";

/**
 * The SSRF guard's rule (docs/webhooks.md): a delivery may connect only to a globally routable
 * unicast address. Refused: loopback, RFC 1918 private, link-local (169.254.0.0/16, the cloud
 * metadata address among them; fe80::/10), CGNAT (100.64.0.0/10), unspecified, broadcast,
 * multicast, reserved and documentation ranges, IPv6 unique-local (fc00::/7), and every IPv6 form
 * that carries an IPv4 address or has no global meaning: IPv4-mapped (::ffff:127.0.0.1, checked as
 * the IPv4 address it maps), IPv4-compatible and the rest of ::/16, NAT64, 6to4, Teredo.
 *
 * `host` is an address (a URL's hostname: IPv6 in brackets or not) or a name. Returns the range
 * refused, or null when it may be reached — a name is not an address, and is checked on each
 * address it resolves to instead.
 */
export function refusedAddress(host: string): string | null {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (!ipaddr.isValid(bare)) return null;
  // Only the forms a socket or the URL parser give: "127.1" or "0x7f.1" are names to ipaddr.
  if (!ipaddr.IPv4.isValidFourPartDecimal(bare) && !ipaddr.IPv6.isValid(bare)) return "ambiguous";
  const parsed = ipaddr.process(bare);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).parts[0] === 0) return "reserved";
  const range = parsed.range();
  return range === "unicast" ? null : range;
}
