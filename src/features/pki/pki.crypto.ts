import { createCipheriv, createDecipheriv, randomBytes, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import { scryptAsync } from "../../shared/scrypt.ts";
import type { x509 } from "./x509.ts";

// @peculiar/x509 and what it pulls in (tsyringe, reflect-metadata, the asn1 schemas) cost about a
// quarter of the server's start-up time and memory: it is loaded when a certificate is first made.
let library: Promise<typeof x509> | undefined;
const x509Library = () => {
  library ??= import("./x509.ts").then((m) => m.x509);
  return library;
};

const EC = { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" } as const;
export const KEY_ALGORITHM = "ec:secp384r1";
const DAY_MS = 86_400_000;

// scrypt with N=2^15, r=8: 32 MiB of memory per guess, so the password resists offline guessing.
const KDF = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** The CA private key at rest: AES-256-GCM under a key derived from PKI_CA_PASSWORD with scrypt. */
export async function encryptKey(pkcs8Pem: string, password: string): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await scryptAsync(password, salt, 32, KDF);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(pkcs8Pem, "utf8"), cipher.final()]);
  return JSON.stringify({
    kdf: "scrypt",
    N: KDF.N,
    r: KDF.r,
    p: KDF.p,
    salt: salt.toString("base64"),
    iv: iv.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
    ct: ct.toString("base64"),
  });
}

/** Throws when the password is wrong or the blob was tampered with. */
export async function decryptKey(blob: string, password: string): Promise<string> {
  const b = JSON.parse(blob) as Record<string, string | number>;
  const key = await scryptAsync(password, Buffer.from(String(b.salt), "base64"), 32, {
    N: Number(b.N),
    r: Number(b.r),
    p: Number(b.p),
    maxmem: KDF.maxmem,
  });
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(String(b.iv), "base64"));
  decipher.setAuthTag(Buffer.from(String(b.tag), "base64"));
  return Buffer.concat([decipher.update(Buffer.from(String(b.ct), "base64")), decipher.final()]).toString(
    "utf8",
  );
}

/** A positive serial of 126 random bits from the CSPRNG, as 32 hex characters. */
export function newSerial(): string {
  const bytes = randomBytes(16);
  // Positive and minimal in DER (no leading zero byte, no sign byte): first byte 0x40–0x7f.
  bytes[0] = 0x40 | ((bytes[0] ?? 0) & 0x3f);
  return bytes.toString("hex");
}

async function pkcs8Pem(der: ArrayBuffer): Promise<string> {
  return (await x509Library()).PemConverter.encode(der, "PRIVATE KEY");
}

async function importSigningKey(pem: string): Promise<CryptoKey> {
  const der = (await x509Library()).PemConverter.decode(pem)[0] as ArrayBuffer;
  return webcrypto.subtle.importKey("pkcs8", der, EC, false, ["sign"]) as Promise<CryptoKey>;
}

export async function sha1Fingerprint(cert: x509.X509Certificate): Promise<string> {
  return Buffer.from(await cert.getThumbprint("SHA-1")).toString("hex");
}

/**
 * Common names: 1–64 printable characters, no control characters, and well-formed Unicode (a lone
 * surrogate such as "\ud800" cannot be encoded as UTF-8 into a certificate).
 */
export function isValidCommonName(name: unknown): name is string {
  return (
    typeof name === "string" &&
    name.length >= 1 &&
    name.length <= 64 &&
    name.isWellFormed() &&
    !/[\p{Cc}]/u.test(name)
  );
}

function dn(commonName: string): string {
  // Escape DN specials so a common name cannot add attributes.
  return `CN=${commonName.replace(/([\\,+"<>;=#])/g, "\\$1")}`;
}

export interface GeneratedCa {
  certificatePem: string;
  privateKeyPem: string;
  fingerprint: string;
  notBefore: number;
  notAfter: number;
}

export async function generateCa(commonName: string, days: number, nowMs: number): Promise<GeneratedCa> {
  const x509 = await x509Library();
  const keys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as CryptoKeyPair;
  const notBefore = new Date(Math.floor(nowMs / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * DAY_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: dn(commonName),
    notBefore,
    notAfter,
    signingAlgorithm: EC,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certificatePem: cert.toString("pem"),
    privateKeyPem: await pkcs8Pem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)),
    fingerprint: await sha1Fingerprint(cert),
    notBefore: notBefore.getTime() / 1000,
    notAfter: notAfter.getTime() / 1000,
  };
}

export interface IssuedCertificate {
  serial: string;
  certificatePem: string;
  privateKeyPem: string;
  fingerprint: string;
  notBefore: number;
  notAfter: number;
}

/** A client certificate for mTLS: clientAuth extended key usage, signed by the CA. */
export async function issueClientCertificate(
  ca: { certificatePem: string; privateKeyPem: string },
  commonName: string,
  days: number,
  nowMs: number,
): Promise<IssuedCertificate> {
  const x509 = await x509Library();
  return issueLeaf(ca, commonName, days, nowMs, [x509.ExtendedKeyUsage.clientAuth], []);
}

/**
 * A server certificate for sealbin's own HTTPS listener: serverAuth extended key usage, each host
 * as a subjectAltName (an IP address or a DNS name), the first one as the common name.
 */
export async function issueServerCertificate(
  ca: { certificatePem: string; privateKeyPem: string },
  hosts: readonly string[],
  days: number,
  nowMs: number,
): Promise<IssuedCertificate> {
  const x509 = await x509Library();
  const names = hosts.map((h) => ({ type: isIP(h) ? ("ip" as const) : ("dns" as const), value: h }));
  return issueLeaf(ca, hosts[0] ?? "", days, nowMs, [x509.ExtendedKeyUsage.serverAuth], names);
}

/** Host names for a server certificate: DNS names (wildcards allowed leftmost) or IP addresses. */
export function isValidHost(host: string): boolean {
  if (isIP(host)) return true;
  return (
    host.length <= 253 &&
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(host)
  );
}

async function issueLeaf(
  ca: { certificatePem: string; privateKeyPem: string },
  commonName: string,
  days: number,
  nowMs: number,
  usages: x509.ExtendedKeyUsageType[],
  altNames: x509.JsonGeneralName[],
): Promise<IssuedCertificate> {
  const x509 = await x509Library();
  const caCert = new x509.X509Certificate(ca.certificatePem);
  const keys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as CryptoKeyPair;
  const serial = newSerial();
  const notBefore = new Date(Math.floor(nowMs / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * DAY_MS);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(usages, false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: dn(commonName),
    issuer: caCert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: EC,
    publicKey: keys.publicKey,
    signingKey: await importSigningKey(ca.privateKeyPem),
    extensions,
  });
  return {
    serial,
    certificatePem: cert.toString("pem"),
    privateKeyPem: await pkcs8Pem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)),
    fingerprint: await sha1Fingerprint(cert),
    notBefore: notBefore.getTime() / 1000,
    notAfter: notAfter.getTime() / 1000,
  };
}

/** A signed CRL in PEM ("X509 CRL", the label nginx, HAProxy and OpenSSL read). */
export async function generateCrl(
  ca: { certificatePem: string; privateKeyPem: string },
  revoked: readonly { serial: string; revokedAt: number }[],
  nowMs: number,
  validDays = 7,
): Promise<string> {
  const x509 = await x509Library();
  const caCert = new x509.X509Certificate(ca.certificatePem);
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCert.subject,
    thisUpdate: new Date(nowMs),
    nextUpdate: new Date(nowMs + validDays * DAY_MS),
    entries: revoked.map((r) => ({ serialNumber: r.serial, revocationDate: new Date(r.revokedAt * 1000) })),
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(caCert, false)],
    signingAlgorithm: EC,
    signingKey: await importSigningKey(ca.privateKeyPem),
  });
  return x509.PemConverter.encode(crl.rawData, "X509 CRL");
}
