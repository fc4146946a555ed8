/**
 * The headers family: odd content types and lengths, proof-of-work, paste, authorization and
 * client certificate headers, broken header syntax, huge headers, and odd hosts, versions and methods.
 */
import { baseRequest } from "../bodies.ts";
import { bearer, bodyRoutes } from "../routes.ts";
import { encode, type Header, withHeader, withoutHeader } from "../wire.ts";
import { earlyEnd, type Family, framedCase } from "./shape.ts";

export const headers: Family = {
  name: "headers",
  shapes: [
    {
      name: "content type",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const value = rng.pick([
          "",
          ";;;",
          "multipart/form-data",
          "multipart/form-data; boundary",
          "application/json; charset=utf-8; charset=latin1",
          "*/*",
          "text/plain; charset=\xff",
          `application/${"x".repeat(rng.range(100, 6000))}`,
          "application/json, text/plain",
          "image/png\x00",
          "application/x-www-form-urlencoded; charset=utf-16",
          "!!!",
          " application/json",
        ]);
        const req = baseRequest(route, ctx, rng);
        if (rng.chance(0.15))
          return framedCase({ ...req, headers: [...req.headers, ["Content-Type", value]] });
        return framedCase(withHeader(req, "Content-Type", value));
      },
    },
    {
      name: "content length",
      routes: bodyRoutes,
      make(route, ctx, rng, budget) {
        const req = baseRequest(route, ctx, rng);
        const n = req.body.length;
        const [lengths, ending] = rng.pick<[string[], "open" | "early"]>([
          [["99999999999999999999"], "open"],
          [["-1"], "open"],
          [[`+${n}`], "open"],
          [[`0x${n.toString(16)}`], "open"],
          [[` ${n} `], "open"],
          [[`${n}, ${n}`], "open"],
          [[`${n},${n + 1}`], "open"],
          [[String(n), String(n + 1)], "open"],
          [[`000${n}`], "open"],
          [[`${n}.0`], "open"],
          [["1e3"], "open"],
          [[String(Math.max(0, n - rng.range(1, 10)))], "open"],
          [[String(n + rng.range(1, 1000))], "early"],
          [["1000000000"], "early"],
          [["0"], "open"],
        ]);
        const headers: Header[] = [
          ...withoutHeader(req.headers, "content-length"),
          ...lengths.map((l): Header => ["Content-Length", l]),
        ];
        const bytes = encode({ ...req, headers });
        return { bytes, ending: ending === "early" ? earlyEnd(rng, budget) : "open" };
      },
    },
    {
      name: "proof-of-work headers",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const token = rng.pick([
          "",
          "x",
          "a.b.c",
          "x".repeat(rng.range(1000, 8000)),
          "\xff\xfe",
          "1:2:3:4:5",
          "...",
        ]);
        const solution = rng.pick([
          "",
          "-1",
          "1e300",
          "NaN",
          "99999999999999999999999",
          "0x10",
          "1.5",
          "\xff",
          " 7 ",
        ]);
        const req = baseRequest(route, ctx, rng);
        const extra: Header[] = [
          ["X-PoW-Token", token],
          ["X-PoW-Solution", solution],
        ];
        if (rng.chance(0.3)) extra.push(["X-PoW-Token", "second"], ["X-PoW-Solution", "2"]);
        return framedCase({ ...req, headers: [...req.headers, ...extra] });
      },
    },
    {
      name: "paste headers",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const pick = rng.pick<Header[]>([
          [["X-Paste-Password", ""]],
          [["X-Paste-Password", "p".repeat(rng.range(1025, 12_000))]],
          [["X-Paste-Password", "\xff\xfe\x80 pw"]],
          [
            ["X-Paste-Password", "a"],
            ["X-Paste-Password", "b"],
          ],
          [["X-Paste-Password", "\t"]],
          [
            [
              "X-Expiry",
              rng.pick([
                "-1",
                "0",
                "1e300",
                "9223372036854775808",
                "NaN",
                "1.5",
                "",
                "  60",
                "9".repeat(400),
                "0x3c",
                "Infinity",
              ]),
            ],
          ],
          [
            ["X-Expiry", "60"],
            ["X-Expiry", "120"],
          ],
          [
            [
              "X-Burn-After-Read",
              rng.pick(["", "maybe", "1", "TRUE", "\x01", "yes please", "true".repeat(1000)]),
            ],
          ],
          [
            ["X-Burn-After-Read", "true"],
            ["X-Burn-After-Read", "false"],
          ],
        ]);
        return framedCase({ ...req, headers: [...req.headers, ...pick] });
      },
    },
    {
      name: "authorization",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const value = rng.pick([
          "Bearer",
          "Bearer ",
          "Bearer x.y.z",
          `Bearer ${ctx.token}x`,
          `Bearer ${ctx.token.slice(0, -5)}`,
          `bearer  ${ctx.token}`,
          `Bearer ${"a".repeat(rng.range(1000, 12_000))}`,
          "Basic Zm9vOmJhcg==",
          "Bearer \xff\xfe",
          `Bearer ${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"x"}').toString("base64url")}.`,
          "Bearer a.b",
          "Bearer ....",
        ]);
        const auth: Header[] = rng.chance(0.2)
          ? [["Authorization", value], ...bearer(ctx)]
          : [["Authorization", value]];
        return framedCase({ ...req, headers: [...withoutHeader(req.headers, "authorization"), ...auth] });
      },
    },
    {
      name: "client certificate",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const value = rng.pick([
          "",
          "not-hex",
          ctx.adminFp.toUpperCase(),
          ` ${ctx.adminFp}`,
          ctx.adminFp.slice(1),
          `${ctx.adminFp}0`,
          rng.hex(40),
          `${ctx.adminFp}, ${rng.hex(40)}`,
          "\xff".repeat(40),
          ctx.adminFp.replace(/[0-9]/, ":"),
        ]);
        const extra: Header[] = [["X-SSL-Client-SHA1", value]];
        if (rng.chance(0.3)) extra.push(["X-SSL-Client-SHA1", ctx.adminFp]);
        if (rng.chance(0.3)) extra.push(["X-Proxy-Secret", rng.word(10)]);
        return framedCase({
          ...req,
          headers: [...withoutHeader(req.headers, "x-ssl-client-sha1"), ...extra],
        });
      },
    },
    {
      name: "header syntax",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const line = rng.pick<Header>([
          ["", "No-Colon-Here"],
          ["", "X-Space : before colon"],
          ["", " folded continuation"],
          ["X-Nul", "a\x00b"],
          ["X-Ctl", "a\x01\x7fb"],
          ["X(bad)", "name with a separator"],
          ["", ": no name"],
          [`X-${"n".repeat(rng.range(100, 9000))}`, "long name"],
          ["X-Latin1", "\xe9\xff\xfe"],
          ["", "X-Bare-CR: a\rb"],
        ]);
        const at = rng.int(req.headers.length + 1);
        return framedCase({ ...req, headers: [...req.headers.slice(0, at), line, ...req.headers.slice(at)] });
      },
    },
    {
      name: "header size and count",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const extra: Header[] = rng.chance(0.5)
          ? [["X-Big", "v".repeat(rng.pick([8_000, 15_500, 17_000, 80_000]))]]
          : Array.from({ length: rng.pick([100, 1000, 2100, 4000]) }, (_, i): Header => [`X-H${i}`, "v"]);
        return framedCase({ ...req, headers: [...req.headers, ...extra] });
      },
    },
    {
      name: "host, version and expectations",
      routes: bodyRoutes,
      make(route, ctx, rng) {
        const req = baseRequest(route, ctx, rng);
        const variant = rng.int(9);
        if (variant === 0) return framedCase({ ...req, headers: withoutHeader(req.headers, "host") });
        if (variant === 1) return framedCase({ ...req, headers: [...req.headers, ["Host", "evil.example"]] });
        if (variant === 2)
          return framedCase(
            withHeader(
              req,
              "Host",
              rng.pick(["", "\xff", "a b", "x".repeat(5000), "[::1", "127.0.0.1:99999"]),
            ),
          );
        if (variant === 3)
          return framedCase({
            ...req,
            version: rng.pick(["HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "http/1.1", "HTTP/1.1 "]),
          });
        if (variant === 4)
          return framedCase({
            ...req,
            method: rng.pick([req.method.toLowerCase(), `${req.method} `, "P0ST", "POST\x00"]),
          });
        if (variant === 5)
          return framedCase({ ...req, headers: [...req.headers, ["Expect", "100-continue"]] });
        if (variant === 6)
          return framedCase({
            ...req,
            headers: [...req.headers, ["Expect", rng.pick(["garbage", "100-continue, x", ""])]],
          });
        if (variant === 7)
          return framedCase({
            ...req,
            headers: [
              ...req.headers,
              ["Connection", rng.pick(["close, upgrade", "Upgrade", "\xff"])],
              ["Upgrade", "websocket"],
            ],
          });
        return framedCase({
          ...req,
          headers: [
            ...req.headers,
            ["X-Forwarded-For", rng.pick(["garbage", "1.1.1.1, ::ffff:999.1.1.1", ",,,", "\xff"])],
          ],
        });
      },
    },
  ],
};
