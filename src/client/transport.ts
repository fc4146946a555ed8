/**
 * How the client reaches the server: one function, implemented on node:http(s) for the CLI
 * (node-transport.ts) and on fetch for the web page (fetch-transport.ts).
 */

export interface HttpRequest {
  readonly method: string;
  /** Absolute URL. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Bytes sent so far of `body` (only called for bodies). */
  readonly onUpload?: (done: number, total: number) => void;
  /** Bytes received so far; `total` is the declared length, 0 when there is none. */
  readonly onDownload?: (done: number, total: number) => void;
  /**
   * Takes a 2xx answer's body as it arrives instead of buffering it (the response's `body` is then
   * empty); error answers are always buffered so that their JSON can be read.
   */
  readonly sink?: (chunk: Uint8Array) => Promise<void> | void;
  /** A 2xx answer's status and headers (lower-case names), before its body reaches the sink. */
  readonly onAnswer?: (status: number, headers: Readonly<Record<string, string>>) => void;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** Sends a request; a failure to reach the server rejects with ClientError "unreachable". */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;
