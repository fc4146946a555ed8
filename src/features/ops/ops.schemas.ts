/**
 * The operations routes' schemas: GET / (the API described for clients), /health, /metrics and
 * /client. Their answers that are not JSON (the page, the exposition text, the CLI file) are
 * described by content type; Fastify serialises only the JSON ones with these schemas.
 */
import { Type } from "typebox";
import { Empty, ErrorBody, errorWith, headerText, SECURITY } from "../../http/schemas.ts";
import { opsErrors } from "./ops.errors.ts";

const TAGS = ["operations"];
const seconds = (description: string) =>
  Type.Integer({ minimum: 0, description: `${description} (seconds)` });

/** GET / for API clients: FlaskPaste's fields, then sealbin's limits, expiry rules and proof-of-work. */
export const ApiInfo = Type.Object(
  {
    name: Type.String({ examples: ["sealbin"] }),
    version: Type.String({ examples: ["0.1.0"] }),
    endpoints: Type.Record(Type.String(), Type.String(), {
      description:
        'Every endpoint the router serves, "METHOD /path" (parameters as <name>) to its description',
      examples: [
        { "GET /": "API information", "POST /": "Create paste", "GET /<id>": "Retrieve paste metadata" },
      ],
    }),
    usage: Type.Object(
      {
        raw: Type.String(),
        pipe: Type.String(),
        json: Type.String(),
        multipart: Type.String(),
        shorten: Type.String(),
      },
      { description: "curl examples" },
    ),
    note: Type.String({ examples: ["Use --data-binary (not -d) to preserve newlines"] }),
    limits: Type.Object(
      {
        max_size_anon: Type.Integer({ description: "Largest paste without a certificate (bytes)" }),
        max_size_auth: Type.Integer({ description: "Largest paste with a certificate (bytes)" }),
        max_file: Type.Integer({
          description:
            "Largest resumable upload (/uploads) with a certificate (bytes); anonymous: max_size_anon",
        }),
        min_size: Type.Integer({ description: "Smallest paste (bytes)" }),
        id_length: Type.Integer({ description: "Paste id length (hex characters)" }),
        password_max_length: Type.Integer({ description: "Longest paste password (characters)" }),
      },
      { description: "What clients should check before they upload" },
    ),
    expiry: Type.Object(
      {
        anonymous: seconds("Default lifetime of an anonymous paste"),
        untrusted: seconds("Default lifetime with a certificate the PKI did not issue"),
        trusted: seconds("Default lifetime with a certificate the PKI issued"),
        max: seconds("Longest X-Expiry honoured"),
        sliding: Type.Boolean({ description: "Whether reading a paste extends its default lifetime" }),
        custom_header: Type.String({ examples: ["X-Expiry"] }),
      },
      { description: "Expiry rules" },
    ),
    writes: Type.Union([Type.Literal("open"), Type.Literal("identified"), Type.Literal("closed")], {
      description:
        "Who may create now: open (as configured), identified (anonymous creates refused), closed (read-only); docs/moderation.md",
    }),
    pow: Type.Object(
      {
        enabled: Type.Boolean(),
        difficulty: Type.Integer({ description: "Leading zero bits required now, anti-flood included" }),
        base_difficulty: Type.Integer({ description: "POW_DIFFICULTY" }),
        max_difficulty: Type.Integer({ description: "The most anti-flood can raise it to" }),
        ttl: seconds("Validity of a challenge"),
        algorithm: Type.String(),
        challenge: Type.String({ examples: ["GET /challenge"] }),
        headers: Type.Array(Type.String(), { examples: [["X-PoW-Token", "X-PoW-Solution"]] }),
      },
      { description: "The proof-of-work writes need" },
    ),
    caller: Type.Object(
      {
        identified: Type.Boolean({ description: "Whether this request carried a certificate or token" }),
        trust_level: Type.Union([
          Type.Literal("anonymous"),
          Type.Literal("untrusted"),
          Type.Literal("trusted"),
        ]),
        max_size: Type.Integer({ description: "The largest paste this caller may create (bytes)" }),
        default_expiry: seconds("The lifetime of this caller's pastes without X-Expiry"),
      },
      { description: "What applies to the caller of this request (sealbin)" },
    ),
  },
  { description: "The API, its limits and the proof-of-work in force" },
);

export const apiInfoSchema = {
  summary: "API information",
  description:
    "Endpoints, usage, limits, expiry rules and the proof-of-work in force. A browser (Accept naming text/html) gets the web interface's create page instead.",
  tags: TAGS,
  security: SECURITY.anyone,
  response: {
    200: {
      description: "The API described (JSON), or the create page (HTML) for a browser",
      content: {
        "application/json": { schema: ApiInfo },
        "text/html": { schema: Type.String({ description: "The web interface" }) },
      },
    },
  },
} as const;

const Healthy = Type.Object(
  { status: Type.Literal("healthy"), database: Type.Literal("ok") },
  { description: "Healthy", examples: [{ status: "healthy", database: "ok" }] },
);
/**
 * The check's own answer ({status, database}, the reference's) or, when the database fails before
 * the route runs, the generic {error, code}: one object whose fields are each optional, so that one
 * schema serialises either.
 */
const Unhealthy = Type.Object(
  {
    status: Type.Optional(Type.Literal("unhealthy")),
    database: Type.Optional(Type.Literal("error")),
    error: Type.Optional(Type.String()),
    code: Type.Optional(Type.String({ examples: ["database_unavailable"] })),
  },
  {
    description: "The database does not answer",
    examples: [
      { status: "unhealthy", database: "error" },
      { error: "Database unavailable", code: "database_unavailable", hint: "try again shortly" },
    ],
    additionalProperties: true,
  },
);

export const healthSchema = {
  summary: "Health check",
  description: "For load balancers and monitoring: whether the database answers.",
  tags: TAGS,
  security: SECURITY.anyone,
  response: {
    200: Healthy,
    503: Unhealthy,
  },
} as const;

export const metricsSchema = {
  summary: "Prometheus metrics (allowed networks or token)",
  description:
    "The Prometheus text exposition format (request durations by route template, pastes, short URLs, proof-of-work failures, rate-limit refusals, authentication failures, the difficulty and the store's size) for clients in SEALBIN_METRICS_ALLOW or with `Authorization: Bearer <SEALBIN_METRICS_TOKEN>`.",
  tags: TAGS,
  security: SECURITY.anyone,
  response: {
    200: {
      description: "The exposition",
      content: { "text/plain": { schema: Type.String({ description: "Prometheus text format 0.0.4" }) } },
    },
    403: {
      ...errorWith({ hint: Type.String() }),
      description: "Not an allowed network and no valid token (metrics_forbidden)",
      examples: [opsErrors.metricsForbidden().body],
    },
  },
} as const;

export const clientSchema = {
  summary: "Download the sealbin CLI (one file, Node.js >= 20)",
  description:
    "The sealbin command-line client, one self-contained file: `curl -o sealbin https://host/client && chmod +x sealbin`. Sent with an ETag; If-None-Match answers 304.",
  tags: TAGS,
  security: SECURITY.anyone,
  headers: Type.Object({ "if-none-match": headerText("The ETag of the copy the client has") }),
  response: {
    200: {
      description: "The CLI",
      content: { "text/javascript": { schema: Type.String({ description: "JavaScript for Node.js" }) } },
    },
    304: { ...Empty, description: "Not modified (If-None-Match)" },
    503: {
      ...ErrorBody,
      description: "The clients are not built on this server (clients_not_built), or the database is down",
      examples: [opsErrors.clientsNotBuilt().body],
    },
  },
} as const;
