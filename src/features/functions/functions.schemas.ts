/**
 * The sealed function API (mini-share-point's /v1): one operation, answered `{"value"}` or an empty
 * 401, nothing else. The route reads its body itself (no framework error may answer anything but
 * 401), so the body is described (`docsBody`), not validated by Fastify.
 */
import { type Static, Type } from "typebox";
import { SECURITY } from "../../http/schemas.ts";
import { toBase64Url } from "../../protocol/bytes.ts";
import { CALL_FIELDS, MAX_FIELD_CHARS } from "../../protocol/sealed-call.ts";

const SECRET_BYTES = 128;
/** An example field: URL-safe base64 of nonce ‖ box for a plaintext of `size` bytes (made-up bytes). */
const exampleBox = (size: number, seed: number) =>
  toBase64Url(
    Uint8Array.from({ length: 24 + 16 + size }, (_, i) => (i * 151 + seed * 89) % 256),
    true,
  );

const sealedField = (plaintext: string) =>
  Type.String({
    description: `URL-safe base64 (padding optional) of a NaCl box, 24-byte nonce first, sealed from the client's secret key to the server's public key: ${plaintext}`,
    maxLength: MAX_FIELD_CHARS,
    pattern: "^[A-Za-z0-9_-]*={0,2}$",
  });

/** A call: the client's secret, its CRC-32, the time and the function's name, each sealed. */
export const SealedCallBody = Type.Object(
  {
    id: sealedField("the client's hex secret, UTF-8"),
    check: sealedField("CRC-32 of the secret, minimal big-endian bytes"),
    ts: sealedField("the Unix time, minimal big-endian bytes"),
    entry: sealedField("the function's name, UTF-8"),
  },
  {
    description: "A sealed call (docs/functions.md)",
    // Shaped as a real call (lengths and alphabet), opened by no key.
    examples: [
      {
        id: exampleBox(SECRET_BYTES, 1),
        check: exampleBox(4, 2),
        ts: exampleBox(4, 3),
        entry: exampleBox("time_test".length, 4),
      },
    ],
  },
);
export type SealedCallBody = Static<typeof SealedCallBody>;

/** Whether a parsed JSON body is a call's shape: an object whose four fields are strings. */
export function isSealedCallBody(body: unknown): body is SealedCallBody {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const record = body as Record<string, unknown>;
  return CALL_FIELDS.every((f) => typeof record[f] === "string");
}

const Value = Type.Object(
  {
    value: Type.String({
      description:
        "The function's string, sealed from the server's secret key to the client's public key: URL-safe base64, padded, of nonce ‖ box",
      pattern: "^[A-Za-z0-9_-]+=*$",
    }),
  },
  { description: "The function's answer, sealed for the caller", examples: [{ value: exampleBox(40, 5) }] },
);

export const callSchema = {
  summary: "Call a sealed function",
  description:
    'mini-share-point\'s API: a registered client (public key and hex secret, `sealbin-server appendclient`) calls a server-side function with `{"id", "check", "ts", "entry"}`, each field a NaCl box sealed for the server. 200 `{"value"}` sealed for the client; everything else — a body that is not JSON, a wrong content type, a missing field, a key or secret not registered, a CRC mismatch, a timestamp outside FUNCTIONS_REQUEST_TTL, a replay, an unknown or failing function, too many refusals from the address — is 401 with an empty body, saying nothing of what was wrong (only the server\'s own failure, such as its database down, can answer otherwise). `/v1/` is served as an alias of this operation (docs/functions.md).',
  tags: ["functions"],
  security: SECURITY.anyone,
  docsBody: { content: { "application/json": { schema: SealedCallBody } } },
  response: {
    200: Value,
    401: Type.Null({ description: "Refused, whatever the reason: an empty body" }),
  },
};

/** POST /v1/: the same operation as POST /v1, not listed a second time. */
export const callAliasSchema = { ...callSchema, hide: true };
