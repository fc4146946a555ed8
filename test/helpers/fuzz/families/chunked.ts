/**
 * The chunked family: chunked transfer coding with extensions, bad sizes, sizes that disagree with
 * the data, truncation, trailers, conflicting framing and big bodies.
 */
import { baseRequest } from "../bodies.ts";
import { bodyRoutes, MAX_AUTH } from "../routes.ts";
import { chunkedBody, encode, type Header } from "../wire.ts";
import { earlyEnd, type Family, framedCase } from "./shape.ts";

export const chunked: Family = {
  name: "chunked",
  shapes: [
    {
      name: "valid chunks with extensions",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        let body = chunkedBody(rng, req.body).toString("latin1");
        if (rng.chance(0.6))
          body = body.replace(
            /^([0-9a-f]+)\r\n/gm,
            (_m, size) => `${size};${rng.pick(["x=1", "a", `e="q;"`, " ;", "=="])}\r\n`,
          );
        return framedCase({
          ...req,
          headers: [...req.headers, ["Transfer-Encoding", "chunked"]],
          body: Buffer.from(body, "latin1"),
        });
      },
    },
    {
      name: "bad chunk size",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const size = rng.pick([
          "zz",
          "-1",
          "ffffffffffffffffffff",
          "7fffffffffffffff",
          "0x10",
          " 10",
          "1 0",
          "",
          "\x00",
          "+5",
          "1e3",
          "٣",
          "10\r\n",
        ]);
        const chunks = chunkedBody(rng, req.body).toString("latin1").split("\r\n");
        const at = 2 * rng.int(Math.max(1, Math.floor(chunks.length / 2)));
        chunks[at] = size;
        return framedCase({
          ...req,
          headers: [...req.headers, ["Transfer-Encoding", "chunked"]],
          body: Buffer.from(chunks.join("\r\n"), "latin1"),
        });
      },
    },
    {
      name: "size and data disagree",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const data = req.body.subarray(0, Math.max(1, req.body.length));
        const declared = Math.max(0, data.length + rng.pick([-3, -1, 1, 2, 100]));
        const body = Buffer.concat([
          Buffer.from(`${declared.toString(16)}\r\n`),
          data,
          Buffer.from("\r\n0\r\n\r\n"),
        ]);
        return framedCase({ ...req, headers: [...req.headers, ["Transfer-Encoding", "chunked"]], body });
      },
    },
    {
      name: "truncated",
      routes: bodyRoutes,
      make(route, ctx, rng, budget) {
        const req = baseRequest(route, ctx, rng);
        const body = chunkedBody(rng, req.body);
        const whole = encode({ ...req, headers: [...req.headers, ["Transfer-Encoding", "chunked"]], body });
        const cut = whole.length - rng.range(1, Math.min(body.length, 40));
        return { bytes: whole.subarray(0, cut), ending: earlyEnd(rng, budget) };
      },
    },
    {
      name: "trailers",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const trailer = rng.pick([
          "X-Trailer: 1\r\n",
          "Content-Length: 5\r\n",
          "Content-Type: text/html\r\n",
          "no colon\r\n",
          `X-Big: ${"t".repeat(rng.range(5_000, 40_000))}\r\n`,
          Array.from({ length: 500 }, (_, i) => `T${i}: x\r\n`).join(""),
          "X-A: 1\r\n folded\r\n",
          "\x00: \x01\r\n",
        ]);
        return framedCase({
          ...req,
          headers: [...req.headers, ["Transfer-Encoding", "chunked"], ["Trailer", "X-Trailer"]],
          body: chunkedBody(rng, req.body, { trailer }),
        });
      },
    },
    {
      name: "final CRLF missing",
      routes: bodyRoutes,
      make(route, ctx, rng, budget) {
        const req = baseRequest(route, ctx, rng);
        const body = chunkedBody(rng, req.body);
        const bytes = encode({ ...req, headers: [...req.headers, ["Transfer-Encoding", "chunked"]], body });
        return { bytes: bytes.subarray(0, bytes.length - rng.pick([1, 2])), ending: earlyEnd(rng, budget) };
      },
    },
    {
      name: "conflicting framing",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const body = chunkedBody(rng, req.body);
        const framing = rng.pick<Header[]>([
          [
            ["Transfer-Encoding", "chunked"],
            ["Content-Length", String(body.length)],
          ],
          [["Transfer-Encoding", "chunked, chunked"]],
          [["Transfer-Encoding", "gzip, chunked"]],
          [["Transfer-Encoding", "chunked, identity"]],
          [["Transfer-Encoding", "identity"]],
          [["Transfer-Encoding", "Chunked"]],
          [["Transfer-Encoding", "xchunked"]],
          [["Transfer-Encoding", "chunked "]],
          [
            ["Transfer-Encoding", "chunked"],
            ["Transfer-Encoding", "chunked"],
          ],
          [
            ["Transfer-Encoding", ""],
            ["", " chunked"],
          ],
          [["Transfer-Encoding", "\x0bchunked"]],
        ]);
        return framedCase({ ...req, headers: [...req.headers, ...framing], body });
      },
    },
    {
      name: "big chunked body",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const body = Buffer.concat([req.body, rng.bytes(rng.range(MAX_AUTH, MAX_AUTH + 150_000))]);
        return framedCase({
          ...req,
          headers: [...req.headers, ["Transfer-Encoding", "chunked"]],
          body: chunkedBody(rng, body),
        });
      },
    },
  ],
};
