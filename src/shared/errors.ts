/**
 * Errors are values with a status: usecases throw an AppError, and one handler turns it into the
 * documented JSON body `{"error": message, ...extra}`.
 */
export class AppError extends Error {
  readonly status: number;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = status;
    this.extra = extra;
    this.headers = headers;
  }

  get body(): Record<string, unknown> {
    return { error: this.message, ...this.extra };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
