import { AppError } from "../../shared/errors.ts";

/**
 * The image store's errors, worded as the original API documents them. The /api/v1 scope answers
 * every AppError as {"message": ...} (see accounts.routes.ts), not the paste API's {"error": ...}.
 */
export const accountErrors = {
  required: (field: string) => new AppError(422, `${field} is required`),
  invalid: (message: string) => new AppError(422, message),
  /** A body that cannot be read: cut off, malformed, or of a kind the route refuses. */
  badBody: (message: string) => new AppError(400, message),
  bodyTooLarge: () => new AppError(413, "Request body too large"),
  usernameTaken: () => new AppError(409, "Username already exists"),
  badCredentials: () => new AppError(422, "Username or password is invalid"),
  badHeader: () => new AppError(422, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"),
  badSignature: () => new AppError(422, "Signature verification failed"),
  expired: () => new AppError(401, "Token has expired"),
  revoked: () => new AppError(401, "Token has been revoked"),
  notAuthorized: () => new AppError(401, "User is not authorized"),
  userNotFound: () => new AppError(404, "User not found"),
  imageNotFound: () => new AppError(404, "Image not found"),
  permissionNotFound: () => new AppError(404, "Permission for User id not found"),
  permissionExists: () => new AppError(409, "Permission user id is already exists"),
  tooLarge: (limit: number) => new AppError(413, `Image too large (max ${limit} bytes)`),
  tooMany: (limit: number) => new AppError(422, `Image limit reached (${limit} images per account)`),
};
