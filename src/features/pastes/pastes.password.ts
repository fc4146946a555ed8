import { randomBytes, timingSafeEqual } from "node:crypto";
import { Worker } from "node:worker_threads";
import { AppError } from "../../shared/errors.ts";

/**
 * PBKDF2 runs on one thread of its own at the lowest scheduling priority (nice 19 on Linux), one
 * hash at a time. On libuv's thread pool (node:crypto's async pbkdf2) up to four hashes competed
 * with the request thread for the CPU: on one core, plain reads waited up to seven times longer
 * while password-protected ones were checked. Now the request thread always goes first.
 */
class HashingThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  /** The hashing thread's id once it runs (Linux), for the test that checks its priority. */
  tid: number | undefined;

  private start(): Worker {
    const worker = new Worker(new URL("./pastes.password.worker.ts", import.meta.url));
    worker.on("message", (msg: { id?: number; hash?: Uint8Array; error?: string; tid?: number }) => {
      if (msg.id === undefined) {
        this.tid = msg.tid;
        return;
      }
      const waiter = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.hash) waiter?.resolve(Buffer.from(msg.hash));
      else waiter?.reject(new Error(msg.error ?? "hashing failed"));
    });
    worker.on("error", (err) => this.failAll(err));
    worker.on("exit", () => {
      this.worker = undefined;
      this.failAll(new Error("the hashing thread stopped"));
    });
    // Idle, the thread never keeps the process alive (unref after the listeners: adding one refs it).
    worker.unref();
    return worker;
  }

  private failAll(err: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }

  pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Promise<Buffer> {
    if (this.pending.size >= MAX_QUEUED_HASHES) {
      return Promise.reject(
        new AppError(503, "Server busy", { hint: "try again shortly" }, { "retry-after": "5" }),
      );
    }
    this.worker ??= this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker?.ref(); // busy: keep the process alive until the answer arrives
      this.worker?.postMessage({ id, password, salt, iterations, length });
    });
  }
}

/** Password checks waiting for the hashing thread beyond this are refused (503), not queued. */
const MAX_QUEUED_HASHES = 256;
export const hashingThread = new HashingThread();

export const PASSWORD_ITERATIONS = 600_000;
export const PASSWORD_MAX_CHARS = 1024;
const SALT_BYTES = 32;
const HASH_BYTES = 32;

/** A stored hash: `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>`, so iterations can rise later. */
export async function hashPassword(password: Uint8Array): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await hashingThread.pbkdf2(password, salt, PASSWORD_ITERATIONS, HASH_BYTES);
  return `pbkdf2-sha256$${PASSWORD_ITERATIONS}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export async function verifyPassword(password: Uint8Array, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await hashingThread.pbkdf2(
    password,
    Buffer.from(salt, "base64"),
    Number(iterations),
    expected.length,
  );
  return timingSafeEqual(actual, expected);
}

/**
 * The X-Paste-Password header's bytes. Node hands header values over as latin1, one char per byte,
 * so the original bytes (UTF-8 from a Unicode-aware client) are recovered exactly.
 */
export function passwordBytes(header: string): Buffer {
  return Buffer.from(header, "latin1");
}

/** Length in characters, as the client meant them (UTF-8), for the 1024-character bound. */
export function passwordLength(bytes: Uint8Array): number {
  return [...new TextDecoder().decode(bytes)].length;
}
