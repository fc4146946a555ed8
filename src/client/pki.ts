/** Typed calls of the PKI (status, certificates, the CA, issue, revoke) and of registration. */
import { ROUTES } from "../protocol/vocabulary.ts";
import type { Progress, SealbinClient } from "./client.ts";
import { ClientError } from "./errors.ts";

/** GET /pki: whether the PKI is on, and its CA when there is one. */
export interface PkiStatus {
  readonly enabled: boolean;
  readonly ca_exists?: boolean;
  readonly common_name?: string;
  readonly fingerprint_sha1?: string;
  readonly created_at?: number;
  readonly expires_at?: number;
  readonly key_algorithm?: string;
  /** Certificates issued, and of those revoked (present once the CA exists). */
  readonly issued?: number;
  readonly revoked?: number;
  readonly hint?: string;
}

/** One certificate of GET /pki/certs. */
export interface CertificateInfo {
  readonly serial: string;
  readonly common_name: string;
  readonly fingerprint_sha1: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly status: "valid" | "revoked";
  /** The fingerprint of whoever had it issued (null for a registration). */
  readonly issued_to: string | null;
}

/** GET /pki/certs: what the caller holds or issued (everything, for an admin). */
export interface CertificateList {
  readonly certificates: readonly CertificateInfo[];
  readonly count: number;
}

/** A certificate and its private key, as POST /pki/issue and POST /register answer. */
export interface IssuedCertificate {
  readonly message?: string;
  readonly serial: string;
  readonly common_name: string;
  readonly fingerprint_sha1: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly certificate_pem: string;
  readonly private_key_pem: string;
  /** The same certificate and key as PKCS#12, base64. */
  readonly pkcs12?: string;
}

/** POST /register's answer: the first user to register becomes the admin. */
export interface Registration extends IssuedCertificate {
  readonly is_admin: boolean;
}

/** POST /pki/revoke/{serial}'s answer. */
export interface Revocation {
  readonly message: string;
  readonly serial: string;
}

/** The answer, when it carries a certificate and its key; bad-answer otherwise. */
function withCertificate<T extends IssuedCertificate>(answer: T): T {
  const a = answer as Partial<Record<keyof IssuedCertificate, unknown>>;
  if (
    typeof a.certificate_pem !== "string" ||
    typeof a.private_key_pem !== "string" ||
    typeof a.fingerprint_sha1 !== "string"
  ) {
    throw new ClientError("bad-answer", "the server's answer has no certificate");
  }
  return answer;
}

/** A certificate from the server's PKI (registration must be enabled there), solving its proof-of-work. */
export async function register(
  client: SealbinClient,
  name?: string,
  options: { readonly onProgress?: (progress: Progress) => void } = {},
): Promise<Registration> {
  const answer = await client.withPow<Registration>(ROUTES.registerChallenge, ROUTES.register, {
    method: "POST",
    json: name ? { common_name: name } : {},
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return withCertificate(answer);
}

export function pkiStatus(client: SealbinClient): Promise<PkiStatus> {
  return client.json<PkiStatus>(ROUTES.pki);
}

export function listCertificates(client: SealbinClient): Promise<CertificateList> {
  return client.json<CertificateList>(ROUTES.pkiCertificates);
}

/** The CA certificate, PEM. */
export async function caCertificate(client: SealbinClient): Promise<Uint8Array> {
  return (await client.bytes(ROUTES.pkiCaCertificate)).body;
}

/** Has the CA issue a certificate for `commonName` (admin). */
export async function issueCertificate(
  client: SealbinClient,
  commonName: string,
): Promise<IssuedCertificate> {
  const answer = await client.json<IssuedCertificate>(ROUTES.pkiIssue, {
    method: "POST",
    json: { common_name: commonName },
  });
  return withCertificate(answer);
}

/** Revokes a certificate by serial (its holder, its issuer or an admin). */
export function revokeCertificate(client: SealbinClient, serial: string): Promise<Revocation> {
  return client.json<Revocation>(ROUTES.pkiRevoke(serial), { method: "POST" });
}
