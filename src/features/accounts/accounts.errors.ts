import { AppError } from "../../shared/errors.ts";

/**
 * The image store's errors, worded as the original API documents them (or, where it documents
 * none, in its manner), each with its stable code (docs/api.md). The /api/v1 scope answers every
 * AppError as {"message", "code"} (see accounts.routes.ts), not the paste API's {"error", "code"}.
 */

const error = (status: number, code: string, message: string) => new AppError({ status, code, message });

/** The fields a form must carry, as their "… is required" messages name them. */
const REQUIRED = {
  username: { code: "missing_username", name: "Username" },
  password: { code: "missing_password", name: "Password" },
  publicKey: { code: "missing_public_key", name: "Public key" },
  imageFile: { code: "missing_image", name: "Image file" },
  userId: { code: "missing_user_id", name: "User id" },
  role: { code: "missing_role", name: "Role" },
} as const;

export const accountErrors = {
  required: (field: keyof typeof REQUIRED) =>
    error(422, REQUIRED[field].code, `${REQUIRED[field].name} is required`),
  badUsername: () => error(422, "invalid_username", "Username must be 3 to 64 letters, digits or . _ - @"),
  badPassword: () => error(422, "invalid_password_length", "Password must be 8 to 1024 characters"),
  badPublicKey: () =>
    error(422, "invalid_public_key", "Public key must be at most 8192 printable characters"),
  badRole: () => error(422, "invalid_role", "Role must be read or write"),
  shareWithOwner: () => error(422, "share_with_owner", "An image cannot be shared with its owner"),
  notAnImage: () =>
    error(
      422,
      "not_an_image",
      "File is not an image sealbin recognises (PNG, JPEG, GIF, WebP, AVIF, BMP, TIFF, ICO…)",
    ),
  notMultipart: () =>
    error(422, "image_form_required", "Send the image as multipart/form-data with an imageFile field"),
  namesExhausted: () => error(422, "image_names_exhausted", "Too many images with that name"),
  /** A body that cannot be read (400): cut off, malformed, or of a kind the route refuses. */
  incomplete: () =>
    error(400, "multipart_incomplete", "Incomplete multipart body: it ends before its closing boundary"),
  malformed: () => error(400, "multipart_malformed", "Malformed multipart body"),
  noBoundary: () =>
    error(400, "multipart_no_boundary", "Malformed multipart body: the Content-Type names no boundary"),
  aborted: () => error(400, "incomplete_body", "Request body incomplete"),
  tooManyFields: () => error(400, "too_many_fields", "Too many form fields"),
  tooManyParts: () => error(400, "too_many_parts", "Too many form parts"),
  fileRefused: () => error(400, "form_file_refused", "This form takes text fields only, not files"),
  tooManyFiles: (field: string) => error(400, "too_many_files", `Too many files: send one, in ${field}`),
  bodyTooLarge: () => error(413, "body_too_large", "Request body too large"),
  usernameTaken: () => error(409, "username_taken", "Username already exists"),
  badCredentials: () => error(422, "invalid_credentials", "Username or password is invalid"),
  badHeader: () =>
    error(
      422,
      "bad_authorization_header",
      "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'",
    ),
  badSignature: () => error(422, "token_invalid", "Signature verification failed"),
  expired: () => error(401, "token_expired", "Token has expired"),
  revoked: () => error(401, "token_revoked", "Token has been revoked"),
  /** The same error src/http/identity.ts answers for a token whose account is gone. */
  notAuthorized: () => error(401, "not_authorized", "User is not authorized"),
  userNotFound: () => error(404, "user_not_found", "User not found"),
  imageNotFound: () => error(404, "image_not_found", "Image not found"),
  permissionNotFound: () => error(404, "permission_not_found", "Permission for User id not found"),
  permissionExists: () => error(409, "permission_exists", "Permission user id is already exists"),
  tooLarge: (limit: number) => error(413, "image_too_large", `Image too large (max ${limit} bytes)`),
  tooMany: (limit: number) =>
    error(422, "image_limit_reached", `Image limit reached (${limit} images per account)`),
};

/**
 * The answers of the /api/v1 scope itself, for what fails before or around the usecases: the
 * framework's 4xx (in words that never quote the request), the not-found path, the database out
 * of reach and the unexpected failure (logged, its details never sent). The codes are those the
 * paste API gives the same errors (src/http/errors.ts).
 */
export const scopeErrors = {
  unsupportedType: () =>
    error(
      415,
      "unsupported_media_type",
      "Unsupported content type: send a form (urlencoded or multipart) or JSON",
    ),
  /** A body Fastify could not parse or that does not fit the route's schema; the code says which. */
  malformedBody: (
    code: "invalid_json" | "invalid_content_length" | "invalid_request" | "bad_request",
    status = 400,
  ) => error(status, code, "Malformed request body"),
  notFound: () => error(404, "not_found", "Not found"),
  databaseUnavailable: () =>
    new AppError({
      status: 503,
      code: "database_unavailable",
      message: "Database unavailable",
      headers: { "retry-after": "5" },
    }),
  internal: () => error(500, "internal_error", "Internal server error"),
};
