import { isUtf8 } from "node:buffer";
import type { FastifyInstance } from "fastify";
import { AppError } from "../shared/errors.ts";

/**
 * What every text a client sends must be before sealbin stores or uses it: UTF-8 on the wire
 * (RFC 8259 §8.1 for JSON), well-formed Unicode once decoded (a lone surrogate such as "\ud800" has
 * no UTF-8 form: writing it would silently store U+FFFD instead), and, outside paste contents, free
 * of NUL characters (PostgreSQL text cannot hold them, and no name, password or URL needs one).
 * Invalid input is refused with a 400, never "repaired".
 */
export const jsonNotUtf8 = () =>
  new AppError({
    status: 400,
    code: "invalid_json",
    message: "Invalid JSON body",
    extra: { hint: "JSON must be UTF-8" },
  });
const jsonBadString = () =>
  new AppError({
    status: 400,
    code: "invalid_json",
    message: "Invalid JSON body",
    extra: { hint: "strings must be well-formed Unicode (no lone surrogate escapes)" },
  });
const badParameter = () =>
  new AppError({
    status: 400,
    code: "invalid_request",
    message: "Invalid request",
    extra: {
      hint: "names, fields, path and query values must be well-formed Unicode, without NUL characters",
    },
  });

/** A JSON body's text; invalid UTF-8 is refused. */
export function jsonText(body: Buffer): string {
  if (!isUtf8(body)) throw jsonNotUtf8();
  return body.toString("utf8");
}

// Only escapes can put a NUL or a lone surrogate into a string of valid UTF-8 JSON text.
const SUSPECT_ESCAPE = /\\u(0000|[dD][89a-fA-F])/;

function cleanText(text: string, nulAllowed: boolean): boolean {
  return text.isWellFormed() && (nulAllowed || !text.includes("\u0000"));
}

function cleanValue(value: unknown, nulAllowed: boolean, depth = 0): boolean {
  if (typeof value === "string") return cleanText(value, nulAllowed);
  if (typeof value !== "object" || value === null) return true;
  // JSON.parse has already bounded the nesting by its own stack; stop walking well before that.
  if (depth > 256) return false;
  if (Array.isArray(value)) return value.every((v) => cleanValue(v, nulAllowed, depth + 1));
  return Object.entries(value).every(
    ([k, v]) => cleanText(k, nulAllowed) && cleanValue(v, nulAllowed, depth + 1),
  );
}

/**
 * Checks the strings of parsed JSON. `nulAllowed` for a paste's content, which is bytes. Walks the
 * document only when its text holds an escape that could make a string unclean.
 */
export function checkJsonStrings(text: string, parsed: unknown, options: { nulAllowed: boolean }): void {
  if (SUSPECT_ESCAPE.test(text) && !cleanValue(parsed, options.nulAllowed)) throw jsonBadString();
}

const badFormField = () =>
  new AppError({
    status: 400,
    code: "invalid_form",
    message: "Invalid form body",
    extra: { hint: "fields must be UTF-8, well-formed, without NUL characters" },
  });

/** Checks the text fields of a form (multipart or urlencoded): clean text, or a 400. */
export function checkFormFields(fields: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(fields)) {
    if (!cleanText(name, false) || !cleanText(value, false)) throw badFormField();
  }
  return fields;
}

/**
 * An application/x-www-form-urlencoded body's fields (the last of a repeated name). Unlike
 * URLSearchParams, which turns an escape of invalid UTF-8 (`%FF`) into U+FFFD, it refuses one.
 */
export function parseUrlencoded(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    const [name, value] = at === -1 ? [pair, ""] : [pair.slice(0, at), pair.slice(at + 1)];
    try {
      fields[decodeURIComponent(name.replaceAll("+", " "))] = decodeURIComponent(value.replaceAll("+", " "));
    } catch {
      throw badFormField();
    }
  }
  return checkFormFields(fields);
}

/**
 * Every route's application/json parser (the paste routes read their bodies themselves, through
 * `jsonText` and `checkJsonStrings`): Fastify's own parser (prototype-poisoning checks, its error
 * codes), given text that was checked to be UTF-8, then its strings checked to be well-formed.
 * NUL is left to each field's own rule (a URL or a common name refuses control characters with its
 * own message; `refuseNulInput` guards the image store).
 */
export function registerTextInput(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    let text: string;
    try {
      text = jsonText(body as Buffer);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    parse(request, text, (err, parsed) => {
      if (err) return done(err, undefined);
      try {
        checkJsonStrings(text, parsed, { nulAllowed: true });
      } catch (bad) {
        return done(bad as Error, undefined);
      }
      done(null, parsed);
    });
  });
}

/**
 * For a scope whose values reach PostgreSQL text columns as they are (the image store's user and
 * image names, form fields): every path parameter, query value and parsed body string must be
 * well-formed Unicode without NUL. `%00` or `%ED%A0%80` in a path decode into what no name holds.
 */
export function refuseNulInput(app: FastifyInstance): void {
  app.addHook("preValidation", (request, _reply, done) => {
    const values = [
      ...Object.values((request.params ?? {}) as Record<string, unknown>),
      ...Object.values((request.query ?? {}) as Record<string, unknown>),
    ];
    const body = request.body;
    const clean =
      values.every((v) => cleanValue(v, false)) &&
      (body === undefined || body === null || Buffer.isBuffer(body) || cleanValue(body, false));
    done(clean ? undefined : badParameter());
  });
}
