/**
 * The one API client the CLI and the web page share: requests against a server's base URL, JSON
 * answers, and writes that need proof-of-work (solve, send, and solve again when the server says a
 * fresh challenge will do). Typed calls per feature live beside it (pastes.ts, pki.ts, accounts.ts,
 * functions.ts); progress is reported through callbacks, never printed.
 */
import { utf8 } from "../protocol/bytes.ts";
import { HEADERS, POW_RETRYABLE, ROUTES } from "../protocol/vocabulary.ts";
import { ClientError, jsonObjectOf, refusal } from "./errors.ts";
import type { PowSolver } from "./pow-solver.ts";
import type { HttpRequest, HttpResponse, Transport } from "./transport.ts";

/** What a caller may hear about while a call runs. */
export type Progress =
  | { readonly phase: "pow"; readonly difficulty: number; readonly fraction: number }
  | { readonly phase: "upload" | "download"; readonly done: number; readonly total: number };

export interface ClientOptions {
  /** The server's base URL, with its prefix and without a trailing slash. */
  readonly base: string;
  readonly transport: Transport;
  readonly pow: PowSolver;
  /** Headers sent with every request (user agent, a forwarded certificate fingerprint). */
  readonly headers?: Readonly<Record<string, string>>;
  /** An account's token, sent as `Authorization: Bearer` except to the sealed /v1 API. */
  readonly bearer?: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  readonly onProgress?: (progress: Progress) => void;
  readonly sink?: HttpRequest["sink"];
  readonly onAnswer?: HttpRequest["onAnswer"];
}

/** A challenge from GET /challenge or GET /register/challenge. */
export interface ChallengeAnswer {
  readonly enabled: boolean;
  readonly nonce?: string;
  readonly difficulty?: number;
  readonly token?: string;
}

/** How many times a write is solved again for a retryable refusal before the refusal stands. */
const POW_ATTEMPTS = 3;

export class SealbinClient {
  readonly base: string;
  readonly #options: ClientOptions;

  constructor(options: ClientOptions) {
    this.base = options.base.replace(/\/+$/, "");
    this.#options = options;
  }

  /** The same client against another server (a paste URL names its own). */
  withBase(base: string): SealbinClient {
    return new SealbinClient({ ...this.#options, base });
  }

  /** An absolute URL for a path of this server (or the URL itself when given one). */
  url(pathOrUrl: string): string {
    return /^https?:/i.test(pathOrUrl) ? pathOrUrl : `${this.base}${pathOrUrl}`;
  }

  /** Any answer, whatever its status; rejects only when the server was not reached. */
  request(pathOrUrl: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = this.url(pathOrUrl);
    const headers: Record<string, string> = { ...this.#options.headers, ...options.headers };
    const bearer = this.#options.bearer;
    const sealedApi = new URL(url).pathname.replace(/\/+$/, "").endsWith(ROUTES.functions);
    if (bearer && !headers.authorization && !sealedApi) headers.authorization = `Bearer ${bearer}`;
    let body: Uint8Array | undefined;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = utf8(JSON.stringify(options.json));
    } else if (options.form !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = utf8(new URLSearchParams(options.form as Record<string, string>).toString());
    } else if (options.body !== undefined) {
      body = typeof options.body === "string" ? utf8(options.body) : options.body;
    }
    const report = options.onProgress;
    return this.#options.transport({
      method: options.method ?? "GET",
      url,
      headers,
      ...(body ? { body } : {}),
      ...(report ? { onUpload: (done, total) => report({ phase: "upload", done, total }) } : {}),
      ...(report ? { onDownload: (done, total) => report({ phase: "download", done, total }) } : {}),
      ...(options.sink ? { sink: options.sink } : {}),
      ...(options.onAnswer ? { onAnswer: options.onAnswer } : {}),
    });
  }

  /** A request whose answer must be 2xx JSON (an object or an array). */
  async json<T>(pathOrUrl: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(pathOrUrl, {
      ...options,
      headers: { accept: "application/json", ...options.headers },
    });
    return expectJson<T>(res);
  }

  /** A request whose answer must be 2xx; its bytes. */
  async bytes(pathOrUrl: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const res = await this.request(pathOrUrl, options);
    if (res.status < 200 || res.status >= 300) throw refusal(res);
    return res;
  }

  /**
   * A write that may need proof-of-work: asks `challengePath` for a challenge, solves it, sends
   * `options` with the solution; a refusal that a fresh challenge answers (expired, used, or the
   * difficulty has risen) is solved again, up to three times in all.
   */
  async withPow<T>(challengePath: string, pathOrUrl: string, options: RequestOptions): Promise<T> {
    return expectJson<T>(await this.powRequest(challengePath, pathOrUrl, options));
  }

  /** withPow's request, its answer whatever the status (a 201 without a body, as tus's). */
  async powRequest(challengePath: string, pathOrUrl: string, options: RequestOptions): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      const challenge = await this.json<ChallengeAnswer>(challengePath);
      const headers: Record<string, string> = { ...options.headers };
      if (challenge.enabled) {
        const difficulty = Number(challenge.difficulty);
        if (typeof challenge.nonce !== "string" || typeof challenge.token !== "string" || !(difficulty > 0)) {
          throw new ClientError("bad-answer", "the server's challenge is malformed");
        }
        const solution = await this.#options.pow.solve({ nonce: challenge.nonce, difficulty }, (fraction) =>
          options.onProgress?.({ phase: "pow", difficulty, fraction }),
        );
        headers[HEADERS.powToken] = challenge.token;
        headers[HEADERS.powSolution] = String(solution);
      }
      const res = await this.request(pathOrUrl, {
        ...options,
        headers: { accept: "application/json", ...headers },
      });
      if (attempt < POW_ATTEMPTS && res.status === 400 && isRetryablePowRefusal(res)) continue;
      return res;
    }
  }
}

function isRetryablePowRefusal(res: HttpResponse): boolean {
  const code = jsonObjectOf(res.body)?.code;
  return typeof code === "string" && POW_RETRYABLE.includes(code);
}

function expectJson<T>(res: HttpResponse): T {
  if (res.status < 200 || res.status >= 300) throw refusal(res);
  const text = new TextDecoder().decode(res.body);
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === "object") return value as T;
  } catch {}
  throw new ClientError("bad-answer", "the server's answer is not JSON: is this a sealbin server?", {
    status: res.status,
  });
}
