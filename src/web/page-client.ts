/**
 * The page's client: the shared SealbinClient over fetch, against this page's server (its origin
 * and SEALBIN_URL_PREFIX, which the page names in data-prefix), proof-of-work in Web Workers.
 */
import { browserPowSolver } from "../client/browser-pow.ts";
import { type Progress, SealbinClient } from "../client/client.ts";
import { ClientError } from "../client/errors.ts";
import { fetchTransport } from "../client/fetch-transport.ts";
import type { PowSolver } from "../client/pow-solver.ts";
import type { Transport } from "../client/transport.ts";
import { ROUTES } from "../protocol/vocabulary.ts";

export const prefix = document.body.dataset.prefix ?? "";

/** What the page hears of a write while it runs. */
export interface WriteWatch {
  /** A challenge is being solved (not heard when the server asks for no proof-of-work). */
  readonly solving?: () => void;
  /** The write itself goes out (after its proof-of-work). */
  readonly sending?: () => void;
}

export function pageClient(watch: WriteWatch = {}): SealbinClient {
  const solver = browserPowSolver(`${prefix}${ROUTES.powWorker}`);
  const pow: PowSolver = {
    solve(challenge, onProgress) {
      watch.solving?.();
      return solver.solve(challenge, onProgress);
    },
  };
  const send = fetchTransport();
  const transport: Transport = (request) => {
    if (request.method !== "GET") watch.sending?.();
    return send(request);
  };
  return new SealbinClient({ base: `${location.origin}${prefix}`, transport, pow });
}

/**
 * A client for one write whose proof-of-work shows on `bar` (shown at 0 when solving starts, full
 * when the write goes out; the caller hides it when done), and the `onProgress` to pass the write.
 */
export function writeClient(
  bar: HTMLProgressElement,
  watch: WriteWatch = {},
): { client: SealbinClient; onProgress: (progress: Progress) => void } {
  const client = pageClient({
    solving: () => {
      bar.hidden = false;
      bar.value = 0;
      watch.solving?.();
    },
    sending: () => {
      bar.value = 100;
      watch.sending?.();
    },
  });
  const onProgress = (progress: Progress) => {
    if (progress.phase === "pow") bar.value = Math.min(99, Math.floor(100 * progress.fraction));
  };
  return { client, onProgress };
}

export const SOLVING = "Solving the proof-of-work…";

/**
 * Why a request failed, in the page's words: the server's own message (its `error`, and its `hint`
 * when it gives one), else its status; a paste over the limit says the sizes.
 */
export function reasonOf(err: unknown): string {
  if (err instanceof ClientError && err.kind === "refused") {
    const said = err.body?.error ?? err.body?.message;
    const hint = typeof err.body?.hint === "string" ? ` (${err.body.hint})` : "";
    return typeof said === "string" ? `${said}${hint}` : `HTTP ${err.status}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Whether `err` is the server's answer with this status. */
export const refusedWith = (err: unknown, status: number): boolean =>
  err instanceof ClientError && err.kind === "refused" && err.status === status;
