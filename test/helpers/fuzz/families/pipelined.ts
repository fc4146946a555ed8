/**
 * The pipelined garbage family: a request followed on the same connection by random bytes, a
 * malformed second request, or a body longer than its length.
 */
import { baseRequest } from "../bodies.ts";
import { bodyRoutes, ROUTES } from "../routes.ts";
import { encode, framed } from "../wire.ts";
import type { Family } from "./shape.ts";

export const pipelined: Family = {
  name: "pipelined garbage",
  shapes: [
    {
      name: "random bytes",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const first = encode(framed(baseRequest(route, ctx, rng)));
        return { bytes: Buffer.concat([first, rng.bytes(rng.range(1, 3000))]), ending: "fin-after-answer" };
      },
    },
    {
      name: "malformed second request",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const first = encode(framed(baseRequest(route, ctx, rng)));
        const second = rng.pick([
          "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: zz\r\n\r\n",
          "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
          "GET /../../etc/passwd HTTP/1.1\r\n\r\n",
          "POST /pki/issue HTT",
          "\r\n\r\n\r\n",
          `POST ${route.path(ctx, rng)} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=z\r\nContent-Length: 40\r\n\r\n--z\r\nContent-Disposition: form-data; name`,
          "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        ]);
        return { bytes: Buffer.concat([first, Buffer.from(second, "latin1")]), ending: "fin-after-answer" };
      },
    },
    {
      name: "two requests then garbage",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const other = rng.pick(ROUTES.filter(bodyRoutes));
        const bytes = Buffer.concat([
          encode(framed(baseRequest(route, ctx, rng))),
          encode(framed(baseRequest(other, ctx, rng))),
          rng.bytes(rng.range(1, 200)),
        ]);
        return { bytes, ending: "fin-after-answer" };
      },
    },
    {
      name: "body longer than its length",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const extra = Buffer.concat([Buffer.from("\r\n"), rng.bytes(rng.range(1, 500))]);
        const bytes = Buffer.concat([encode(framed(req)), extra]);
        return { bytes, ending: "fin-after-answer" };
      },
    },
  ],
};
