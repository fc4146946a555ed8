/**
 * Families of shapes. A shape turns a route into a case; the case source (../source.ts) covers every
 * family × shape × route once, then draws at random. Here: what a family and a shape are, and what
 * the shapes of several families share.
 */
import { requestWith } from "../bodies.ts";
import type { Rng } from "../rng.ts";
import type { Ctx, Route } from "../routes.ts";
import type { FuzzCase } from "../runner.ts";
import { encode, framed, type WireRequest } from "../wire.ts";

export interface Shape {
  readonly name: string;
  readonly routes: (r: Route) => boolean;
  /** Cases the first pass makes of this shape on each route, `variant` 0 to n - 1 (default 1). */
  readonly variants?: number;
  make(
    route: Route,
    ctx: Ctx,
    rng: Rng,
    budget: Budget,
    /** Which of `variants`, in the first pass; undefined in the random phase. */
    variant?: number,
  ): Omit<FuzzCase, "family" | "shape" | "route" | "pieces"> & {
    bytes: Buffer;
  };
}

export interface Family {
  readonly name: string;
  readonly shapes: readonly Shape[];
}

/** The requests left that may hold a socket open for the whole request timeout. */
export interface Budget {
  stalls: number;
}

/** "stall" while the budget lasts (now and then), else "fin": either way the body ends early. */
export function earlyEnd(rng: Rng, budget: Budget): "stall" | "fin" {
  if (budget.stalls > 0 && rng.chance(0.25)) {
    budget.stalls--;
    return "stall";
  }
  return "fin";
}

/** The request as it is, framed by a Content-Length unless it frames itself, waiting for its answer. */
export const framedCase = (req: WireRequest) => ({ bytes: encode(framed(req)), ending: "open" as const });

export const is4xx = (statuses: readonly number[]) =>
  statuses.every((s) => s >= 400 && s < 500) ? undefined : "expected a 4xx refusal";

export const onlyUnauthorized = (statuses: readonly number[]) =>
  statuses.every((s) => s === 401) ? undefined : "/v1 answers 401 with an empty body to anything it refuses";

/** For sealed calls that may still be valid (an extra field, lenient base64): 200 or 401, nothing else. */
export const answeredOrUnauthorized = (statuses: readonly number[]) =>
  statuses.every((s) => s === 200 || s === 401) ? undefined : "/v1 answers 200 or 401, nothing else";

/** A JSON request whose body text is `text`, exactly. */
export const jsonRequest = (route: Route, ctx: Ctx, rng: Rng, text: string | Buffer) =>
  framedCase(requestWith(route, ctx, rng, typeof text === "string" ? Buffer.from(text, "utf8") : text));

export function randomJson(rng: Rng, depth = 0): unknown {
  const kind = rng.int(depth > 3 ? 5 : 8);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -0, 1e308, -1, 1.5, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER]);
    case 3:
      return rng.word(rng.range(0, 20));
    case 4:
      return "";
    case 5:
      return Array.from({ length: rng.range(0, 4) }, () => randomJson(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.range(0, 4) }, () => [rng.word(4), randomJson(rng, depth + 1)]),
      );
  }
}
