import { CERT_COLUMNS, type Row, toCa, toCertificate } from "../rows.ts";
import type { AuditEvent, CaRecord, CertificateRecord, NewCertificate, Page } from "../store.types.ts";
import type { PgSql } from "./postgres.common.ts";

const UNIQUE_VIOLATION = "23505";

/** The CA, the certificates it issued and the audit log, on PostgreSQL. */
export class PostgresPki {
  private readonly db: PgSql;

  constructor(db: PgSql) {
    this.db = db;
  }

  async getCa(): Promise<CaRecord | undefined> {
    const row = await this.db.one(
      "SELECT common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at FROM pki_ca WHERE id = 1",
    );
    if (!row) return undefined;
    return toCa(row);
  }

  async insertCa(ca: CaRecord): Promise<boolean> {
    const sql = `INSERT INTO pki_ca (id, common_name, certificate_pem, encrypted_key, fingerprint, created_at, expires_at)
       VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`;
    return (
      (await this.db.run(sql, [
        ca.commonName,
        ca.certificatePem,
        ca.encryptedKey,
        ca.fingerprint,
        ca.createdAt,
        ca.expiresAt,
      ])) === 1
    );
  }

  async insertCertificate(c: NewCertificate, firstBecomesAdmin: boolean): Promise<CertificateRecord> {
    const sql = `INSERT INTO certificates (serial, common_name, fingerprint, created_at, expires_at, issued_to, is_admin)
       VALUES (?, ?, ?, ?, ?, ?, CASE WHEN CAST(? AS INTEGER) = 1 AND NOT EXISTS (SELECT 1 FROM certificates WHERE is_admin = 1) THEN 1 ELSE 0 END)
       RETURNING ${CERT_COLUMNS}`;
    const params = [c.serial, c.commonName, c.fingerprint, c.createdAt, c.expiresAt, c.issuedTo];
    try {
      return toCertificate((await this.db.q(sql, [...params, firstBecomesAdmin ? 1 : 0]))[0] as Row);
    } catch (err) {
      // Two first registrations at once: the unique index lets one be admin; the other is a user.
      const e = err as { code?: string; constraint?: string };
      if (!firstBecomesAdmin || e.code !== UNIQUE_VIOLATION || e.constraint !== "certificates_one_admin")
        throw err;
      return toCertificate((await this.db.q(sql, [...params, 0]))[0] as Row);
    }
  }

  async findCertificateByFingerprint(fingerprint: string): Promise<CertificateRecord | undefined> {
    const row = await this.db.one(`SELECT ${CERT_COLUMNS} FROM certificates WHERE fingerprint = ?`, [
      fingerprint,
    ]);
    return row ? toCertificate(row) : undefined;
  }

  async findCertificateBySerial(serial: string): Promise<CertificateRecord | undefined> {
    const row = await this.db.one(`SELECT ${CERT_COLUMNS} FROM certificates WHERE serial = ?`, [serial]);
    return row ? toCertificate(row) : undefined;
  }

  async listCertificates(fingerprint: string | null): Promise<CertificateRecord[]> {
    const rows = await this.db.q(
      `SELECT ${CERT_COLUMNS} FROM certificates WHERE CAST(? AS TEXT) IS NULL OR fingerprint = ? OR issued_to = ? ORDER BY created_at DESC, serial`,
      [fingerprint, fingerprint, fingerprint],
    );
    return rows.map(toCertificate);
  }

  async revokeCertificate(serial: string, now: number): Promise<boolean> {
    const sql =
      "UPDATE certificates SET status = 'revoked', revoked_at = ? WHERE serial = ? AND status = 'valid'";
    return (await this.db.run(sql, [now, serial])) === 1;
  }

  async appendAudit(e: Omit<AuditEvent, "id">): Promise<void> {
    await this.db.run("INSERT INTO audit_log (at, event, actor, detail) VALUES (?, ?, ?, ?)", [
      e.at,
      e.event,
      e.actor,
      JSON.stringify(e.detail),
    ]);
  }

  async listAudit(limit: number, offset: number): Promise<Page<AuditEvent>> {
    const rows = await this.db.q(
      "SELECT id, at, event, actor, detail FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?",
      [limit, offset],
    );
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        at: Number(r.at),
        event: r.event as string,
        actor: (r.actor as string | null) ?? null,
        detail: JSON.parse(r.detail as string) as Record<string, unknown>,
      })),
      total: Number((await this.db.one("SELECT COUNT(*) AS n FROM audit_log"))?.n),
    };
  }
}
