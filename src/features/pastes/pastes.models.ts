/** Pure rules of the paste API: no I/O, no framework. */
import type { TrustLevel } from "../identity/identity.models.ts";

export function isValidPasteId(id: string, length: number): boolean {
  return id.length === length && /^[0-9a-f]+$/.test(id);
}

export interface ExpiryDefaults {
  readonly expiryAnon: number;
  readonly expiryUntrusted: number;
  readonly expiryTrusted: number;
}

/** The default (sliding) expiry follows the caller's trust level. */
export function defaultExpiryFor(trustLevel: TrustLevel, config: ExpiryDefaults): number {
  switch (trustLevel) {
    case "trusted":
      return config.expiryTrusted;
    case "untrusted":
      return config.expiryUntrusted;
    default:
      return config.expiryAnon;
  }
}

/**
 * X-Max-Views: one whole decimal number from 1 to `max`, without sign, exponent or leading zero.
 * Undefined when the header is absent; NaN for anything else (0, 10001, 1.5, 1e3, -1, "2, 3": a
 * repeated header arrives joined), which the caller refuses rather than ignores: a limit
 * silently dropped would let a secret be read without end.
 */
export function parseMaxViews(value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,5}$/.test(value)) return Number.NaN;
  const views = Number(value);
  return views <= max ? views : Number.NaN;
}

/** How far a sliding deadline may lag before a read writes it forward: reads stay reads. */
export const TOUCH_GRANULARITY_SECONDS = 60;

export function nextSlidingDeadline(
  paste: { expiresAt: number; idleTtl: number | null },
  now: number,
): number | undefined {
  if (paste.idleTtl === null) return undefined;
  const next = now + paste.idleTtl;
  return next - paste.expiresAt >= TOUCH_GRANULARITY_SECONDS ? next : undefined;
}

/**
 * When a paste expires, in the answers' words. `expires_at` keeps the reference's meaning, a fixed
 * deadline set with X-Expiry, and appears only then; an idle (sliding) paste says `idle_expires_at`:
 * its deadline as of now, which each read moves forward (by a minute or more, see above).
 */
export type ExpiryFields =
  | { readonly expiry: "fixed"; readonly expires_at: number }
  | { readonly expiry: "idle"; readonly idle_expires_at: number };

export function expiryFieldsOf(paste: { expiresAt: number; idleTtl: number | null }): ExpiryFields {
  return paste.idleTtl === null
    ? { expiry: "fixed", expires_at: paste.expiresAt }
    : { expiry: "idle", idle_expires_at: paste.expiresAt };
}

/** Types a browser would execute or render as a document: never served inline from the paste origin. */
export function isActiveContentType(mime: string): boolean {
  return (
    mime === "text/html" ||
    mime === "application/xhtml+xml" ||
    mime === "image/svg+xml" ||
    mime === "text/xml" ||
    mime === "application/xml" ||
    mime.endsWith("+xml") ||
    isCodeType(mime) ||
    mime === "text/xsl" ||
    mime === "application/xslt+xml" ||
    mime === "multipart/x-mixed-replace"
  );
}

/** Content-Disposition for raw content: inline for image/* and text/*, attachment for active types. */
export function contentDispositionFor(mime: string): "inline" | "attachment" | undefined {
  if (isActiveContentType(mime)) return "attachment";
  if (mime.startsWith("image/") || mime.startsWith("text/")) return "inline";
  return undefined;
}

/**
 * Types a page on the paste origin could run or apply as code even from an attachment: a script
 * (`<script src>`, a worker, `import`), WebAssembly, a stylesheet. The JavaScript types are the
 * WHATWG MIME Sniffing standard's "JavaScript MIME type" essences plus the module and JSX variants.
 */
const CODE_TYPES = new Set([
  "application/ecmascript",
  "application/javascript",
  "application/x-ecmascript",
  "application/x-javascript",
  "text/ecmascript",
  "text/javascript",
  "text/javascript1.0",
  "text/javascript1.1",
  "text/javascript1.2",
  "text/javascript1.3",
  "text/javascript1.4",
  "text/javascript1.5",
  "text/jscript",
  "text/livescript",
  "text/x-ecmascript",
  "text/x-javascript",
  "text/jsx",
  "application/wasm",
  "text/css",
]);

export function isCodeType(mime: string): boolean {
  return CODE_TYPES.has(mime) || mime.includes("javascript") || mime.includes("ecmascript");
}

/**
 * The Content-Type header for raw content: text/plain is only ever stored for valid UTF-8. Code
 * types are served as text/plain: with `nosniff`, no browser runs or applies them, so another
 * paste's HTML (or any page of this origin) cannot load a paste as a same-origin script.
 */
export function contentTypeHeaderFor(mime: string): string {
  if (mime === "text/plain") return "text/plain; charset=utf-8";
  return isCodeType(mime) ? "text/plain" : mime;
}
