/** Typed calls of the paste API and the URL shortener. */
import { decryptPaste, encryptPaste, OVERHEAD_BYTES, type PasteMetadata } from "../protocol/paste-cipher.ts";
import { HEADERS, ROUTES } from "../protocol/vocabulary.ts";
import type { Progress, SealbinClient } from "./client.ts";
import { ClientError, tooLargeMessage } from "./errors.ts";
import type { HttpRequest, HttpResponse } from "./transport.ts";

/** A paste's metadata, as GET /{id} and GET /pastes describe it. */
export interface PasteMeta {
  readonly id: string;
  readonly mime_type: string;
  readonly size: number;
  readonly created_at: number;
  readonly expires_at?: number;
  readonly idle_expires_at?: number;
  readonly expiry?: string;
  readonly burn_after_read?: boolean;
  /** A limited paste's views (X-Max-Views): those it was made with, and those it has left. */
  readonly max_views?: number;
  readonly views_left?: number;
  readonly password_protected?: boolean;
  readonly owner?: string;
  readonly url?: string;
  readonly raw?: string;
}

/** What GET / says a paste may be (sizes in bytes, durations in seconds). */
export interface PasteLimits {
  readonly maxSizeAnon: number;
  readonly maxSizeAuth: number;
  /** The largest resumable upload of an identified caller (sealbin's GET /; else maxSizeAuth). */
  readonly maxFile?: number;
  readonly minSize: number;
  readonly maxExpiry?: number;
  readonly expiry?: Readonly<Record<string, unknown>>;
  /** The limit GET / gave for the caller of that request, and whether it took the caller as identified. */
  readonly callerMaxSize?: number;
  readonly callerIdentified?: boolean;
}

/** The server's paste limits from GET /; undefined when it does not state them (not a sealbin). */
export async function pasteLimits(client: SealbinClient): Promise<PasteLimits | undefined> {
  const info = await serverInfo(client);
  const limits = info.limits as Record<string, unknown> | undefined;
  const expiry = info.expiry as Record<string, unknown> | undefined;
  const anon = limits?.max_size_anon;
  const auth = limits?.max_size_auth;
  if (typeof anon !== "number" || typeof auth !== "number") return undefined;
  // What the server said applies to this very caller (sealbin's GET /; a FlaskPaste server has none).
  const caller = info.caller as { identified?: unknown; max_size?: unknown } | undefined;
  return {
    maxSizeAnon: anon,
    maxSizeAuth: auth,
    ...(typeof limits?.max_file === "number" ? { maxFile: limits.max_file } : {}),
    ...(typeof caller?.max_size === "number" ? { callerMaxSize: caller.max_size } : {}),
    ...(typeof caller?.identified === "boolean" ? { callerIdentified: caller.identified } : {}),
    minSize: typeof limits?.min_size === "number" ? limits.min_size : 0,
    ...(typeof expiry?.max === "number" ? { maxExpiry: expiry.max } : {}),
    ...(expiry ? { expiry } : {}),
  };
}

export interface NewPaste {
  readonly content: Uint8Array;
  /** Encrypt on this machine (the default of every sealbin client). */
  readonly encrypt: boolean;
  /** The file's name and type, carried inside the encryption (encrypted pastes only). */
  readonly meta?: PasteMetadata;
  /**
   * The server's limits (pasteLimits): a paste over them is refused here, before it is encrypted
   * or any proof-of-work is solved. `identified` says which limit applies.
   */
  readonly limits?: PasteLimits;
  readonly identified?: boolean;
  readonly burnAfterRead?: boolean;
  /** X-Max-Views: the reads it may have, 1 to MAX_VIEWS (1 is burnAfterRead); the last deletes it. */
  readonly maxViews?: number;
  readonly expirySeconds?: number;
  readonly password?: string;
  /** The type to declare for an unencrypted paste (the server detects one otherwise). */
  readonly contentType?: string;
  readonly onProgress?: (progress: Progress) => void;
}

export interface CreatedPaste {
  /** The link to share: absolute, with the key in its fragment when encrypted. */
  readonly link: string;
  readonly id: string;
  /** The key's fragment text (without "#"), for an encrypted paste. */
  readonly fragment?: string;
  readonly answer: Record<string, unknown>;
}

/** The bytes an upload of `paste` sends: the ciphertext of an encrypted one is a little larger. */
function uploadSize(paste: NewPaste): number {
  if (!paste.encrypt) return paste.content.length;
  const record = paste.meta?.name || paste.meta?.type ? 2 + JSON.stringify(paste.meta).length : 0;
  return paste.content.length + OVERHEAD_BYTES + record;
}

function tooLarge(size: number, maxSize: number, authenticated: boolean, maxAuth?: number): ClientError {
  return new ClientError(
    "too-large",
    tooLargeMessage({ size, maxSize, authenticated, ...(maxAuth ? { maxAuth } : {}) }),
    {
      status: 413,
      body: { error: "Paste too large", size, max_size: maxSize, authenticated },
    },
  );
}

/**
 * Refuses `size` bytes over what the server's limits (pasteLimits) allow this caller, before any
 * work: without a say from the caller, what GET / said of the same caller (a browser cannot know
 * whether a proxy checked a client certificate), else the anonymous limit.
 */
export function checkSize(limits: PasteLimits, identifiedSaid: boolean | undefined, size: number): void {
  const identified = identifiedSaid ?? limits.callerIdentified ?? false;
  const max =
    identifiedSaid === undefined && limits.callerMaxSize !== undefined
      ? limits.callerMaxSize
      : identified
        ? limits.maxSizeAuth
        : limits.maxSizeAnon;
  if (size > max) throw tooLarge(size, max, identified, limits.maxSizeAuth);
}

export async function createPaste(client: SealbinClient, paste: NewPaste): Promise<CreatedPaste> {
  if (paste.limits) checkSize(paste.limits, paste.identified, uploadSize(paste));
  const sealed = paste.encrypt ? await encryptPaste(paste.content, paste.meta) : undefined;
  const headers: Record<string, string> = {
    "content-type": sealed ? "application/octet-stream" : (paste.contentType ?? "application/octet-stream"),
  };
  if (paste.burnAfterRead) headers[HEADERS.burnAfterRead] = "true";
  if (paste.maxViews !== undefined) headers[HEADERS.maxViews] = String(paste.maxViews);
  if (paste.expirySeconds !== undefined) headers[HEADERS.expiry] = String(paste.expirySeconds);
  if (paste.password) headers[HEADERS.pastePassword] = paste.password;
  const body = sealed ? sealed.body : paste.content;
  const answer = await client
    .withPow<Record<string, unknown>>(ROUTES.challenge, ROUTES.info, {
      method: "POST",
      headers,
      body,
      ...(paste.onProgress ? { onProgress: paste.onProgress } : {}),
    })
    .catch((err: unknown) => {
      // The server's 413 says the same as the check above would have.
      const b = err instanceof ClientError && err.status === 413 ? err.body : undefined;
      if (b && typeof b.size === "number" && typeof b.max_size === "number") {
        throw tooLarge(b.size, b.max_size, b.authenticated === true, paste.limits?.maxSizeAuth);
      }
      // A server refusing a body over its limit answers 413 and closes the connection; when that
      // close overtakes its answer (the unread body makes the connection reset), the answer is lost.
      // Over the anonymous limit, sent as identified: that is the 413 for a caller the server did not
      // take as identified, and is reported as such rather than as an unreachable server.
      const cut =
        err instanceof ClientError &&
        err.kind === "unreachable" &&
        ["EPIPE", "ECONNRESET"].includes(err.reason ?? "");
      if (cut && paste.limits && paste.identified && body.length > paste.limits.maxSizeAnon) {
        throw tooLarge(body.length, paste.limits.maxSizeAnon, false, paste.limits.maxSizeAuth);
      }
      throw err;
    });
  if (typeof answer.url !== "string" || typeof answer.id !== "string") {
    throw new ClientError("bad-answer", "the server's answer has no paste url");
  }
  const link = new URL(answer.url, `${client.base}/`).href;
  return {
    link: sealed ? `${link}#${sealed.fragment}` : link,
    id: answer.id,
    ...(sealed ? { fragment: sealed.fragment } : {}),
    answer,
  };
}

const passwordHeaders = (password?: string): Record<string, string> =>
  password ? { [HEADERS.pastePassword]: password } : {};

export function pasteMeta(client: SealbinClient, id: string, password?: string): Promise<PasteMeta> {
  return client.json<PasteMeta>(ROUTES.paste(id), { headers: passwordHeaders(password) });
}

/**
 * A paste's content. With a key, the whole ciphertext is fetched and authenticated before any byte
 * is returned (PasteCipherError when it does not open); without one, `sink` (when given) takes the
 * bytes as they arrive.
 */
export async function pasteContent(
  client: SealbinClient,
  id: string,
  options: {
    readonly password?: string;
    readonly key?: string;
    readonly sink?: (chunk: Uint8Array) => Promise<void> | void;
    readonly onProgress?: (progress: Progress) => void;
  } = {},
): Promise<Uint8Array> {
  const streamed = options.key ? undefined : options.sink;
  const res = await client.bytes(ROUTES.raw(id), {
    headers: passwordHeaders(options.password),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(streamed ? { sink: streamed } : {}),
  });
  if (!options.key) return res.body;
  const plain = await decryptPaste(res.body, options.key);
  if (options.sink) await options.sink(plain);
  return plain;
}

/**
 * A paste's stored bytes as the server sends them (ciphertext stays ciphertext), with the answer's
 * headers (its type, X-Burn-After-Read); `sink` takes the bytes as they arrive.
 */
export function pasteRaw(
  client: SealbinClient,
  id: string,
  options: {
    readonly password?: string;
    readonly sink?: (chunk: Uint8Array) => Promise<void> | void;
    readonly onProgress?: (progress: Progress) => void;
    /** The answer's status and headers before its body (a 206 to a Range, or the whole 200). */
    readonly onAnswer?: HttpRequest["onAnswer"];
    /** Range and If-Range, to resume a download. */
    readonly headers?: Readonly<Record<string, string>>;
  } = {},
): Promise<HttpResponse> {
  return client.bytes(ROUTES.raw(id), {
    headers: { ...passwordHeaders(options.password), ...options.headers },
    ...(options.onAnswer ? { onAnswer: options.onAnswer } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.sink ? { sink: options.sink } : {}),
  });
}

export async function deletePaste(client: SealbinClient, id: string): Promise<void> {
  await client.bytes(ROUTES.paste(id), { method: "DELETE" });
}

/** Every page of GET /pastes (the caller's, or with `all` everyone's: admin). */
export async function listPastes(client: SealbinClient, all = false, pageSize = 500): Promise<PasteMeta[]> {
  const pastes: PasteMeta[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await client.json<{ pastes: PasteMeta[]; total: number }>(
      `${ROUTES.pastes}?limit=${pageSize}&offset=${offset}${all ? "&all=1" : ""}`,
    );
    pastes.push(...page.pastes);
    if (page.pastes.length < pageSize || pastes.length >= page.total) return pastes;
  }
}

export interface ShortUrl {
  readonly link: string;
  readonly answer: Record<string, unknown>;
}

export async function shortenUrl(
  client: SealbinClient,
  target: string,
  options: { readonly expirySeconds?: number; readonly onProgress?: (progress: Progress) => void } = {},
): Promise<ShortUrl> {
  const headers: Record<string, string> = {};
  if (options.expirySeconds !== undefined) headers[HEADERS.expiry] = String(options.expirySeconds);
  const answer = await client.withPow<Record<string, unknown>>(ROUTES.challenge, ROUTES.shorten, {
    method: "POST",
    headers,
    json: { url: target },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  if (typeof answer.url !== "string") throw new ClientError("bad-answer", "the server's answer has no url");
  return { link: new URL(answer.url, `${client.base}/`).href, answer };
}

/** A short URL as GET /s lists it. */
export interface ShortUrlInfo {
  readonly id: string;
  readonly url: string;
  readonly target_url: string;
  readonly created_at: number;
  readonly clicks?: number;
  readonly expires_at?: number;
  readonly owner?: string;
}

/** Every page of GET /s: the caller's short URLs (with `all`, everyone's: admin). */
export async function listShortUrls(
  client: SealbinClient,
  all = false,
  pageSize = 500,
): Promise<ShortUrlInfo[]> {
  const found: ShortUrlInfo[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await client.json<{ short_urls: ShortUrlInfo[]; total: number }>(
      `${ROUTES.shorten}?limit=${pageSize}&offset=${offset}${all ? "&all=1" : ""}`,
    );
    if (!Array.isArray(page.short_urls))
      throw new ClientError("bad-answer", "the server's answer has no short_urls");
    found.push(...page.short_urls);
    if (page.short_urls.length < pageSize || found.length >= page.total) return found;
  }
}

/** DELETE /s/{id}: the owner's or an admin's. */
export async function deleteShortUrl(client: SealbinClient, id: string): Promise<void> {
  await client.bytes(`${ROUTES.shorten}/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** The server's description (GET /): its limits, expiry rules and proof-of-work. */
export function serverInfo(client: SealbinClient): Promise<Record<string, unknown>> {
  return client.json<Record<string, unknown>>(ROUTES.info);
}
