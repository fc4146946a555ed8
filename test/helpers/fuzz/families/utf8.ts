/**
 * The invalid UTF-8 family: JSON bodies with bytes that are no UTF-8 in a value, a key or between
 * tokens. Their contract: refused with a 4xx (401 on /v1).
 */
import assert from "node:assert/strict";
import { requestWith, sealedCall } from "../bodies.ts";
import { jsonRoutes } from "../routes.ts";
import { type Family, framedCase, is4xx, onlyUnauthorized, type Shape } from "./shape.ts";

/** Byte sequences that are not UTF-8. */
const BAD_UTF8: readonly Buffer[] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xbf, 0x80],
  [0xc0, 0xaf], // an overlong "/"
  [0xe0, 0x80, 0xaf], // overlong again
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate, as CESU-8 writes it
  [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80],
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xe2, 0x82], // cut short
  [0xf0, 0x9f, 0x98],
  [0xc3],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
].map((b) => Buffer.from(b));

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A JSON text with `bad` spliced into the value of `field` (or its key, or between tokens). */
function withBadBytes(
  fields: Record<string, unknown>,
  field: string,
  bad: Buffer,
  where: "value" | "key" | "outside",
): Buffer {
  const others = JSON.stringify(
    Object.fromEntries(Object.entries(fields).filter(([k]) => k !== field)),
  ).slice(1, -1);
  const value = String(fields[field] ?? "text");
  const head = Buffer.from(`{${others ? `${others}, ` : ""}`);
  const [k1, k2] = [field.slice(0, 1), field.slice(1)];
  if (where === "key")
    return Buffer.concat([
      head,
      Buffer.from(`"${k1}`),
      bad,
      Buffer.from(`${k2}": ${JSON.stringify(value)}}`),
    ]);
  if (where === "outside")
    return Buffer.concat([head, Buffer.from(`"${field}": ${JSON.stringify(value)} `), bad, Buffer.from("}")]);
  // Three quarters in: past the host of a URL, where a bad byte would be refused for other reasons.
  const cut = Math.ceil(value.length * 0.75);
  return Buffer.concat([
    head,
    Buffer.from(`"${field}": "${value.slice(0, cut)}`),
    bad,
    Buffer.from(`${value.slice(cut)}"}`),
  ]);
}

export const utf8: Family = {
  name: "invalid utf-8 json",
  shapes: (["value", "key", "outside"] as const).map(
    (where): Shape => ({
      name: `bad bytes in a ${where === "outside" ? "structure" : where}`,
      routes: (r) => jsonRoutes(r) && r.textField !== "",
      make(route, ctx, rng) {
        const fields = route.kind === "sealed" ? sealedCall(ctx, rng, "time_test") : route.accepted(ctx, rng);
        // Two cut-short sequences side by side can make a valid one: an ASCII byte keeps them apart.
        const [one, two] = rng.shuffle(BAD_UTF8);
        const bad = rng.chance(0.5)
          ? (one as Buffer)
          : Buffer.concat([one as Buffer, Buffer.from("x"), two as Buffer]);
        const body = withBadBytes(fields, route.textField, bad, where);
        assert.throws(() => strictUtf8.decode(body), "the generated body is not UTF-8");
        const charset = rng.pick(["application/json", "application/json; charset=utf-8"]);
        const req = requestWith(route, ctx, rng, body, charset);
        return { ...framedCase(req), expect: route.kind === "sealed" ? onlyUnauthorized : is4xx };
      },
    }),
  ),
};
