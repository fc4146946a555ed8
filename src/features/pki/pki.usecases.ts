import type { Config } from "../../config/config.ts";
import type { Clock } from "../../shared/clock.ts";
import { unixSeconds } from "../../shared/time.ts";
import type { CaRecord, CertificateRecord, Store } from "../../store/store.ts";
import type { Caller } from "../identity/identity.models.ts";
import type { AuditLog } from "./audit.ts";
import {
  decryptKey,
  encryptKey,
  generateCa,
  generateCrl,
  type IssuedCertificate,
  issueClientCertificate,
  issueServerCertificate,
  isValidCommonName,
  KEY_ALGORITHM,
} from "./pki.crypto.ts";
import { pkiErrors } from "./pki.errors.ts";

export interface PkiDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly config: Config;
  readonly audit: AuditLog;
  /** Called once the CA exists, so an HTTPS listener can start trusting it. */
  readonly onCaCreated?: () => Promise<void>;
}

// PKCS#12 (pkijs, asn1js) is loaded with the first certificate issued, not at start-up.
let pkcs12Module: Promise<typeof import("./pkcs12.ts")> | undefined;

export const DEFAULT_CA_NAME = "sealbin CA";

export function certificateView(c: CertificateRecord) {
  return {
    serial: c.serial,
    common_name: c.commonName,
    fingerprint_sha1: c.fingerprint,
    created_at: c.createdAt,
    expires_at: c.expiresAt,
    status: c.status,
    issued_to: c.issuedTo,
  };
}

function caView(ca: CaRecord) {
  return {
    common_name: ca.commonName,
    fingerprint_sha1: ca.fingerprint,
    created_at: ca.createdAt,
    expires_at: ca.expiresAt,
  };
}

const PKCS12_PASSWORD_MAX = 256;

function pkcs12PasswordOf(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string" || value.length > PKCS12_PASSWORD_MAX)
    throw pkiErrors.invalidPkcs12Password();
  return value;
}

async function issuedView(c: IssuedCertificate, commonName: string, pkcs12Password: string) {
  pkcs12Module ??= import("./pkcs12.ts");
  const { buildPkcs12 } = await pkcs12Module;
  const pkcs12 = await buildPkcs12(c.certificatePem, c.privateKeyPem, pkcs12Password, commonName);
  return {
    serial: c.serial,
    common_name: commonName,
    fingerprint_sha1: c.fingerprint,
    created_at: c.notBefore,
    expires_at: c.notAfter,
    certificate_pem: c.certificatePem,
    private_key_pem: c.privateKeyPem,
    pkcs12: pkcs12.toString("base64"),
  };
}

/** The built-in certificate authority: one CA, its key encrypted at rest, issued certs in the store. */
export class Pki {
  private readonly deps: PkiDeps;
  constructor(deps: PkiDeps) {
    this.deps = deps;
  }

  private requireEnabled(): void {
    if (!this.deps.config.pkiEnabled) throw pkiErrors.disabled();
  }

  private async requireCa(): Promise<CaRecord> {
    this.requireEnabled();
    const ca = await this.deps.store.getCa();
    if (!ca) throw pkiErrors.noCa();
    return ca;
  }

  private async signer(ca: CaRecord) {
    return {
      certificatePem: ca.certificatePem,
      privateKeyPem: await decryptKey(ca.encryptedKey, this.deps.config.pkiCaPassword),
    };
  }

  async status() {
    if (!this.deps.config.pkiEnabled) return { enabled: false };
    const ca = await this.deps.store.getCa();
    if (!ca) return { enabled: true, ca_exists: false, hint: "POST /pki/ca to generate CA" };
    const certs = await this.deps.store.listCertificates(null);
    return {
      enabled: true,
      ca_exists: true,
      ...caView(ca),
      key_algorithm: KEY_ALGORITHM,
      issued: certs.length,
      revoked: certs.filter((c) => c.status === "revoked").length,
    };
  }

  /** POST /pki/ca, once; registration also creates it on first use, as the PKI guide says. */
  async createCa(commonName: unknown): Promise<CaRecord> {
    this.requireEnabled();
    const name = commonName === undefined ? DEFAULT_CA_NAME : commonName;
    if (!isValidCommonName(name)) throw pkiErrors.invalidCommonName();
    if (await this.deps.store.getCa()) throw pkiErrors.caExists();
    const { config, clock, store } = this.deps;
    const generated = await generateCa(name, config.pkiCaDays, clock.now());
    const ca: CaRecord = {
      commonName: name,
      certificatePem: generated.certificatePem,
      encryptedKey: await encryptKey(generated.privateKeyPem, config.pkiCaPassword),
      fingerprint: generated.fingerprint,
      createdAt: generated.notBefore,
      expiresAt: generated.notAfter,
    };
    // Two processes may race here: the store keeps the first, and the loser reports 409.
    if (!(await store.insertCa(ca))) throw pkiErrors.caExists();
    await this.deps.audit.record("CA_CREATED", null, { common_name: name, fingerprint: ca.fingerprint });
    await this.deps.onCaCreated?.();
    return ca;
  }

  async createCaView(commonName: unknown) {
    return { message: "CA generated", ...caView(await this.createCa(commonName)), download: "/pki/ca.crt" };
  }

  async caCertificatePem(): Promise<string> {
    return (await this.requireCa()).certificatePem;
  }

  async crlPem(): Promise<string> {
    const ca = await this.requireCa();
    const revoked = (await this.deps.store.listCertificates(null))
      .filter((c) => c.status === "revoked")
      .map((c) => ({ serial: c.serial, revokedAt: c.revokedAt ?? c.createdAt }));
    return generateCrl(await this.signer(ca), revoked, this.deps.clock.now());
  }

  private async issue(ca: CaRecord, commonName: string, issuedTo: string | null, firstBecomesAdmin: boolean) {
    const issued = await issueClientCertificate(
      await this.signer(ca),
      commonName,
      this.deps.config.pkiCertDays,
      this.deps.clock.now(),
    );
    const record = await this.deps.store.insertCertificate(
      {
        serial: issued.serial,
        commonName,
        fingerprint: issued.fingerprint,
        createdAt: issued.notBefore,
        expiresAt: issued.notAfter,
        issuedTo,
      },
      firstBecomesAdmin,
    );
    return { issued, record };
  }

  /** POST /pki/issue: admins only; everyone else registers. */
  async issueForAdmin(caller: Caller, commonName: unknown, pkcs12Password?: unknown) {
    this.requireEnabled();
    if (caller.fingerprint === null) throw pkiErrors.authenticationRequired();
    if (!caller.isAdmin) throw pkiErrors.adminRequired();
    if (commonName === undefined || commonName === "") throw pkiErrors.commonNameRequired();
    if (!isValidCommonName(commonName)) throw pkiErrors.invalidCommonName();
    const password = pkcs12PasswordOf(pkcs12Password);
    const ca = await this.requireCa();
    const { issued } = await this.issue(ca, commonName, caller.fingerprint, false);
    await this.deps.audit.record("CERT_ISSUED", caller.fingerprint, {
      serial: issued.serial,
      common_name: commonName,
    });
    return { message: "Certificate issued", ...(await issuedView(issued, commonName, password)) };
  }

  /** POST /register: open when REGISTRATION_ENABLED; the first registrant becomes admin. */
  async register(caller: Caller, commonName: unknown, pkcs12Password?: unknown) {
    this.requireEnabled();
    if (!this.deps.config.registrationEnabled) throw pkiErrors.registrationDisabled();
    const name =
      commonName === undefined || commonName === "" ? `client-${Date.now().toString(36)}` : commonName;
    if (!isValidCommonName(name)) throw pkiErrors.invalidCommonName();
    const password = pkcs12PasswordOf(pkcs12Password);
    const ca = (await this.deps.store.getCa()) ?? (await this.createCaIfMissing());
    const { issued, record } = await this.issue(ca, name, caller.fingerprint, true);
    await this.deps.audit.record("REGISTRATION", caller.fingerprint, {
      serial: issued.serial,
      common_name: name,
      is_admin: record.isAdmin,
    });
    return {
      message: "Registration successful",
      ...(await issuedView(issued, name, password)),
      is_admin: record.isAdmin,
    };
  }

  private async createCaIfMissing(): Promise<CaRecord> {
    try {
      return await this.createCa(undefined);
    } catch {
      // Another process created it first.
      return this.requireCa();
    }
  }

  /** GET /pki/certs: what the caller issued or holds (everything for an admin); anonymous: nothing. */
  /**
   * `sealbin-server pki server-cert`: a certificate for sealbin's own HTTPS listener, from the
   * built-in CA (created first when missing). Audited; not a client identity, so not in /pki/certs.
   */
  async issueServerCertificate(hosts: readonly string[], days: number) {
    this.requireEnabled();
    const ca = (await this.deps.store.getCa()) ?? (await this.createCaIfMissing());
    const issued = await issueServerCertificate(await this.signer(ca), hosts, days, this.deps.clock.now());
    await this.deps.audit.record("SERVER_CERT_ISSUED", null, { serial: issued.serial, hosts });
    return { issued, caCertificatePem: ca.certificatePem };
  }

  async listCertificates(caller: Caller) {
    if (!this.deps.config.pkiEnabled || caller.fingerprint === null) return { certificates: [], count: 0 };
    const certs = await this.deps.store.listCertificates(caller.isAdmin ? null : caller.fingerprint);
    return { certificates: certs.map(certificateView), count: certs.length };
  }

  /** POST /pki/revoke/{serial}: by whoever had it issued, its holder, or an admin. */
  async revoke(caller: Caller, serial: string) {
    this.requireEnabled();
    if (caller.fingerprint === null) throw pkiErrors.authenticationRequired();
    const cert = await this.deps.store.findCertificateBySerial(serial.toLowerCase());
    if (!cert) throw pkiErrors.certNotFound();
    const allowed =
      caller.isAdmin || cert.issuedTo === caller.fingerprint || cert.fingerprint === caller.fingerprint;
    if (!allowed) throw pkiErrors.permissionDenied();
    if (!(await this.deps.store.revokeCertificate(cert.serial, unixSeconds(this.deps.clock.now())))) {
      throw pkiErrors.alreadyRevoked();
    }
    await this.deps.audit.record("CERT_REVOKED", caller.fingerprint, {
      serial: cert.serial,
      common_name: cert.commonName,
    });
    return { message: "Certificate revoked", serial: cert.serial };
  }
}
