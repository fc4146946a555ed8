/**
 * Errors are values with a status: usecases throw an AppError, and one handler turns it into the
 * documented JSON body `{"error": message, "code": code, ...extra}` (the image store's /api/v1 says
 * `message` for `error`). The message is the seeds' wording, kept exactly; the code is sealbin's
 * stable name for the error (docs/api.md lists them), which clients decide on.
 */

export interface AppErrorSpec {
  readonly status: number;
  /** Stable, snake_case, listed in docs/api.md: `paste_not_found`, `pow_required`, … */
  readonly code: string;
  readonly message: string;
  /** Documented extra fields of the body. */
  readonly extra?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(spec: AppErrorSpec) {
    super(spec.message);
    this.name = "AppError";
    this.status = spec.status;
    this.code = spec.code;
    this.extra = spec.extra ?? {};
    this.headers = spec.headers ?? {};
  }

  get body(): Record<string, unknown> {
    return { error: this.message, code: this.code, ...this.extra };
  }

  /** The same error with more response headers. */
  withHeaders(headers: Record<string, string>): AppError {
    return new AppError({
      status: this.status,
      code: this.code,
      message: this.message,
      extra: { ...this.extra },
      headers: { ...this.headers, ...headers },
    });
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
