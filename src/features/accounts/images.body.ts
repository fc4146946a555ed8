import type { IncomingMessage } from "node:http";
import { Busboy, type BusboyHeaders } from "@fastify/busboy";
import { accountErrors } from "./accounts.errors.ts";
import type { UploadedImage } from "./images.usecases.ts";

/**
 * The original client's upload: multipart/form-data with the file in `imageFile` and a `quotient`
 * text field. Reading stops as soon as the file passes `limit` (or the quotient does).
 */
export function readImageForm(req: IncomingMessage, limit: number): Promise<UploadedImage | undefined> {
  const type = req.headers["content-type"] ?? "";
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(
      accountErrors.invalid("Send the image as multipart/form-data with an imageFile field"),
    );
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe();
      req.resume();
      reject(err);
    };
    let busboy: InstanceType<typeof Busboy>;
    try {
      busboy = new Busboy({
        headers: req.headers as BusboyHeaders,
        limits: { files: 1, fields: 10, parts: 11, fieldSize: limit, fileSize: limit, headerPairs: 20 },
      });
    } catch {
      reject(accountErrors.invalid("Malformed multipart body"));
      return;
    }
    let file: { content: Buffer; filename: string | undefined } | undefined;
    let quotient = "";
    busboy.on("file", (name, stream, filename) => {
      if (name !== "imageFile") {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("limit", () => fail(accountErrors.tooLarge(limit)));
      stream.on("end", () => {
        file = { content: Buffer.concat(chunks), filename };
      });
    });
    busboy.on("field", (name, value, _nameTruncated, valueTruncated) => {
      if (name !== "quotient") return;
      if (valueTruncated) fail(accountErrors.tooLarge(limit));
      quotient = value;
    });
    busboy.on("error", () => fail(accountErrors.invalid("Malformed multipart body")));
    busboy.on("finish", () => {
      if (settled) return;
      settled = true;
      resolve(file ? { ...file, quotient } : undefined);
    });
    req.on("aborted", () => fail(accountErrors.invalid("Request body incomplete")));
    req.pipe(busboy);
  });
}
