/**
 * The streaming end-to-end format (docs/encryption.md, version 2): for files of any size, encrypted
 * and decrypted record by record in memory independent of the size. WebCrypto only, so the CLI and
 * the web page run this file as it is.
 *
 *   header (24 bytes) = "SBN" ‖ 0x02 ‖ log2(record size) ‖ metadata length (3 bytes, big-endian) ‖ salt (16)
 *   record key        = HKDF-SHA256(link key, salt, "sealbin stream v2")
 *   record i          = AES-256-GCM(record key, nonce_i, plaintext_i, additional data = header)
 *   nonce_i           = i (11 bytes, big-endian) ‖ 0x01 for the last record, 0x00 before it
 *
 * Record 0 is the metadata (JSON: the files' names, types and sizes); records 1… are the content,
 * each exactly the record size but the last (1 to record size bytes). The STREAM construction (as
 * age and RFC 8188 use it): a record moved, dropped, repeated, taken from another stream or cut
 * short fails its tag, and a stream cut at a record boundary lacks its last-record flag. Every byte
 * of the header is authenticated with every record.
 */
import { concatBytes, randomBytes, utf8 } from "./bytes.ts";
import { KEY_BYTES, TAG_BYTES } from "./paste-cipher.ts";
import {
  decodeMetadata,
  encodeMetadata,
  STREAM_META_MAX_BYTES,
  StreamCipherError,
  type StreamMetadata,
} from "./stream-metadata.ts";

export const STREAM_MAGIC = Uint8Array.of(0x53, 0x42, 0x4e, 0x02);
export const STREAM_HEADER_BYTES = 24;
const SALT_BYTES = 16;
const INFO = utf8("sealbin stream v2");
/** 64 KiB records: a tag (16 bytes) per 64 KiB, and one WebCrypto call each. */
export const DEFAULT_RECORD_LOG2 = 16;
const RECORD_LOG2_MIN = 10;
const RECORD_LOG2_MAX = 20;
// WebCrypto's BufferSource wants ArrayBuffer-backed views; every view made here is.
const buffer = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

/** The bytes a stream of `contentBytes` takes with a metadata record of `metaBytes`. */
export function sealedStreamSize(
  contentBytes: number,
  metaBytes: number,
  recordLog2 = DEFAULT_RECORD_LOG2,
): number {
  const records = Math.ceil(contentBytes / 2 ** recordLog2);
  return STREAM_HEADER_BYTES + metaBytes + TAG_BYTES + contentBytes + records * TAG_BYTES;
}

/** Whether `bytes` start as a version-2 stream does (a version-1 paste starts with a random IV). */
export const isStream = (bytes: Uint8Array): boolean =>
  bytes.length >= STREAM_HEADER_BYTES && STREAM_MAGIC.every((b, i) => bytes[i] === b);

function nonce(counter: number, last: boolean): Uint8Array {
  const n = new Uint8Array(12);
  const view = new DataView(n.buffer);
  view.setUint32(3, Math.floor(counter / 2 ** 32));
  view.setUint32(7, counter >>> 0);
  n[11] = last ? 1 : 0;
  return n;
}

async function recordKey(key: Uint8Array, salt: Uint8Array): Promise<CryptoKey> {
  if (key.length !== KEY_BYTES) throw new StreamCipherError("bad-key");
  const base = await crypto.subtle.importKey("raw", buffer(key), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: buffer(salt), info: buffer(INFO) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

interface Sealer {
  readonly header: Uint8Array;
  readonly key: CryptoKey;
}

async function seal(s: Sealer, counter: number, last: boolean, plain: Uint8Array): Promise<Uint8Array> {
  const iv = buffer(nonce(counter, last));
  const out = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: buffer(s.header) },
    s.key,
    buffer(plain),
  );
  return new Uint8Array(out);
}

/** Collects a source's chunks into records of exactly `size` bytes (the last one shorter). */
async function* records(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let pending = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of source) {
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(size - filled, chunk.length - at);
      pending.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        yield pending;
        pending = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield pending.subarray(0, filled);
}

/**
 * Encrypts `source` (the files' contents one after another, `meta.files` in order) as a version-2
 * stream under `key` (32 bytes, the link's #fragment). Yields the header, then each sealed record;
 * holds two records at most. Throws StreamCipherError("bad-metadata") when the content's length is
 * not the sum of the files' sizes.
 */
export async function* sealStream(
  key: Uint8Array,
  meta: StreamMetadata,
  source: AsyncIterable<Uint8Array>,
  options: { recordLog2?: number; salt?: Uint8Array } = {},
): AsyncGenerator<Uint8Array> {
  const log2 = options.recordLog2 ?? DEFAULT_RECORD_LOG2;
  if (!Number.isInteger(log2) || log2 < RECORD_LOG2_MIN || log2 > RECORD_LOG2_MAX)
    throw new RangeError("record size");
  const metaBytes = encodeMetadata(meta);
  const expected = meta.files.reduce((sum, f) => sum + f.size, 0);
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  if (salt.length !== SALT_BYTES) throw new RangeError("salt");
  const len = metaBytes.length;
  const header = concatBytes(
    STREAM_MAGIC,
    Uint8Array.of(log2, len >> 16, (len >> 8) & 0xff, len & 0xff),
    salt,
  );
  const s: Sealer = { header, key: await recordKey(key, salt) };
  yield header;
  let counter = 0;
  let held: Uint8Array | null = metaBytes;
  let total = 0;
  for await (const record of records(source, 2 ** log2)) {
    total += record.length;
    if (total > expected) throw new StreamCipherError("bad-metadata");
    yield await seal(s, counter++, false, held);
    // records() hands out a fresh buffer for each full record: holding it is safe.
    held = record;
  }
  if (total !== expected) throw new StreamCipherError("bad-metadata");
  yield await seal(s, counter, true, held);
}

/** Reads exactly-sized pieces from a byte source, however its chunks fall. */
class Reader {
  private readonly it: AsyncIterator<Uint8Array>;
  private buf: Uint8Array = new Uint8Array(0);
  private done = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Up to `n` bytes (fewer only at the end of the source). */
  async read(n: number): Promise<Uint8Array> {
    while (this.buf.length < n && !this.done) {
      const next = await this.it.next();
      if (next.done) this.done = true;
      else this.buf = this.buf.length === 0 ? next.value : concatBytes(this.buf, next.value);
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }

  /** Whether the source has nothing more. */
  async atEnd(): Promise<boolean> {
    if (this.buf.length > 0) return false;
    const more = await this.read(1);
    if (more.length === 0) return true;
    this.buf = concatBytes(more, this.buf);
    return false;
  }
}

async function open(
  s: Sealer,
  counter: number,
  last: boolean,
  sealed: Uint8Array,
): Promise<Uint8Array | null> {
  try {
    const iv = buffer(nonce(counter, last));
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: buffer(s.header) },
      s.key,
      buffer(sealed.slice()),
    );
    return new Uint8Array(plain);
  } catch {
    return null;
  }
}

/** Parses a header: its record size (log2) and metadata length, or bad-header. */
function parseHeader(header: Uint8Array): { log2: number; metaLength: number } {
  if (!isStream(header)) throw new StreamCipherError("bad-header");
  const log2 = header[4] ?? 0;
  const metaLength = ((header[5] ?? 0) << 16) | ((header[6] ?? 0) << 8) | (header[7] ?? 0);
  if (log2 < RECORD_LOG2_MIN || log2 > RECORD_LOG2_MAX || metaLength > STREAM_META_MAX_BYTES)
    throw new StreamCipherError("bad-header");
  return { log2, metaLength };
}

/** Authenticates record 0 (sealed as last or not, as `onlyMeta` says) and decodes the file list. */
async function openMetadata(s: Sealer, sealedMeta: Uint8Array, onlyMeta: boolean): Promise<StreamMetadata> {
  const metaPlain = await open(s, 0, onlyMeta, sealedMeta);
  if (metaPlain === null) {
    // Sealed as not-last but nothing follows: cut after the metadata.
    if (onlyMeta && (await open(s, 0, false, sealedMeta)) !== null) throw new StreamCipherError("truncated");
    if (!onlyMeta && (await open(s, 0, true, sealedMeta)) !== null)
      throw new StreamCipherError("trailing-data");
    throw new StreamCipherError("not-authentic");
  }
  return decodeMetadata(metaPlain);
}

/**
 * The content records from `counter` on (the ones before it carried `before` bytes of plaintext),
 * each yielded once authenticated; throws at the end for a cut, appended bytes or a size that is
 * not the metadata's.
 */
async function* contentRecords(
  reader: Reader,
  s: Sealer,
  recordBytes: number,
  expected: number,
  counter: number,
  before: number,
): AsyncGenerator<Uint8Array> {
  let total = before;
  for (;;) {
    const sealed = await reader.read(recordBytes + TAG_BYTES);
    if (sealed.length <= TAG_BYTES)
      throw new StreamCipherError(sealed.length === 0 ? "truncated" : "not-authentic");
    const last = sealed.length < recordBytes + TAG_BYTES || (await reader.atEnd());
    const plain = await open(s, counter, last, sealed);
    if (plain === null) {
      // A full record at the end that was sealed as not-last: the stream was cut there; the last
      // record followed by more bytes: something was appended.
      if (last && (await open(s, counter, false, sealed)) !== null) throw new StreamCipherError("truncated");
      if (!last && (await open(s, counter, true, sealed)) !== null)
        throw new StreamCipherError("trailing-data");
      throw new StreamCipherError("not-authentic");
    }
    total += plain.length;
    if (total > expected) throw new StreamCipherError("bad-metadata");
    yield plain;
    if (last) break;
    counter++;
  }
  if (total !== expected) throw new StreamCipherError("bad-metadata");
}

export interface OpenedStream {
  readonly metadata: StreamMetadata;
  readonly recordBytes: number;
  /** The header and the sealed metadata, as they came: what a resumed download starts from. */
  readonly head: Uint8Array;
  readonly content: AsyncGenerator<Uint8Array>;
}

/**
 * Opens a version-2 stream: reads and authenticates the header and the metadata record, then
 * `content` yields each record's plaintext once it is authenticated. A stream that is cut short,
 * reordered, altered or followed by more bytes throws StreamCipherError from `content` before its
 * end: a consumer writing to disk keeps a `.part` file until `content` has finished.
 */
export async function openStream(key: Uint8Array, source: AsyncIterable<Uint8Array>): Promise<OpenedStream> {
  if (key.length !== KEY_BYTES) throw new StreamCipherError("bad-key");
  const reader = new Reader(source);
  const header = (await reader.read(STREAM_HEADER_BYTES)).slice();
  const { log2, metaLength } = parseHeader(header);
  const s: Sealer = { header, key: await recordKey(key, header.subarray(8)) };
  const sealedMeta = await reader.read(metaLength + TAG_BYTES);
  if (sealedMeta.length < metaLength + TAG_BYTES) throw new StreamCipherError("truncated");
  const onlyMeta = await reader.atEnd();
  const metadata = await openMetadata(s, sealedMeta, onlyMeta);
  const expected = metadata.files.reduce((sum, f) => sum + f.size, 0);
  const recordBytes = 2 ** log2;
  async function* content(): AsyncGenerator<Uint8Array> {
    if (onlyMeta) {
      if (expected !== 0) throw new StreamCipherError("bad-metadata");
      return;
    }
    yield* contentRecords(reader, s, recordBytes, expected, 1, 0);
  }
  const head = concatBytes(header, sealedMeta);
  return { metadata, recordBytes, head, content: content() };
}

/** The head of a stream (header and sealed metadata): what a resumed download keeps or fetches first. */
export function streamHeadBytes(header: Uint8Array): number {
  return STREAM_HEADER_BYTES + parseHeader(header).metaLength + TAG_BYTES;
}

/** Where content record `record` (1, 2, …) starts in a stream whose head is `headBytes` long. */
export const recordOffset = (headBytes: number, recordBytes: number, record: number): number =>
  headBytes + (record - 1) * (recordBytes + TAG_BYTES);

/** A stream's head, authenticated: its files, and its records from any one on. */
export interface StreamHead {
  readonly metadata: StreamMetadata;
  readonly recordBytes: number;
  readonly head: Uint8Array;
  /** The records from `record` (≥ 1) on, from `source`, the ciphertext from recordOffset(…, record). */
  from(record: number, source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array>;
}

/**
 * Authenticates a stream's head (header and sealed metadata, streamHeadBytes long) as openStream
 * does (the metadata as not the last record: a stream with content never seals it last), for a
 * download resumed with a Range request. `from(record, …)` then reads the records from `record` on,
 * with the same checks at the end. The records before `record` are not seen: what they decrypted to
 * is the caller's to vouch for (docs/encryption.md, "Resuming a download").
 */
export async function openStreamHead(key: Uint8Array, head: Uint8Array): Promise<StreamHead> {
  if (key.length !== KEY_BYTES) throw new StreamCipherError("bad-key");
  const header = head.slice(0, STREAM_HEADER_BYTES);
  const { log2, metaLength } = parseHeader(header);
  if (head.length !== STREAM_HEADER_BYTES + metaLength + TAG_BYTES) throw new StreamCipherError("truncated");
  const s: Sealer = { header, key: await recordKey(key, header.subarray(8)) };
  const metadata = await openMetadata(s, head.slice(STREAM_HEADER_BYTES), false);
  const expected = metadata.files.reduce((sum, f) => sum + f.size, 0);
  const recordBytes = 2 ** log2;
  return {
    metadata,
    recordBytes,
    head: head.slice(),
    from(record, source) {
      if (!Number.isSafeInteger(record) || record < 1) throw new RangeError("record");
      const before = (record - 1) * recordBytes;
      // Record r exists only when the records before it do not already hold the whole content.
      if (before >= expected) throw new StreamCipherError("bad-metadata");
      return contentRecords(new Reader(source), s, recordBytes, expected, record, before);
    },
  };
}

/** openStreamHead, then its records from `record` on: one call for a resumed download. */
export async function openStreamAt(
  key: Uint8Array,
  head: Uint8Array,
  record: number,
  source: AsyncIterable<Uint8Array>,
): Promise<OpenedStream> {
  const opened = await openStreamHead(key, head);
  const { metadata, recordBytes } = opened;
  return { metadata, recordBytes, head: opened.head, content: opened.from(record, source) };
}
