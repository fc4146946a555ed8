/**
 * The image store's API (/api/v1), one schema per route: what Fastify validates, the handlers' and
 * usecases' types, the JSON answers' serialisation and /openapi.json. This file holds the account
 * routes (auth, users) and the pieces every /api/v1 route shares; images.schemas.ts the images and
 * their permissions. Errors are `{"message", "code"}` (the original's `message`, sealbin's code);
 * each status lists its codes, built from the errors themselves (accounts.errors.ts) so that the
 * description cannot drift from what is sent.
 */
import { type Static, type TObject, type TSchema, Type } from "typebox";
import { ImageStoreError, SECURITY } from "../../http/schemas.ts";
import { accountErrors, scopeErrors } from "./accounts.errors.ts";

/** An error as a status's description lists it and its examples show it. */
export interface Cause {
  readonly code: string;
  readonly message: string;
  /** When it is answered, where the message alone does not say. */
  readonly when?: string;
}

/** An error with the circumstances it is answered in. */
export const when = (error: Cause, circumstances: string): Cause => ({
  code: error.code,
  message: error.message,
  when: circumstances,
});
/** The causes of each error status a route can answer. */
export type Causes = Readonly<Record<number, readonly Cause[]>>;

/** The causes of both, status by status. */
export function merge(...all: Causes[]): Causes {
  const out: Record<number, Cause[]> = {};
  for (const causes of all) {
    for (const [status, list] of Object.entries(causes)) {
      const known = out[Number(status)] ?? [];
      for (const c of list) {
        if (!known.some((k) => k.code === c.code && k.message === c.message)) known.push(c);
      }
      out[Number(status)] = known;
    }
  }
  return out;
}

/**
 * What every /api/v1 route can fail with (in the image store's shape, which is why the routes list
 * them rather than leave them to src/http/schemas.ts's ALWAYS): an unexpected failure, and the
 * database out of reach (with Retry-After).
 */
const ALWAYS: Causes = {
  500: [when(scopeErrors.internal(), "an unexpected failure, logged with the request id")],
  503: [when(scopeErrors.databaseUnavailable(), "the database is out of reach: try again after Retry-After")],
};

const header = (description: string, type = "string") => ({ type, description });
/** The headers of a write counted against the per-address limit (src/features/abuse/ratelimit.ts). */
const RATE_HEADERS = {
  "x-ratelimit-limit": header("Writes allowed per window", "integer"),
  "x-ratelimit-remaining": header("Writes left in this window", "integer"),
  "x-ratelimit-reset": header("When the window ends (Unix seconds)", "integer"),
};
/** The headers an error status documents. */
const ERROR_HEADERS: Record<number, Record<string, { type: string; description: string }>> = {
  429: { ...RATE_HEADERS, "retry-after": header("Seconds until the window ends", "integer") },
  503: { "retry-after": header("Seconds to wait before trying again", "integer") },
};

/** One error status: the image store's error body, its causes listed and shown as examples. */
function failure(status: number, causes: readonly Cause[]) {
  const lines = causes.map((c) => `- \`${c.code}\`: ${c.message}${c.when ? ` (${c.when})` : ""}`);
  return Type.Object(ImageStoreError.properties, {
    additionalProperties: true,
    description: lines.join("\n"),
    examples: causes.map((c) => ({ message: c.message, code: c.code })),
    ...(ERROR_HEADERS[status] && { headers: ERROR_HEADERS[status] }),
  });
}

/**
 * A route's `response`: its successes, and a schema for each error status from its causes. A route
 * that can answer 429 is rate-limited: its successes carry the X-RateLimit-* headers too.
 */
export function answers(success: Record<number, TSchema>, causes: Causes): Record<number, TSchema> {
  const all = merge(causes, ALWAYS);
  const limited = all[429] !== undefined;
  const successes = Object.entries(success).map(([status, schema]) => [
    status,
    limited ? { ...schema, headers: RATE_HEADERS } : schema,
  ]);
  const errors = Object.entries(all).map(([status, list]) => [status, failure(Number(status), list)]);
  return { ...Object.fromEntries(successes), ...Object.fromEntries(errors) };
}

/** A path or query value that decodes to NUL or a lone surrogate (src/http/text-input.ts). */
const BAD_VALUE: Cause = {
  code: "invalid_request",
  message: "Invalid request",
  when: "a path, query or form value that holds NUL or is not well-formed Unicode",
};

/** Any route: its path and query values are checked, and it needs nothing else to be called. */
const ANY_ROUTE: Causes = { 400: [BAD_VALUE] };

/** A route behind `Authorization: Bearer <JWT>` (POST /auth/login's access_token). */
export const AUTHENTICATED: Causes = merge(ANY_ROUTE, {
  401: [
    accountErrors.expired(),
    when(accountErrors.revoked(), "signed out"),
    when(accountErrors.notAuthorized(), "the token's account is gone, or the path is another user's"),
  ],
  422: [
    when(accountErrors.badHeader(), "no Authorization header, or not a Bearer one"),
    when(accountErrors.badSignature(), "a token sealbin did not issue, altered or malformed"),
  ],
});

/**
 * A route Fastify parses a body for (POST, PUT, DELETE), whatever it reads: a body in a type the
 * image store does not parse, too large, or that does not parse is refused before the route runs.
 */
const PARSED: Causes = {
  400: [
    when(scopeErrors.malformedBody("invalid_json"), "JSON that does not parse"),
    {
      code: "invalid_json",
      message: "Invalid JSON body",
      when: "JSON that is not UTF-8, or whose strings are not well-formed Unicode",
    },
    {
      code: "invalid_form",
      message: "Invalid form body",
      when: "form fields that are not UTF-8, not well-formed or hold NUL",
    },
    when(scopeErrors.malformedBody("invalid_content_length"), "a Content-Length that is not the body's"),
    BAD_VALUE,
  ],
  413: [when(accountErrors.bodyTooLarge(), "a form over 64 KiB, or JSON over 1 MiB")],
  415: [when(scopeErrors.unsupportedType(), "a body of any other type, text/plain included")],
};

/** A multipart/form-data body that cannot be read (accounts.body.ts). */
const MULTIPART: Causes = {
  400: [
    accountErrors.noBoundary(),
    accountErrors.incomplete(),
    accountErrors.malformed(),
    accountErrors.aborted(),
    accountErrors.tooManyFields(),
    accountErrors.tooManyParts(),
  ],
};

/** The body of a route that reads no image: parsed, a multipart one for its text fields only. */
export const PARSED_BODY: Causes = merge(PARSED, MULTIPART, { 400: [accountErrors.fileRefused()] });

/** The body of an image upload: JSON or a form are parsed (and refused), multipart read by the route. */
export const UPLOAD_BODY: Causes = merge(PARSED, MULTIPART, {
  400: [accountErrors.tooManyFiles("imageFile")],
});

/** A form the route reads (its fields checked by its schema): PARSED_BODY, and fields of a wrong type. */
export const FORM: Causes = merge(PARSED_BODY, {
  400: [
    when(
      scopeErrors.malformedBody("invalid_request"),
      "JSON that is not an object, or a field that is not text (an object, a list of several values)",
    ),
  ],
});

/** A write counted against the per-address limit (SEALBIN_RATE_*), with X-RateLimit-* headers. */
export const RATE_LIMITED: Causes = {
  429: [
    {
      code: "rate_limited",
      message: "Rate limit exceeded",
      when: "too many writes from this address in the window: try again after Retry-After",
    },
  ],
};

const text = (description: string, example: string) =>
  Type.Optional(Type.String({ description, examples: [example] }));

/**
 * A form as the image store reads it: urlencoded (the original client's `data=`), multipart
 * (`files=`, curl -F; text fields only) or JSON, every one checked against `fields`. A field that
 * is absent or empty is missing (the usecases answer 422 with its "… is required").
 */
export function formBody<T extends TObject>(fields: T) {
  const media = { schema: fields };
  return {
    content: {
      "application/x-www-form-urlencoded": media,
      "multipart/form-data": media,
      "application/json": media,
    },
  };
}

/** The form's fields, as Fastify validated them for the content type sent; none without a body. */
export type FormOf<T extends TObject> = Static<T> | undefined;

export const UserId = Type.String({
  description: "A user's id: 24 hexadecimal digits (any other value names no user)",
  examples: ["628385eb1dc6fa1a0cd84c38"],
});

const CREDENTIALS_EXAMPLE = { username: "admin", password: "correct horse battery" };
const USER_EXAMPLE = { public_key: "27977 9431", user_id: "628385eb1dc6fa1a0cd84c38", user_name: "admin" };

export const RegisterForm = Type.Object(
  {
    username: text("Required. 3 to 64 letters, digits or . _ - @; unique, whatever the case", "admin"),
    password: text("Required. 8 to 1024 characters", "correct horse battery"),
    publicKey: text(
      "Required. The public key the original client makes, `n e` (at most 8192 printable characters)",
      "27977 9431",
    ),
  },
  { examples: [{ ...CREDENTIALS_EXAMPLE, publicKey: "27977 9431" }] },
);
export type RegisterForm = Static<typeof RegisterForm>;

export const LoginForm = Type.Object(
  {
    username: text("Required", "admin"),
    password: text("Required", "correct horse battery"),
  },
  { examples: [CREDENTIALS_EXAMPLE] },
);
export type LoginForm = Static<typeof LoginForm>;

export const UserView = Type.Object(
  {
    public_key: Type.String({ description: "The key registered with the account" }),
    user_id: UserId,
    user_name: Type.String(),
  },
  {
    description: "An account",
    examples: [USER_EXAMPLE],
  },
);
export type UserView = Static<typeof UserView>;

export const LoginAnswer = Type.Object(
  {
    user_id: UserId,
    access_token: Type.String({
      description: "HS256 JWT for `Authorization: Bearer`, valid SEALBIN_JWT_TTL seconds (900)",
    }),
  },
  {
    description: "Signed in",
    examples: [{ user_id: "628385eb1dc6fa1a0cd84c38", access_token: "eyJ0eXAiOiJ..." }],
  },
);
export type LoginAnswer = Static<typeof LoginAnswer>;

export const LogoutAnswer = Type.Object(
  { message: Type.String() },
  { description: "Signed out: the token is refused from now on", examples: [{ message: "User logged out" }] },
);
export type LogoutAnswer = Static<typeof LogoutAnswer>;

/** The original's words for an answer without a body. */
export const created = Type.Null({ description: "Created - No response" });
export const noContent = Type.Null({ description: "No Content - No response" });
export const tags = ["accounts"];

export const registerSchema = {
  summary: "Create an account",
  description:
    "Opens an account for `username`. The name is free whatever its case; the public key is stored as sent and served to other users (GET /api/v1/users), for them to encrypt images to you.",
  tags,
  security: SECURITY.anyone,
  body: formBody(RegisterForm),
  response: answers(
    { 201: created },
    merge(FORM, RATE_LIMITED, {
      409: [accountErrors.usernameTaken()],
      422: [
        accountErrors.required("username"),
        accountErrors.required("password"),
        accountErrors.required("publicKey"),
        accountErrors.badUsername(),
        accountErrors.badPassword(),
        accountErrors.badPublicKey(),
      ],
    }),
  ),
};

export const loginSchema = {
  summary: "Sign in",
  description:
    "Exchanges a username and password for an access token. A wrong password and an unknown name get the same answer, in the same time.",
  tags,
  security: SECURITY.anyone,
  body: formBody(LoginForm),
  response: answers(
    { 200: LoginAnswer },
    merge(FORM, RATE_LIMITED, {
      422: [
        accountErrors.required("username"),
        accountErrors.required("password"),
        accountErrors.badCredentials(),
      ],
    }),
  ),
};

export const logoutSchema = {
  summary: "Sign out",
  description:
    "Revokes the token the request carries, in every process, until it would have expired anyway. No body is read.",
  tags,
  security: SECURITY.bearer,
  response: answers({ 200: LogoutAnswer }, merge(AUTHENTICATED, PARSED_BODY)),
};

export const usersSchema = {
  summary: "All users",
  description: "Every account, oldest first, with its public key.",
  tags,
  security: SECURITY.bearer,
  response: answers(
    {
      200: Type.Array(UserView, {
        description: "The accounts",
        examples: [[USER_EXAMPLE], []],
      }),
    },
    AUTHENTICATED,
  ),
};

export const UserParams = Type.Object({ userId: UserId });

export const userSchema = {
  summary: "One user",
  description: "An account by its id, with its public key.",
  tags,
  security: SECURITY.bearer,
  params: UserParams,
  response: answers({ 200: UserView }, merge(AUTHENTICATED, { 404: [accountErrors.userNotFound()] })),
};
