/**
 * The raw paste bodies family: binary, empty and too large bodies posted to / as they are.
 */
import { requestWith } from "../bodies.ts";
import { MAX_ANON, MAX_AUTH } from "../routes.ts";
import { encode, withHeader, withoutHeader } from "../wire.ts";
import { type Family, framedCase } from "./shape.ts";

export const raw: Family = {
  name: "raw paste bodies",
  shapes: [
    {
      name: "binary",
      routes: (r) => r.kind === "paste",
      make(route, ctx, rng) {
        const type = rng.pick([
          "application/octet-stream",
          "text/plain; charset=utf-8",
          "image/png",
          "application/pdf",
          "x/y",
        ]);
        const req = requestWith(route, ctx, rng, rng.bytes(rng.range(0, 20_000)), type);
        return framedCase(
          rng.chance(0.2) ? { ...req, headers: withoutHeader(req.headers, "content-type") } : req,
        );
      },
    },
    {
      name: "declared too large",
      routes: (r) => r.kind === "paste",
      make(route, ctx, rng) {
        const req = withHeader(
          requestWith(route, ctx, rng, rng.bytes(100), "application/octet-stream"),
          "Content-Length",
          String(rng.pick([MAX_ANON + 1, MAX_AUTH + 1, 10 ** 9, 2 ** 53])),
        );
        return { bytes: encode(req), ending: "fin" };
      },
    },
    {
      name: "streamed too large",
      routes: (r) => r.kind === "paste",
      make(route, ctx, rng) {
        const body = rng.bytes(rng.range(MAX_ANON - 100, MAX_AUTH + 100_000));
        return framedCase(requestWith(route, ctx, rng, body, "application/octet-stream"));
      },
    },
    {
      name: "empty",
      routes: (r) => r.kind === "paste",
      make(route, ctx, rng) {
        const req = requestWith(
          route,
          ctx,
          rng,
          Buffer.alloc(0),
          rng.pick(["text/plain", "application/json", "multipart/form-data; boundary=x"]),
        );
        return framedCase(
          rng.chance(0.3) ? { ...req, headers: withoutHeader(req.headers, "content-type") } : req,
        );
      },
    },
  ],
};
