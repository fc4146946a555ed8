import { AppError } from "../../shared/errors.ts";
import { TUS_VERSION } from "./uploads.models.ts";

/** Resumable uploads' errors (docs/uploads.md), a stable code each; tus clients decide on the status. */
export const uploadErrors = {
  notFound: () => new AppError({ status: 404, code: "upload_not_found", message: "Upload not found" }),
  /** Tus-Resumable missing, or a version other than 1.0.0 (tus: 412, with Tus-Version). */
  version: () =>
    new AppError({
      status: 412,
      code: "tus_version_unsupported",
      message: `Tus-Resumable: ${TUS_VERSION} required`,
      headers: { "tus-version": TUS_VERSION },
    }),
  invalidHeader: (message: string) => new AppError({ status: 400, code: "invalid_upload_request", message }),
  /** The PATCH's Upload-Offset is not where the upload is (tus: 409); the answer says where it is. */
  offsetMismatch: (offset: number) =>
    new AppError({
      status: 409,
      code: "upload_offset_mismatch",
      message: "Upload-Offset does not match the upload's offset",
      extra: { offset },
      headers: { "upload-offset": String(offset) },
    }),
  complete: () =>
    new AppError({
      status: 409,
      code: "upload_complete",
      message: "This upload is complete: it is a paste now",
    }),
  pastLength: (length: number) =>
    new AppError({
      status: 413,
      code: "upload_past_length",
      message: `The body runs past the upload's length (${length} bytes)`,
    }),
};
