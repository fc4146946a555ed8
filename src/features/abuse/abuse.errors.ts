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
  powRequired: () => new ProofOfWorkRefused(400, "Proof-of-work required", { hint: POW_HINT }),
  powFailed: (reason: string) =>
    new ProofOfWorkRefused(400, `Proof-of-work failed: ${reason}`, { hint: POW_HINT }),
  rateLimited: (retryAfter: number) =>
    new AppError(
      429,
      "Rate limit exceeded",
      { retry_after: retryAfter },
      { "retry-after": String(retryAfter) },
    ),
  duplicate: (count: number, windowSeconds: number) =>
    new AppError(429, "Duplicate content rate limit exceeded", { count, window_seconds: windowSeconds }),
  entropyTooLow: (entropy: number, minEntropy: number) =>
    new AppError(400, "Content entropy too low", { entropy, min_entropy: minEntropy, hint: ENCRYPT_HINT }),
  recognizableFormat: (detected: string) =>
    new AppError(400, "Recognizable format not allowed", { detected, hint: ENCRYPT_HINT }),
};
