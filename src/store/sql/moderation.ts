import type {
  AdminPasteRecord,
  BlockRecord,
  ModerationStore,
  NewReport,
  Page,
  ReportRecord,
  ReportState,
  ShortUrlRecord,
} from "../store.types.ts";
import { all, type Driver, exec, get, run } from "./driver.ts";
import { META_COLUMNS, type Row, SHORT_COLUMNS, toMeta, toShortUrl } from "./rows.ts";

const REPORT_COLUMNS =
  "id, created_at, kind, target, reason, details, paste_key, state, resolved_at, resolved_by";

function toReport(row: Row): ReportRecord {
  return {
    id: row.id as string,
    createdAt: Number(row.created_at),
    kind: row.kind as ReportRecord["kind"],
    target: row.target as string,
    reason: row.reason as string,
    details: row.details as string,
    key: (row.paste_key as string | null) ?? null,
    state: row.state as ReportState,
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    resolvedBy: (row.resolved_by as string | null) ?? null,
  };
}

const toBlock = (row: Row): BlockRecord => ({
  sha256: row.sha256 as string,
  createdAt: Number(row.created_at),
  createdBy: (row.created_by as string | null) ?? null,
});

/** The statements of reports, quarantine and the blocklist, prepared once. */
function prepare(db: Driver) {
  const newest = "ORDER BY created_at DESC, id LIMIT ? OFFSET ?";
  return {
    insertReport: db.prepare(
      `INSERT INTO reports (id, created_at, kind, target, reason, details, paste_key) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    ),
    findReport: db.prepare(`SELECT ${REPORT_COLUMNS} FROM reports WHERE id = ?`),
    // A null state lists every report.
    listReports: db.prepare(
      `SELECT ${REPORT_COLUMNS} FROM reports WHERE state = COALESCE(?, state) ${newest}`,
    ),
    countReports: db.prepare("SELECT COUNT(*) AS n FROM reports WHERE state = COALESCE(?, state)"),
    reportIds: db.prepare(
      "SELECT id FROM reports WHERE kind = ? AND target = ? ORDER BY created_at DESC, id",
    ),
    resolve: db.prepare("UPDATE reports SET state = ?, resolved_at = ?, resolved_by = ? WHERE id = ?"),
    action: db.prepare(
      `UPDATE reports SET state = 'actioned', resolved_at = ?, resolved_by = ?
       WHERE state = 'open' AND kind = ? AND target IN (SELECT c.key FROM ${db.dialect.jsonPairs} AS c)`,
    ),
    deleteReport: db.prepare("DELETE FROM reports WHERE id = ?"),
    deleteStale: db.prepare(
      `DELETE FROM reports WHERE id IN (SELECT r.id FROM reports r WHERE (r.resolved_at IS NOT NULL AND r.resolved_at <= ?)
         OR (r.kind = 'paste' AND NOT EXISTS (SELECT 1 FROM pastes p WHERE p.id = r.target))
         OR (r.kind = 'short' AND NOT EXISTS (SELECT 1 FROM short_urls s WHERE s.id = r.target)) LIMIT ?)`,
    ),
    findPaste: db.prepare(
      `SELECT ${META_COLUMNS}, sha256, CASE WHEN source_hash IS NOT NULL AND source_until > ? THEN 1 ELSE 0 END
         AS source_recorded FROM pastes WHERE id = ?`,
    ),
    findShort: db.prepare(`SELECT ${SHORT_COLUMNS} FROM short_urls WHERE id = ?`),
    source: db.prepare("SELECT source_hash, source_until FROM pastes WHERE id = ?"),
    quarantine: db.prepare("UPDATE pastes SET quarantined_at = ? WHERE id = ? AND quarantined_at IS NULL"),
    quarantineSource: db.prepare(
      `UPDATE pastes SET quarantined_at = ? WHERE source_hash = ? AND source_until > ? AND expires_at > ?
         AND quarantined_at IS NULL RETURNING id`,
    ),
    release: db.prepare(
      "UPDATE pastes SET quarantined_at = NULL WHERE id = ? AND quarantined_at IS NOT NULL",
    ),
    quarantineShort: db.prepare(
      "UPDATE short_urls SET quarantined_at = COALESCE(quarantined_at, CAST(? AS BIGINT)) WHERE id = ?",
    ),
    releaseShort: db.prepare(
      "UPDATE short_urls SET quarantined_at = NULL WHERE id = ? AND quarantined_at IS NOT NULL",
    ),
    insertBlock: db.prepare(
      "INSERT INTO blocklist (sha256, created_at, created_by) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
    ),
    quarantineHash: db.prepare(
      "UPDATE pastes SET quarantined_at = ? WHERE sha256 = ? AND expires_at > ? AND quarantined_at IS NULL",
    ),
    withHash: db.prepare(
      "SELECT id FROM pastes WHERE sha256 = ? AND quarantined_at IS NOT NULL ORDER BY created_at, id",
    ),
    removeBlock: db.prepare("DELETE FROM blocklist WHERE sha256 = ?"),
    listBlocks: db.prepare(
      "SELECT sha256, created_at, created_by FROM blocklist ORDER BY created_at DESC, sha256 LIMIT ? OFFSET ?",
    ),
    countBlocks: db.prepare("SELECT COUNT(*) AS n FROM blocklist"),
    forgetSources: db.prepare(
      `UPDATE pastes SET source_hash = NULL, source_until = NULL
       WHERE id IN (SELECT id FROM pastes WHERE source_until <= ? LIMIT ?)`,
    ),
  };
}

/** Reports, quarantine and the blocklist (docs/moderation.md). */
export class SqlModeration implements ModerationStore {
  private readonly db: Driver;
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Driver) {
    this.db = db;
    this.q = prepare(db);
  }

  async insertReport(r: NewReport): Promise<boolean> {
    const params = [r.id, r.createdAt, r.kind, r.target, r.reason, r.details, r.key];
    return (await this.q.insertReport.run(...params)) === 1;
  }

  async findReport(id: string): Promise<ReportRecord | undefined> {
    const row = await this.q.findReport.get(id);
    return row ? toReport(row) : undefined;
  }

  async listReports(state: ReportState | null, limit: number, offset: number): Promise<Page<ReportRecord>> {
    const items = (await this.q.listReports.all(state, limit, offset)).map(toReport);
    return { items, total: Number((await this.q.countReports.get(state))?.n) };
  }

  async reportIdsOf(kind: ReportRecord["kind"], target: string): Promise<string[]> {
    return (await this.q.reportIds.all(kind, target)).map((r) => r.id as string);
  }

  async resolveReport(
    id: string,
    state: "dismissed" | "actioned",
    by: string,
    now: number,
  ): Promise<boolean> {
    return (await this.q.resolve.run(state, now, by, id)) === 1;
  }

  async actionReports(
    kind: ReportRecord["kind"],
    targets: readonly string[],
    by: string,
    now: number,
  ): Promise<void> {
    if (targets.length === 0) return;
    const pairs = JSON.stringify(Object.fromEntries(targets.map((t) => [t, 1])));
    await this.q.action.run(now, by, kind, pairs);
  }

  async deleteReport(id: string): Promise<boolean> {
    return (await this.q.deleteReport.run(id)) === 1;
  }

  deleteStaleReports(resolvedBefore: number, limit: number): Promise<number> {
    return this.q.deleteStale.run(resolvedBefore, limit);
  }

  async findPaste(id: string, now: number): Promise<AdminPasteRecord | undefined> {
    const row = await this.q.findPaste.get(now, id);
    if (!row) return undefined;
    return {
      ...toMeta(row),
      sha256: (row.sha256 as string | null) ?? null,
      sourceRecorded: Number(row.source_recorded) === 1,
    };
  }

  async findShortUrl(id: string): Promise<ShortUrlRecord | undefined> {
    const row = await this.q.findShort.get(id);
    return row ? toShortUrl(row) : undefined;
  }

  quarantinePaste(id: string, now: number, sameSource: boolean): Promise<string[]> {
    const q = this.q;
    return this.db.transaction(function* () {
      const source = yield* get(q.source, id);
      if (!source) return [];
      yield* run(q.quarantine, now, id);
      const kept = source.source_hash !== null && Number(source.source_until) > now;
      if (!sameSource || !kept) return [id];
      const others = yield* all(q.quarantineSource, now, source.source_hash, now, now);
      // The paste itself was quarantined just above: `quarantined_at IS NULL` leaves it out of `others`.
      return [id, ...others.map((r) => r.id as string).sort()];
    });
  }

  async releasePaste(id: string): Promise<boolean> {
    return (await this.q.release.run(id)) === 1;
  }

  async quarantineShortUrl(id: string, now: number): Promise<boolean> {
    return (await this.q.quarantineShort.run(now, id)) === 1;
  }

  async releaseShortUrl(id: string): Promise<boolean> {
    return (await this.q.releaseShort.run(id)) === 1;
  }

  addBlock(block: BlockRecord): Promise<{ added: boolean; quarantined: string[] }> {
    const q = this.q;
    const barrier = this.db.dialect.pasteWriteBarrier;
    return this.db.transaction(function* () {
      if (barrier) yield* exec(barrier);
      const added = (yield* run(q.insertBlock, block.sha256, block.createdAt, block.createdBy)) === 1;
      yield* run(q.quarantineHash, block.createdAt, block.sha256, block.createdAt);
      const rows = yield* all(q.withHash, block.sha256);
      return { added, quarantined: rows.map((r) => r.id as string) };
    });
  }

  async removeBlock(sha256: string): Promise<boolean> {
    return (await this.q.removeBlock.run(sha256)) === 1;
  }

  async listBlocks(limit: number, offset: number): Promise<Page<BlockRecord>> {
    const items = (await this.q.listBlocks.all(limit, offset)).map(toBlock);
    return { items, total: Number((await this.q.countBlocks.get())?.n) };
  }

  forgetSources(now: number, limit: number): Promise<number> {
    return this.q.forgetSources.run(now, limit);
  }
}
