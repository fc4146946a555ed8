#!/usr/bin/env node
// @ts-check
/*
 * sealbin — the command-line client of a sealbin server (and of FlaskPaste: it speaks fpaste's API).
 *
 * One self-contained file: Node.js >= 20 and nothing to install. The server serves it at GET /client:
 *   curl -o sealbin https://paste.example.com/client && chmod +x sealbin
 *
 * Pastes are encrypted on this machine by default (AES-256-GCM, a fresh key per paste). The key is
 * put only in the URL's #fragment, which is never sent to the server. Format: docs/encryption.md.
 */
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");
const os = require("node:os");
const path = require("node:path");
const tls = require("node:tls");
const { parseArgs } = require("node:util");
const { Worker, isMainThread, parentPort, workerData } = require("node:worker_threads");

const VERSION = "0.1.0";
const DEFAULT_SERVER = "http://localhost:5000";
const PROGRESS_MIN_BYTES = 1024 * 1024;

/* ------------------------------------------------------------------------------------------------
 * Proof-of-work: SHA-256(nonce + ":" + N) with `difficulty` leading zero bits, searched by workers.
 * ---------------------------------------------------------------------------------------------- */

/**
 * The same rule as the server's src/protocol/pow.ts (this file cannot import it: it must run alone).
 * @param {Uint8Array} hash
 */
function leadingZeroBits(hash) {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** The fastest SHA-256 Node offers for short inputs: the one-shot crypto.hash (Node >= 20.12). */
const sha256 =
  typeof crypto.hash === "function"
    ? /** @param {string} s */ (s) => /** @type {Buffer} */ (crypto.hash("sha256", s, "buffer"))
    : /** @param {string} s */ (s) => crypto.createHash("sha256").update(s).digest();

/**
 * Searches N = start, start + step, … and reports progress every 2^16 tries, hashing with crypto.
 * @param {{ nonce: string, difficulty: number, start: number, step: number }} job
 * @param {(msg: { tried?: number, solution?: number }) => void} post
 */
function searchPowPlain(job, post) {
  const prefix = `${job.nonce}:`;
  let tried = 0;
  for (let n = job.start; ; n += job.step) {
    if (leadingZeroBits(sha256(prefix + n)) >= job.difficulty) {
      post({ solution: n });
      return;
    }
    if (++tried === 65536) {
      post({ tried });
      tried = 0;
    }
  }
}

// ---- pow-search: begin (also served to browsers as /static/pow-worker.js: plain JavaScript only)
// Typed as `any`: indexing typed arrays in the hot loop needs no undefined checks.
const K = /** @type {any} */ (
  Int32Array.from([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ])
);
const IV = /** @type {any} */ (
  Int32Array.from([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ])
);

/**
 * Searches N = start, start + step, … and reports progress every 2^16 tries, with SHA-256 written out for this one-block message: the words of the
 * nonce never change, so the rounds that read only them are computed once, and the number's
 * digits are counted up in place. About a third faster than a call into crypto per candidate,
 * whose cost is the call, not the hash (docs/performance.md). Falls back to crypto for a nonce too
 * long for one block.
 * @param {{ nonce: string, difficulty: number, start: number, step: number }} job
 * @param {(msg: { tried?: number, solution?: number }) => void} post
 */
function searchPow(job, post) {
  const prefix = new TextEncoder().encode(`${job.nonce}:`);
  const P = prefix.length;
  // One block holds the nonce, 16 digits and the padding only for nonces up to 38 bytes.
  if (P + 17 > 55 || job.step >= 10 || job.difficulty > 64) return searchPowPlain(job, post);
  const block = /** @type {any} */ (new Uint8Array(64));
  const W = /** @type {any} */ (new Int32Array(64));
  const c = P >> 2; // words made of nonce bytes only
  block.set(prefix);
  // The state after the first c rounds, which read nothing but those words.
  let a0 = IV[0],
    b0 = IV[1],
    c0 = IV[2],
    d0 = IV[3],
    e0 = IV[4],
    f0 = IV[5],
    g0 = IV[6],
    h0 = IV[7];
  for (let i = 0; i < c; i++) {
    const w = (block[4 * i] << 24) | (block[4 * i + 1] << 16) | (block[4 * i + 2] << 8) | block[4 * i + 3];
    W[i] = w;
    const s1 = ((e0 >>> 6) | (e0 << 26)) ^ ((e0 >>> 11) | (e0 << 21)) ^ ((e0 >>> 25) | (e0 << 7));
    const t1 = (h0 + s1 + ((e0 & f0) ^ (~e0 & g0)) + K[i] + w) | 0;
    const s0 = ((a0 >>> 2) | (a0 << 30)) ^ ((a0 >>> 13) | (a0 << 19)) ^ ((a0 >>> 22) | (a0 << 10));
    const t2 = (s0 + ((a0 & b0) ^ (a0 & c0) ^ (b0 & c0))) | 0;
    h0 = g0;
    g0 = f0;
    f0 = e0;
    e0 = (d0 + t1) | 0;
    d0 = c0;
    c0 = b0;
    b0 = a0;
    a0 = (t1 + t2) | 0;
  }
  const difficulty = job.difficulty;
  const step = job.step;
  let n = job.start;
  let L = layout(block, P, n);
  let tried = 0;
  for (;;) {
    for (let i = c; i < 16; i++) {
      W[i] = (block[4 * i] << 24) | (block[4 * i + 1] << 16) | (block[4 * i + 2] << 8) | block[4 * i + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15],
        y = W[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = a0,
      b = b0,
      cc = c0,
      d = d0,
      e = e0,
      f = f0,
      g = g0,
      h = h0;
    for (let i = c; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) ^ (a & cc) ^ (b & cc))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = cc;
      cc = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    const z0 = Math.clz32((a + IV[0]) | 0);
    if (z0 >= difficulty || (z0 === 32 && 32 + Math.clz32((b + IV[1]) | 0) >= difficulty)) {
      post({ solution: n });
      return;
    }
    if (++tried === 65536) {
      post({ tried });
      tried = 0;
    }
    // n += step, on the digits in place.
    n += step;
    let at = P + L - 1;
    let digit = block[at] + step;
    while (digit > 0x39) {
      block[at] = digit - 10;
      if (--at < P) break;
      digit = block[at] + 1;
    }
    if (at < P) L = layout(block, P, n);
    else block[at] = digit;
  }
}
/**
 * Writes N's digits, the end marker and the bit length after the nonce; returns the digit count.
 * @param {any} block
 * @param {number} P
 * @param {number} n
 */
function layout(block, P, n) {
  const digits = String(n);
  block.fill(0, P);
  for (let i = 0; i < digits.length; i++) block[P + i] = digits.charCodeAt(i);
  block[P + digits.length] = 0x80;
  const bits = (P + digits.length) * 8;
  block[62] = bits >>> 8;
  block[63] = bits & 0xff;
  return digits.length;
}
// ---- pow-search: end

/**
 * Solves a challenge on every core (inline when it is easy), showing progress on a terminal.
 * @param {{ nonce: string, difficulty: number }} challenge
 * @returns {Promise<number>}
 */
function solvePow(challenge) {
  const { nonce, difficulty } = challenge;
  if (difficulty <= 12) {
    return new Promise((resolve) =>
      searchPow(
        { nonce, difficulty, start: 0, step: 1 },
        (m) => m.solution !== undefined && resolve(m.solution),
      ),
    );
  }
  const count = Math.max(
    1,
    Math.min(8, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length),
  );
  const expected = 2 ** difficulty;
  const started = Date.now();
  let tried = 0;
  let shown = false;
  return new Promise((resolve, reject) => {
    /** @type {Worker[]} */
    const workers = [];
    const finish = () => {
      for (const w of workers) void w.terminate();
      if (shown) process.stderr.write("\r\x1b[K");
    };
    for (let k = 0; k < count; k++) {
      const worker = new Worker(__filename, {
        workerData: { sealbinPow: { nonce, difficulty, start: k, step: count } },
      });
      worker.on("message", (/** @type {{ tried?: number, solution?: number }} */ msg) => {
        if (msg.solution !== undefined) {
          finish();
          resolve(msg.solution);
          return;
        }
        tried += msg.tried ?? 0;
        if (process.stderr.isTTY && Date.now() - started > 1000) {
          shown = true;
          const pct = Math.min(99, Math.floor((100 * tried) / expected));
          process.stderr.write(
            `\rproof-of-work (difficulty ${difficulty}, ${count} cores): ${pct}% of the expected work`,
          );
        }
      });
      worker.on("error", (err) => {
        finish();
        reject(err);
      });
      workers.push(worker);
    }
  });
}

/* ------------------------------------------------------------------------------------------------
 * End-to-end encryption: IV (12 bytes) || AES-256-GCM ciphertext || tag (16 bytes); the 32-byte key
 * travels base64url-encoded (no padding) in the URL fragment.
 * ---------------------------------------------------------------------------------------------- */

/** @param {Buffer} plaintext */
function encrypt(plaintext) {
  const key = crypto.randomBytes(32);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { body, fragment: key.toString("base64url") };
}

/**
 * @param {Buffer} blob
 * @param {string} fragment
 */
function decrypt(blob, fragment) {
  const key = Buffer.from(fragment.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"), "base64url");
  if (key.length !== 32)
    throw new CliError(4, "the #key in the URL is not a 256-bit key (43 base64url characters)");
  if (blob.length < 28)
    throw new CliError(4, "decryption failed: the paste is too short to be sealbin ciphertext");
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, blob.subarray(0, 12));
    decipher.setAuthTag(blob.subarray(blob.length - 16));
    return Buffer.concat([decipher.update(blob.subarray(12, blob.length - 16)), decipher.final()]);
  } catch {
    throw new CliError(4, "decryption failed: wrong key, or the paste is not encrypted or was altered");
  }
}

/* ------------------------------------------------------------------------------------------------
 * NaCl crypto_box (X25519-XSalsa20-Poly1305) for `sealbin fn`: X25519 from Node, the rest here
 * (Node has no XSalsa20), byte-compatible with libsodium, PyNaCl and tweetnacl.
 * ---------------------------------------------------------------------------------------------- */

const X25519_PKCS8 = Buffer.from("302e020100300506032b656e04220420", "hex");
const X25519_SPKI = Buffer.from("302a300506032b656e032100", "hex");
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

/** @param {Uint8Array} b @param {number} i */
const u32 = (b, i) =>
  ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0;

/**
 * The Salsa20 core: 20 rounds over a 16-word state; with `feedForward` the Salsa20 block, without it
 * the HSalsa20 output words.
 * @param {number[]} input
 * @param {boolean} feedForward
 */
function salsaCore(input, feedForward) {
  const x = input.slice();
  /** @param {number} v @param {number} c */
  const rotl = (v, c) => ((v << c) | (v >>> (32 - c))) >>> 0;
  /** @param {number} a @param {number} b @param {number} c @param {number} d */
  const qr = (a, b, c, d) => {
    x[b] = (x[b] ?? 0) ^ rotl(((x[a] ?? 0) + (x[d] ?? 0)) >>> 0, 7);
    x[c] = (x[c] ?? 0) ^ rotl(((x[b] ?? 0) + (x[a] ?? 0)) >>> 0, 9);
    x[d] = (x[d] ?? 0) ^ rotl(((x[c] ?? 0) + (x[b] ?? 0)) >>> 0, 13);
    x[a] = (x[a] ?? 0) ^ rotl(((x[d] ?? 0) + (x[c] ?? 0)) >>> 0, 18);
  };
  // Ten double rounds: the four columns, then the four rows.
  const order = [
    0, 4, 8, 12, 5, 9, 13, 1, 10, 14, 2, 6, 15, 3, 7, 11, 0, 1, 2, 3, 5, 6, 7, 4, 10, 11, 8, 9, 15, 12, 13,
    14,
  ];
  for (let i = 0; i < 10; i++) {
    for (let q = 0; q < order.length; q += 4)
      qr(order[q] ?? 0, order[q + 1] ?? 0, order[q + 2] ?? 0, order[q + 3] ?? 0);
  }
  if (!feedForward) return [0, 5, 10, 15, 6, 7, 8, 9].map((i) => (x[i] ?? 0) >>> 0);
  return x.map((v, i) => (v + (input[i] ?? 0)) >>> 0);
}

/** @param {number[]} words */
function wordsToBytes(words) {
  const bytes = Buffer.alloc(4 * words.length);
  for (let i = 0; i < words.length; i++) bytes.writeUInt32LE(words[i] ?? 0, 4 * i);
  return bytes;
}

/**
 * The Salsa20 input block: constants, the 32-byte key, and four words of nonce (and counter).
 * @param {Uint8Array} key @param {number[]} middle
 */
function salsaState(key, middle) {
  const k = (/** @type {number} */ i) => u32(key, 4 * i);
  const [c0 = 0, c1 = 0, c2 = 0, c3 = 0] = SIGMA;
  const [m0 = 0, m1 = 0, m2 = 0, m3 = 0] = middle;
  return [c0, k(0), k(1), k(2), k(3), c1, m0, m1, m2, m3, c2, k(4), k(5), k(6), k(7), c3];
}

/** @param {Uint8Array} key 32 bytes @param {Uint8Array} n16 16 bytes */
function hsalsa20(key, n16) {
  const middle = [0, 1, 2, 3].map((i) => u32(n16, 4 * i));
  return wordsToBytes(salsaCore(salsaState(key, middle), false));
}

/** XSalsa20 keystream of `length` bytes. @param {Uint8Array} key @param {Uint8Array} nonce 24 bytes @param {number} length */
function xsalsa20Stream(key, nonce, length) {
  const sub = hsalsa20(key, nonce.subarray(0, 16));
  const out = Buffer.alloc(length);
  for (let block = 0; block * 64 < length; block++) {
    const middle = [u32(nonce, 16), u32(nonce, 20), block >>> 0, Math.floor(block / 2 ** 32)];
    wordsToBytes(salsaCore(salsaState(sub, middle), true)).copy(
      out,
      block * 64,
      0,
      Math.min(64, length - block * 64),
    );
  }
  return out;
}

/** @param {Uint8Array} key 32 bytes @param {Uint8Array} message */
function poly1305(key, message) {
  const le = (/** @type {Uint8Array} */ b) => BigInt(`0x${Buffer.from(b).reverse().toString("hex") || "0"}`);
  const p = (1n << 130n) - 5n;
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < message.length; i += 16) {
    const chunk = message.subarray(i, i + 16);
    acc = ((acc + le(chunk) + (1n << BigInt(8 * chunk.length))) * r) % p;
  }
  const tag = (acc + s) & ((1n << 128n) - 1n);
  return Buffer.from(tag.toString(16).padStart(32, "0"), "hex").reverse();
}

/** crypto_box_beforenm: HSalsa20 of the X25519 shared secret. @param {Buffer} theirPublic @param {Buffer} ourSecret */
function boxBefore(theirPublic, ourSecret) {
  const privateKey = crypto.createPrivateKey({
    key: Buffer.concat([X25519_PKCS8, ourSecret]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = crypto.createPublicKey({
    key: Buffer.concat([X25519_SPKI, theirPublic]),
    format: "der",
    type: "spki",
  });
  return hsalsa20(crypto.diffieHellman({ privateKey, publicKey }), new Uint8Array(16));
}

/** nonce ‖ tag ‖ ciphertext, as PyNaCl's Box.encrypt. @param {Uint8Array} message @param {Buffer} shared */
function boxSeal(message, shared) {
  const nonce = crypto.randomBytes(24);
  const stream = xsalsa20Stream(shared, nonce, 32 + message.length);
  const ciphertext = Buffer.from(message.map((b, i) => b ^ (stream[32 + i] ?? 0)));
  return Buffer.concat([nonce, poly1305(stream.subarray(0, 32), ciphertext), ciphertext]);
}

/** Opens nonce ‖ tag ‖ ciphertext; null when forged or sealed for someone else. @param {Buffer} sealed @param {Buffer} shared */
function boxOpen(sealed, shared) {
  if (sealed.length < 40) return null;
  const nonce = sealed.subarray(0, 24);
  const tag = sealed.subarray(24, 40);
  const ciphertext = sealed.subarray(40);
  const stream = xsalsa20Stream(shared, nonce, 32 + ciphertext.length);
  if (!crypto.timingSafeEqual(poly1305(stream.subarray(0, 32), ciphertext), tag)) return null;
  return Buffer.from(ciphertext.map((b, i) => b ^ (stream[32 + i] ?? 0)));
}

/** @param {Buffer} secret */
function x25519Public(secret) {
  const key = crypto.createPrivateKey({
    key: Buffer.concat([X25519_PKCS8, secret]),
    format: "der",
    type: "pkcs8",
  });
  return crypto.createPublicKey(key).export({ type: "spki", format: "der" }).subarray(-32);
}

/** CRC-32 (zlib's), for Node versions before zlib.crc32. @param {Uint8Array} bytes */
function crc32(bytes) {
  const zlib = require("node:zlib");
  if (typeof zlib.crc32 === "function") return zlib.crc32(bytes) >>> 0;
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** Python's int.to_bytes((n.bit_length() + 7) // 8, "big"). @param {number} n */
function minimalBigEndian(n) {
  const bytes = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from(bytes);
}

/* ------------------------------------------------------------------------------------------------
 * Errors and output
 * ---------------------------------------------------------------------------------------------- */

/** Exit codes: 1 the server refused, 2 usage or configuration, 3 server unreachable, 4 decryption. */
class CliError extends Error {
  /** @param {number} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** @param {string} line */
const info = (line) => process.stderr.write(`${line}\n`);

/** @param {string | Buffer} data */
function out(data) {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (err) => (err ? reject(err) : resolve(undefined)));
  });
}

/**
 * @param {number} done
 * @param {number} total
 * @param {string} label
 */
function progress(done, total, label) {
  if (!process.stderr.isTTY || total < PROGRESS_MIN_BYTES) return;
  const width = 30;
  const filled = Math.round((width * done) / total);
  const mib = (/** @type {number} */ n) => (n / 1048576).toFixed(1);
  process.stderr.write(
    `\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${mib(done)}/${mib(total)} MiB`,
  );
  if (done >= total) process.stderr.write("\r\x1b[K");
}

/* ------------------------------------------------------------------------------------------------
 * Configuration: flags > environment (SEALBIN_*, FLASKPASTE_*) > config file > defaults
 * ---------------------------------------------------------------------------------------------- */

const CONFIG_KEYS = ["server", "cert_sha1", "client_cert", "client_key", "ca_cert"];

function configDir() {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(base, "sealbin");
}

function configPath() {
  return process.env.SEALBIN_CONFIG || path.join(configDir(), "config");
}

function sessionPath() {
  return path.join(configDir(), "session");
}

/** The account session `sealbin account login` keeps: {server, user_id, username, access_token}. */
function readSession() {
  try {
    const s = JSON.parse(fs.readFileSync(sessionPath(), "utf8"));
    return typeof s?.access_token === "string" && typeof s?.server === "string" ? s : null;
  } catch {
    return null;
  }
}

/** @param {string} file @returns {Record<string, string>} */
function readConfigFile(file) {
  /** @type {Record<string, string>} */
  const values = {};
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return values;
  }
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    values[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return values;
}

/**
 * Sets keys in the config file, keeping its other lines and comments. Mode 0600: it may name keys.
 * @param {Record<string, string>} updates
 */
function writeConfig(updates) {
  const file = configPath();
  /** @type {string[]} */
  let lines = [];
  try {
    lines = fs.readFileSync(file, "utf8").split(/\r?\n/);
  } catch {}
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const pending = { ...updates };
  lines = lines.map((line) => {
    const key = line.split("=")[0]?.trim() ?? "";
    if (!line.trim().startsWith("#") && line.includes("=") && key in pending) {
      const value = pending[key];
      delete pending[key];
      return `${key} = ${value}`;
    }
    return line;
  });
  for (const [key, value] of Object.entries(pending)) lines.push(`${key} = ${value}`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  return file;
}

/**
 * @param {{ server?: string }} flags
 * @returns {{ server: string, cert_sha1: string, client_cert: string, client_key: string, ca_cert: string }}
 */
function loadConfig(flags) {
  // An existing fpaste configuration is read when sealbin has none of its own.
  const own = configPath();
  const legacy = path.join(path.dirname(configDir()), "fpaste", "config");
  const file = readConfigFile(fs.existsSync(own) ? own : legacy);
  /** @param {string} key */
  const env = (key) =>
    process.env[`SEALBIN_${key.toUpperCase()}`] || process.env[`FLASKPASTE_${key.toUpperCase()}`] || "";
  /** @type {Record<string, string>} */
  const c = {};
  for (const key of CONFIG_KEYS) c[key] = env(key) || file[key] || "";
  if (flags.server) c.server = flags.server;
  c.server = (c.server || DEFAULT_SERVER).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/i.test(c.server))
    throw new CliError(2, `the server must be an http:// or https:// URL (got ${JSON.stringify(c.server)})`);
  if (c.cert_sha1 && !/^[0-9a-f]{40}$/.test(c.cert_sha1.toLowerCase()))
    throw new CliError(2, "cert_sha1 must be 40 hexadecimal characters");
  if ((c.client_cert === "") !== (c.client_key === ""))
    throw new CliError(2, "client_cert and client_key must be set together");
  return /** @type {any} */ (c);
}

/* ------------------------------------------------------------------------------------------------
 * HTTP
 * ---------------------------------------------------------------------------------------------- */

/**
 * @typedef {{ status: number, headers: http.IncomingHttpHeaders, body: Buffer }} Response
 * @typedef {{ method?: string, headers?: Record<string, string>, body?: Buffer, label?: string, stream?: NodeJS.WritableStream }} RequestOptions
 */

class Client {
  /** @param {ReturnType<typeof loadConfig>} config */
  constructor(config) {
    this.config = config;
    this.base = config.server;
  }

  /** @param {string} url */
  tlsOptions(url) {
    if (!url.startsWith("https:")) return {};
    const c = this.config;
    /** @type {https.RequestOptions} */
    const options = {};
    // The configured CA is trusted in addition to the public roots, so the same configuration works
    // behind a proxy with a public certificate and against sealbin's own listener.
    if (c.ca_cert) options.ca = [...tls.rootCertificates, readFile(c.ca_cert, "ca_cert")];
    if (c.client_cert) {
      options.cert = readFile(c.client_cert, "client_cert");
      options.key = readFile(c.client_key, "client_key");
    }
    return options;
  }

  /**
   * @param {string} pathOrUrl
   * @param {RequestOptions} [options]
   * @returns {Promise<Response>}
   */
  request(pathOrUrl, options = {}) {
    const url = /^https?:/i.test(pathOrUrl) ? pathOrUrl : `${this.base}${pathOrUrl}`;
    /** @type {Record<string, string>} */
    const headers = { "user-agent": `sealbin-cli/${VERSION}`, ...(options.headers ?? {}) };
    if (this.config.cert_sha1) headers["x-ssl-client-sha1"] = this.config.cert_sha1.toLowerCase();
    // Signed in to an account on this server: its token identifies us (the sealed /v1 API excepted).
    const session = readSession();
    if (session && session.server === this.base && !headers.authorization && !/\/v1\/?$/.test(url)) {
      headers.authorization = `Bearer ${session.access_token}`;
    }
    const body = options.body;
    if (body) headers["content-length"] = String(body.length);
    const lib = url.startsWith("https:") ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        { method: options.method ?? "GET", headers, timeout: 30_000, ...this.tlsOptions(url) },
        (res) => {
          const total = Number(res.headers["content-length"] ?? 0);
          const ok = (res.statusCode ?? 0) < 300;
          /** @type {Buffer[]} */
          const chunks = [];
          let received = 0;
          res.on("data", (/** @type {Buffer} */ chunk) => {
            received += chunk.length;
            if (options.label) progress(received, total, options.label);
            if (options.stream && ok) {
              if (!options.stream.write(chunk)) {
                res.pause();
                options.stream.once("drain", () => res.resume());
              }
            } else chunks.push(chunk);
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
      req.on("error", (err) => reject(unreachable(url, err)));
      if (body) {
        const step = 256 * 1024;
        let offset = 0;
        const pump = () => {
          while (offset < body.length) {
            const chunk = body.subarray(offset, offset + step);
            offset += chunk.length;
            if (options.label) progress(offset, body.length, options.label);
            if (!req.write(chunk)) {
              req.once("drain", pump);
              return;
            }
          }
          req.end();
        };
        pump();
      } else req.end();
    });
  }

  /**
   * A request whose answer must be 2xx JSON.
   * @param {string} p
   * @param {RequestOptions} [options]
   */
  async json(p, options = {}) {
    const res = await this.request(p, options);
    if (res.status >= 300) throw serverError(res);
    return parseJson(res.body);
  }

  /**
   * Runs a write that may need proof-of-work: asks for a challenge, solves it, and retries once with
   * a fresh one when the server's difficulty rose meanwhile.
   * @param {string} challengePath
   * @param {(headers: Record<string, string>) => Promise<Response>} send
   */
  async withPow(challengePath, send) {
    for (let attempt = 0; ; attempt++) {
      const challenge = await this.json(challengePath);
      /** @type {Record<string, string>} */
      const headers = {};
      if (challenge.enabled) {
        headers["x-pow-token"] = challenge.token;
        headers["x-pow-solution"] = String(await solvePow(challenge));
      }
      const res = await send(headers);
      const error = String(parseJsonOrNull(res.body)?.error ?? "");
      if (
        res.status === 400 &&
        attempt < 2 &&
        /difficulty has risen|Challenge expired|already used/.test(error)
      )
        continue;
      if (res.status >= 300) throw serverError(res);
      return parseJson(res.body);
    }
  }
}

/** @param {string} file @param {string} what */
function readFile(file, what) {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new CliError(
      2,
      `cannot read ${what} ${file}: ${/** @type {NodeJS.ErrnoException} */ (err).code ?? err}`,
    );
  }
}

/** @param {string} url @param {NodeJS.ErrnoException} err */
function unreachable(url, err) {
  const origin = new URL(url).origin;
  const why = {
    ECONNREFUSED: "connection refused",
    ENOTFOUND: "host not found",
    ETIMEDOUT: "timed out",
    ECONNRESET: "connection reset",
    EAI_AGAIN: "name resolution failed",
  }[err.code ?? ""];
  return new CliError(3, `cannot reach ${origin}: ${why ?? err.message}`);
}

/** @param {Buffer} body */
function parseJsonOrNull(body) {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
}

/** @param {Buffer} body */
function parseJson(body) {
  const value = parseJsonOrNull(body);
  if (value === null || typeof value !== "object")
    throw new CliError(1, "the server's answer is not JSON: is this a sealbin server?");
  return value;
}

/** One line: status, the server's error, and its hint. @param {Response} res */
function serverError(res) {
  const json = parseJsonOrNull(res.body);
  // The paste API says {"error"}, the image store {"message"}.
  const said = json && (typeof json.error === "string" ? json.error : json.message);
  const error = typeof said === "string" ? said : (http.STATUS_CODES[res.status] ?? "error");
  const hint = json && typeof json.hint === "string" ? ` (hint: ${json.hint})` : "";
  const retry = res.headers["retry-after"] ? ` (retry after ${res.headers["retry-after"]} s)` : "";
  return new CliError(1, `server answered ${res.status}: ${error}${hint}${retry}`);
}

/* ------------------------------------------------------------------------------------------------
 * Paste references: an id, or a URL (whose server then overrides the configured one)
 * ---------------------------------------------------------------------------------------------- */

/** @param {string} ref @param {string} server */
function parseRef(ref, server) {
  if (/^https?:\/\//i.test(ref)) {
    const url = new URL(ref);
    const parts = url.pathname.replace(/\/+$/, "").split("/");
    if (parts[parts.length - 1] === "raw") parts.pop();
    const id = parts.pop() ?? "";
    if (!/^[0-9a-f]{6,64}$/i.test(id)) throw new CliError(2, `no paste id in ${url.origin}${url.pathname}`);
    return { server: `${url.origin}${parts.join("/")}`, id, key: url.hash.slice(1) };
  }
  const [id = "", key = ""] = ref.split("#");
  if (!/^[0-9a-f]{6,64}$/i.test(id)) throw new CliError(2, `${JSON.stringify(ref)} is not a paste id or URL`);
  return { server, id, key };
}

/* ------------------------------------------------------------------------------------------------
 * X.509 for `sealbin cert`: a minimal DER writer, enough for a self-signed client certificate
 * ---------------------------------------------------------------------------------------------- */

/** @param {number} tag @param {Buffer} content */
function der(tag, content) {
  const n = content.length;
  let len;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
/** @param {...Buffer} items */
const seq = (...items) => der(0x30, Buffer.concat(items));
/** @param {string} dotted */
function oid(dotted) {
  const parts = dotted.split(".").map(Number);
  const bytes = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const chunk = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}
/** @param {Date} d */
function time(d) {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return d.getUTCFullYear() < 2050
    ? der(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : der(0x18, Buffer.from(`${iso}Z`));
}
/** @param {string} cn */
const x500Name = (cn) => seq(der(0x31, seq(oid("2.5.4.3"), der(0x0c, Buffer.from(cn, "utf8")))));
/** @param {string} id @param {boolean} critical @param {Buffer} value */
const extension = (id, critical, value) =>
  seq(oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), der(0x04, value));

const CURVES = {
  secp256r1: ["prime256v1", "sha256", "1.2.840.10045.4.3.2"],
  secp384r1: ["secp384r1", "sha384", "1.2.840.10045.4.3.3"],
  secp521r1: ["secp521r1", "sha512", "1.2.840.10045.4.3.4"],
};

/**
 * A self-signed certificate with the clientAuth extended key usage.
 * @param {{ algorithm: "ec" | "rsa", curve: string, bits: number, days: number, name: string }} o
 */
function selfSignedCertificate(o) {
  let keys;
  let hash;
  let sigAlg;
  let keyUsage;
  if (o.algorithm === "ec") {
    const curve = /** @type {Record<string, string[]>} */ (CURVES)[o.curve];
    if (!curve) throw new CliError(2, `unsupported curve ${o.curve}: use secp256r1, secp384r1 or secp521r1`);
    keys = crypto.generateKeyPairSync("ec", { namedCurve: curve[0] ?? "" });
    hash = curve[1] ?? "";
    sigAlg = seq(oid(curve[2] ?? ""));
    keyUsage = Buffer.from([0x03, 0x02, 0x07, 0x80]); // digitalSignature
  } else {
    keys = crypto.generateKeyPairSync("rsa", { modulusLength: o.bits });
    hash = "sha256";
    sigAlg = seq(oid("1.2.840.113549.1.1.11"), Buffer.from([0x05, 0x00]));
    keyUsage = Buffer.from([0x03, 0x02, 0x05, 0xa0]); // digitalSignature, keyEncipherment
  }
  const serial = crypto.randomBytes(16);
  // Positive and minimal in DER: a first byte of 0x40–0x7f needs no sign byte and is never a leading zero.
  serial[0] = 0x40 | ((serial[0] ?? 0) & 0x3f);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const notAfter = new Date(now.getTime() + o.days * 86_400_000);
  const tbs = seq(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    sigAlg,
    x500Name(o.name),
    seq(time(now), time(notAfter)),
    x500Name(o.name),
    keys.publicKey.export({ type: "spki", format: "der" }),
    der(
      0xa3,
      seq(
        extension("2.5.29.19", true, seq()),
        extension("2.5.29.15", true, keyUsage),
        extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.2"))),
      ),
    ),
  );
  const signature = crypto.sign(hash, tbs, keys.privateKey);
  const cert = seq(tbs, sigAlg, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const b64 = cert.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return {
    certificatePem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`,
    privateKeyPem: String(keys.privateKey.export({ type: "pkcs8", format: "pem" })),
    fingerprint: crypto.createHash("sha1").update(cert).digest("hex"),
    notAfter,
  };
}

/**
 * Saves client.crt and client.key (0600) in `dir` (refusing to replace them unless forced), tells
 * the user where, points the config at them with --configure, and prints the fingerprint on stdout.
 * @param {{ dir: string, certificatePem: string, privateKeyPem: string, fingerprint: string, force: boolean, configure: boolean, summary: string }} o
 */
async function saveCertificate(o) {
  const cert = path.resolve(o.dir, "client.crt");
  const key = path.resolve(o.dir, "client.key");
  if (!o.force) {
    for (const f of [cert, key]) {
      if (fs.existsSync(f)) throw new CliError(2, `${f} exists; pass --force to replace it`);
    }
  }
  fs.mkdirSync(path.resolve(o.dir), { recursive: true, mode: 0o700 });
  fs.writeFileSync(key, o.privateKeyPem, { mode: 0o600 });
  fs.chmodSync(key, 0o600);
  fs.writeFileSync(cert, o.certificatePem);
  info(`${o.summary}\n  ${cert}\n  ${key}`);
  if (o.configure) {
    info(`configured: ${writeConfig({ client_cert: cert, client_key: key, cert_sha1: o.fingerprint })}`);
  }
  await out(`${o.fingerprint}\n`);
}

/* ------------------------------------------------------------------------------------------------
 * Commands
 * ---------------------------------------------------------------------------------------------- */

/** @type {import("node:util").ParseArgsOptionsConfig} */
const GLOBAL = { server: { type: "string", short: "s" }, help: { type: "boolean", short: "h" } };

/**
 * @typedef {{ usage: string, options: Record<string, any>, allowPositionals?: boolean, run: (values: any, positionals: string[]) => Promise<number | void> }} Command
 */

/** @param {number} seconds */
const date = (seconds) =>
  typeof seconds === "number" ? new Date(seconds * 1000).toISOString().replace(".000Z", "Z") : "-";

/** @param {number} n */
function size(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** Reads the content to paste: a file, or standard input. @param {string | undefined} file */
async function readInput(file) {
  if (file !== undefined && file !== "-") {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) throw new CliError(2, `no such file: ${file}`);
    if (!stat.isFile()) throw new CliError(2, `not a regular file: ${file}`);
    return fs.readFileSync(file);
  }
  if (process.stdin.isTTY)
    throw new CliError(2, "nothing to paste: give a file, or pipe the content in (see sealbin --help)");
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(/** @type {Buffer} */ (chunk));
  return Buffer.concat(chunks);
}

/** @param {any} meta */
function printMeta(meta) {
  const rows = [
    ["id", meta.id],
    ["mime_type", meta.mime_type],
    ["size", meta.size === undefined ? undefined : `${meta.size} (${size(meta.size)})`],
    ["created_at", meta.created_at === undefined ? undefined : date(meta.created_at)],
    ["expires_at", meta.expires_at === undefined ? "on idle (sliding)" : date(meta.expires_at)],
    ["burn_after_read", meta.burn_after_read ? "yes" : "no"],
    ["password_protected", meta.password_protected ? "yes" : "no"],
  ];
  return rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");
}

/** @type {Record<string, Command>} */
const COMMANDS = {
  create: {
    usage: `sealbin create [options] [FILE]      (also: sealbin [options] FILE, or pipe into sealbin)

Uploads FILE (or standard input), encrypted on this machine unless -E, and prints one line: the URL,
with the decryption key in its #fragment.

  -E, --no-encrypt      upload the content as it is
  -b, --burn            delete the paste after its first read
  -x, --expiry SECONDS  expire after SECONDS (the server caps it)
  -p, --password PASS   require PASS to read the paste (checked by the server)
  -t, --type MIME       content type to declare when not encrypting (default: detected by the server)
  -s, --server URL      server to use`,
    options: {
      "no-encrypt": { type: "boolean", short: "E" },
      burn: { type: "boolean", short: "b" },
      expiry: { type: "string", short: "x" },
      password: { type: "string", short: "p" },
      type: { type: "string", short: "t" },
    },
    allowPositionals: true,
    async run(v, positionals) {
      if (positionals.length > 1) throw new CliError(2, "create takes one file (or standard input)");
      if (v.expiry !== undefined && !/^[1-9][0-9]{0,9}$/.test(v.expiry))
        throw new CliError(2, "--expiry must be a positive number of seconds");
      const client = new Client(loadConfig(v));
      const content = await readInput(positionals[0]);
      if (content.length === 0) throw new CliError(2, "nothing to paste: the content is empty");
      const encrypted = !v["no-encrypt"];
      const sealed = encrypted ? encrypt(content) : null;
      /** @type {Record<string, string>} */
      const headers = {
        "content-type": sealed ? "application/octet-stream" : (v.type ?? "application/octet-stream"),
      };
      if (v.burn) headers["x-burn-after-read"] = "true";
      if (v.expiry) headers["x-expiry"] = v.expiry;
      if (v.password) headers["x-paste-password"] = v.password;
      const body = sealed ? sealed.body : content;
      const created = await client.withPow("/challenge", (pow) =>
        client.request("/", { method: "POST", headers: { ...headers, ...pow }, body, label: "uploading" }),
      );
      const url = new URL(created.url, `${client.base}/`).href;
      await out(`${url}${sealed ? `#${sealed.fragment}` : ""}\n`);
    },
  },

  get: {
    usage: `sealbin get [options] ID|URL

Writes the paste's content to standard output (or -o FILE), decrypting it when the URL carries a #key.

  -m, --meta            print the metadata instead of the content
  -p, --password PASS   the paste's password
  -o, --output FILE     write the content to FILE
  -s, --server URL      server to use for a bare ID`,
    options: {
      meta: { type: "boolean", short: "m" },
      password: { type: "string", short: "p" },
      output: { type: "string", short: "o" },
    },
    allowPositionals: true,
    async run(v, positionals) {
      if (positionals.length !== 1) throw new CliError(2, "get takes one paste id or URL");
      const config = loadConfig(v);
      const ref = parseRef(positionals[0] ?? "", config.server);
      const client = new Client({ ...config, server: ref.server });
      /** @type {Record<string, string>} */
      const headers = v.password ? { "x-paste-password": v.password } : {};
      if (v.meta) {
        await out(`${printMeta(await client.json(`/${ref.id}`, { headers }))}\n`);
        return;
      }
      const target = v.output ? fs.createWriteStream(v.output) : process.stdout;
      // Plain content streams straight through; ciphertext is authenticated before a byte is shown.
      const stream = ref.key ? undefined : target;
      const res = await client.request(`/${ref.id}/raw`, {
        headers,
        label: "downloading",
        ...(stream ? { stream } : {}),
      });
      if (res.status >= 300) throw serverError(res);
      if (ref.key) {
        const plain = decrypt(res.body, ref.key);
        await new Promise((resolve, reject) =>
          target.write(plain, (err) => (err ? reject(err) : resolve(undefined))),
        );
      }
      if (v.output) await new Promise((resolve) => /** @type {fs.WriteStream} */ (target).end(resolve));
    },
  },

  delete: {
    usage: `sealbin delete [options] ID...
sealbin delete --all --confirm N

Deletes your pastes (an admin: anyone's). --all deletes every paste on the server, and only when
N is exactly how many there are.

  --all            every paste (admin)
  --confirm N      the number of pastes you expect --all to delete
  -s, --server URL server to use`,
    options: { all: { type: "boolean" }, confirm: { type: "string" } },
    allowPositionals: true,
    async run(v, positionals) {
      const client = new Client(loadConfig(v));
      let ids = positionals.map((ref) => parseRef(ref, client.base).id);
      if (v.all) {
        if (ids.length > 0) throw new CliError(2, "give ids or --all, not both");
        if (v.confirm === undefined || !/^[0-9]+$/.test(v.confirm))
          throw new CliError(2, "--all needs --confirm N, the number of pastes you expect to delete");
        const all = await listAll(client, true);
        if (all.length !== Number(v.confirm))
          throw new CliError(1, `the server has ${all.length} pastes, not ${v.confirm}: nothing deleted`);
        ids = all.map((p) => p.id);
      } else if (ids.length === 0)
        throw new CliError(2, "delete needs at least one paste id (or --all --confirm N)");
      let failed = 0;
      for (const id of ids) {
        const res = await client.request(`/${id}`, { method: "DELETE" });
        if (res.status >= 300) {
          failed++;
          info(`${id}: ${serverError(res).message}`);
        } else info(`${id}: deleted`);
      }
      if (failed > 0) throw new CliError(1, `${failed} of ${ids.length} not deleted`);
    },
  },

  list: {
    usage: `sealbin list [options]

Lists your pastes (needs a client certificate or cert_sha1).

  --all            every paste (admin)
  --json           print the server's JSON
  -s, --server URL server to use`,
    options: { all: { type: "boolean" }, json: { type: "boolean" } },
    async run(v) {
      const client = new Client(loadConfig(v));
      const pastes = await listAll(client, Boolean(v.all));
      if (v.json) {
        await out(`${JSON.stringify({ pastes, count: pastes.length }, null, 2)}\n`);
        return;
      }
      if (pastes.length === 0) {
        info("no pastes");
        return;
      }
      const rows = pastes.map((p) => [
        p.id,
        size(p.size),
        p.mime_type,
        date(p.created_at),
        p.expires_at === undefined ? "idle" : date(p.expires_at),
        [p.burn_after_read ? "burn" : "", p.password_protected ? "password" : ""].filter(Boolean).join(",") ||
          "-",
        ...(v.all ? [p.owner ?? "-"] : []),
      ]);
      const head = ["ID", "SIZE", "TYPE", "CREATED", "EXPIRES", "FLAGS", ...(v.all ? ["OWNER"] : [])];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
      const line = (/** @type {string[]} */ r) =>
        r
          .map((c, i) => String(c).padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd();
      await out(`${[line(head), ...rows.map(line)].join("\n")}\n`);
    },
  },

  info: {
    usage: `sealbin info [-s URL]

Shows the server's version, limits, expiry rules and proof-of-work difficulty.`,
    options: {},
    async run(v) {
      const client = new Client(loadConfig(v));
      const i = await client.json("/");
      const lines = [`server: ${client.base}`, `name: ${i.name ?? "?"}${i.version ? ` ${i.version}` : ""}`];
      if (i.limits) for (const [k, val] of Object.entries(i.limits)) lines.push(`limit ${k}: ${val}`);
      if (i.pow) lines.push(`proof-of-work: ${i.pow.enabled ? `difficulty ${i.pow.difficulty}` : "off"}`);
      if (i.expiry) for (const [k, val] of Object.entries(i.expiry)) lines.push(`expiry ${k}: ${val}`);
      await out(`${lines.join("\n")}\n`);
    },
  },

  register: {
    usage: `sealbin register [options]

Gets a client certificate from the server's PKI (registration must be enabled there) and saves
client.crt and client.key. The first user to register becomes the admin.

  -n, --name NAME   common name for the certificate
  -o, --output DIR  where to save the files (default: the config directory)
  --configure       point the config at the new certificate and its fingerprint
  --force           replace existing files
  -s, --server URL  server to use`,
    options: {
      name: { type: "string", short: "n" },
      output: { type: "string", short: "o" },
      configure: { type: "boolean" },
      force: { type: "boolean" },
    },
    async run(v) {
      const client = new Client(loadConfig(v));
      const body = Buffer.from(JSON.stringify(v.name ? { common_name: v.name } : {}));
      const reg = await client.withPow("/register/challenge", (pow) =>
        client.request("/register", {
          method: "POST",
          headers: { "content-type": "application/json", ...pow },
          body,
        }),
      );
      await saveCertificate({
        dir: v.output ?? configDir(),
        certificatePem: reg.certificate_pem,
        privateKeyPem: reg.private_key_pem,
        fingerprint: reg.fingerprint_sha1,
        force: Boolean(v.force),
        configure: Boolean(v.configure),
        summary: `registered as ${reg.common_name}${reg.is_admin ? " (admin)" : ""}; certificate expires ${date(reg.expires_at)}`,
      });
    },
  },

  cert: {
    usage: `sealbin cert [options]

Generates a self-signed client certificate on this machine (no server involved) and prints its
SHA1 fingerprint. Servers treat it as "untrusted": more than anonymous, less than PKI-issued.

  -a, --algorithm ec|rsa  key type (default ec)
  -c, --curve NAME        secp256r1, secp384r1 (default) or secp521r1
  -b, --bits N            RSA key size (default 4096)
  -d, --days N            validity (default 365)
  -n, --name NAME         common name (default: sealbin-<hostname>)
  -o, --output DIR        where to save client.crt and client.key (default: the config directory)
  --configure             point the config at the new certificate and its fingerprint
  --force                 replace existing files`,
    options: {
      algorithm: { type: "string", short: "a", default: "ec" },
      curve: { type: "string", short: "c", default: "secp384r1" },
      bits: { type: "string", short: "b", default: "4096" },
      days: { type: "string", short: "d", default: "365" },
      name: { type: "string", short: "n" },
      output: { type: "string", short: "o" },
      configure: { type: "boolean" },
      force: { type: "boolean" },
    },
    async run(v) {
      if (v.algorithm !== "ec" && v.algorithm !== "rsa")
        throw new CliError(2, "--algorithm must be ec or rsa");
      const bits = Number(v.bits);
      if (![2048, 3072, 4096].includes(bits)) throw new CliError(2, "--bits must be 2048, 3072 or 4096");
      const days = Number(v.days);
      if (!Number.isInteger(days) || days < 1 || days > 3650)
        throw new CliError(2, "--days must be from 1 to 3650");
      const name = v.name ?? `sealbin-${os.hostname()}`;
      if (name.length < 1 || name.length > 64 || /\p{Cc}/u.test(name))
        throw new CliError(2, "--name must be 1 to 64 printable characters");
      const made = selfSignedCertificate({ algorithm: v.algorithm, curve: v.curve, bits, days, name });
      await saveCertificate({
        dir: v.output ?? configDir(),
        certificatePem: made.certificatePem,
        privateKeyPem: made.privateKeyPem,
        fingerprint: made.fingerprint,
        force: Boolean(v.force),
        configure: Boolean(v.configure),
        summary: `self-signed ${v.algorithm === "ec" ? v.curve : `rsa ${bits}`} certificate "${name}", expires ${made.notAfter.toISOString().slice(0, 10)}`,
      });
    },
  },

  pki: {
    usage: `sealbin pki status
sealbin pki download [-o FILE] [--configure]
sealbin pki issue -n NAME [-o DIR] [--configure] [--force]
sealbin pki revoke SERIAL

  status     the CA, issue counts, and the certificates you hold or issued (with serials)
  download   the CA certificate (stdout, or -o FILE; --configure makes it the config's ca_cert)
  issue      have the CA issue a certificate (admin); saves client.crt and client.key
  revoke     revoke a certificate by serial (its holder, its issuer or an admin)`,
    options: {
      name: { type: "string", short: "n" },
      output: { type: "string", short: "o" },
      configure: { type: "boolean" },
      force: { type: "boolean" },
    },
    allowPositionals: true,
    async run(v, positionals) {
      const [sub, ...rest] = positionals;
      const client = new Client(loadConfig(v));
      if (sub === "status") {
        const s = await client.json("/pki");
        if (!s.enabled) {
          await out("PKI Status\nPKI enabled: no\n");
          return;
        }
        const lines = ["PKI Status", `CA initialized: ${s.ca_exists ? "yes" : "no"}`];
        if (s.ca_exists) {
          lines.push(
            `CA fingerprint: ${s.fingerprint_sha1}`,
            `CA expires: ${date(s.expires_at).slice(0, 10)}`,
          );
          if (s.issued !== undefined) lines.push(`Issued certs: ${s.issued}`, `Revoked: ${s.revoked}`);
          const certs = await client.json("/pki/certs");
          if (certs.count > 0) {
            lines.push("", "SERIAL                            STATUS   EXPIRES     NAME");
            for (const c of certs.certificates)
              lines.push(
                `${c.serial}  ${String(c.status).padEnd(7)}  ${date(c.expires_at).slice(0, 10)}  ${c.common_name}`,
              );
          }
        }
        await out(`${lines.join("\n")}\n`);
      } else if (sub === "download") {
        const res = await client.request("/pki/ca.crt");
        if (res.status >= 300) throw serverError(res);
        if (v.output) {
          const file = path.resolve(v.output);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, res.body);
          info(`CA certificate saved to ${file}`);
          if (v.configure) info(`configured: ${writeConfig({ ca_cert: file })}`);
        } else {
          if (v.configure) throw new CliError(2, "--configure needs -o FILE");
          await out(res.body);
        }
      } else if (sub === "issue") {
        if (!v.name) throw new CliError(2, "pki issue needs -n NAME");
        const issued = await client.json("/pki/issue", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: Buffer.from(JSON.stringify({ common_name: v.name })),
        });
        await saveCertificate({
          dir: v.output ?? ".",
          certificatePem: issued.certificate_pem,
          privateKeyPem: issued.private_key_pem,
          fingerprint: issued.fingerprint_sha1,
          force: Boolean(v.force),
          configure: Boolean(v.configure),
          summary: `issued ${issued.common_name} (serial ${issued.serial}), expires ${date(issued.expires_at)}`,
        });
      } else if (sub === "revoke") {
        if (rest.length !== 1 || !/^[0-9a-f]{1,64}$/i.test(rest[0] ?? ""))
          throw new CliError(2, "pki revoke needs one certificate serial (hex)");
        const r = await client.json(`/pki/revoke/${rest[0]}`, { method: "POST" });
        info(`${r.message}: ${r.serial}`);
      } else throw new CliError(2, `pki needs status, download, issue or revoke\n\n${COMMANDS.pki?.usage}`);
    },
  },

  config: {
    usage: `sealbin config server URL
sealbin config set KEY VALUE     (keys: ${CONFIG_KEYS.join(", ")})
sealbin config show

The config file is ${"$"}XDG_CONFIG_HOME/sealbin/config (~/.config/sealbin/config), "key = value" lines.
SEALBIN_<KEY> (or FLASKPASTE_<KEY>) variables override it, and -s/--server overrides both.`,
    options: {},
    allowPositionals: true,
    async run(v, positionals) {
      const [sub, ...rest] = positionals;
      if (sub === "server" && rest.length === 1) {
        const url = (rest[0] ?? "").replace(/\/+$/, "");
        if (!/^https?:\/\/[^/]+/i.test(url))
          throw new CliError(2, "the server must be an http:// or https:// URL");
        info(`server = ${url} in ${writeConfig({ server: url })}`);
      } else if (sub === "set" && rest.length === 2) {
        const key = rest[0] ?? "";
        if (!CONFIG_KEYS.includes(key))
          throw new CliError(2, `unknown key ${key}: one of ${CONFIG_KEYS.join(", ")}`);
        info(`${key} set in ${writeConfig({ [key]: rest[1] ?? "" })}`);
      } else if (sub === "show" && rest.length === 0) {
        const c = loadConfig(v);
        await out(
          `# ${configPath()}\n${CONFIG_KEYS.map((k) => `${k} = ${/** @type {any} */ (c)[k]}`).join("\n")}\n`,
        );
      } else throw new CliError(2, COMMANDS.config?.usage ?? "");
    },
  },

  shorten: {
    usage: `sealbin shorten [-x SECONDS] URL

Creates a short URL on the server and prints it.

  -x, --expiry SECONDS  expire after SECONDS`,
    options: { expiry: { type: "string", short: "x" } },
    allowPositionals: true,
    async run(v, positionals) {
      if (positionals.length !== 1) throw new CliError(2, "shorten takes one URL");
      const client = new Client(loadConfig(v));
      /** @type {Record<string, string>} */
      const headers = { "content-type": "application/json" };
      if (v.expiry) headers["x-expiry"] = v.expiry;
      const body = Buffer.from(JSON.stringify({ url: positionals[0] }));
      const created = await client.withPow("/challenge", (pow) =>
        client.request("/s", { method: "POST", headers: { ...headers, ...pow }, body }),
      );
      await out(`${new URL(created.url, `${client.base}/`).href}\n`);
    },
  },
  account: {
    usage: `sealbin account register -u NAME [--public-key TEXT] [--password-stdin]
sealbin account login -u NAME [--password-stdin]
sealbin account logout
sealbin account whoami

An account of the server's image store (/api/v1). While signed in, its token also identifies you to
the paste API (your pastes, list, delete). The password is asked for on a terminal, read from
standard input with --password-stdin, or taken from SEALBIN_PASSWORD. register sends the public key
you give, or makes an X25519 key pair (account.key, account.pub in the config directory).`,
    options: {
      user: { type: "string", short: "u" },
      "public-key": { type: "string" },
      "password-stdin": { type: "boolean" },
    },
    allowPositionals: true,
    async run(v, positionals) {
      const [sub] = positionals;
      const client = new Client(loadConfig(v));
      if (sub === "register" || sub === "login") {
        if (!v.user) throw new CliError(2, `account ${sub} needs -u NAME`);
        const password = await readPassword(Boolean(v["password-stdin"]));
        if (sub === "register") {
          const publicKey = v["public-key"] ?? accountPublicKey();
          const body = Buffer.from(new URLSearchParams({ username: v.user, password, publicKey }).toString());
          const res = await client.request("/api/v1/auth/register", { method: "POST", headers: FORM, body });
          if (res.status !== 201) throw serverError(res);
          info(`account ${v.user} registered; sign in with: sealbin account login -u ${v.user}`);
          return;
        }
        const body = Buffer.from(new URLSearchParams({ username: v.user, password }).toString());
        const session = await client.json("/api/v1/auth/login", { method: "POST", headers: FORM, body });
        fs.mkdirSync(configDir(), { recursive: true, mode: 0o700 });
        fs.writeFileSync(
          sessionPath(),
          JSON.stringify({ server: client.base, username: v.user, ...session }),
          { mode: 0o600 },
        );
        info(`signed in as ${v.user}`);
        await out(`${session.user_id}\n`);
      } else if (sub === "logout") {
        const session = readSession();
        if (!session) throw new CliError(2, "not signed in");
        const res = await client.request("/api/v1/auth/logout", { method: "POST" });
        fs.rmSync(sessionPath(), { force: true });
        if (res.status >= 300 && res.status !== 401) throw serverError(res);
        info("signed out");
      } else if (sub === "whoami") {
        const session = requireSession(client);
        const me = await client.json(`/api/v1/users/${session.user_id}`);
        await out(`${me.user_name} ${me.user_id}\n`);
      } else throw new CliError(2, COMMANDS.account?.usage ?? "");
    },
  },

  image: {
    usage: `sealbin image list
sealbin image upload FILE [--quotient TEXT]
sealbin image download NAME [--owner USER] [-o FILE] [--force]
sealbin image download-all [-o DIR] [--force]
sealbin image delete NAME [--owner USER]
sealbin image share NAME USER --role read|write
sealbin image role NAME USER read|write
sealbin image unshare NAME USER
sealbin image permissions NAME

Your images in the server's image store (sign in first: sealbin account login). NAME is the image's
name with or without its extension; USER a user name or id; --owner reads or deletes an image
someone shared with you.`,
    options: {
      owner: { type: "string" },
      output: { type: "string", short: "o" },
      force: { type: "boolean" },
      quotient: { type: "string" },
      role: { type: "string" },
    },
    allowPositionals: true,
    async run(v, positionals) {
      const [sub, ...rest] = positionals;
      const client = new Client(loadConfig(v));
      const me = requireSession(client).user_id;
      const owner = v.owner ? await userIdOf(client, v.owner) : me;
      const base = `/api/v1/users/${owner}/images`;
      const need = (/** @type {number} */ n) => {
        if (rest.length !== n) throw new CliError(2, COMMANDS.image?.usage ?? "");
      };
      const stem = (/** @type {string} */ name) => encodeURIComponent(name.replace(/\.[A-Za-z0-9]+$/, ""));
      /** @param {{ img_name: string, img_content: string }} img @param {string} file */
      const save = (img, file) => {
        if (fs.existsSync(file) && !v.force)
          throw new CliError(2, `${file} exists; pass --force to replace it`);
        fs.writeFileSync(file, Buffer.from(img.img_content, "latin1"));
        info(`${img.img_name} → ${file}`);
      };
      if (sub === "list") {
        need(0);
        const list = await client.json(base);
        await out(list.map((/** @type {{ img_name: string }} */ i) => `${i.img_name}\n`).join(""));
      } else if (sub === "upload") {
        need(1);
        const file = rest[0] ?? "";
        const content = readFile(file, "image");
        const boundary = `----sealbin${crypto.randomBytes(12).toString("hex")}`;
        const filename = path.basename(file).replace(/["\r\n\\]/g, "_");
        const body = Buffer.concat([
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="imageFile"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
          ),
          content,
          Buffer.from(
            `\r\n--${boundary}\r\nContent-Disposition: form-data; name="quotient"\r\n\r\n${v.quotient ?? ""}\r\n--${boundary}--\r\n`,
          ),
        ]);
        const res = await client.request(base, {
          method: "POST",
          headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
          body,
          label: "uploading",
        });
        if (res.status !== 201) throw serverError(res);
        info(`uploaded ${filename}`);
      } else if (sub === "download") {
        need(1);
        const img = await client.json(`${base}/${stem(rest[0] ?? "")}`);
        save(img, v.output ?? path.basename(img.img_name));
      } else if (sub === "download-all") {
        need(0);
        const dir = v.output ?? ".";
        fs.mkdirSync(dir, { recursive: true });
        for (const img of await client.json(`${base}/download-all`))
          save(img, path.join(dir, path.basename(img.img_name)));
      } else if (sub === "delete") {
        need(1);
        const res = await client.request(`${base}/${stem(rest[0] ?? "")}`, { method: "DELETE" });
        if (res.status !== 204) throw serverError(res);
        info(`deleted ${rest[0]}`);
      } else if (sub === "share" || sub === "role" || sub === "unshare") {
        need(sub === "role" ? 3 : 2);
        const target = await userIdOf(client, rest[1] ?? "");
        const perms = `${base}/${stem(rest[0] ?? "")}/permissions`;
        const role = sub === "role" ? rest[2] : v.role;
        if (sub !== "unshare" && role !== "read" && role !== "write")
          throw new CliError(2, "the role is read or write");
        const res =
          sub === "share"
            ? await client.request(perms, {
                method: "POST",
                headers: FORM,
                body: Buffer.from(new URLSearchParams({ user_id: target, role: role ?? "" }).toString()),
              })
            : sub === "role"
              ? await client.request(`${perms}/${target}`, {
                  method: "PUT",
                  headers: FORM,
                  body: Buffer.from(new URLSearchParams({ role: role ?? "" }).toString()),
                })
              : await client.request(`${perms}/${target}`, { method: "DELETE" });
        if (res.status >= 300) throw serverError(res);
        info(
          sub === "unshare"
            ? `${rest[0]}: no longer shared with ${rest[1]}`
            : `${rest[0]}: ${rest[1]} may ${role}`,
        );
      } else if (sub === "permissions") {
        need(1);
        const list = await client.json(`${base}/${stem(rest[0] ?? "")}/permissions`);
        await out(
          list
            .map((/** @type {{ userId: string, role: string }} */ p) => `${p.userId}  ${p.role}\n`)
            .join(""),
        );
      } else throw new CliError(2, COMMANDS.image?.usage ?? "");
    },
  },
  fn: {
    usage: `sealbin fn keygen pair|private|public NAME
sealbin fn call URL ENTRY [--dir DIR] [--secret FILE] [--key FILE] [--server-key FILE]

The sealed function API (mini-share-point's /v1), with the original's files:
  keygen pair NAME   writes NAME.key (private) and NAME.pub (public), 32 bytes in base64 each;
                     give NAME.pub to the server's admin for \`sealbin-server appendclient\`
  keygen public NAME writes NAME.pub for an existing NAME.key
  call URL ENTRY     calls function ENTRY at URL (e.g. http://host:5000/v1) and prints its answer;
                     reads client.secret, client.key and server.pub from DIR (default .)`,
    options: {
      dir: { type: "string", default: "." },
      secret: { type: "string" },
      key: { type: "string" },
      "server-key": { type: "string" },
    },
    allowPositionals: true,
    async run(v, positionals) {
      const [sub, ...rest] = positionals;
      /** @param {string} file @param {string} what */
      const readKey = (file, what) => {
        const text = readFile(file, what).toString("utf8").split(/\r?\n/)[0]?.trim() ?? "";
        const bytes = Buffer.from(text, "base64");
        if (bytes.length !== 32 || !/^[A-Za-z0-9+/]{43}=$/.test(text))
          throw new CliError(2, `${what} ${file} is not a 32-byte base64 key`);
        return bytes;
      };
      if (sub === "keygen") {
        const [kind, name] = rest;
        if (rest.length !== 2 || !name || !["pair", "private", "public"].includes(kind ?? "")) {
          throw new CliError(2, "usage: sealbin fn keygen pair|private|public NAME");
        }
        if (kind !== "public") {
          const file = `${name}.key`;
          if (fs.existsSync(file)) throw new CliError(2, `${file} exists: not replacing a private key`);
          fs.writeFileSync(file, crypto.randomBytes(32).toString("base64"), { mode: 0o600 });
          info(`Generated: ${file}`);
        }
        if (kind !== "private") {
          const secret = readKey(`${name}.key`, "private key");
          fs.writeFileSync(`${name}.pub`, x25519Public(secret).toString("base64"), { mode: 0o600 });
          info(`Generated: ${name}.pub`);
          await out(`${x25519Public(secret).toString("base64")}\n`);
        }
        return;
      }
      if (sub !== "call" || rest.length !== 2) throw new CliError(2, COMMANDS.fn?.usage ?? "");
      const [url = "", entry = ""] = rest;
      if (!/^https?:\/\//i.test(url))
        throw new CliError(2, "the URL must be http:// or https:// (e.g. http://localhost:5000/v1)");
      const dir = v.dir;
      const secretText =
        readFile(v.secret ?? path.join(dir, "client.secret"), "client secret")
          .toString("utf8")
          .split(/\r?\n/)[0]
          ?.trim() ?? "";
      if (!/^[0-9a-f]+$/i.test(secretText))
        throw new CliError(2, "the client secret must be the hex string appendclient printed");
      const clientKey = readKey(v.key ?? path.join(dir, "client.key"), "client key");
      const serverKey = readKey(v["server-key"] ?? path.join(dir, "server.pub"), "server public key");
      const shared = boxBefore(serverKey, clientKey);
      const secretBytes = Buffer.from(secretText, "utf8");
      /** @param {Uint8Array} bytes */
      const field = (bytes) =>
        boxSeal(bytes, shared).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
      const body = Buffer.from(
        JSON.stringify({
          id: field(secretBytes),
          check: field(minimalBigEndian(crc32(secretBytes))),
          ts: field(minimalBigEndian(Math.floor(Date.now() / 1000))),
          entry: field(Buffer.from(entry, "utf8")),
        }),
      );
      const client = new Client(loadConfig({ server: url.replace(/\/v1\/?$/, "") }));
      const res = await client.request(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      if (res.status === 401) {
        throw new CliError(
          1,
          "server answered 401: refused (check the secret, both keys, the function name and this machine's clock)",
        );
      }
      if (res.status !== 200) throw serverError(res);
      const value = parseJson(res.body).value;
      const sealed = typeof value === "string" ? Buffer.from(value, "base64url") : Buffer.alloc(0);
      const plain = boxOpen(sealed, shared);
      if (!plain) throw new CliError(4, "the answer could not be decrypted with the server's key");
      await out(`${plain.toString("utf8")}\n`);
    },
  },
};

const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** @param {Client} client */
function requireSession(client) {
  const session = readSession();
  if (!session || session.server !== client.base) {
    throw new CliError(2, `not signed in to ${client.base}: sealbin account login -u NAME`);
  }
  return session;
}

/** A user id, or a user name looked up in GET /api/v1/users. @param {Client} client @param {string} user */
async function userIdOf(client, user) {
  if (/^[0-9a-f]{24}$/.test(user)) return user;
  const users = await client.json("/api/v1/users");
  const found = users.find(
    (/** @type {{ user_name: string }} */ u) => u.user_name.toLowerCase() === user.toLowerCase(),
  );
  if (!found) throw new CliError(1, `no user named ${user}`);
  return found.user_id;
}

/** The public key `account register` sends by default: an X25519 pair kept in the config directory. */
function accountPublicKey() {
  const dir = configDir();
  const pub = path.join(dir, "account.pub");
  if (fs.existsSync(pub)) return fs.readFileSync(pub, "utf8").trim();
  const secret = crypto.randomBytes(32);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dir, "account.key"), secret.toString("base64"), { mode: 0o600 });
  const key = x25519Public(secret).toString("base64");
  fs.writeFileSync(pub, key);
  return key;
}

/** @param {boolean} fromStdin */
async function readPassword(fromStdin) {
  if (fromStdin) {
    /** @type {Buffer[]} */
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(/** @type {Buffer} */ (chunk));
    const line = Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
    if (line === "") throw new CliError(2, "no password on standard input");
    return line;
  }
  if (process.env.SEALBIN_PASSWORD) return process.env.SEALBIN_PASSWORD;
  if (!process.stdin.isTTY)
    throw new CliError(2, "no password: use --password-stdin, SEALBIN_PASSWORD or a terminal");
  process.stderr.write("password: ");
  process.stdin.setRawMode(true);
  let password = "";
  try {
    for await (const chunk of process.stdin) {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return password;
        if (ch === "\u0003") throw new CliError(2, "cancelled");
        if (ch === "\u007f") password = password.slice(0, -1);
        else password += ch;
      }
    }
    return password;
  } finally {
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stderr.write("\n");
  }
}

/** Every page of GET /pastes. @param {Client} client */
async function listAll(client, all = false, pageSize = 500) {
  /** @type {any[]} */
  const pastes = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await client.json(`/pastes?limit=${pageSize}&offset=${offset}${all ? "&all=1" : ""}`);
    pastes.push(...page.pastes);
    if (page.pastes.length < pageSize || pastes.length >= page.total) return pastes;
  }
}

const USAGE = `sealbin ${VERSION} — share pastes, files and short links, encrypted end to end

usage: sealbin [-s URL] COMMAND [options]
       sealbin [options] FILE          create a paste from FILE
       ... | sealbin [options]         create a paste from standard input

commands:
  create    upload a file or standard input (encrypted unless -E); prints the URL
  get       print a paste (decrypts with the URL's #key); -m for metadata
  delete    delete pastes by id, or --all --confirm N (admin)
  list      your pastes (--all: everyone's, admin)
  info      the server's limits and proof-of-work
  register  get a client certificate from the server's PKI (--configure)
  cert      make a self-signed client certificate locally (--configure)
  pki       status | download | issue | revoke
  config    server URL | set KEY VALUE | show
  shorten   make a short URL
  account   image-store account: register, login, logout, whoami
  image     your images: list, upload, download, download-all, delete, share, permissions
  fn        the sealed function API: keygen, call

"sealbin COMMAND --help" describes each. Exit codes: 0 done, 1 the server refused, 2 bad usage or
configuration, 3 server unreachable, 4 decryption failed.`;

/** @param {string[]} argv */
async function main(argv) {
  // Global -s/--server may come before the command.
  const globals = [];
  while (argv[0] === "-s" || argv[0] === "--server" || /^--server=/.test(argv[0] ?? "")) {
    const flag = /** @type {string} */ (argv.shift());
    globals.push(flag);
    if (!flag.includes("=") && argv.length > 0) globals.push(/** @type {string} */ (argv.shift()));
  }
  if (argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    await out(`${USAGE}\n`);
    return 0;
  }
  if (argv[0] === "--version" || argv[0] === "-V") {
    await out(`sealbin ${VERSION}\n`);
    return 0;
  }
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]);
  const name = named ? /** @type {string} */ (argv.shift()) : "create";
  if (!named && argv.length === 0 && process.stdin.isTTY) {
    await out(`${USAGE}\n`);
    return 2;
  }
  const command = /** @type {Command} */ (COMMANDS[name]);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...globals, ...argv],
      options: { ...GLOBAL, ...command.options },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (err) {
    throw new CliError(2, `${/** @type {Error} */ (err).message}\n\n${command.usage}`);
  }
  if (parsed.values.help) {
    await out(`${command.usage}\n`);
    return 0;
  }
  await command.run(parsed.values, parsed.positionals);
  return 0;
}

if (!isMainThread && workerData?.sealbinPow) {
  // A proof-of-work search thread (see solvePow).
  searchPow(workerData.sealbinPow, (msg) => parentPort?.postMessage(msg));
} else if (require.main !== module) {
  // Loaded by the test suite: the search functions, no command.
  module.exports = { searchPow, searchPowPlain };
} else {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      if (err instanceof CliError) {
        process.stderr.write(`sealbin: ${err.message}\n`);
        process.exitCode = err.code;
      } else {
        process.stderr.write(`sealbin: unexpected error: ${err?.stack ?? err}\n`);
        process.exitCode = 70;
      }
    },
  );
}
