/**
 * HTTP/1.1 on the wire for the fuzz suite: requests built as raw bytes (so malformed bytes reach the
 * server untouched), chunked and multipart bodies, and a tolerant parser of the answers.
 */
import type { Rng } from "./rng.ts";

/**
 * A header as [name, value], the value a latin1 string so that any byte fits. An empty name writes
 * the value as the whole line (a line without a colon, an obs-fold…).
 */
export type Header = readonly [name: string, value: string];

/** An HTTP/1.1 request as the bytes that go on the wire, nothing normalised. */
export interface WireRequest {
  method: string;
  target: string;
  version?: string;
  headers: Header[];
  body: Buffer;
}

export function headerOf(req: WireRequest, name: string): string | undefined {
  return req.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

export function withoutHeader(headers: readonly Header[], name: string): Header[] {
  return headers.filter(([n]) => n.toLowerCase() !== name.toLowerCase());
}

/** The same request with `name` set to `value` (every previous occurrence removed). */
export function withHeader(req: WireRequest, name: string, value: string): WireRequest {
  return { ...req, headers: [...withoutHeader(req.headers, name), [name, value]] };
}

/** A Content-Length matching the body, unless the request already frames it some way. */
export function framed(req: WireRequest): WireRequest {
  if (headerOf(req, "content-length") !== undefined || headerOf(req, "transfer-encoding") !== undefined)
    return req;
  return { ...req, headers: [...req.headers, ["Content-Length", String(req.body.length)]] };
}

export function encode(req: WireRequest): Buffer {
  let head = `${req.method} ${req.target} ${req.version ?? "HTTP/1.1"}\r\n`;
  for (const [name, value] of req.headers) head += name === "" ? `${value}\r\n` : `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), req.body]);
}

/** `body` as chunked transfer coding, in chunks of random sizes. */
export function chunkedBody(rng: Rng, body: Buffer, options: { trailer?: string } = {}): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const size = Math.min(body.length - at, rng.range(1, Math.max(1, Math.ceil(body.length / 2))));
    out.push(Buffer.from(`${size.toString(16)}\r\n`, "latin1"), body.subarray(at, at + size), CRLF);
    at += size;
  }
  out.push(Buffer.from(`0\r\n${options.trailer ?? ""}\r\n`, "latin1"));
  return Buffer.concat(out);
}

const CRLF = Buffer.from("\r\n");

/** One part of a multipart body: its header lines and content. */
export interface Part {
  headers: string[];
  content: Buffer;
}

/**
 * A multipart/form-data body and the offsets where a cut is most telling: at each boundary, inside
 * and after each part's headers, inside its content, and just before the closing boundary.
 */
export function multipartBody(
  boundary: string,
  parts: readonly Part[],
  options: { closing?: boolean; preamble?: string; epilogue?: string } = {},
): { body: Buffer; cuts: number[] } {
  const out: Buffer[] = [];
  const cuts: number[] = [];
  let length = 0;
  const add = (b: Buffer | string) => {
    const buf = typeof b === "string" ? Buffer.from(b, "latin1") : b;
    out.push(buf);
    length += buf.length;
  };
  if (options.preamble) add(options.preamble);
  for (const part of parts) {
    cuts.push(length);
    add(`--${boundary}\r\n`);
    cuts.push(length - 2, length);
    for (const line of part.headers) {
      add(line.slice(0, Math.ceil(line.length / 2)));
      cuts.push(length);
      add(`${line.slice(Math.ceil(line.length / 2))}\r\n`);
      cuts.push(length);
    }
    add("\r\n");
    cuts.push(length);
    add(part.content.subarray(0, Math.ceil(part.content.length / 2)));
    cuts.push(length);
    add(part.content.subarray(Math.ceil(part.content.length / 2)));
    cuts.push(length);
    add("\r\n");
  }
  if (options.closing !== false) {
    cuts.push(length);
    add(`--${boundary}--\r\n`);
    cuts.push(length - 4);
  }
  if (options.epilogue) add(options.epilogue);
  return { body: Buffer.concat(out, length), cuts: [...new Set(cuts)].filter((c) => c > 0 && c < length) };
}

/** The statuses of the answers in `buf`; `complete` counts those received whole. */
export function parseResponses(buf: Buffer): { statuses: number[]; complete: number } {
  const statuses: number[] = [];
  let complete = 0;
  let pos = 0;
  while (pos < buf.length) {
    const line = /^HTTP\/1\.[01] (\d{3})/.exec(buf.toString("latin1", pos, Math.min(buf.length, pos + 16)));
    if (!line) break;
    const status = Number(line[1]);
    const headEnd = buf.indexOf("\r\n\r\n", pos);
    if (status >= 200) statuses.push(status);
    if (headEnd < 0) break;
    const head = buf.toString("latin1", pos, headEnd);
    let next = headEnd + 4;
    if (status >= 200 && status !== 204 && status !== 304) {
      const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
      if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) {
        const end = endOfChunked(buf, next);
        if (end < 0) break;
        next = end;
      } else if (length) {
        next += Number(length[1]);
        if (next > buf.length) break;
      } else {
        break; // delimited by the close
      }
    }
    if (status >= 200) complete++;
    pos = next;
  }
  return { statuses, complete };
}

function endOfChunked(buf: Buffer, start: number): number {
  let pos = start;
  for (;;) {
    const lineEnd = buf.indexOf("\r\n", pos);
    if (lineEnd < 0) return -1;
    const size = Number.parseInt(buf.toString("latin1", pos, lineEnd), 16);
    if (Number.isNaN(size)) return -1;
    if (size === 0) {
      const end = buf.indexOf("\r\n\r\n", lineEnd);
      return end < 0 ? -1 : end + 4;
    }
    pos = lineEnd + 2 + size + 2;
    if (pos > buf.length) return -1;
  }
}

/** Bytes as an escaped, truncated string for a failure message. */
export function escaped(bytes: Buffer, max = 600): string {
  let out = "";
  for (const b of bytes.subarray(0, max)) {
    if (b === 0x0d) out += "\\r";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x5c) out += "\\\\";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return bytes.length > max ? `${out}… (${bytes.length} bytes in all)` : out;
}
