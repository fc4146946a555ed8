import type { IncomingMessage } from "node:http";
import { checkFormFields } from "../../http/text-input.ts";
import { readMultipart } from "./accounts.body.ts";
import { accountErrors } from "./accounts.errors.ts";
import type { UploadedImage } from "./images.usecases.ts";

// Room on top of the image and its quotient for the form's framing and a few small fields.
const FRAMING = 64 * 1024;

/**
 * The original client's upload: multipart/form-data with the file in `imageFile` and a `quotient`
 * text field, each at most `limit` bytes; reading stops as soon as either passes it. Other fields
 * and file parts are read and dropped, as the original's form ignores them.
 */
export async function readImageForm(req: IncomingMessage, limit: number): Promise<UploadedImage | undefined> {
  if (!/^multipart\/form-data/i.test(req.headers["content-type"] ?? "")) {
    throw accountErrors.notMultipart();
  }
  const form = await readMultipart(req, req.headers, {
    file: { field: "imageFile", maxBytes: limit },
    maxFiles: 4,
    maxFields: 10,
    maxFieldBytes: limit,
    maxBodyBytes: 2 * limit + FRAMING,
    tooLarge: () => accountErrors.tooLarge(limit),
  });
  const fields = checkFormFields(form.fields);
  return form.file && { ...form.file, quotient: fields.quotient ?? "" };
}
