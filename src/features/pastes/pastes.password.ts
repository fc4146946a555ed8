import { randomBytes, timingSafeEqual } from "node:crypto";
import { Worker } from "node:worker_threads";
import { abuseErrors } from "../abuse/abuse.errors.ts";
import { pasteErrors } from "./pastes.errors.ts";

/** Whose hash it is: the client's rate-limit key (see rateLimitKey), and how many it may hold at once. */
export interface HashingClient {
  readonly key: string;
  /** Hashes this client may have waiting or running at once (PASSWORD_HASHES_PER_CLIENT). */
  readonly maxHashes: number;
}

/**
 * Jobs waiting for one worker, taken from each client in turn rather than in arrival order: a client
 * with a hundred jobs waiting delays a newcomer's by at most one of its own, not by a hundred. A
 * client may hold (have waiting or running) only so many jobs at once, and all clients together
 * `maxTotal`.
 */
export class FairQueue<T> {
  /** The clients with jobs waiting, in turn order (a Map iterates in insertion order). */
  private readonly waiting = new Map<string, T[]>();
  /** Jobs waiting or running, per client. */
  private readonly held = new Map<string, number>();
  private total = 0;
  private readonly maxTotal: number;

  constructor(maxTotal: number) {
    this.maxTotal = maxTotal;
  }

  /** Jobs waiting or running, all clients together. */
  get size(): number {
    return this.total;
  }

  /**
   * Queues a job, or says why not: "client-full" when the client holds `maxPerClient` already,
   * "full" when all clients together hold `maxTotal`.
   */
  add(client: string, job: T, maxPerClient: number): "queued" | "client-full" | "full" {
    const held = this.held.get(client) ?? 0;
    if (held >= maxPerClient) return "client-full";
    if (this.total >= this.maxTotal) return "full";
    this.held.set(client, held + 1);
    this.total++;
    const jobs = this.waiting.get(client);
    if (jobs) jobs.push(job);
    else this.waiting.set(client, [job]);
    return "queued";
  }

  /** The next job in turn; its client holds it until `done`. */
  take(): { client: string; job: T } | undefined {
    const first = this.waiting.entries().next();
    if (first.done) return undefined;
    const [client, jobs] = first.value;
    const job = jobs.shift() as T;
    // To the back of the line, if it has more waiting.
    this.waiting.delete(client);
    if (jobs.length > 0) this.waiting.set(client, jobs);
    return { client, job };
  }

  /** A job taken from `client` has finished. */
  done(client: string): void {
    const held = (this.held.get(client) ?? 0) - 1;
    if (held > 0) this.held.set(client, held);
    else this.held.delete(client);
    this.total--;
  }

  /** Empties the queue, returning the jobs that were waiting (the running ones are the caller's). */
  clear(): T[] {
    const jobs = [...this.waiting.values()].flat();
    this.waiting.clear();
    this.held.clear();
    this.total = 0;
    return jobs;
  }
}

interface HashRequest {
  readonly id: number;
  readonly password: Uint8Array;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly length: number;
  readonly resolve: (hash: Buffer) => void;
  readonly reject: (err: Error) => void;
}

/** Hashes waiting for or on the thread beyond this, all clients together, are refused (503). */
const MAX_QUEUED_HASHES = 256;
/** A hash takes a fraction of a second: a client at its cap may try again in a second. */
const CLIENT_FULL_RETRY_AFTER = 1;

/**
 * PBKDF2 runs on one thread of its own at the lowest scheduling priority (nice 19 on Linux), one
 * hash at a time. On libuv's thread pool (node:crypto's async pbkdf2) up to four hashes competed
 * with the request thread for the CPU: on one core, plain reads waited up to seven times longer
 * while password-protected ones were checked. Now the request thread always goes first.
 *
 * The thread is given one hash at a time, the next taken from the next client in turn (FairQueue),
 * so that one address's flood of guesses cannot hold up another's password create or read; a
 * message queue to the worker would serve them first come, first served. The queue is this
 * process's, like the CPU it shares out: the per-client cap bounds one client's share of it, while
 * the guess count that survives restarts and spans processes is in the store (pastes.usecases.ts).
 */
class HashingThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly queue = new FairQueue<HashRequest>(MAX_QUEUED_HASHES);
  private running: { client: string; job: HashRequest } | undefined;
  /** The hashing thread's id once it runs (Linux), for the test that checks its priority. */
  tid: number | undefined;
  private startedCount = 0;

  /** Hashes handed to the thread so far: the tests check that a refused request costs none. */
  get started(): number {
    return this.startedCount;
  }

  private start(): Worker {
    const worker = new Worker(new URL("./pastes.password.worker.ts", import.meta.url));
    worker.on("message", (msg: { id?: number; hash?: Uint8Array; error?: string; tid?: number }) => {
      if (msg.id === undefined) {
        this.tid = msg.tid;
        return;
      }
      const running = this.running;
      if (running?.job.id !== msg.id) return;
      this.running = undefined;
      this.queue.done(running.client);
      if (msg.hash) running.job.resolve(Buffer.from(msg.hash));
      else running.job.reject(new Error(msg.error ?? "hashing failed"));
      this.next();
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

  /** Hands the next hash in turn to the thread, if it is free. */
  private next(): void {
    if (this.running) return;
    const next = this.queue.take();
    if (!next) {
      this.worker?.unref();
      return;
    }
    this.running = next;
    this.worker ??= this.start();
    this.worker.ref(); // busy: keep the process alive until the answer arrives
    this.startedCount++;
    const { id, password, salt, iterations, length } = next.job;
    this.worker.postMessage({ id, password, salt, iterations, length });
  }

  private failAll(err: Error): void {
    const running = this.running;
    this.running = undefined;
    for (const job of [...(running ? [running.job] : []), ...this.queue.clear()]) job.reject(err);
  }

  pbkdf2(
    password: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    length: number,
    client: HashingClient,
  ): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const job = { id: this.nextId++, password, salt, iterations, length, resolve, reject };
      const queued = this.queue.add(client.key, job, client.maxHashes);
      if (queued === "client-full") reject(abuseErrors.rateLimited(CLIENT_FULL_RETRY_AFTER));
      else if (queued === "full") reject(pasteErrors.hashingBusy());
      else this.next();
    });
  }
}

export const hashingThread = new HashingThread();

export const PASSWORD_ITERATIONS = 600_000;
export const PASSWORD_MAX_CHARS = 1024;
const SALT_BYTES = 32;
const HASH_BYTES = 32;

/** A stored hash: `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>`, so iterations can rise later. */
export async function hashPassword(password: Uint8Array, client: HashingClient): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await hashingThread.pbkdf2(password, salt, PASSWORD_ITERATIONS, HASH_BYTES, client);
  return `pbkdf2-sha256$${PASSWORD_ITERATIONS}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export async function verifyPassword(
  password: Uint8Array,
  stored: string,
  client: HashingClient,
): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = await hashingThread.pbkdf2(
    password,
    Buffer.from(salt, "base64"),
    Number(iterations),
    expected.length,
    client,
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

/** X-Paste-Password as bytes; an empty header is no password. */
export function passwordOf(value: string | undefined): Buffer | undefined {
  return value ? passwordBytes(value) : undefined;
}

/** Length in characters, as the client meant them (UTF-8), for the 1024-character bound. */
export function passwordLength(bytes: Uint8Array): number {
  return [...new TextDecoder().decode(bytes)].length;
}
