/**
 * Large files, end to end encrypted as a version-2 stream (src/protocol/stream-cipher.ts) and sent
 * with resumable uploads (tus 1.0, docs/uploads.md): one or several files become one paste whose
 * encrypted metadata keeps their names. The CLI and the page both use it, over their transports.
 *
 * Resume: the stream is deterministic for a key and a salt, so a client that kept the upload's URL,
 * key and salt (`UploadState`) encrypts again from the start and sends only what the server lacks.
 */
import { fromBase64, fromHex, randomBytes, toHex, utf8 } from "../protocol/bytes.ts";
import { fragmentOfKey } from "../protocol/paste-cipher.ts";
import { sealedStreamSize, sealStream } from "../protocol/stream-cipher.ts";
import type { StreamFile } from "../protocol/stream-metadata.ts";
import { HEADERS, ROUTES } from "../protocol/vocabulary.ts";
import type { Progress, SealbinClient } from "./client.ts";
import { ClientError, refusal } from "./errors.ts";
import { checkSize, type PasteLimits } from "./pastes.ts";

const TUS = { "tus-resumable": "1.0.0" };
/**
 * From this size a single file goes as a version-2 stream over a resumable upload (several files
 * always do): below it, one POST / of a version-1 paste. The CLI and the page use the same rule.
 */
export const RESUMABLE_FROM_BYTES = 16 * 1024 * 1024;
/** Bytes per PATCH: what a request holds in memory, and what a cut connection may cost again. */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;

/** A file to send: its name, type and size, and its bytes from the start, as often as asked. */
export interface UploadSource extends StreamFile {
  open(): AsyncIterable<Uint8Array>;
}

/** What a client keeps to resume an upload later (a secret: it holds the key). */
export interface UploadState {
  readonly url: string;
  readonly fragment: string;
  readonly salt: string;
  readonly length: number;
}

export interface NewUpload {
  readonly files: readonly UploadSource[];
  readonly maxViews?: number;
  readonly expirySeconds?: number;
  readonly password?: string;
  /** An upload started earlier with these same files: sent on from where the server is. */
  readonly resume?: UploadState;
  /** Called once the upload exists, with what resuming it needs. */
  readonly onState?: (state: UploadState) => void | Promise<void>;
  readonly onProgress?: (progress: Progress) => void;
  readonly partBytes?: number;
  /** The server's limits (pasteLimits): an upload over them is refused before any work. */
  readonly limits?: PasteLimits;
  readonly identified?: boolean;
}

export interface UploadedPaste {
  readonly link: string;
  readonly id: string;
  readonly fragment: string;
}

async function* concatenated(files: readonly UploadSource[]): AsyncGenerator<Uint8Array> {
  for (const file of files) yield* file.open();
}

/** Where the upload is on the server (and its paste once complete), or undefined when it is gone. */
async function statusOf(
  client: SealbinClient,
  url: string,
): Promise<{ offset: number; pasteId?: string } | undefined> {
  const res = await client.request(url, { method: "HEAD", headers: TUS });
  if (res.status === 404 || res.status === 410) return undefined;
  if (res.status !== 200 && res.status !== 204) throw refusal(res);
  const pasteId = res.headers["x-paste-id"];
  return { offset: Number(res.headers["upload-offset"]), ...(pasteId && { pasteId }) };
}

async function start(client: SealbinClient, input: NewUpload, length: number): Promise<string> {
  const headers: Record<string, string> = { ...TUS, "upload-length": String(length) };
  headers["upload-metadata"] = `filetype ${btoa("application/octet-stream")}`;
  if (input.maxViews !== undefined) headers[HEADERS.maxViews] = String(input.maxViews);
  if (input.expirySeconds !== undefined) headers[HEADERS.expiry] = String(input.expirySeconds);
  if (input.password) headers[HEADERS.pastePassword] = input.password;
  const res = await client.powRequest(ROUTES.challenge, ROUTES.uploads, {
    method: "POST",
    headers,
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  if (res.status !== 201 || !res.headers.location) throw refusal(res);
  return new URL(res.headers.location, `${client.base}/`).href;
}

/**
 * Encrypts and uploads `input.files` as one paste; resumes `input.resume` when the server still has
 * it. Memory: one part (UPLOAD_PART_BYTES) and two records, whatever the files' sizes.
 */
export async function uploadFiles(client: SealbinClient, input: NewUpload): Promise<UploadedPaste> {
  const files = input.files.map((f) => ({ name: f.name, ...(f.type && { type: f.type }), size: f.size }));
  const key = input.resume ? fromBase64(input.resume.fragment) : randomBytes(32);
  const salt = input.resume ? fromHex(input.resume.salt) : randomBytes(16);
  if (key?.length !== 32 || salt.length !== 16)
    throw new ClientError("bad-answer", "the saved upload is damaged");
  const metaBytes = utf8(JSON.stringify({ files })).length;
  const length = sealedStreamSize(
    files.reduce((sum, f) => sum + f.size, 0),
    metaBytes,
  );
  // Resumable uploads have their own limit for identified callers (MAX_FILE).
  if (input.limits)
    checkSize(
      { ...input.limits, maxSizeAuth: input.limits.maxFile ?? input.limits.maxSizeAuth },
      input.identified ?? false,
      length,
    );
  let url = input.resume && input.resume.length === length ? input.resume.url : undefined;
  const status = url ? await statusOf(client, url) : undefined;
  const fragment = fragmentOfKey(key);
  // Complete already: the answer to its last part was lost.
  if (status?.pasteId)
    return { link: `${client.url(`/${status.pasteId}`)}#${fragment}`, id: status.pasteId, fragment };
  let offset = status?.offset ?? 0;
  if (url === undefined || status === undefined) url = await start(client, input, length);
  await input.onState?.({ url, fragment, salt: toHex(salt), length });
  const part = input.partBytes ?? UPLOAD_PART_BYTES;
  const buffer = new Uint8Array(part);
  let filled = 0;
  let at = 0;
  let pasteId: string | undefined;
  const send = async (bytes: Uint8Array) => {
    const res = await client.request(url as string, {
      method: "PATCH",
      headers: { ...TUS, "content-type": "application/offset+octet-stream", "upload-offset": String(offset) },
      body: bytes,
      ...(input.onProgress && {
        onProgress: (p: Progress) =>
          p.phase === "upload" &&
          input.onProgress?.({ phase: "upload", done: (offset as number) + p.done, total: length }),
      }),
    });
    if (res.status !== 204) throw refusal(res);
    offset = Number(res.headers["upload-offset"]);
    pasteId = res.headers["x-paste-id"] ?? pasteId;
  };
  const stream = sealStream(key, { files }, concatenated(input.files), { salt });
  for await (const piece of stream) {
    // Already on the server: encrypted again only to reach the rest (the stream is deterministic).
    let bytes = piece;
    if (at + bytes.length <= offset) {
      at += bytes.length;
      continue;
    }
    if (at < offset) bytes = bytes.subarray(offset - at);
    at = Math.max(at, offset) + bytes.length;
    while (bytes.length > 0) {
      const n = Math.min(part - filled, bytes.length);
      buffer.set(bytes.subarray(0, n), filled);
      filled += n;
      bytes = bytes.subarray(n);
      if (filled === part) {
        await send(buffer.subarray(0, filled));
        filled = 0;
      }
    }
  }
  if (filled > 0 || offset < length) await send(buffer.subarray(0, filled));
  if (!pasteId) throw new ClientError("bad-answer", "the server did not say which paste the upload became");
  return { link: `${client.url(`/${pasteId}`)}#${fragment}`, id: pasteId, fragment };
}
