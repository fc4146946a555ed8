/**
 * The benchmark's baseline: the least a paste server can do, written with node:http and node:sqlite
 * alone. Same table, same SQL as sealbin for create (POST /), get-raw (GET /{id}/raw) and get-meta
 * (GET /{id}); WAL and prepared statements; no limits, no checks, no logging. sealbin's figures are
 * printed as ratios of this server's, measured in the same run on the same core.
 * Run: node bench/lib/baseline-server.ts DB_FILE [PORT]   (prints "listening at http://…")
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { DatabaseSync } from "node:sqlite";

const db = new DatabaseSync(process.argv[2] ?? ":memory:");
db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
db.exec(`CREATE TABLE IF NOT EXISTS pastes (
  id TEXT PRIMARY KEY, owner TEXT, mime_type TEXT NOT NULL, size INTEGER NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, idle_ttl INTEGER,
  burn_after_read INTEGER NOT NULL DEFAULT 0, password_hash TEXT, content BLOB NOT NULL)`);

const META = "id, owner, mime_type, size, created_at, expires_at, idle_ttl, burn_after_read, password_hash";
const insert = db.prepare(
  `INSERT INTO pastes (${META}, content) VALUES (?, NULL, ?, ?, ?, ?, ?, 0, NULL, ?) ON CONFLICT (id) DO NOTHING`,
);
const read = db.prepare(
  `SELECT ${META}, CASE WHEN password_hash IS NULL AND burn_after_read = 0 THEN content END AS content FROM pastes WHERE id = ? AND expires_at > ?`,
);
const find = db.prepare(`SELECT ${META} FROM pastes WHERE id = ? AND expires_at > ?`);

const now = () => Math.floor(Date.now() / 1000);

const server = createServer((req, res) => {
  const url = req.url ?? "/";
  if (req.method === "POST" && url === "/") {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const content = Buffer.concat(chunks);
      const id = randomBytes(6).toString("hex");
      const t = now();
      insert.run(id, "text/plain", content.length, t, t + 86400, 86400, content);
      res.writeHead(201, { "content-type": "application/json", location: `/${id}` });
      res.end(
        JSON.stringify({ id, url: `/${id}`, raw: `/${id}/raw`, mime_type: "text/plain", created_at: t }),
      );
    });
    return;
  }
  const raw = /^\/([0-9a-f]{12})\/raw$/.exec(url);
  if (req.method === "GET" && raw) {
    const row = read.get(raw[1] as string, now()) as { content: Uint8Array; mime_type: string } | undefined;
    if (!row) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": row.mime_type, "content-length": row.content.byteLength });
    res.end(row.content);
    return;
  }
  const meta = /^\/([0-9a-f]{12})$/.exec(url);
  if (req.method === "GET" && meta) {
    const row = find.get(meta[1] as string, now()) as Record<string, unknown> | undefined;
    if (!row) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: row.id,
        mime_type: row.mime_type,
        size: row.size,
        created_at: row.created_at,
        raw: `/${row.id}/raw`,
      }),
    );
    return;
  }
  res.writeHead(404).end();
});

server.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  if (address && typeof address === "object") console.log(`listening at http://127.0.0.1:${address.port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
