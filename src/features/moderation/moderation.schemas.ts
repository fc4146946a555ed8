/**
 * Moderation's schemas (docs/moderation.md): what each route takes and every answer it can give.
 * Bodies are checked by the usecases (each mistake has its documented message); their schemas here
 * describe them in /openapi.json (docsBody).
 */
import { type TProperties, Type } from "typebox";
import { ErrorBody, errorWith, pagingFields, powHeaders, SECURITY } from "../../http/schemas.ts";
import { REPORT_DETAILS_MAX, REPORT_REASONS, WRITE_MODES } from "../../protocol/vocabulary.ts";
import { POW_REFUSED_EXAMPLES, rateLimitedResponse, rateLimitHeaders } from "../abuse/abuse.schemas.ts";
import { moderationErrors } from "./moderation.errors.ts";
import { REPORT_URL_MAX } from "./moderation.models.ts";

const TAGS = ["moderation"];
const unix = (description: string) => Type.Integer({ description });
const nullableUnix = (description: string) => Type.Union([Type.Integer(), Type.Null()], { description });
const nullableText = (description: string) => Type.Union([Type.String(), Type.Null()], { description });
const described = (description: string, example?: { body: unknown }) => ({
  ...ErrorBody,
  description,
  ...(example && { examples: [example.body] }),
});

/** 401 and 403 of every admin route, and 422 for a forged bearer token. */
const ADMIN_REFUSALS = {
  401: described(
    "No identity (authentication_required), or a Bearer token that has expired, was revoked or names no user",
    moderationErrors.authenticationRequired(),
  ),
  403: described("The caller is not an admin (admin_required)", moderationErrors.adminRequired()),
  422: described("A Bearer token that does not verify (token_invalid)"),
};

function adminRoute<R extends TProperties>(summary: string, description: string, response: R) {
  return {
    summary,
    description,
    tags: TAGS,
    security: SECURITY.identified,
    response: { ...ADMIN_REFUSALS, ...response },
  };
}

const Message = (description: string, example: string) =>
  Type.Object({ message: Type.String({ examples: [example] }) }, { description });

// ---- what moderation adds to the paste and short-URL routes ----

/** Every read of a quarantined paste or short URL (and an owner's delete of one). */
export const QUARANTINED_RESPONSE = {
  451: described("quarantined: an admin quarantined it (docs/moderation.md)", moderationErrors.quarantined()),
};

/** The write switch's refusals of a create (403 identified; 503 closed is listed with the 503). */
export const WRITES_IDENTIFIED = described(
  "writes_identified: anonymous creates are switched off (SEALBIN_WRITES=identified)",
  moderationErrors.writesIdentified(),
);

export const BLOCKED_RESPONSE = {
  451: described(
    "blocked: the content's SHA-256 is on the blocklist; nothing was stored",
    moderationErrors.blocked(),
  ),
};

// ---- reports ----

export const ReportBody = Type.Object({
  url: Type.String({
    maxLength: REPORT_URL_MAX,
    description:
      "A paste or short URL of this server, as the request addresses it; its #fragment (the paste's key) is kept for the admin",
    examples: ["https://paste.example/abc123def456"],
  }),
  reason: Type.Union(
    REPORT_REASONS.map((r) => Type.Literal(r)),
    { description: "Why" },
  ),
  details: Type.Optional(Type.String({ maxLength: REPORT_DETAILS_MAX })),
});

export const createReportSchema = {
  summary: "Report a paste or short URL (PoW required)",
  description:
    "Anyone may report; counted against the per-IP write limit, proof-of-work as for pastes. The reporter's address is not stored. The #key of the URL, when given, is kept with the report for the admin and deleted with it (docs/moderation.md).",
  tags: TAGS,
  security: SECURITY.anyoneOrIdentified,
  headers: Type.Object(powHeaders),
  docsBody: { required: true, content: { "application/json": { schema: ReportBody } } },
  response: {
    201: {
      ...Type.Object(
        { id: Type.String({ description: "16 hex characters" }), message: Type.Literal("Report received") },
        { description: "Received" },
      ),
      headers: rateLimitHeaders,
    },
    400: {
      ...errorWith({ hint: Type.Optional(Type.String()) }),
      description:
        "The report is malformed (invalid_report: the message says why), the proof-of-work is missing or failed (pow_required, pow_*), or the JSON is malformed (invalid_json)",
      examples: [moderationErrors.invalidReport("Invalid report reason").body, ...POW_REFUSED_EXAMPLES],
    },
    401: described("A Bearer token that has expired, was revoked or names no user"),
    404: described("No such paste or short URL (paste_not_found, short_url_not_found)"),
    413: described("Request body too large (body_too_large)"),
    415: described("Not JSON (unsupported_media_type)"),
    422: ADMIN_REFUSALS[422],
    429: rateLimitedResponse(true),
  },
} as const;

const Report = Type.Object({
  id: Type.String(),
  created_at: unix("Unix time (seconds)"),
  kind: Type.Union([Type.Literal("paste"), Type.Literal("short")]),
  target: Type.String({ description: "The paste's or short URL's id" }),
  url: Type.String({ description: "Its path on this server" }),
  reason: Type.String(),
  details: Type.String(),
  key: Type.Optional(Type.String({ description: "The paste's key, when the reporter shared it" })),
  state: Type.Union([Type.Literal("open"), Type.Literal("actioned"), Type.Literal("dismissed")]),
  resolved_at: nullableUnix("When it was dismissed or actioned"),
  resolved_by: nullableText("The admin who resolved it"),
});

const page = (name: string, item: ReturnType<typeof Type.Object>) =>
  Type.Object(
    {
      [name]: Type.Array(item),
      count: Type.Integer(),
      total: Type.Integer(),
      limit: Type.Integer(),
      offset: Type.Integer(),
    },
    { description: "A page, newest first" },
  );

const reportIdParams = Type.Object({ id: Type.String({ description: "Report id" }) });
const REPORT_NOT_FOUND = described("No such report (report_not_found)", moderationErrors.reportNotFound());
const BAD_PAGING = described("limit or offset out of range (invalid_request, invalid_paging)");

export const listReportsSchema = {
  ...adminRoute("List reports (admin)", "Newest first, paged; `state` filters.", {
    200: page("reports", Report),
    400: BAD_PAGING,
  }),
  querystring: Type.Object({
    ...pagingFields,
    state: Type.Optional(
      Type.Union([Type.Literal("open"), Type.Literal("actioned"), Type.Literal("dismissed")]),
    ),
  }),
};

export const dismissReportSchema = {
  ...adminRoute("Dismiss a report (admin)", "Marks the report dismissed (audited).", {
    200: Type.Object({
      id: Type.String(),
      state: Type.Literal("dismissed"),
      message: Type.Literal("Report dismissed"),
    }),
    404: REPORT_NOT_FOUND,
  }),
  params: reportIdParams,
};

export const deleteReportSchema = {
  ...adminRoute("Delete a report (admin)", "Deletes the report and the key it holds (audited).", {
    200: Message("Deleted", "Report deleted"),
    404: REPORT_NOT_FOUND,
  }),
  params: reportIdParams,
};

// ---- quarantine ----

const targetParams = Type.Object({ id: Type.String() });
const actionQuery = Type.Object({
  report: Type.Optional(Type.String({ description: "The report acted on (audit log)" })),
});
const TARGET_NOT_FOUND = described("No such paste or short URL (paste_not_found, short_url_not_found)");
const NOT_QUARANTINED = described(
  "It is not quarantined (not_quarantined)",
  moderationErrors.notQuarantined(),
);
const Quarantined = Type.Object(
  { message: Type.String(), quarantined: Type.Array(Type.String(), { description: "Ids quarantined" }) },
  { description: "Quarantined" },
);

export const quarantinePasteSchema = {
  ...adminRoute(
    "Quarantine a paste (admin)",
    "Every reader then gets 451 quarantined; the paste is kept for the admin. `same_source=1` quarantines every live paste recorded from the same source (SEALBIN_ABUSE_RECORD_DAYS). Open reports on them become actioned.",
    { 200: Quarantined, 404: TARGET_NOT_FOUND },
  ),
  params: targetParams,
  querystring: Type.Object({
    ...actionQuery.properties,
    same_source: Type.Optional(Type.String({ description: "1, true or yes" })),
  }),
};

export const releasePasteSchema = {
  ...adminRoute("Release a quarantined paste (admin)", "It answers readers again.", {
    200: Type.Object({ message: Type.Literal("Paste released"), id: Type.String() }),
    404: TARGET_NOT_FOUND,
    409: NOT_QUARANTINED,
  }),
  params: targetParams,
};

export const AdminPaste = Type.Object({
  id: Type.String(),
  owner: nullableText("The owner's fingerprint"),
  mime_type: Type.String(),
  size: Type.Integer(),
  created_at: unix("Unix time (seconds)"),
  expires_at: unix("Unix time (seconds) of its deadline in force"),
  burn_after_read: Type.Boolean(),
  password_protected: Type.Boolean(),
  sha256: nullableText("SHA-256 of the stored bytes, hex (null before schema 12)"),
  quarantined: Type.Boolean(),
  quarantined_at: nullableUnix("When it was quarantined"),
  source_recorded: Type.Boolean({ description: "Whether a same-source record is kept" }),
  reports: Type.Array(Type.String(), { description: "Its reports' ids, newest first" }),
});

export const adminPasteSchema = {
  ...adminRoute("A paste as the admin sees it (admin)", "Quarantined or not, with its hash and reports.", {
    200: AdminPaste,
    404: TARGET_NOT_FOUND,
  }),
  params: targetParams,
};

export const quarantineShortSchema = {
  ...adminRoute(
    "Quarantine a short URL (admin)",
    "Following it then answers 451 quarantined; open reports on it become actioned.",
    { 200: Quarantined, 404: TARGET_NOT_FOUND },
  ),
  params: targetParams,
  querystring: actionQuery,
};

export const releaseShortSchema = {
  ...adminRoute("Release a quarantined short URL (admin)", "It redirects again.", {
    200: Type.Object({ message: Type.Literal("Short URL released"), id: Type.String() }),
    404: TARGET_NOT_FOUND,
    409: NOT_QUARANTINED,
  }),
  params: targetParams,
};

export const adminShortSchema = {
  ...adminRoute("A short URL as the admin sees it (admin)", "Quarantined or not, with its reports.", {
    200: Type.Object({
      id: Type.String(),
      target: Type.String(),
      owner: nullableText("The owner's fingerprint"),
      created_at: unix("Unix time (seconds)"),
      expires_at: nullableUnix("Unix time (seconds), or null: never"),
      clicks: Type.Integer(),
      quarantined: Type.Boolean(),
      quarantined_at: nullableUnix("When it was quarantined"),
      reports: Type.Array(Type.String()),
    }),
    404: TARGET_NOT_FOUND,
  }),
  params: targetParams,
};

// ---- blocklist ----

const BlockBody = Type.Object({
  sha256: Type.Optional(Type.String({ pattern: "^[0-9a-fA-F]{64}$" })),
  paste: Type.Optional(Type.String({ description: "A paste whose recorded hash is blocked" })),
  report: Type.Optional(Type.String()),
});

export const addBlockSchema = {
  ...adminRoute(
    "Block content by hash (admin)",
    "New uploads of identical bytes get 451 blocked and are not stored; existing pastes with the hash are quarantined.",
    {
      201: Type.Object({
        sha256: Type.String(),
        quarantined: Type.Array(Type.String()),
        message: Type.Literal("Content blocked"),
      }),
      400: described(
        "Neither a valid sha256 nor a paste (invalid_block), or malformed JSON (invalid_json)",
        moderationErrors.invalidBlock(),
      ),
      404: described("No such paste (paste_not_found) or report (report_not_found)"),
      409: described("The paste's hash was not recorded (hash_unknown)", moderationErrors.hashUnknown()),
      413: described("Request body too large (body_too_large)"),
      415: described("Not JSON (unsupported_media_type)"),
    },
  ),
  docsBody: { required: true, content: { "application/json": { schema: BlockBody } } },
};

export const listBlocksSchema = {
  ...adminRoute("List the blocklist (admin)", "Newest first, paged.", {
    200: page(
      "blocklist",
      Type.Object({
        sha256: Type.String(),
        created_at: unix("Unix time (seconds)"),
        created_by: nullableText("The admin who added it"),
      }),
    ),
    400: BAD_PAGING,
  }),
  querystring: Type.Object(pagingFields),
};

export const removeBlockSchema = {
  ...adminRoute("Remove a block (admin)", "The pastes it quarantined stay quarantined.", {
    200: Message("Removed", "Block removed"),
    404: described("No such block (block_not_found)", moderationErrors.blockNotFound()),
  }),
  params: Type.Object({ hash: Type.String({ description: "The blocked SHA-256, hex" }) }),
};

// ---- the write switch ----

const Mode = Type.Union([Type.Literal("open"), Type.Literal("identified"), Type.Literal("closed")], {
  description: WRITE_MODES.join(", "),
});

export const writesSchema = adminRoute("The write mode (admin)", "As every process follows it.", {
  200: Type.Object({ mode: Mode }),
});

export const setWritesSchema = {
  ...adminRoute(
    "Change the write mode (admin)",
    "Kept in the store: every process and host follows at once, and it survives restarts.",
    {
      200: Type.Object({ mode: Mode, message: Type.Literal("Write mode changed") }),
      400: described("mode is not open, identified or closed (invalid_request), or malformed JSON"),
      413: described("Request body too large (body_too_large)"),
      415: described("Not JSON (unsupported_media_type)"),
    },
  ),
  body: Type.Object({ mode: Mode }, { additionalProperties: false }),
};
