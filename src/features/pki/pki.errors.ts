import { AppError } from "../../shared/errors.ts";

/** The PKI's errors, as the FlaskPaste API reference words them. */
export const pkiErrors = {
  disabled: () => new AppError(404, "PKI not enabled"),
  noCa: () => new AppError(404, "CA not initialized", { hint: "POST /pki/ca to generate CA" }),
  caExists: () => new AppError(409, "CA already exists"),
  commonNameRequired: () => new AppError(400, "common_name required"),
  invalidCommonName: () => new AppError(400, "Invalid common_name: 1 to 64 printable characters"),
  invalidPkcs12Password: () =>
    new AppError(400, "Invalid pkcs12_password: a string of at most 256 characters"),
  authenticationRequired: () => new AppError(401, "Authentication required"),
  adminRequired: () => new AppError(403, "Admin access required"),
  permissionDenied: () => new AppError(403, "Permission denied"),
  certNotFound: () => new AppError(404, "Certificate not found"),
  alreadyRevoked: () => new AppError(409, "Certificate already revoked"),
  registrationDisabled: () => new AppError(403, "Registration disabled"),
};
