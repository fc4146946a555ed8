import { AppError } from "../../shared/errors.ts";

export const shortErrors = {
  urlRequired: () => new AppError(400, "URL required", { hint: 'POST JSON {"url": "https://…"}' }),
  invalid: (why: string) => new AppError(400, why),
  redirectLoop: () => new AppError(400, "URL must not point to a short URL of this server (redirect loop)"),
  notFound: () => new AppError(404, "Short URL not found"),
  authenticationRequired: () => new AppError(401, "Authentication required"),
  adminRequired: () => new AppError(403, "Admin access required"),
  permissionDenied: () => new AppError(403, "Permission denied"),
};
