/**
 * The multipart family: form-data bodies cut off at every telling place, with stray or second file
 * parts, bad boundaries, missing CRLFs, huge or odd part headers, too many parts, oversized files.
 */
import {
  boundaryOf,
  fieldPart,
  filePart,
  multipartRequest,
  PNG,
  strayFilePart,
  targetFieldOf,
  targetPart,
  usualParts,
} from "../bodies.ts";
import { MAX_ANON, MAX_AUTH, multipartRoutes } from "../routes.ts";
import { encode, framed, type Part } from "../wire.ts";
import { earlyEnd, type Family, framedCase, type Shape } from "./shape.ts";

export const multipart: Family = {
  name: "multipart",
  shapes: [
    ...(["alone", "after the file"] as const).map(
      (where): Shape => ({
        // The body is complete by its Content-Length but ends inside a part that is not the file.
        name: `stray file part cut off, ${where}`,
        routes: multipartRoutes,
        make(route, ctx, rng) {
          const stray = strayFilePart(rng);
          const boundary = boundaryOf(rng);
          const before =
            where === "alone" ? (rng.chance(0.5) ? [] : [fieldPart("note", "n")]) : usualParts(route, rng);
          const { req } = multipartRequest(route, ctx, rng, [...before, stray], { boundary });
          // The stray content is last: then its CRLF and the closing boundary.
          const contentEnd = req.body.length - `\r\n--${boundary}--\r\n`.length;
          const cut = contentEnd - rng.range(0, stray.content.length - 1);
          return framedCase({ ...req, body: req.body.subarray(0, cut) });
        },
      }),
    ),
    {
      // The first pass cuts at every one of these positions (under 40 of them) on each route.
      name: "cut at a boundary or header",
      routes: multipartRoutes,
      variants: 40,
      make(route, ctx, rng, _budget, variant) {
        const parts = rng.shuffle([
          ...usualParts(route, rng),
          strayFilePart(rng, 50),
          fieldPart("note", "n"),
        ]);
        const { req, cuts } = multipartRequest(route, ctx, rng, parts);
        const cut = variant === undefined ? rng.pick(cuts) : (cuts[variant % cuts.length] as number);
        return framedCase({ ...req, body: req.body.subarray(0, cut) });
      },
    },
    {
      // The Content-Length promises the whole body; it stops early and the client waits or half-closes.
      name: "cut, more promised",
      routes: multipartRoutes,
      make(route, ctx, rng, budget) {
        const parts = rng.shuffle([...usualParts(route, rng), strayFilePart(rng, 100)]);
        const { req, cuts } = multipartRequest(route, ctx, rng, parts);
        const whole = encode(framed(req));
        return {
          bytes: whole.subarray(0, whole.length - req.body.length + rng.pick(cuts)),
          ending: earlyEnd(rng, budget),
        };
      },
    },
    {
      name: "second file part",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const second = rng.chance(0.5) ? targetPart(route, rng) : strayFilePart(rng);
        return framedCase(
          multipartRequest(route, ctx, rng, rng.shuffle([...usualParts(route, rng), second])).req,
        );
      },
    },
    {
      name: "stray file part, complete",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const parts = rng.chance(0.3)
          ? [strayFilePart(rng)]
          : rng.shuffle([...usualParts(route, rng), strayFilePart(rng)]);
        return framedCase(multipartRequest(route, ctx, rng, parts).req);
      },
    },
    {
      name: "unterminated",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const parts = rng.shuffle([
          ...usualParts(route, rng),
          ...(rng.chance(0.5) ? [strayFilePart(rng)] : []),
        ]);
        return framedCase(multipartRequest(route, ctx, rng, parts, { closing: false }).req);
      },
    },
    {
      name: "bad boundary",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const boundary = boundaryOf(rng);
        const long = "b".repeat(rng.range(71, 400));
        const [header, used] = rng.pick<[string, string]>([
          [`multipart/form-data; boundary=${boundary}x`, boundary],
          ["multipart/form-data", boundary],
          ["multipart/form-data; boundary=", boundary],
          ['multipart/form-data; boundary=""', boundary],
          [`multipart/form-data; boundary=${long}`, long],
          ['multipart/form-data; boundary="a b;c"', "a b;c"],
          [`multipart/form-data; boundary=${boundary}; boundary=other`, boundary],
          [`multipart/form-data; boundary=${boundary.toUpperCase()}`, boundary],
          [`multipart/form-data; boundary=${boundary}`, `${boundary}\r\n--${boundary}`],
          [`multipart/form-data; charset=utf-8; boundary="${boundary}`, boundary],
          ["multipart/form-data; boundary=\x01\x02", "\x01\x02"],
          [`multipart/mixed; boundary=${boundary}`, boundary],
        ]);
        return framedCase(
          multipartRequest(route, ctx, rng, usualParts(route, rng), { boundary: used, header }).req,
        );
      },
    },
    {
      name: "missing CRLFs",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const { req } = multipartRequest(
          route,
          ctx,
          rng,
          rng.shuffle([...usualParts(route, rng), strayFilePart(rng, 20)]),
        );
        let text = req.body.toString("latin1");
        const breaks = [...text.matchAll(/\r\n/g)].map((m) => m.index);
        for (const at of rng
          .shuffle(breaks)
          .slice(0, rng.range(1, 3))
          .sort((a, b) => b - a)) {
          text = text.slice(0, at) + rng.pick(["\n", "", "\r", "\n\r"]) + text.slice(at + 2);
        }
        return framedCase({ ...req, body: Buffer.from(text, "latin1") });
      },
    },
    {
      name: "huge part headers",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const [part, ...rest] = usualParts(route, rng);
        const headers = rng.chance(0.5)
          ? [...(part as Part).headers, `X-Big: ${"h".repeat(rng.range(8_000, 150_000))}`]
          : [
              ...(part as Part).headers,
              ...Array.from({ length: rng.range(25, 300) }, (_, i) => `X-H${i}: v`),
            ];
        const parts = [{ ...(part as Part), headers }, ...rest];
        return framedCase(
          multipartRequest(route, ctx, rng, rng.chance(0.5) ? parts : [...parts].reverse()).req,
        );
      },
    },
    {
      // Field values, file names and part names with NUL, control and non-UTF-8 bytes.
      name: "odd text in parts",
      routes: multipartRoutes,
      variants: 4,
      make(route, ctx, rng, _budget, variant) {
        const odd = rng.pick(["\x00", "a\x00b", "\x01\x1f\x7f", "\xff\xfe", "\xed\xa0\x80", "\u202e"]);
        const target = targetPart(route, rng);
        const which = variant ?? rng.int(4);
        const name = targetFieldOf(route);
        const parts: Part[] = [
          which === 0
            ? {
                ...target,
                headers: [
                  `Content-Disposition: form-data; name="${name}"; filename="a${odd}.png"`,
                  "Content-Type: image/png",
                ],
              }
            : which === 1
              ? {
                  ...target,
                  headers: [
                    ...target.headers.slice(1),
                    `Content-Disposition: form-data; name="${name}"; filename*=UTF-8''a%00${encodeURIComponent("é")}.png`,
                  ],
                }
              : target,
          fieldPart(which === 3 ? `q${odd}` : "quotient", Buffer.from(`q${odd}q`, "latin1")),
        ];
        return framedCase(multipartRequest(route, ctx, rng, rng.shuffle(parts)).req);
      },
    },
    {
      name: "too many parts",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const fields = Array.from({ length: rng.range(15, 80) }, (_, i) => fieldPart(`f${i}`, rng.word(3)));
        return framedCase(
          multipartRequest(route, ctx, rng, rng.shuffle([...usualParts(route, rng), ...fields])).req,
        );
      },
    },
    {
      name: "odd dispositions",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const field = targetFieldOf(route);
        const disposition = rng.pick([
          "Content-Disposition: form-data",
          `Content-Disposition: form-data; name=${field}; filename=a.png`,
          `Content-Disposition: form-data; name="${field}"; filename=""`,
          `Content-Disposition: form-data; name="${field}"; filename*=UTF-8''%E2%82%AC%ZZ.png`,
          `Content-Disposition: form-data; name="${field}"; filename="\xff\xfe../../etc/passwd"`,
          `Content-Disposition: form-data; name="${field}"; filename="a.png"; filename="b.png"`,
          `Content-Disposition: attachment; name="${field}"; filename="a.png"`,
          `Content-Disposition: form-data; name="${field}\\"; filename="a.png`,
          `Content-Disposition: form-data; name="${field}"; filename="${"n".repeat(5000)}.png"`,
          `Content-Disposition: form-data; ;;; name="${field}"; filename="a.png"`,
          "Content-Type: image/png",
        ]);
        const extra = rng.pick([
          [],
          ["Content-Type: \x00garbage/;;"],
          ["Content-Transfer-Encoding: base64"],
          [`Content-Disposition: form-data; name="other"; filename="x"`],
          ["no colon here"],
        ]);
        const parts: Part[] = [
          { headers: [disposition, ...extra], content: route.kind === "image" ? PNG : Buffer.from("odd") },
          ...(route.kind === "image" ? [fieldPart("quotient", "q")] : []),
        ];
        return framedCase(multipartRequest(route, ctx, rng, rng.shuffle(parts)).req);
      },
    },
    {
      name: "garbage around and inside",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const boundary = boundaryOf(rng);
        const confusing = Buffer.concat([
          rng.bytes(50),
          Buffer.from(`\r\n--${boundary.slice(0, -1)}\r\n--`),
          rng.bytes(50),
        ]);
        const parts = rng.shuffle([
          ...usualParts(route, rng),
          filePart("x", "x.bin", "application/octet-stream", confusing),
        ]);
        const garbage = () => rng.bytes(rng.range(0, 300)).toString("latin1");
        return framedCase(
          multipartRequest(route, ctx, rng, parts, { boundary, preamble: garbage(), epilogue: garbage() })
            .req,
        );
      },
    },
    {
      name: "oversized file",
      routes: multipartRoutes,
      make(route, ctx, rng) {
        const big = rng.bytes(rng.range(MAX_AUTH + 1, MAX_AUTH + 200_000));
        const field = targetFieldOf(route);
        const { req, cuts } = multipartRequest(route, ctx, rng, [
          filePart(field, "big.png", "image/png", Buffer.concat([PNG, big])),
          ...(rng.chance(0.5) ? [strayFilePart(rng, 100)] : []),
        ]);
        // Sometimes cut off too: the limit and the end of the body both fall inside the part.
        const body = rng.chance(0.4)
          ? req.body.subarray(0, rng.pick(cuts.filter((c) => c > MAX_ANON)) ?? req.body.length)
          : req.body;
        return framedCase({ ...req, body });
      },
    },
    {
      name: "multipart on a JSON route",
      routes: (r) => r.kind === "json" || r.kind === "sealed",
      make(route, ctx, rng) {
        const fields = Object.entries(route.fields(ctx, rng)).map(([k, v]) => fieldPart(k, String(v)));
        const parts = rng.shuffle([...fields, strayFilePart(rng, 100)]);
        const { req, cuts } = multipartRequest(route, ctx, rng, parts);
        return framedCase(rng.chance(0.5) ? { ...req, body: req.body.subarray(0, rng.pick(cuts)) } : req);
      },
    },
  ],
};
