import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { Busboy, type BusboyHeaders, type BusboyInstance } from "@fastify/busboy";
import { checkJsonStrings, jsonText } from "../../http/text-input.ts";
import { type ContentIntake, pump } from "./pastes.content.ts";
import { BodyTooLarge, pasteErrors } from "./pastes.errors.ts";

const incomplete = pasteErrors.incompleteBody;

/**
 * Reads a stream into one buffer with a running byte count, stopping the moment `limit` is passed:
 * an oversized upload is cut off early, never buffered whole. With a declared length the buffer is
 * allocated once, so the body is held in memory once.
 */
export function collect(stream: Readable, limit: number, declaredLength?: number): Promise<Buffer> {
  if (declaredLength !== undefined && declaredLength > limit) {
    return Promise.reject(new BodyTooLarge(declaredLength));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const preallocated = declaredLength === undefined ? undefined : Buffer.allocUnsafe(declaredLength);
    let received = 0;
    const cleanup = () => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("aborted", onError);
    };
    const onData = (chunk: Buffer) => {
      const next = received + chunk.length;
      if (next > limit || (preallocated !== undefined && next > preallocated.length)) {
        cleanup();
        stream.pause();
        reject(new BodyTooLarge(next));
        return;
      }
      if (preallocated) chunk.copy(preallocated, received);
      else chunks.push(chunk);
      received = next;
    };
    const onEnd = () => {
      cleanup();
      if (preallocated)
        resolve(received === preallocated.length ? preallocated : preallocated.subarray(0, received));
      else resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, received));
    };
    const onError = () => {
      cleanup();
      reject(incomplete());
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("aborted", onError);
  });
}

function declaredLengthOf(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  return header !== undefined && /^[0-9]+$/.test(header) ? Number(header) : undefined;
}

export type BodyKind = "json" | "multipart" | "raw";

export function bodyKindOf(contentType: string | undefined): BodyKind {
  const media = contentType?.split(";", 1)[0]?.trim().toLowerCase();
  if (media === "application/json") return "json";
  if (media === "multipart/form-data") return "multipart";
  return "raw";
}

// Room for JSON escapes (a \n is two bytes) and multipart framing on top of the content limit.
const JSON_OVERHEAD_FACTOR = 2;
const FRAMING_SLACK = 64 * 1024;

/**
 * Streams the paste content of a raw body, JSON `{"content": "..."}` or multipart/form-data with a
 * `file` field into `intake`, and returns the Content-Type the client declared for it. Throws the
 * documented 413 when the content passes `limit`. Raw and multipart bodies stream through in
 * chunks; a JSON body is one document and is parsed whole (large uploads should be raw).
 */
export async function readPasteBody(
  req: IncomingMessage,
  limit: number,
  authenticated: boolean,
  intake: ContentIntake,
): Promise<string | undefined> {
  const contentType = req.headers["content-type"];
  try {
    switch (bodyKindOf(contentType)) {
      case "json":
        await intake.push(await readJson(req, limit));
        return undefined;
      case "multipart":
        return await readMultipart(req, limit, intake);
      default: {
        const declared = declaredLengthOf(req);
        if (declared !== undefined && declared > limit) throw new BodyTooLarge(declared);
        await pump(req, intake);
        return contentType;
      }
    }
  } catch (err) {
    if (err instanceof BodyTooLarge) {
      // A declared body at most DRAIN_MAX over the limit is read to its end and dropped once the
      // answer is sent (Node does that for a connection kept alive), as nginx's lingering close does:
      // a client still sending then reads the 413 rather than a connection reset.
      const declared = declaredLengthOf(req);
      const drain = declared !== undefined && declared <= limit + DRAIN_MAX;
      throw pasteErrors.tooLarge(err.size, limit, authenticated, drain);
    }
    throw err;
  }
}

/** How far past its limit a refused body is still read (and dropped) rather than cut off. */
const DRAIN_MAX = 16 * 1024 * 1024;

async function readJson(req: IncomingMessage, limit: number): Promise<Buffer> {
  const raw = await collect(req, limit * JSON_OVERHEAD_FACTOR + FRAMING_SLACK, declaredLengthOf(req));
  let parsed: unknown;
  const text = jsonText(raw);
  try {
    parsed = JSON.parse(text);
  } catch {
    throw pasteErrors.invalidJson();
  }
  checkJsonStrings(text, parsed, { nulAllowed: true });
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw pasteErrors.invalidJson();
  const content = (parsed as { content?: unknown }).content;
  if (content === undefined || content === null || content === "") throw pasteErrors.noContent();
  if (typeof content !== "string") throw pasteErrors.invalidJson();
  const bytes = Buffer.from(content, "utf8");
  if (bytes.length > limit) throw new BodyTooLarge(bytes.length);
  return bytes;
}

function readMultipart(
  req: IncomingMessage,
  limit: number,
  intake: ContentIntake,
): Promise<string | undefined> {
  const rawLimit = limit + FRAMING_SLACK;
  const declared = declaredLengthOf(req);
  if (declared !== undefined && declared > rawLimit) return Promise.reject(new BodyTooLarge(declared));

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe();
      req.pause();
      reject(err);
    };
    let busboy: BusboyInstance;
    try {
      busboy = new Busboy({
        headers: req.headers as BusboyHeaders,
        limits: { files: 1, fields: 20, parts: 21, fieldSize: 64 * 1024, fileSize: limit, headerPairs: 20 },
      });
    } catch {
      reject(pasteErrors.invalidMultipart("missing or malformed boundary"));
      return;
    }
    let file: Promise<string | undefined> | undefined;
    busboy.on("file", (field, stream, _filename, _encoding, mimeType) => {
      // Busboy raises 'error' on a part's stream when the body ends inside that part. Unheard, that
      // error would end the process: every part's stream gets a listener before anything else.
      stream.on("error", () => fail(pasteErrors.invalidMultipart("part cut off before its end")));
      if (field !== "file" || file) {
        stream.resume();
        return;
      }
      stream.on("limit", () => fail(new BodyTooLarge(limit + 1)));
      file = pump(stream, intake).then(() => mimeType);
      file.catch(fail);
    });
    busboy.on("finish", () => {
      if (settled) return;
      if (!file) {
        fail(pasteErrors.noContent());
        return;
      }
      file.then((mimeType) => {
        if (settled) return;
        settled = true;
        resolve(mimeType);
      }, fail);
    });
    busboy.on("error", () => fail(pasteErrors.invalidMultipart("malformed body")));
    busboy.on("partsLimit", () => fail(pasteErrors.invalidMultipart("too many parts")));
    busboy.on("fieldsLimit", () => fail(pasteErrors.invalidMultipart("too many fields")));

    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > rawLimit) fail(new BodyTooLarge(received));
    });
    req.on("aborted", () => fail(incomplete()));
    req.on("error", () => fail(incomplete()));
    req.pipe(busboy);
  });
}
