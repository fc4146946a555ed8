import { type POW_FAILURES, POW_REQUIRED_CODE } from "../../protocol/vocabulary.ts";
import { AppError } from "../../shared/errors.ts";

const POW_HINT = "GET /challenge for a new challenge";
const ENCRYPT_HINT = "Encrypt content before uploading (fpaste encrypts by default)";

/**
 * A request refused for a missing or invalid proof-of-work: refused before any work was done, so it
 * does not use up the write quota (ratelimit.ts counts it apart, under RATE_REFUSED_MAX).
 */
export class ProofOfWorkRefused extends AppError {}

/** Abuse prevention's errors, as the FlaskPaste API reference words them. */
export const abuseErrors = {
  powRequired: () =>
    new ProofOfWorkRefused({
      status: 400,
      code: POW_REQUIRED_CODE,
      message: "Proof-of-work required",
      extra: { hint: POW_HINT },
    }),
  powFailed: (failure: (typeof POW_FAILURES)[keyof typeof POW_FAILURES]) =>
    new ProofOfWorkRefused({
      status: 400,
      code: failure.code,
      message: `Proof-of-work failed: ${failure.reason}`,
      extra: { hint: POW_HINT },
    }),
  rateLimited: (retryAfter: number) =>
    new AppError({
      status: 429,
      code: "rate_limited",
      message: "Rate limit exceeded",
      extra: { retry_after: retryAfter },
      headers: { "retry-after": String(retryAfter) },
    }),
  duplicate: (count: number, windowSeconds: number) =>
    new AppError({
      status: 429,
      code: "duplicate_content",
      message: "Duplicate content rate limit exceeded",
      extra: { count, window_seconds: windowSeconds },
    }),
  entropyTooLow: (entropy: number, minEntropy: number) =>
    new AppError({
      status: 400,
      code: "entropy_too_low",
      message: "Content entropy too low",
      extra: { entropy, min_entropy: minEntropy, hint: ENCRYPT_HINT },
    }),
  recognizableFormat: (detected: string) =>
    new AppError({
      status: 400,
      code: "recognizable_format",
      message: "Recognizable format not allowed",
      extra: { detected, hint: ENCRYPT_HINT },
    }),
};
