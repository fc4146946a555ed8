import type {
  AuditEvent,
  CaRecord,
  CertificateRecord,
  NewCertificate,
  Page,
  PkiStore,
} from "../store.types.ts";
import type { Driver } from "./driver.ts";
import { CERT_COLUMNS, type Row, toCa, toCertificate } from "./rows.ts";

/** The statements of the CA, its certificates and the audit log, prepared once. */
function prepare(db: Driver) {
  return {
    getCa: db.prepare(
      "SELECT common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at FROM pki_ca WHERE id = 1",
    ),
    insertCa: db.prepare(
      `INSERT INTO pki_ca (id, common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at)
       VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    // Admin in the same statement when no admin exists yet: a single writer (SQLite) cannot let two
    // first registrations both win; concurrent ones (PostgreSQL) meet the one-admin unique index.
    insertCertificate: db.prepare(
      `INSERT INTO certificates (serial, common_name, fingerprint, created_at, expires_at, issued_to, is_admin)
       VALUES (?, ?, ?, ?, ?, ?, CASE WHEN CAST(? AS INTEGER) = 1 AND NOT EXISTS (SELECT 1 FROM certificates WHERE is_admin = 1) THEN 1 ELSE 0 END)
       RETURNING ${CERT_COLUMNS}`,
    ),
    byFingerprint: db.prepare(`SELECT ${CERT_COLUMNS} FROM certificates WHERE fingerprint = ?`),
    bySerial: db.prepare(`SELECT ${CERT_COLUMNS} FROM certificates WHERE serial = ?`),
    list: db.prepare(
      `SELECT ${CERT_COLUMNS} FROM certificates WHERE CAST(? AS TEXT) IS NULL OR fingerprint = ? OR issued_to = ? ORDER BY created_at DESC, serial`,
    ),
    revoke: db.prepare(
      "UPDATE certificates SET status = 'revoked', revoked_at = ? WHERE serial = ? AND status = 'valid'",
    ),
    appendAudit: db.prepare("INSERT INTO audit_log (at, event, actor, detail) VALUES (?, ?, ?, ?)"),
    listAudit: db.prepare(
      "SELECT id, at, event, actor, detail FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?",
    ),
    countAudit: db.prepare("SELECT COUNT(*) AS n FROM audit_log"),
  };
}

const toAudit = (r: Row): AuditEvent => ({
  id: Number(r.id),
  at: Number(r.at),
  event: r.event as string,
  actor: (r.actor as string | null) ?? null,
  detail: JSON.parse(r.detail as string) as Record<string, unknown>,
});

/** The CA, the certificates it issued and the audit log. */
export class SqlPki implements PkiStore {
  private readonly db: Driver;
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.db = db;
    this.q = prepare(db);
  }

  async getCa(): Promise<CaRecord | undefined> {
    const row = await this.q.getCa.get();
    return row ? toCa(row) : undefined;
  }

  async insertCa(ca: CaRecord): Promise<boolean> {
    const row = [
      ca.commonName,
      ca.certificatePem,
      ca.encryptedKey,
      ca.fingerprint,
      ca.createdAt,
      ca.expiresAt,
    ];
    return (await this.q.insertCa.run(...row)) === 1;
  }

  async insertCertificate(c: NewCertificate, firstBecomesAdmin: boolean): Promise<CertificateRecord> {
    const row = [c.serial, c.commonName, c.fingerprint, c.createdAt, c.expiresAt, c.issuedTo];
    try {
      return toCertificate((await this.q.insertCertificate.get(...row, firstBecomesAdmin ? 1 : 0)) as Row);
    } catch (err) {
      // Two first registrations at once: the unique index lets one be admin; the other is a user.
      if (!firstBecomesAdmin || this.db.dialect.uniqueViolation(err) !== "certificates_one_admin") throw err;
      return toCertificate((await this.q.insertCertificate.get(...row, 0)) as Row);
    }
  }

  async findCertificateByFingerprint(fingerprint: string): Promise<CertificateRecord | undefined> {
    const row = await this.q.byFingerprint.get(fingerprint);
    return row ? toCertificate(row) : undefined;
  }

  async findCertificateBySerial(serial: string): Promise<CertificateRecord | undefined> {
    const row = await this.q.bySerial.get(serial);
    return row ? toCertificate(row) : undefined;
  }

  async listCertificates(fingerprint: string | null): Promise<CertificateRecord[]> {
    return (await this.q.list.all(fingerprint, fingerprint, fingerprint)).map(toCertificate);
  }

  async revokeCertificate(serial: string, now: number): Promise<boolean> {
    return (await this.q.revoke.run(now, serial)) === 1;
  }

  async appendAudit(e: Omit<AuditEvent, "id">): Promise<void> {
    await this.q.appendAudit.run(e.at, e.event, e.actor, JSON.stringify(e.detail));
  }

  async listAudit(limit: number, offset: number): Promise<Page<AuditEvent>> {
    const items = (await this.q.listAudit.all(limit, offset)).map(toAudit);
    return { items, total: Number((await this.q.countAudit.get())?.n) };
  }
}
