/**
 * The serials a CRL lists (RFC 5280, 5.1): enough DER to walk TBSCertList to its
 * revokedCertificates, for telling a user that their certificate was revoked.
 */

interface Element {
  readonly tag: number;
  /** Where the content starts and ends. */
  readonly start: number;
  readonly end: number;
}

function element(der: Uint8Array, at: number): Element {
  const tag = der[at];
  let length = der[at + 1];
  if (tag === undefined || length === undefined) throw new Error("truncated DER");
  let start = at + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets < 1 || octets > 4) throw new Error("unsupported DER length");
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[start + i] ?? 0);
    start += octets;
  }
  const end = start + length;
  if (end > der.length) throw new Error("truncated DER");
  return { tag, start, end };
}

/** The elements inside a constructed one. */
function children(der: Uint8Array, parent: Element): Element[] {
  const list: Element[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = element(der, at);
    list.push(child);
    at = child.end;
  }
  return list;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;

/** A serial as hex without leading zeros, lower case: how the CLI compares them. */
export const normaliseSerial = (hex: string): string => hex.toLowerCase().replace(/^0+(?=.)/, "");

/** The revoked serials of a CRL, PEM or DER. Throws when it is not a CRL. */
export function revokedSerials(crl: Uint8Array | string): Set<string> {
  const der =
    typeof crl === "string" || new TextDecoder().decode(crl.subarray(0, 30)).includes("-----BEGIN")
      ? Buffer.from(
          (typeof crl === "string" ? crl : new TextDecoder().decode(crl)).replace(/-----[^-]+-----|\s+/g, ""),
          "base64",
        )
      : crl;
  const list = element(der, 0);
  const tbs = children(der, list)[0];
  if (list.tag !== SEQUENCE || tbs?.tag !== SEQUENCE) throw new Error("not a CRL");
  const fields = children(der, tbs);
  // version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, [0] extensions?
  let i = fields[0]?.tag === INTEGER ? 1 : 0;
  i += 3;
  if (fields[i]?.tag === 0x17 || fields[i]?.tag === 0x18) i++;
  const serials = new Set<string>();
  const revoked = fields[i];
  if (revoked?.tag !== SEQUENCE) return serials;
  for (const entry of children(der, revoked)) {
    const serial = children(der, entry)[0];
    if (serial?.tag === INTEGER)
      serials.add(normaliseSerial(Buffer.from(der.subarray(serial.start, serial.end)).toString("hex")));
  }
  return serials;
}
