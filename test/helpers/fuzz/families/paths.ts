/**
 * The paths and queries family: paging values past the databases' integers, odd listing queries,
 * encoded and dotted paths, very long targets and odd request-target forms.
 */
import { baseRequest } from "../bodies.ts";
import type { Rng } from "../rng.ts";
import { bodyRoutes } from "../routes.ts";
import { type Family, framedCase } from "./shape.ts";

/** Paging values past what the databases' integers hold: they must never reach a query as they are. */
const HUGE_PAGING = [
  "9223372036854775808",
  "9223372036854775807",
  "18446744073709551616",
  "1e300",
  "1e21",
  "9".repeat(400),
  String(2 ** 53),
];

/** Other values a paging parameter should refuse or take. */
const ODD_PAGING = [
  "-1",
  "-0",
  "0x10",
  "1.5",
  "NaN",
  "Infinity",
  "",
  "%00",
  "1%20",
  String(2 ** 53),
  String(2 ** 53 + 1),
  `${"0".repeat(400)}1`,
  "2147483648",
  "4294967296",
];

/** Ways oddTarget breaks a path. */
const PATH_ODDITIES = 12;

/** `path` with one segment (the last, half the time) encoded, dotted or garbled the `variant` way. */
function oddTarget(path: string, rng: Rng, variant = rng.int(PATH_ODDITIES)): string {
  const segments = path.split("/");
  const last = segments.length - 1;
  const i = rng.chance(0.5) ? last : rng.range(1, Math.max(1, last));
  const percent = (s: string) =>
    [...s].map((ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, "0")}`).join("");
  if (variant === 0) segments[i] = percent(segments[i] ?? "");
  else if (variant === 1) segments[i] = `${segments[i]}%00`;
  else if (variant === 2) segments[i] = `${segments[i]}%ZZ%E0%A4%A`;
  else if (variant === 3) segments[i] = `%C0%AE%C0%AE/${segments[i]}`;
  else if (variant === 4) segments.splice(i, 0, ".", "x", "..");
  else if (variant === 5) segments.splice(i, 0, "%2e%2e");
  else if (variant === 6) segments[i] = `${segments[i]}%2F..%2F`;
  else if (variant === 7) segments[i] = `${segments[i]}\\..`;
  else if (variant === 8) segments[i] = `${segments[i]};jsessionid=1`;
  else if (variant === 9) segments[i] = `${segments[i]}\xff\xfe`;
  else if (variant === 10) segments[i] = `${segments[i]}${"/".repeat(rng.range(2, 50))}`;
  else segments[i] = `${segments[i]}#frag`;
  return segments.join("/");
}

export const paths: Family = {
  name: "paths and queries",
  shapes: [
    {
      name: "huge paging numbers",
      routes: (r) => r.kind === "listing",
      make(route, ctx, rng) {
        const params = [`offset=${rng.pick(HUGE_PAGING)}`];
        if (rng.chance(0.3)) params.push("all=1");
        const req = baseRequest(route, ctx, rng);
        return framedCase({ ...req, target: `${route.path(ctx, rng)}?${rng.shuffle(params).join("&")}` });
      },
    },
    {
      name: "odd paging values",
      routes: (r) => r.kind === "listing",
      make(route, ctx, rng) {
        const params = [`offset=${rng.pick(ODD_PAGING)}`];
        if (rng.chance(0.5)) params.push(`limit=${rng.pick(ODD_PAGING)}`);
        if (rng.chance(0.3)) params.push(`offset=${rng.pick([...ODD_PAGING, ...HUGE_PAGING])}`);
        if (rng.chance(0.4)) params.push("all=1");
        const req = baseRequest(route, ctx, rng);
        return framedCase({ ...req, target: `${route.path(ctx, rng)}?${rng.shuffle(params).join("&")}` });
      },
    },
    {
      name: "odd listing queries",
      routes: (r) => r.kind === "listing",
      make(route, ctx, rng) {
        const query = rng.pick([
          "offset[]=1",
          "offset[a]=1&limit[b]=2",
          "__proto__[offset]=1",
          "constructor[prototype][x]=1",
          `${"a=1&".repeat(5000)}`,
          `offset=${"1".repeat(6000)}`,
          "limit=1&limit=2&limit=3",
          "offset",
          "=&=&=",
          "all=1&all=0&all[]",
          "%ff%fe=%80",
        ]);
        return framedCase({ ...baseRequest(route, ctx, rng), target: `${route.path(ctx, rng)}?${query}` });
      },
    },
    {
      name: "encoded and dotted paths",
      routes: bodyRoutes,
      variants: PATH_ODDITIES,
      make(route, ctx, rng, _budget, variant) {
        const req = baseRequest(route, ctx, rng);
        return framedCase({ ...req, target: oddTarget(req.target, rng, variant) });
      },
    },
    {
      name: "very long path or query",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const n = rng.pick([2_000, 8_000, 15_000, 17_000, 60_000]);
        const target = rng.chance(0.5)
          ? `${req.target}/${"a".repeat(n)}`
          : `${req.target}?q=${"b".repeat(n)}`;
        return framedCase({ ...req, target });
      },
    },
    {
      name: "queries on body routes",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const query = rng.pick([
          "offset=9223372036854775808",
          "limit=1e300",
          "__proto__[isAdmin]=true",
          "a".repeat(3000),
          "%",
          "?&?&",
          "x=%E0%A4%A",
          "all=1",
        ]);
        return framedCase({ ...req, target: `${req.target}?${query}` });
      },
    },
    {
      name: "request-target forms",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const target = rng.pick([
          `http://127.0.0.1${req.target}`,
          `http://evil.example${req.target}`,
          "*",
          req.target.slice(1),
          `/${req.target}`,
          req.target.replace(/\//g, "\\"),
          `${req.target} extra`,
          "",
          `${req.target}\t`,
        ]);
        return framedCase({ ...req, target });
      },
    },
  ],
};
