/**
 * Resumable uploads' schemas (tus 1.0, docs/uploads.md): what each route takes and every answer it
 * can give. The tus headers are checked by the routes (each mistake has its documented answer).
 */
import { Type } from "typebox";
import { ErrorBody, headerText, powHeaders, SECURITY } from "../../http/schemas.ts";
import { HEADERS } from "../../protocol/vocabulary.ts";
import { BLOCKED_RESPONSE, WRITES_IDENTIFIED } from "../moderation/moderation.schemas.ts";
import { uploadErrors } from "./uploads.errors.ts";
import { TUS_VERSION } from "./uploads.models.ts";

const TAGS = ["uploads"];
const described = (description: string, example?: { body: unknown }) => ({
  ...ErrorBody,
  description,
  ...(example && { examples: [example.body] }),
});
const header = (description: string) => ({ type: "string", description });
const TUS = { "tus-resumable": header(`Always ${TUS_VERSION}`) };
const Empty = (description: string, headers: Record<string, unknown>) => ({
  type: "null",
  description,
  headers: { ...TUS, ...headers },
});
const IdParams = Type.Object({ id: Type.String({ description: "32 hex characters" }) });
const tusHeader = { "tus-resumable": headerText(`${TUS_VERSION} (required by every request but OPTIONS)`) };

const COMMON = {
  404: described(
    "No such upload, it expired, or it is someone else's (upload_not_found)",
    uploadErrors.notFound(),
  ),
  412: described("Tus-Resumable missing or not 1.0.0 (tus_version_unsupported)", uploadErrors.version()),
};

export const createUploadSchema = {
  summary: "Start a resumable upload (tus creation; PoW required)",
  description:
    "Upload-Length bytes, sent with PATCH. Every rule of POST / that needs no content applies now (the write switch, proof-of-work, the size limit, X-Expiry, X-Burn-After-Read, X-Max-Views, X-Paste-Password); the rest applies when the last byte arrives, and the upload becomes a paste. Abandoned for 24 hours, it is deleted with its bytes.",
  tags: TAGS,
  security: SECURITY.anyoneOrIdentified,
  headers: Type.Object({
    ...tusHeader,
    "upload-length": headerText("The upload's size in bytes"),
    "upload-metadata": headerText("tus metadata; only filetype is used (the content's declared type)"),
    ...powHeaders,
    [HEADERS.expiry]: headerText("Seconds until the paste expires, as on POST /"),
    [HEADERS.burnAfterRead]: headerText("As on POST /"),
    [HEADERS.maxViews]: headerText("As on POST /"),
    [HEADERS.pastePassword]: headerText("As on POST /"),
  }),
  response: {
    201: Empty("Created", {
      location: header("The upload's URL: /uploads/{id}"),
      "upload-expires": header("When it is deleted unless written to (RFC 9110 date)"),
    }),
    400: described(
      "Upload-Length missing or malformed, Upload-Defer-Length, a body sent with it, bad metadata (invalid_upload_request), a bad paste header (as POST /), or the proof-of-work (pow_*)",
    ),
    403: WRITES_IDENTIFIED,
    ...COMMON,
    413: described("Upload-Length passes the caller's limit (paste_too_large)"),
    429: described("rate_limited: RATE_MAX writes per RATE_WINDOW"),
  },
};

export const uploadStatusSchema = {
  summary: "Where an upload is (tus)",
  description: "Upload-Offset is how many bytes are stored: a resumed upload continues from there.",
  tags: TAGS,
  security: SECURITY.anyoneOrIdentified,
  headers: Type.Object(tusHeader),
  params: IdParams,
  response: {
    200: Empty("The upload", {
      "upload-offset": header("Bytes stored"),
      "upload-length": header("The upload's size"),
      "upload-expires": header("When it is deleted unless written to"),
      "x-paste-id": header("Once complete: the paste it became"),
    }),
    ...COMMON,
  },
};

export const appendUploadSchema = {
  summary: "Send an upload's bytes (tus)",
  description:
    "Content-Type: application/offset+octet-stream, Upload-Offset the stored offset. Each chunk is stored as it arrives: a request cut short keeps what came, and the upload resumes from the new offset. The last byte makes the paste (X-Paste-Id), by the rules of POST / that need the content.",
  tags: TAGS,
  security: SECURITY.anyoneOrIdentified,
  headers: Type.Object({ ...tusHeader, "upload-offset": headerText("Where these bytes start") }),
  params: IdParams,
  response: {
    204: Empty("Stored", {
      "upload-offset": header("Bytes stored now"),
      "upload-expires": header("When it is deleted unless written to"),
      "x-paste-id": header("Once complete: the paste it became"),
      location: header("Once complete: the paste's path"),
    }),
    400: described(
      "Upload-Offset missing or malformed (invalid_upload_request), or the complete content breaks a content rule (as POST /)",
    ),
    ...COMMON,
    409: described(
      "Upload-Offset is not the stored offset (upload_offset_mismatch, with the offset), or the upload is complete (upload_complete)",
      uploadErrors.offsetMismatch(0),
    ),
    413: described("The body runs past Upload-Length (upload_past_length)", uploadErrors.pastLength(0)),
    415: described("Not application/offset+octet-stream (unsupported_media_type)"),
    429: described("duplicate_content: DEDUP_MAX submissions of the same content per DEDUP_WINDOW"),
    ...BLOCKED_RESPONSE,
  },
};

export const deleteUploadSchema = {
  summary: "Abandon an upload (tus termination)",
  description: "Deletes the upload and its bytes; a complete upload's paste stays.",
  tags: TAGS,
  security: SECURITY.anyoneOrIdentified,
  headers: Type.Object(tusHeader),
  params: IdParams,
  response: { 204: Empty("Deleted", {}), ...COMMON },
};
