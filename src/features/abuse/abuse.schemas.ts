/**
 * Abuse prevention's schemas: GET /challenge, and the refusals every protected route can answer —
 * a missing or failed proof-of-work (400) and the per-IP rate limit (429) — for the routes of other
 * features to list in their own responses.
 */
import { Type } from "typebox";
import { errorWith, SECURITY } from "../../http/schemas.ts";
import { POW_FAILURES, POW_REQUIRED_CODE, POW_RETRYABLE } from "../../protocol/vocabulary.ts";
import { abuseErrors } from "./abuse.errors.ts";

/** GET /challenge with proof-of-work off (POW_DIFFICULTY=0). */
const ChallengeDisabled = Type.Object(
  {
    enabled: Type.Literal(false),
    difficulty: Type.Literal(0),
  },
  { description: "Proof-of-work is off: writes need no challenge" },
);

/** A signed, single-use challenge (the token carries nonce, expiry and difficulty with its HMAC). */
const ChallengeEnabled = Type.Object(
  {
    enabled: Type.Literal(true),
    nonce: Type.String({ description: "32 hex digits", pattern: "^[0-9a-f]{32}$" }),
    difficulty: Type.Integer({ minimum: 1, description: "Leading zero bits SHA256(nonce:N) must have" }),
    expires: Type.Integer({ description: "Unix time (seconds) after which the challenge is refused" }),
    token: Type.String({ description: "nonce:expires:difficulty:signature, sent back as X-PoW-Token" }),
  },
  { description: "A challenge to solve" },
);

/** The body of GET /challenge (and of the PKI's GET /register/challenge). */
export const Challenge = Type.Union([ChallengeEnabled, ChallengeDisabled], {
  description: "A proof-of-work challenge, or word that none is needed",
  examples: [
    {
      enabled: true,
      nonce: "a1b2c3d4e5f6a7b8a1b2c3d4e5f6a7b8",
      difficulty: 20,
      expires: 1700000300,
      token: "a1b2c3d4e5f6a7b8a1b2c3d4e5f6a7b8:1700000300:20:<signature>",
    },
    { enabled: false, difficulty: 0 },
  ],
});

const POW_CODES = [POW_REQUIRED_CODE, ...Object.values(POW_FAILURES).map((f) => f.code)];

/** A write refused for its proof-of-work: required and missing, or failed (the message says why). */
export const PowRefused = errorWith(
  { hint: Type.String({ description: "Where to get a new challenge" }) },
  `Proof-of-work required or failed: ${POW_CODES.join(", ")}. After ${POW_RETRYABLE.join(", ")}, solve a fresh challenge and retry.`,
);

export const POW_REFUSED_EXAMPLES = [
  abuseErrors.powRequired().body,
  abuseErrors.powFailed(POW_FAILURES.expired).body,
];

/** The per-IP limit's refusal (429 rate_limited), with the seconds until the window ends. */
export const RateLimited = errorWith(
  { retry_after: Type.Integer({ minimum: 0, description: "Seconds until the window ends" }) },
  "Rate limit exceeded (rate_limited): too many writes from this address in the window, or, on reads, too many 404s",
);

export const RATE_LIMITED_EXAMPLE = abuseErrors.rateLimited(42).body;

/** The headers a rate-limited write route answers with (RATE_MAX per RATE_WINDOW). */
export const rateLimitHeaders = {
  "x-ratelimit-limit": Type.Integer({ description: "Writes allowed in the window (when RATE_LIMIT is on)" }),
  "x-ratelimit-remaining": Type.Integer({ description: "Writes left in the window" }),
  "x-ratelimit-reset": Type.Integer({ description: "Unix time (seconds) the window ends" }),
};

/** The 429 of a rate-limited route (`write`: a write route, with its X-RateLimit-* headers). */
export const rateLimitedResponse = (write: boolean) => ({
  ...RateLimited,
  examples: [RATE_LIMITED_EXAMPLE],
  headers: {
    "retry-after": Type.Integer({ description: "Seconds until the window ends" }),
    ...(write ? rateLimitHeaders : {}),
  },
});

/** GET /challenge. */
export const challengeSchema = {
  summary: "Get proof-of-work challenge",
  description:
    'A signed challenge, valid POW_TTL seconds and usable once: find N such that SHA256(nonce + ":" + N) has at least `difficulty` leading zero bits, then send X-PoW-Token and X-PoW-Solution with the write. The difficulty rises under a flood of writes (anti-flood). With proof-of-work off: `{"enabled": false, "difficulty": 0}`.',
  tags: ["abuse"],
  security: SECURITY.anyone,
  response: {
    200: Challenge,
  },
} as const;
