import { AppError } from "../../shared/errors.ts";

export const NO_CA_HINT = "POST /pki/ca to generate CA";

/**
 * The PKI's errors, as the FlaskPaste API reference words them. Who may call (authentication,
 * admin, ownership) is features/identity's: identityErrors.
 */
export const pkiErrors = {
  disabled: () => new AppError({ status: 404, code: "pki_disabled", message: "PKI not enabled" }),
  noCa: () =>
    new AppError({
      status: 404,
      code: "ca_not_initialized",
      message: "CA not initialized",
      extra: { hint: NO_CA_HINT },
    }),
  caExists: () => new AppError({ status: 409, code: "ca_exists", message: "CA already exists" }),
  commonNameRequired: () =>
    new AppError({ status: 400, code: "common_name_required", message: "common_name required" }),
  invalidCommonName: () =>
    new AppError({
      status: 400,
      code: "invalid_common_name",
      message: "Invalid common_name: 1 to 64 printable characters",
    }),
  invalidPkcs12Password: () =>
    new AppError({
      status: 400,
      code: "invalid_pkcs12_password",
      message: "Invalid pkcs12_password: a string of at most 256 characters",
    }),
  certNotFound: () =>
    new AppError({ status: 404, code: "certificate_not_found", message: "Certificate not found" }),
  alreadyRevoked: () =>
    new AppError({
      status: 409,
      code: "certificate_already_revoked",
      message: "Certificate already revoked",
    }),
  registrationDisabled: () =>
    new AppError({ status: 403, code: "registration_disabled", message: "Registration disabled" }),
};
