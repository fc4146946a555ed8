import { AppError } from "../../shared/errors.ts";

/** The paste API's errors, with the status codes and messages of the FlaskPaste API reference. */
export const pasteErrors = {
  invalidId: () => new AppError(400, "Invalid paste ID format"),
  notFound: () => new AppError(404, "Paste not found"),
  noContent: () => new AppError(400, "No content provided"),
  invalidJson: () => new AppError(400, "Invalid JSON body", { hint: 'Send {"content": "..."}' }),
  invalidMultipart: (why: string) => new AppError(400, `Invalid multipart body: ${why}`),
  tooLarge: (size: number, maxSize: number, authenticated: boolean) =>
    new AppError(413, "Paste too large", { size, max_size: maxSize, authenticated }, { connection: "close" }),
  tooSmall: (size: number, minSize: number) =>
    new AppError(400, "Paste too small", { size, min_size: minSize }),
  passwordTooLong: (max: number) => new AppError(400, `Password too long (max ${max} chars)`),
  passwordRequired: () => new AppError(401, "Password required", { password_protected: true }),
  invalidPassword: () => new AppError(403, "Invalid password"),
  /** The hashing thread's queue is full (every client at once): a last resort, see pastes.password.ts. */
  hashingBusy: () => new AppError(503, "Server busy", { hint: "try again shortly" }, { "retry-after": "5" }),
  authenticationRequired: () => new AppError(401, "Authentication required"),
  permissionDenied: () => new AppError(403, "Permission denied"),
  adminRequired: () => new AppError(403, "Admin access required"),
  uploadExpired: () => new AppError(408, "Upload took too long", { hint: "send the paste again" }),
  /** The request body stopped before its end (client gone, connection reset). */
  incompleteBody: () => new AppError(400, "Request body incomplete"),
};

/** Thrown when a body passes its byte limit; `size` is the declared length or what arrived so far. */
export class BodyTooLarge extends Error {
  readonly size: number;
  constructor(size: number) {
    super("body too large");
    this.size = size;
  }
}
