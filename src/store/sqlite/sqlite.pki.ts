import type { DatabaseSync } from "node:sqlite";
import { CERT_COLUMNS, type Row, toCa, toCertificate } from "../rows.ts";
import type { AuditEvent, CaRecord, CertificateRecord, NewCertificate, Page } from "../store.types.ts";

/** The statements of SqlitePki, prepared once per process. */
function preparePki(db: DatabaseSync) {
  return {
    getCa: db.prepare(
      "SELECT common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at FROM pki_ca WHERE id = 1",
    ),
    insertCa: db.prepare(
      `INSERT INTO pki_ca (id, common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at)
       VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    ),
    insertCertificate: db.prepare(
      `INSERT INTO certificates (serial, common_name, fingerprint, created_at, expires_at, issued_to, is_admin)
       VALUES (?, ?, ?, ?, ?, ?, CASE WHEN ? = 1 AND NOT EXISTS (SELECT 1 FROM certificates WHERE is_admin = 1) THEN 1 ELSE 0 END)
       RETURNING ${CERT_COLUMNS}`,
    ),
    certByFingerprint: db.prepare(`SELECT ${CERT_COLUMNS} FROM certificates WHERE fingerprint = ?`),
    certBySerial: db.prepare(`SELECT ${CERT_COLUMNS} FROM certificates WHERE serial = ?`),
    listCertificates: db.prepare(
      `SELECT ${CERT_COLUMNS} FROM certificates WHERE ? IS NULL OR fingerprint = ? OR issued_to = ? ORDER BY created_at DESC, serial`,
    ),
    revokeCertificate: db.prepare(
      "UPDATE certificates SET status = 'revoked', revoked_at = ? WHERE serial = ? AND status = 'valid'",
    ),
    appendAudit: db.prepare("INSERT INTO audit_log (at, event, actor, detail) VALUES (?, ?, ?, ?)"),
    listAudit: db.prepare(
      "SELECT id, at, event, actor, detail FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?",
    ),
    countAudit: db.prepare("SELECT COUNT(*) AS n FROM audit_log"),
  };
}

type PkiStatements = ReturnType<typeof preparePki>;

/** The CA, the certificates it issued and the audit log, on SQLite. */
export class SqlitePki {
  private readonly stmt: PkiStatements;

  constructor(db: DatabaseSync) {
    this.stmt = preparePki(db);
  }

  async getCa(): Promise<CaRecord | undefined> {
    const row = this.stmt.getCa.get() as Row | undefined;
    if (!row) return undefined;
    return toCa(row);
  }

  async insertCa(ca: CaRecord): Promise<boolean> {
    const result = this.stmt.insertCa.run(
      ca.commonName,
      ca.certificatePem,
      ca.encryptedKey,
      ca.fingerprint,
      ca.createdAt,
      ca.expiresAt,
    );
    return Number(result.changes) === 1;
  }

  async insertCertificate(c: NewCertificate, firstBecomesAdmin: boolean): Promise<CertificateRecord> {
    const row = this.stmt.insertCertificate.get(
      c.serial,
      c.commonName,
      c.fingerprint,
      c.createdAt,
      c.expiresAt,
      c.issuedTo,
      firstBecomesAdmin ? 1 : 0,
    ) as Row;
    return toCertificate(row);
  }

  async findCertificateByFingerprint(fingerprint: string): Promise<CertificateRecord | undefined> {
    const row = this.stmt.certByFingerprint.get(fingerprint) as Row | undefined;
    return row ? toCertificate(row) : undefined;
  }

  async findCertificateBySerial(serial: string): Promise<CertificateRecord | undefined> {
    const row = this.stmt.certBySerial.get(serial) as Row | undefined;
    return row ? toCertificate(row) : undefined;
  }

  async listCertificates(fingerprint: string | null): Promise<CertificateRecord[]> {
    return (this.stmt.listCertificates.all(fingerprint, fingerprint, fingerprint) as Row[]).map(
      toCertificate,
    );
  }

  async revokeCertificate(serial: string, now: number): Promise<boolean> {
    return Number(this.stmt.revokeCertificate.run(now, serial).changes) === 1;
  }

  async appendAudit(e: Omit<AuditEvent, "id">): Promise<void> {
    this.stmt.appendAudit.run(e.at, e.event, e.actor, JSON.stringify(e.detail));
  }

  async listAudit(limit: number, offset: number): Promise<Page<AuditEvent>> {
    const rows = this.stmt.listAudit.all(limit, offset) as Row[];
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        at: Number(r.at),
        event: r.event as string,
        actor: (r.actor as string | null) ?? null,
        detail: JSON.parse(r.detail as string) as Record<string, unknown>,
      })),
      total: Number((this.stmt.countAudit.get() as Row).n),
    };
  }
}
