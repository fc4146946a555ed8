/**
 * The runner of the fuzz suite: it sends generated cases over raw TCP with bounded concurrency,
 * judges every answer, finds by replay the case that killed the server, and reports the failures.
 */
import { connect } from "node:net";
import { escaped, parseResponses } from "./wire.ts";

/** What the client does once the request is written. */
export type Ending =
  /** waits for the answer (the default) */
  | "open"
  /** half-closes at once: the body ends early */
  | "fin"
  /** half-closes after the first answer, so pipelined leftovers end too */
  | "fin-after-answer"
  /** keeps the connection open with an incomplete request: the server's request timeout must answer */
  | "stall";

/** One generated request and what it must get beyond "no 5xx". */
export interface FuzzCase {
  readonly family: string;
  readonly shape: string;
  readonly route: string;
  /** Written in order, a moment apart, so that parsers also see the bytes split. */
  readonly pieces: readonly Buffer[];
  readonly ending: Ending;
  /** Answers to wait for (pipelined requests): 1 unless said. */
  readonly answers?: number;
  /** A contract of this shape: what is wrong with the answers, or undefined when they are right. */
  readonly expect?: (statuses: readonly number[]) => string | undefined;
}

export interface Outcome {
  /** Statuses of the answers seen, in order (1xx left out); a cut-off last answer counts. */
  readonly statuses: number[];
  /** The server closed the connection before the deadline. */
  readonly closed: boolean;
  /** The deadline passed with no answer at all and the connection still open. */
  readonly stalled: boolean;
  /** The connection was made (a dead server refuses it). */
  readonly connected: boolean;
  readonly ms: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends one case to 127.0.0.1:`port` over a fresh TCP connection and watches what comes back. */
export function sendCase(port: number, c: FuzzCase, deadlineMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ port, host: "127.0.0.1" });
    const received: Buffer[] = [];
    let settled = false;
    let halfClosed = false;
    let connected = false;
    const finish = (closed: boolean, timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const { statuses } = parseResponses(Buffer.concat(received));
      resolve({
        statuses,
        closed,
        stalled: timedOut && statuses.length === 0,
        connected,
        ms: Math.round(performance.now() - started),
      });
    };
    const timer = setTimeout(() => finish(false, true), deadlineMs);
    socket.on("data", (d: Buffer) => {
      received.push(d);
      const { complete } = parseResponses(Buffer.concat(received));
      if (complete < (c.answers ?? 1)) return;
      if (c.ending === "fin-after-answer") {
        if (!halfClosed) {
          halfClosed = true;
          socket.end();
        }
      } else {
        finish(false, false);
      }
    });
    socket.on("error", () => finish(true, false));
    socket.on("close", () => finish(true, false));
    socket.on("connect", async () => {
      connected = true;
      for (const [i, piece] of c.pieces.entries()) {
        if (settled || socket.destroyed) return;
        if (i > 0) await pause(2);
        socket.write(piece);
      }
      if (c.ending === "fin" && !settled) {
        halfClosed = true;
        socket.end();
      }
    });
  });
}

export function describeCase(c: FuzzCase, max = 600): string {
  const bytes = Buffer.concat([...c.pieces]);
  return `${c.family}/${c.shape} on ${c.route} (ending: ${c.ending}): "${escaped(bytes, max)}"`;
}

export interface Failure {
  readonly kind: "5xx" | "stall" | "process exit" | "contract";
  readonly case: FuzzCase;
  readonly detail: string;
  count: number;
}

/** The server under fuzz: it may die, and is then started again on the same database. */
export interface FuzzTarget {
  port(): number;
  dead(): boolean;
  /** What the dead process wrote to stderr (its last words). */
  lastWords(): string;
  restart(): Promise<void>;
}

export interface FuzzOptions {
  readonly target: FuzzTarget;
  /** The next case to send, or undefined when the run is over. */
  readonly next: (sent: number, elapsedMs: number) => FuzzCase | undefined;
  readonly concurrency: number;
  /** How long a request may go unanswered on an open connection before it counts as a stall. */
  readonly deadlineMs: number;
  /** Crashes after which the run gives up. */
  readonly maxCrashes: number;
  /** Told of each case that killed the server, so that the run can go on to find other failures. */
  readonly onKiller?: (c: FuzzCase) => void;
  /** Told of each case a dead server refused unread, so that it can be sent again. */
  readonly onUnsent?: (c: FuzzCase) => void;
}

export interface FuzzReport {
  sent: number;
  ms: number;
  restarts: number;
  gaveUp: boolean;
  failures: Failure[];
  /** Answers by status ("none" when the connection closed with none). */
  statuses: Map<string, number>;
  families: Map<string, number>;
  /** Shapes whose connection the server closed without an answer (not a failure: a hint). */
  silent: Map<string, number>;
}

/** Cases replayed, one at a time, to find the one that killed the server. */
const MAX_SUSPECTS = 20;

const signatureOf = (kind: string, c: FuzzCase, status: number | string) =>
  `${kind} ${c.family}/${c.shape} ${c.route} ${status}`;

/**
 * Sends cases from `next` with bounded concurrency until it returns undefined. A 5xx, a stall, a
 * broken contract and the death of the server are failures (one per signature, with a count). When
 * the server dies, the cases sent just before are replayed one by one on a fresh process to find the
 * one that killed it; the run then goes on, up to `maxCrashes` times.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { target } = options;
  const started = performance.now();
  const failures = new Map<string, Failure>();
  const report: FuzzReport = {
    sent: 0,
    ms: 0,
    restarts: 0,
    gaveUp: false,
    failures: [],
    statuses: new Map(),
    families: new Map(),
    silent: new Map(),
  };
  const inFlight = new Set<FuzzCase>();
  /** The latest cases: whether they reached the server, were answered, and when they ended. */
  const recent: { c: FuzzCase; connected?: boolean; answered?: boolean; endedAt?: number }[] = [];
  let crashHandling: Promise<void> | undefined;
  let crashes = 0;
  let stopped = false;

  const fail = (kind: Failure["kind"], c: FuzzCase, status: number | string, detail: string) => {
    // One crash is one failure per route, whatever shape brought it about.
    const key =
      kind === "process exit"
        ? `${kind} ${c.route} ${/^\w*Error\b.*$/m.exec(detail)?.[0] ?? detail}`
        : signatureOf(kind, c, status);
    const known = failures.get(key);
    if (known) known.count++;
    else failures.set(key, { kind, case: c, detail, count: 1 });
  };

  const judge = (c: FuzzCase, o: Outcome) => {
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    bump(report.families, c.family);
    if (o.statuses.length === 0) bump(report.statuses, o.stalled ? "stall" : "none");
    if (o.statuses.length === 0 && !o.stalled) bump(report.silent, `${c.family}/${c.shape} on ${c.route}`);
    for (const s of o.statuses) bump(report.statuses, String(s));
    for (const s of o.statuses) if (s >= 500) fail("5xx", c, s, `answered ${s}`);
    if (o.stalled) fail("stall", c, "-", `no answer within ${options.deadlineMs} ms on an open connection`);
    const broken = o.statuses.length > 0 ? c.expect?.(o.statuses) : undefined;
    if (broken) fail("contract", c, o.statuses.join(","), `${broken}; got ${o.statuses.join(", ")}`);
  };

  const restart = async () => {
    await target.restart();
    report.restarts++;
  };

  /** Finds which of `suspects` kills a fresh server on its own, replaying them one at a time. */
  const findKiller = async (suspects: FuzzCase[]): Promise<FuzzCase | undefined> => {
    for (const suspect of suspects) {
      if (target.dead()) await restart();
      await sendCase(target.port(), suspect, options.deadlineMs);
      for (let waited = 0; waited < 500 && !target.dead(); waited += 25) await pause(25);
      if (target.dead()) return suspect;
    }
    return undefined;
  };

  const handleCrash = async () => {
    while (inFlight.size > 0) await pause(10);
    crashes++;
    const lastWords = target.lastWords();
    // The killer was in flight, or answered just before the end: unanswered ones first, then the
    // latest to end.
    const latest = recent
      .slice()
      .sort((a, b) => (b.endedAt ?? Number.POSITIVE_INFINITY) - (a.endedAt ?? Number.POSITIVE_INFINITY));
    recent.length = 0;
    const suspects = [
      ...latest.filter((r) => r.answered !== true),
      ...latest.filter((r) => r.answered === true),
    ]
      .map((r) => r.c)
      .slice(0, MAX_SUSPECTS);
    const killer = await findKiller(suspects);
    if (killer) {
      fail("process exit", killer, "-", `the server process exited:\n${lastWords}`);
      options.onKiller?.(killer);
    } else if (suspects[0]) {
      fail(
        "process exit",
        suspects[0],
        "-",
        `the server process exited, and none of the ${suspects.length} requests sent just before kills a fresh one alone:\n${lastWords}`,
      );
      for (const s of suspects) options.onKiller?.(s);
    }
    if (crashes >= options.maxCrashes) {
      report.gaveUp = true;
      stopped = true;
    }
    if (target.dead()) await restart();
  };
  const onDeath = () => {
    crashHandling ??= handleCrash().finally(() => {
      crashHandling = undefined;
    });
  };

  const worker = async () => {
    while (!stopped) {
      if (crashHandling) await crashHandling;
      if (stopped) break;
      const c = options.next(report.sent, performance.now() - started);
      if (!c) {
        stopped = true;
        break;
      }
      report.sent++;
      inFlight.add(c);
      const entry: (typeof recent)[number] = { c };
      recent.push(entry);
      if (recent.length > options.concurrency * 3) recent.shift();
      const outcome = await sendCase(target.port(), c, options.deadlineMs);
      entry.answered = outcome.statuses.length > 0;
      entry.connected = outcome.connected;
      entry.endedAt = performance.now();
      inFlight.delete(c);
      if (!outcome.connected) {
        // Refused: the server is gone, though its exit may not be known yet. This case never
        // reached it, and must not push the killer out of `recent`.
        recent.splice(recent.indexOf(entry), 1);
        report.sent--;
        options.onUnsent?.(c);
        await pause(100);
      }
      if (target.dead()) onDeath();
      else if (outcome.connected) judge(c, outcome);
    }
  };
  // The exit may come while every socket waits: watch for it too.
  const watcher = (async () => {
    while (!stopped) {
      await pause(50);
      if (target.dead() && !stopped) onDeath();
    }
  })();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (crashHandling) await crashHandling;
  stopped = true;
  await watcher;
  report.ms = Math.round(performance.now() - started);
  report.failures = [...failures.values()];
  return report;
}

/** A failure as lines of the assertion message. */
export function describeFailure(f: Failure, redact: readonly [string, string][] = []): string {
  let text = `[${f.kind}] ${f.detail.split("\n")[0]} (${f.count}×)\n  ${describeCase(f.case)}${
    f.kind === "process exit" ? `\n  ${f.detail.split("\n").slice(1, 12).join("\n  ")}` : ""
  }`;
  for (const [secret, name] of redact) if (secret) text = text.replaceAll(secret, name);
  return text;
}
