import ipaddr from "ipaddr.js";

export type Networks = ReturnType<typeof parseNetworks>;

/** CIDR strings (already checked by the config schema) parsed once, for `inNetworks`. */
export function parseNetworks(cidrs: readonly string[]) {
  return cidrs.map((c) => ipaddr.parseCIDR(c));
}

/** Whether an address is in one of the networks; IPv4-mapped IPv6 addresses count as IPv4. */
export function inNetworks(ip: string, networks: Networks): boolean {
  if (networks.length === 0 || !ipaddr.isValid(ip)) return false;
  let address = ipaddr.parse(ip);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  return networks.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits));
}
