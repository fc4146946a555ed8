/**
 * GET /api/v1/users/{id}/images/download-all streams: the server's memory grows by a bounded amount
 * however many images an account holds (issue 17, item 4). Measured on the real server in its own
 * process, from its resident set (/proc/<pid>/status), over a collection far larger than the bound.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { PNG_1X1 } from "../fixtures/files.ts";
import { postgresUnderTest } from "../helpers/database.ts";
import { type ServerProcess, spawnServer } from "../helpers/process.ts";

const API = "/api/v1";
const MIB = 1024 * 1024;
// Eight images, the largest near MAX_AUTH's default (50 MiB): 188 MiB, whose JSON is twice that.
const SIZES = [46, 40, 32, 24, 16, 12, 10, 8].map((n) => n * MIB);
const LARGEST = Math.max(...SIZES);
/**
 * The bound on growth, whatever the number or the size of the images, on both backends: images are
 * stored in 1 MiB chunks, so that a read holds a chunk, never an image (src/store/sql/rows.ts).
 */
const BOUND = 64 * MIB;

/** A figure from /proc/<pid>/status, in bytes. */
function memoryOf(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match?.[1]) throw new Error(`no ${field} for ${pid}`);
  return Number(match[1]) * 1024;
}

/** Compares a response body with the expected pieces as they arrive, holding neither whole. */
async function assertStreamEquals(body: ReadableStream<Uint8Array>, expected: Iterable<Uint8Array>) {
  const pieces = expected[Symbol.iterator]();
  const reader = body.getReader();
  let current: Uint8Array = new Uint8Array(0);
  let at = 0;
  let offset = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value;
    for (let i = 0; i < chunk.length; ) {
      if (at === current.length) {
        const next = pieces.next();
        assert.ok(!next.done, `the body goes on past its expected end, at byte ${offset}`);
        current = next.value;
        at = 0;
        continue;
      }
      const n = Math.min(current.length - at, chunk.length - i);
      if (Buffer.compare(chunk.subarray(i, i + n), current.subarray(at, at + n)) !== 0) {
        assert.fail(`the body differs from the expected JSON within bytes ${offset}…${offset + n}`);
      }
      i += n;
      at += n;
      offset += n;
    }
  }
  assert.equal(at, current.length, `the body stops short, at byte ${offset}`);
  assert.ok(pieces.next().done, `the body stops short, at byte ${offset}`);
  return offset;
}

async function call(base: string, method: string, path: string, body?: BodyInit, token?: string) {
  const res = await fetch(`${base}${API}${path}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body ? { body } : {}),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

it("download-all of images totalling 188 MiB grows the server's memory by at most 64 MiB, every image intact", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "sealbin-download-memory-"));
  const env = { SEALBIN_DB: join(dir, "sealbin.db"), SEALBIN_RATE_LIMIT: "0" };
  let server: ServerProcess = spawnServer(dir, env);
  try {
    let base = await server.listening();
    const password = "correct horse battery";
    for (const username of ["owner", "warmup"]) {
      await call(
        base,
        "POST",
        "/auth/register",
        new URLSearchParams({ username, password, publicKey: "3 5" }),
      );
    }
    const login = async (username: string) =>
      call(base, "POST", "/auth/login", new URLSearchParams({ username, password }));
    const owner = await login("owner");
    const images = SIZES.map((size, n) => ({
      name: `photo${n}.png`,
      bytes: Buffer.concat([PNG_1X1, randomBytes(size - PNG_1X1.length)]),
      quotient: `${n} 98 77 `.repeat(100),
    }));
    for (const image of images) {
      const form = new FormData();
      form.append("imageFile", new Blob([new Uint8Array(image.bytes)]), image.name);
      form.append("quotient", image.quotient);
      await call(base, "POST", `/users/${owner.user_id}/images`, form, owner.access_token);
    }

    // A fresh process: nothing the uploads left on its heap flatters the figures.
    await server.stop();
    server = spawnServer(dir, env);
    base = await server.listening();
    const pid = server.child.pid as number;
    // The route once through on a small account, so that code loaded on first use is not counted.
    const warmup = await login("warmup");
    const tiny = new FormData();
    tiny.append("imageFile", new Blob([new Uint8Array(PNG_1X1)]), "tiny.png");
    await call(base, "POST", `/users/${warmup.user_id}/images`, tiny, warmup.access_token);
    await call(base, "GET", `/users/${warmup.user_id}/images/download-all`, undefined, warmup.access_token);

    writeFileSync(`/proc/${pid}/clear_refs`, "5"); // the peak (VmHWM) starts again from now
    const before = memoryOf(pid, "VmRSS");
    const started = Date.now();
    const res = await fetch(`${base}${API}/users/${owner.user_id}/images/download-all`, {
      headers: { authorization: `Bearer ${owner.access_token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
    // Byte for byte what JSON.stringify writes for the whole collection (so it parses, and every
    // image's bytes and quotient are intact), checked one image at a time.
    const expected = function* () {
      yield Buffer.from("[");
      for (const [n, image] of images.entries()) {
        const view = {
          img_name: image.name,
          img_content: image.bytes.toString("latin1"),
          quotient: image.quotient,
        };
        yield Buffer.from(`${n > 0 ? "," : ""}${JSON.stringify(view)}`, "utf8");
      }
      yield Buffer.from("]");
    };
    assert.ok(res.body);
    const length = await assertStreamEquals(res.body, expected());
    const peak = memoryOf(pid, "VmHWM");
    const growth = peak - before;
    const total = SIZES.reduce((a, b) => a + b, 0);
    t.diagnostic(
      `images ${total / MIB} MiB, JSON ${(length / MIB).toFixed(0)} MiB in ${Date.now() - started} ms; ` +
        `server RSS before ${(before / MIB).toFixed(1)} MiB, peak ${(peak / MIB).toFixed(1)} MiB, ` +
        `growth ${(growth / MIB).toFixed(1)} MiB (bound ${BOUND / MIB} MiB, largest image ${LARGEST / MIB} MiB)` +
        ` on ${postgresUnderTest() ? "PostgreSQL" : "SQLite"}`,
    );
    assert.ok(growth <= BOUND, `the server grew by ${(growth / MIB).toFixed(1)} MiB`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
