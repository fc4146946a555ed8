import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { Busboy, type BusboyHeaders, type BusboyInstance } from "@fastify/busboy";
import type { AppError } from "../../shared/errors.ts";
import { accountErrors } from "./accounts.errors.ts";

/** What a multipart/form-data body may hold; every size and count is checked while it streams in. */
export interface MultipartLimits {
  /**
   * The one file part kept, by field name, and its size; other file parts are read and dropped.
   * Without it, a file part is refused (400).
   */
  readonly file?: { readonly field: string; readonly maxBytes: number };
  readonly maxFiles?: number;
  readonly maxFields: number;
  /** Each text field's size. */
  readonly maxFieldBytes: number;
  /** The whole body, framing included, as declared (Content-Length) and as counted. */
  readonly maxBodyBytes: number;
  /** The answer when a size passes its limit. */
  readonly tooLarge: () => AppError;
}

export interface MultipartForm {
  /** Text fields by name (the last of a repeated name, like a urlencoded form). */
  readonly fields: Record<string, string>;
  readonly file: { readonly content: Buffer; readonly filename: string | undefined } | undefined;
}

function declaredLength(headers: IncomingHttpHeaders): number | undefined {
  const header = headers["content-length"];
  return header !== undefined && /^[0-9]+$/.test(header) ? Number(header) : undefined;
}

/** What is left of a refused body that the server still reads past, so that the client hears why. */
const DRAIN_MAX = 1024 * 1024;

/**
 * A refusal answered before the body was read to its end. With little left (and a declared length
 * saying how little), the rest is read and dropped first, so that the client, still sending, hears
 * the answer rather than a reset; with more, or an unknown length, the connection closes after the
 * answer rather than read a body the server has refused.
 */
function refuse(body: Readable, rest: number, err: AppError): Promise<AppError> {
  if (rest > DRAIN_MAX) {
    body.pause();
    return Promise.resolve(err.withHeaders({ connection: "close" }));
  }
  return new Promise((resolve) => {
    const done = () => resolve(err);
    body.once("end", done);
    body.once("close", done);
    body.resume();
  });
}

/**
 * Reads a multipart/form-data body with @fastify/busboy within `limits`. Every stream involved has
 * its errors handled — the body ('error', 'aborted', closed early), busboy, every part's file
 * stream — because busboy raises 'error' on a file stream whose part the body cuts off, and an
 * 'error' nobody listens to ends the process. Any failure is one AppError: 400 for a cut-off,
 * malformed or refused body, `tooLarge()` for a size; the first failure wins and reading stops.
 */
export function readMultipart(
  body: Readable,
  headers: IncomingHttpHeaders,
  limits: MultipartLimits,
): Promise<MultipartForm> {
  const declared = declaredLength(headers);
  if (declared !== undefined && declared > limits.maxBodyBytes) {
    return refuse(body, declared, limits.tooLarge()).then((err) => Promise.reject(err));
  }
  let busboy: BusboyInstance;
  try {
    busboy = Busboy({
      headers: headers as BusboyHeaders,
      limits: {
        files: limits.file ? (limits.maxFiles ?? 1) : 0,
        fields: limits.maxFields,
        // One more than fields and files, so that a count over either says which.
        parts: limits.maxFields + (limits.file ? (limits.maxFiles ?? 1) : 0) + 1,
        fieldSize: limits.maxFieldBytes,
        fileSize: limits.file?.maxBytes ?? 0,
        headerPairs: 20,
        headerSize: 8 * 1024,
      },
    });
  } catch {
    return Promise.reject(accountErrors.noBoundary());
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    let received = 0;
    const fields = new Map<string, string>();
    let file: MultipartForm["file"];
    let fileSeen = false;

    const detach = () => {
      body.off("data", count);
      body.off("aborted", onAborted);
      body.off("close", onClose);
    };
    const fail = (err: AppError) => {
      if (settled) return;
      settled = true;
      detach();
      body.unpipe(busboy);
      if (body.readableEnded) reject(err);
      else
        refuse(body, declared === undefined ? Number.POSITIVE_INFINITY : declared - received, err).then(
          reject,
        );
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.maxBodyBytes) fail(limits.tooLarge());
    };
    const onAborted = () => fail(accountErrors.aborted());
    const onClose = () => {
      if (!body.readableEnded) onAborted();
    };

    // Listeners that stay for the streams' lifetime: errors may come after the first failure.
    body.on("error", onAborted);
    busboy.on("error", (err: Error) =>
      fail(/Unexpected end/i.test(err.message) ? accountErrors.incomplete() : accountErrors.malformed()),
    );
    busboy.on("file", (name, stream, filename) => {
      stream.on("error", () => fail(accountErrors.incomplete()));
      if (!limits.file || name !== limits.file.field || fileSeen) {
        stream.resume();
        return;
      }
      fileSeen = true;
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => fail(limits.tooLarge()));
      stream.on("end", () => {
        if (!stream.truncated) file = { content: Buffer.concat(chunks), filename };
      });
    });
    busboy.on("field", (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) fail(limits.tooLarge());
      else fields.set(name, value);
    });
    busboy.on("filesLimit", () =>
      fail(limits.file ? accountErrors.tooManyFiles(limits.file.field) : accountErrors.fileRefused()),
    );
    busboy.on("fieldsLimit", () => fail(accountErrors.tooManyFields()));
    busboy.on("partsLimit", () => fail(accountErrors.tooManyParts()));
    busboy.on("finish", () => {
      if (settled) return;
      settled = true;
      detach();
      resolve({ fields: Object.fromEntries(fields), file });
    });

    body.on("data", count);
    body.on("aborted", onAborted);
    body.on("close", onClose);
    body.pipe(busboy);
  });
}
