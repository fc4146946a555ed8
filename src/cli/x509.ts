/**
 * X.509 for `sealbin cert`: a minimal DER writer, enough for a self-signed client certificate with
 * the clientAuth extended key usage, signed by node:crypto.
 */
import crypto from "node:crypto";

/** A DER element: tag, definite length, content. */
function der(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

const seq = (...items: Uint8Array[]): Buffer => der(0x30, Buffer.concat(items));

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const bytes = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const chunk = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280, 4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return d.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
}

const x500Name = (cn: string): Buffer =>
  seq(der(0x31, seq(oid("2.5.4.3"), der(0x0c, Buffer.from(cn, "utf8")))));

const extension = (id: string, critical: boolean, value: Uint8Array): Buffer =>
  seq(oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), der(0x04, value));

/** The curves `sealbin cert -c` offers: Node's name, the hash, and the ECDSA signature algorithm. */
const CURVES = {
  secp256r1: { node: "prime256v1", hash: "sha256", signature: "1.2.840.10045.4.3.2" },
  secp384r1: { node: "secp384r1", hash: "sha384", signature: "1.2.840.10045.4.3.3" },
  secp521r1: { node: "secp521r1", hash: "sha512", signature: "1.2.840.10045.4.3.4" },
} as const;

export type Curve = keyof typeof CURVES;

export const isCurve = (name: string): name is Curve => Object.hasOwn(CURVES, name);

export type KeyOptions =
  | { readonly algorithm: "ec"; readonly curve: Curve }
  | { readonly algorithm: "rsa"; readonly bits: number };

export type CertificateOptions = KeyOptions & {
  /** Days of validity from now. */
  readonly days: number;
  /** The subject's (and issuer's) common name. */
  readonly name: string;
};

export interface SelfSignedCertificate {
  readonly certificatePem: string;
  /** PKCS#8. */
  readonly privateKeyPem: string;
  /** SHA-1 of the DER certificate, lower-case hex: what cert_sha1 and the server name it by. */
  readonly fingerprint: string;
  readonly notAfter: Date;
}

/** A fresh key pair and a self-signed certificate for it, with the clientAuth extended key usage. */
export function selfSignedCertificate(o: CertificateOptions): SelfSignedCertificate {
  let keys: crypto.KeyPairKeyObjectResult;
  let hash: string;
  let sigAlg: Buffer;
  let keyUsage: Buffer;
  if (o.algorithm === "ec") {
    const curve = CURVES[o.curve];
    keys = crypto.generateKeyPairSync("ec", { namedCurve: curve.node });
    hash = curve.hash;
    sigAlg = seq(oid(curve.signature));
    keyUsage = Buffer.from([0x03, 0x02, 0x07, 0x80]); // digitalSignature
  } else {
    keys = crypto.generateKeyPairSync("rsa", { modulusLength: o.bits });
    hash = "sha256";
    sigAlg = seq(oid("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));
    keyUsage = Buffer.from([0x03, 0x02, 0x05, 0xa0]); // digitalSignature, keyEncipherment
  }
  const serial = crypto.randomBytes(16);
  // Positive and minimal in DER: a first byte of 0x40–0x7f needs no sign byte and is never a leading zero.
  serial[0] = 0x40 | ((serial[0] ?? 0) & 0x3f);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const notAfter = new Date(now.getTime() + o.days * 86_400_000);
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    sigAlg,
    x500Name(o.name),
    seq(time(now), time(notAfter)),
    x500Name(o.name),
    keys.publicKey.export({ type: "spki", format: "der" }),
    der(
      0xa3,
      seq(
        extension("2.5.29.19", true, seq()),
        extension("2.5.29.15", true, keyUsage),
        extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.2"))),
      ),
    ),
  );
  const signature = crypto.sign(hash, tbs, keys.privateKey);
  const cert = seq(tbs, sigAlg, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return {
    certificatePem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    privateKeyPem: String(keys.privateKey.export({ type: "pkcs8", format: "pem" })),
    fingerprint: crypto.createHash("sha1").update(cert).digest("hex"),
    notAfter,
  };
}
