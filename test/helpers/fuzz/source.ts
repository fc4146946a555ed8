/**
 * Where the fuzz suite's cases come from: every family × shape × route once, in an order the seed
 * shuffles, then random draws (routes by weight) until the limits say the run is over.
 */
import { type Budget, FAMILIES, type Family, type Shape } from "./families/index.ts";
import type { Rng } from "./rng.ts";
import { type Ctx, ROUTES, type Route } from "./routes.ts";
import type { FuzzCase } from "./runner.ts";

/** How long a run goes on (MIN_CASES and the rest, in test/e2e/fuzz.test.ts). */
export interface CaseLimits {
  /** At least this many cases, and every combination once… */
  readonly minCases: number;
  /** …then more until this much time has passed, never more than maxCases or past hardMs. */
  readonly softMs: number;
  readonly maxCases: number;
  readonly hardMs: number;
  /** Requests left that may hold a socket open for the whole request timeout. */
  readonly stallBudget: number;
}

export function caseSource(ctx: Ctx, rng: Rng, blocked: Set<string>, limits: CaseLimits) {
  const budget: Budget = { stalls: limits.stallBudget };
  const combos = rng.shuffle(
    FAMILIES.flatMap((family) =>
      family.shapes.flatMap((shape) =>
        ROUTES.filter(shape.routes).flatMap((route) =>
          Array.from({ length: shape.variants ?? 1 }, (_, variant) => ({ family, shape, route, variant })),
        ),
      ),
    ),
  );
  const isBlocked = (family: Family, route: Route) => blocked.has(`${family.name} ${route.name}`);
  const build = (family: Family, shape: Shape, route: Route, variant?: number): FuzzCase => {
    const { bytes, ...rest } = shape.make(route, ctx, rng, budget, variant);
    // Now and then in pieces, so that parsers also meet the bytes split at odd places.
    const cuts = rng.chance(0.3) ? [1, 2, 3].map(() => rng.int(bytes.length)).sort((a, b) => a - b) : [];
    const pieces = [0, ...cuts, bytes.length]
      .slice(1)
      .map((end, i, ends) => bytes.subarray(i === 0 ? 0 : (ends[i - 1] as number), end));
    return {
      family: family.name,
      shape: shape.name,
      route: route.name,
      pieces: pieces.filter((p) => p.length > 0),
      ...rest,
    };
  };
  const draw = (): FuzzCase => {
    for (;;) {
      const family = rng.pick(FAMILIES);
      const shape = rng.pick(family.shapes);
      const candidates = ROUTES.filter(shape.routes);
      const route = rng.weighted(candidates.map((r) => [r, r.weight] as const));
      if (!isBlocked(family, route)) return build(family, shape, route);
    }
  };
  let next = 0;
  const again: FuzzCase[] = [];
  return {
    combos: combos.length,
    /** Every combination has been sent (or skipped after a crash). */
    covered: () => next >= combos.length,
    next(sentSoFar: number, elapsedMs: number): FuzzCase | undefined {
      if (sentSoFar >= limits.maxCases || elapsedMs >= limits.hardMs) return undefined;
      const retry = again.shift();
      if (retry) return retry;
      while (next < combos.length) {
        const { family, shape, route, variant } = combos[next++] as (typeof combos)[number];
        if (!isBlocked(family, route)) return build(family, shape, route, variant);
      }
      if (sentSoFar >= limits.minCases && elapsedMs >= limits.softMs) return undefined;
      return draw();
    },
    /** A case a dead server refused goes out again. */
    unsent(c: FuzzCase) {
      again.push(c);
    },
    /** After a crash, the family on that route: its other shapes mostly meet the same bug. */
    block(c: FuzzCase) {
      blocked.add(`${c.family} ${c.route}`);
    },
  };
}
